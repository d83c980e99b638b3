import { doubleMetaphone } from 'double-metaphone';
import { foldText } from './fold.js';

// Apostrophes join (O'Brien → obrien, д'Артаньян → dartanyan); every other non-letter separates.
const APOSTROPHE = /['\u2018\u2019\u02BC\u02BB\u0060\u00B4\u2032]/gu;
const SEPARATOR = /[^\p{L}\p{N}]+/gu;

/** A name romanised, unaccented, lower-case, without punctuation: `normalizeName("Seán O'Brien-Łukasz")` is 'sean obrien lukasz'. */
export function normalizeName(text: string): string {
  return foldText(text).replace(APOSTROPHE, '').replace(SEPARATOR, ' ').trim();
}

/** The words of a normalised name, initials included: `nameTokens('J. R. Hartley')` is ['j', 'r', 'hartley']. */
export function nameTokens(text: string): string[] {
  return normalizeName(text).split(' ').filter((token) => token !== '');
}

/** The tokens in sorted order, so that word order does not matter: "Smith, John" and "John Smith" share a key. */
export function nameKey(text: string): string {
  return nameTokens(text).sort().join(' ');
}

/** Whether a token is a single letter (an initial), ignoring dots: `isInitial('J.')` is true. */
export function isInitial(token: string): boolean {
  const letters = token.normalize('NFC').replace(/\P{L}/gu, '');
  return Array.from(letters).length === 1;
}

/** The Double Metaphone primary code of one token: `phoneticKey('Dmitriy')` is 'TMTR'. */
export function phoneticKey(token: string): string {
  // An initial, or a token with nothing Double Metaphone encodes (digits, a script left as it
  // is), is its own key, so it still matches itself and nothing else.
  const normalized = normalizeName(token).replaceAll(' ', '');
  if (Array.from(normalized).length <= 1) return normalized;
  const [primary] = doubleMetaphone(normalized);
  return primary === '' ? normalized : primary;
}

/** The token without vowels (a e i o u y) or doubled letters: `consonantSkeleton('محمد')` and `consonantSkeleton('Mohammed')` are 'mhmd'. */
export function consonantSkeleton(token: string): string {
  // Arabic script is written without short vowels, so only consonants can meet Latin spellings.
  return normalizeName(token)
    .replace(/[\saeiouy]+/gu, '')
    .replace(/(.)\1+/gu, '$1');
}
