import { transliterate } from './transliterate.js';

// Letters that NFKD does not decompose into a base letter and a mark.
const LATIN_LETTERS = new Map<string, string>([
  ['ø', 'o'], ['ß', 'ss'], ['æ', 'ae'], ['œ', 'oe'], ['ł', 'l'], ['đ', 'd'], ['ð', 'd'], ['þ', 'th'],
  ['ı', 'i'], ['ħ', 'h'], ['ŧ', 't'], ['ĸ', 'k'],
]);
const LATIN_LETTER = /[øßæœłđðþıħŧĸ]/gu;

// Format characters (zero-width joiners, bidirectional marks, soft hyphens, BOM) and the Arabic
// tatweel (a stretching stroke) are invisible or decorative and arrive by copy and paste; left
// in, they would split or glue words unseen.
const FORMAT = /[\p{Cf}\u0640]/gu;
const MARK = /\p{M}/gu;

/** Lower-cases, romanises and strips accents, leaving punctuation to the caller: `foldText('Ørsted-Ærø')` is 'orsted-aero'. */
export function foldText(text: string): string {
  const lower = text.normalize('NFC').replace(FORMAT, '').toLowerCase();
  return transliterate(lower)
    .replace(LATIN_LETTER, (ch) => LATIN_LETTERS.get(ch) ?? ch)
    .normalize('NFKD')
    .replace(MARK, '')
    .toLowerCase();
}
