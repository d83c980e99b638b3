import { transliterate } from '../search/normalize/transliterate.js';

/*
 * The PDF uses the standard Helvetica and Courier fonts, which every PDF reader has and which
 * need no font file, but hold only the Windows-1252 (WinAnsi) characters. Names in other
 * scripts are romanised for the PDF (Сергей Петров becomes Sergey Petrov), accents outside the
 * set are dropped, and anything left is shown as '?'; the HTML file keeps every value as stored.
 */

const WIN_ANSI_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
const FITS = new RegExp(`^[\\n\\t\\x20-\\x7E\\xA0-\\xFF${WIN_ANSI_EXTRA}]*$`, 'u');
const WORD = /[\p{L}\p{M}]+/gu;
const MARK = /\p{M}/gu;
// Letters that NFKD does not split into a base letter and a mark.
const LATIN_LETTERS = new Map([
  ['Ł', 'L'], ['ł', 'l'], ['Đ', 'D'], ['đ', 'd'], ['ı', 'i'], ['Ħ', 'H'], ['ħ', 'h'], ['Ŧ', 'T'], ['ŧ', 't'], ['ĸ', 'k'], ['Ŀ', 'L'], ['ŀ', 'l'],
]);

function fits(text: string): boolean {
  return FITS.test(text);
}

/** Romanises one word, keeping its capitals: ПЕТРОВ → PETROV, Пётр → Pyotr. */
function romanise(word: string): string {
  const lower = word.toLowerCase();
  const latin = transliterate(lower);
  if (latin === lower) return word;
  if (word === word.toUpperCase() && word !== lower) return latin.toUpperCase();
  const first = word.charAt(0);
  if (first !== first.toLowerCase()) return latin.charAt(0).toUpperCase() + latin.slice(1);
  return latin;
}

/** Text the PDF's standard fonts can show: unchanged when it fits, otherwise romanised and folded. */
export function pdfText(text: string): string {
  const nfc = text.normalize('NFC');
  if (fits(nfc)) return nfc;
  const romanised = nfc.replace(WORD, (word) => (fits(word) ? word : romanise(word)));
  return [...romanised]
    .map((ch) => {
      if (fits(ch)) return ch;
      const letter = LATIN_LETTERS.get(ch);
      if (letter !== undefined) return letter;
      const stripped = ch.normalize('NFKD').replace(MARK, '');
      return stripped !== '' && fits(stripped) ? stripped : '?';
    })
    .join('');
}
