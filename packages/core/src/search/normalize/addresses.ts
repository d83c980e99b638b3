import { DIRECTIONS, STREET_ABBREVIATIONS, UNIT_DESIGNATORS, isStreetType } from './address-terms.js';
import { foldText } from './fold.js';

/** An address taken apart for matching; every text field is normalised (lower-case, expanded). */
export type AddressParts = {
  /** The whole address in one form: street, then `unit N`, then the postcode. */
  normalized: string;
  /** The words of `normalized` without the `unit` designator. */
  tokens: string[];
  /** The first house number, digits with an optional letter ("12b"). */
  houseNumber: string | null;
  unit: string | null;
  /** UK postcodes upper-case without spaces ("PO12AB"); ZIP and other numeric codes as digits. */
  postcode: string | null;
  /** The address without unit and postcode, house number and place names included. */
  street: string;
};

const APOSTROPHE = /['\u2018\u2019\u02BC\u0060\u00B4]/gu;
const HOUSE_NUMBER = /^\d+[a-z]?$/u;
const UNIT_VALUE = /^(?:[a-z]?\d+[a-z]?|[a-z])$/u;
const UK_OUTWARD = /^[a-z]{1,2}\d[a-z\d]?$/u;
const UK_INWARD = /^\d[a-z]{2}$/u;
const UK_WHOLE = /^([a-z]{1,2}\d[a-z\d]?)(\d[a-z]{2})$/u;
const NUMERIC_POSTCODE = /^(?:\d{4,6}|\d{5}-\d{4})$/u;
const ALPHABETIC = /^\p{L}+$/u;

// Splits the folded text into words, keeping '#' as a word of its own and reading "4/12" as
// unit 4 at number 12; a hyphen survives only inside a ZIP+4 code.
function addressWords(folded: string): string[] {
  const words: string[] = [];
  for (const raw of folded.replace(APOSTROPHE, '').split(/[^\p{L}\p{N}#/-]+/u)) {
    const slash = /^(\d+[a-z]?)\/(\d+[a-z]?)$/u.exec(raw);
    if (slash?.[1] !== undefined && slash[2] !== undefined) {
      words.push('unit', slash[1], slash[2]);
    } else if (/^\d{5}-\d{4}$/u.test(raw)) {
      words.push(raw);
    } else {
      words.push(...raw.split(/(#)|[/-]+/u).filter((part): part is string => part !== undefined && part !== ''));
    }
  }
  return words;
}

function takeUnit(words: string[]): { words: string[]; unit: string | null } {
  for (const [i, word] of words.entries()) {
    const value = words[i + 1];
    if (UNIT_DESIGNATORS.has(word) && value !== undefined && UNIT_VALUE.test(value)) {
      return { words: [...words.slice(0, i), ...words.slice(i + 2)], unit: value };
    }
  }
  return { words, unit: null };
}

function takePostcode(words: string[]): { words: string[]; postcode: string | null } {
  for (let i = words.length - 1; i >= 0; i -= 1) {
    const word = words[i] ?? '';
    const inward = words[i + 1];
    if (UK_OUTWARD.test(word) && inward !== undefined && UK_INWARD.test(inward)) {
      return { words: [...words.slice(0, i), ...words.slice(i + 2)], postcode: (word + inward).toUpperCase() };
    }
    if (UK_WHOLE.test(word)) return { words: [...words.slice(0, i), ...words.slice(i + 1)], postcode: word.toUpperCase() };
  }
  // A numeric code is only a postcode after a place or street name and after the house number,
  // at the end or before the town (10115 Berlin); "1200 Park Avenue" keeps its number.
  const firstNumber = words.findIndex((word) => HOUSE_NUMBER.test(word));
  for (let i = words.length - 1; i > firstNumber && i >= words.length - 3; i -= 1) {
    const word = words[i] ?? '';
    const afterIsPlace = words.slice(i + 1).every((w) => ALPHABETIC.test(w));
    const beforeHasName = words.slice(0, i).some((w) => ALPHABETIC.test(w));
    if (NUMERIC_POSTCODE.test(word) && afterIsPlace && beforeHasName) {
      return { words: [...words.slice(0, i), ...words.slice(i + 1)], postcode: word.replace('-', '') };
    }
  }
  return { words, postcode: null };
}

// "st" after a house number or first is Saint (12 St Johns Road), elsewhere Street; compass
// letters are expanded only beside a number or street type, where they cannot be an initial.
function expandWords(words: string[]): string[] {
  const out: string[] = [];
  for (const [i, word] of words.entries()) {
    const previous = out[i - 1];
    const afterNumber = previous === undefined || HOUSE_NUMBER.test(previous);
    if (word === 'st' && afterNumber) out.push('saint');
    else if (STREET_ABBREVIATIONS.has(word)) out.push(STREET_ABBREVIATIONS.get(word) ?? word);
    else if (DIRECTIONS.has(word) && previous !== undefined && (HOUSE_NUMBER.test(previous) || isStreetType(previous))) {
      out.push(DIRECTIONS.get(word) ?? word);
    } else out.push(word);
  }
  return out;
}

/** Takes an address apart: `normalizeAddress('Flat 3, 12 Harbour St, PO1 2AB')` gives street '12 harbour street', unit '3', postcode 'PO12AB'. */
export function normalizeAddress(text: string): AddressParts {
  const withUnit = takeUnit(addressWords(foldText(text)));
  const withPostcode = takePostcode(withUnit.words);
  const streetWords = expandWords(withPostcode.words.filter((word) => word !== '#'));
  const { unit } = withUnit;
  const { postcode } = withPostcode;
  const tokens = [...streetWords, ...(unit === null ? [] : [unit]), ...(postcode === null ? [] : [postcode.toLowerCase()])];
  const normalized = [...streetWords, ...(unit === null ? [] : ['unit', unit]), ...(postcode === null ? [] : [postcode.toLowerCase()])];
  return {
    normalized: normalized.join(' '),
    tokens,
    houseNumber: streetWords.find((word) => HOUSE_NUMBER.test(word)) ?? null,
    unit,
    postcode,
    street: streetWords.join(' '),
  };
}
