/**
 * Arabic script to the Latin consonants that everyday spellings of Arabic (and Persian) names
 * use. Unvowelled text yields a consonant frame (محمد → mhmd) that consonantSkeleton compares
 * with vowelled Latin spellings; the short-vowel marks, when written, are honoured.
 */

const LETTERS = new Map<string, string>([
  ['ا', 'a'], ['أ', 'a'], ['إ', 'i'], ['آ', 'a'], ['ٱ', 'a'], ['ء', ''], ['ئ', 'i'], ['ؤ', 'u'],
  ['ب', 'b'], ['ت', 't'], ['ث', 'th'], ['ج', 'j'], ['ح', 'h'], ['خ', 'kh'], ['د', 'd'], ['ذ', 'dh'],
  ['ر', 'r'], ['ز', 'z'], ['س', 's'], ['ش', 'sh'], ['ص', 's'], ['ض', 'd'], ['ط', 't'], ['ظ', 'z'],
  ['غ', 'gh'], ['ف', 'f'], ['ق', 'q'], ['ك', 'k'], ['ل', 'l'], ['م', 'm'], ['ن', 'n'], ['ه', 'h'],
  ['ة', 'a'], ['ى', 'a'], ['ۀ', 'a'],
  ['پ', 'p'], ['چ', 'ch'], ['ژ', 'zh'], ['گ', 'g'], ['ک', 'k'],
  // Short vowels and the dagger alif, when the writer chose to show them.
  ['\u064E', 'a'], ['\u064F', 'u'], ['\u0650', 'i'], ['\u0670', 'a'],
  // Sukun and nunation carry no letter a Latin spelling of a name would show.
  ['\u0652', ''], ['\u064B', ''], ['\u064C', ''], ['\u064D', ''],
  ['٠', '0'], ['١', '1'], ['٢', '2'], ['٣', '3'], ['٤', '4'], ['٥', '5'], ['٦', '6'], ['٧', '7'], ['٨', '8'], ['٩', '9'],
  ['۰', '0'], ['۱', '1'], ['۲', '2'], ['۳', '3'], ['۴', '4'], ['۵', '5'], ['۶', '6'], ['۷', '7'], ['۸', '8'], ['۹', '9'],
]);

const SHADDA = '\u0651';
const LONG_VOWELS = new Set(['ا', 'آ', 'ى', 'و', 'ي', 'ی']);
const SHORT_VOWELS = new Set(['\u064E', '\u064F', '\u0650', '\u0670']);

// و and ي are consonants (w, y) before a vowel or at the start of a word, long vowels (u, i) otherwise.
function glide(consonant: string, vowel: string, atStart: boolean, next: string | undefined): string {
  if (atStart || next === 'ا' || next === 'آ' || (next !== undefined && SHORT_VOWELS.has(next))) return consonant;
  return vowel;
}

/** Romanises one run of Arabic-script letters and marks (a word or part of one). */
export function arabicToLatin(run: string): string {
  // NFC puts shadda after a short vowel on the same letter; the doubling belongs before the vowel.
  const chars = Array.from(run.replace(/([\u064B-\u0650\u0652\u0670]+)\u0651/gu, '\u0651$1'));
  let out = '';
  let last = '';
  for (const [i, ch] of chars.entries()) {
    const next = chars[i + 1];
    const prev = chars[i - 1];
    let latin: string;
    if (ch === SHADDA) {
      // A doubled consonant: repeat the last Latin letter written (مُحَمَّد → muhammad).
      latin = last.slice(-1);
    } else if (ch === 'و') {
      latin = glide('w', 'u', i === 0, next);
    } else if (ch === 'ي' || ch === 'ی') {
      latin = glide('y', 'i', i === 0, next);
    } else if (ch === 'ع') {
      // Latin spellings drop ʿayn beside a long vowel (إسماعيل → ismail) and show it as a elsewhere (عمر → amr).
      const besideVowel = (prev !== undefined && LONG_VOWELS.has(prev)) || (next !== undefined && LONG_VOWELS.has(next));
      latin = besideVowel ? '' : 'a';
    } else {
      latin = LETTERS.get(ch) ?? ch;
    }
    out += latin;
    if (latin !== '' && !SHORT_VOWELS.has(ch)) last = latin;
  }
  return out;
}
