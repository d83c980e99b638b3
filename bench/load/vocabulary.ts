// Made-up words for the load benchmark's records: given names, family names, streets, towns and
// company words built from syllables by a seeded generator, so every run makes the same store and
// no name is a real person's.
import { checkValue, indexValue, seededRandom } from '@casegraph/core';

const ONSETS = ['b', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'z', 'br', 'dr', 'gr', 'kl', 'st', 'tr', 'vr'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'aa', 'ei', 'oo', 'ie', 'ou'];
const CODAS = ['', '', 'n', 'r', 's', 'l', 'm', 'k', 't', 'nd', 'rt', 'ls'];
const STREET_KINDS = ['Street', 'Road', 'Lane', 'Avenue', 'Way', 'Close'];
const COMPANY_SUFFIXES = ['Holding', 'Trading', 'Logistics', 'Consultancy'];

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** `count` distinct words of `syllables` syllables each. */
export function madeUpWords(count: number, syllables: number, seed: number): string[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const words = new Set<string>();
  while (words.size < count) {
    let word = '';
    for (let s = 0; s < syllables; s++) word += pick(ONSETS) + pick(VOWELS) + (s === syllables - 1 ? pick(CODAS) : '');
    words.add(capitalise(word));
  }
  return [...words];
}

/** One word of a name as the search index holds it: its normalised form and its exact-match terms. */
export interface NameToken {
  word: string;
  token: string;
  terms: string[];
}

/** The index terms of each word, computed by the search index's own code. */
export function nameTokensOf(words: readonly string[]): NameToken[] {
  return words.map((word) => {
    const indexed = indexValue('name', 'name', word);
    if (indexed === null || indexed.key.includes(' ')) throw new Error(`the made-up word "${word}" is not one name token`);
    return { word, token: indexed.key, terms: indexed.terms };
  });
}

/** A value with what the store keeps of it: the statement's normalised value, the index key and terms. */
export interface IndexedPhrase {
  value: string;
  normalized: string;
  key: string;
  terms: string[];
}

function indexedPhrase(property: string, propType: string, value: string): IndexedPhrase {
  const checked = checkValue(propType, value);
  const indexed = indexValue(property, propType, value);
  if (!checked.ok || checked.normalized === null || indexed === null) throw new Error(`"${value}" is not a ${propType} the store indexes`);
  return { value, normalized: checked.normalized, key: indexed.key, terms: indexed.terms };
}

/** `count` addresses: house number, street, postcode and town. */
export function madeUpAddresses(count: number, seed: number): IndexedPhrase[] {
  const streets = madeUpWords(400, 2, seed);
  const towns = madeUpWords(120, 2, seed + 1);
  const random = seededRandom(seed + 2);
  const out: IndexedPhrase[] = [];
  for (let i = 0; i < count; i++) {
    const street = `${streets[i % streets.length]} ${STREET_KINDS[Math.floor(i / streets.length) % STREET_KINDS.length]}`;
    const postcode = `${1000 + Math.floor(random() * 8999)} ${String.fromCharCode(65 + Math.floor(random() * 26))}${String.fromCharCode(65 + Math.floor(random() * 26))}`;
    const town = towns[Math.floor(random() * towns.length)] ?? 'Town';
    out.push(indexedPhrase('address', 'address', `${1 + Math.floor(i / (streets.length * STREET_KINDS.length))} ${street}, ${postcode} ${town}`));
  }
  return out;
}

/** `count` company names: two made-up words and a trade. */
export function madeUpCompanyNames(count: number, seed: number): IndexedPhrase[] {
  const side = Math.ceil(Math.sqrt(count / COMPANY_SUFFIXES.length));
  const first = madeUpWords(side, 2, seed);
  const second = madeUpWords(side, 3, seed + 1);
  const out: IndexedPhrase[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${first[i % side]} ${second[Math.floor(i / side) % side]} ${COMPANY_SUFFIXES[Math.floor(i / (side * side)) % COMPANY_SUFFIXES.length]}`;
    out.push(indexedPhrase('name', 'name', name));
  }
  return out;
}
