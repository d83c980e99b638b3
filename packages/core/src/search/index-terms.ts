import { SPECIAL_CATEGORY_PROPERTIES } from '../access/sensitive.js';
import { consonantSkeleton, nameGroups, nameKey, nameTokens, normalizeAddress, normalizeEmail, normalizeIdentifier, normalizeName, normalizePhone, phoneticKey } from './normalize/index.js';

/** The property-type groups one query runs across. */
export const SEARCH_GROUPS = ['name', 'address', 'identifier', 'phone', 'email', 'text'] as const;

/** One property-type group of the search index. */
export type SearchGroup = (typeof SEARCH_GROUPS)[number];

/** What the index holds of one statement: its group, the key trigrams compare, and its exact-match terms. */
export interface IndexedValue {
  grp: SearchGroup;
  key: string;
  terms: string[];
}

// Free text is indexed by its words; long texts keep their first words only.
const MAX_TEXT_TERMS = 300;
const MAX_KEY_CHARS = 256;

/** The group a property type is searched in, or null when its values are not searched (dates, countries, references...). */
export function searchGroupOf(propType: string): SearchGroup | null {
  switch (propType) {
    case 'name':
      return 'name';
    case 'address':
      return 'address';
    case 'identifier':
    case 'iban':
      return 'identifier';
    case 'phone':
      return 'phone';
    case 'email':
      return 'email';
    case 'text':
    case 'string':
      return 'text';
    default:
      return null;
  }
}

/** The terms a name token gives: itself, its phonetic code, the given names it may stand for, and its consonant skeleton. */
export function nameTokenTerms(token: string): string[] {
  const terms = [`t:${token}`];
  if (token.length > 1) terms.push(`p:${phoneticKey(token)}`);
  for (const group of nameGroups(token)) if (group !== token) terms.push(`g:${group}`);
  if (token.length >= 3) terms.push(`s:${consonantSkeleton(token)}`);
  return terms;
}

/**
 * What the search index keeps of one property value, or null when the value is not searched:
 * special categories are never searchable, whatever their type.
 * @example indexValue('name', 'name', 'Robert Smith') // { grp: 'name', key: 'robert smith', terms: ['t:robert', 'p:RBRT', ...] }
 */
export function indexValue(property: string, propType: string, value: string): IndexedValue | null {
  if (SPECIAL_CATEGORY_PROPERTIES.includes(property)) return null;
  const grp = searchGroupOf(propType);
  if (grp === null) return null;
  const terms = new Set<string>();
  let key: string;
  switch (grp) {
    case 'name': {
      key = nameKey(value);
      for (const token of nameTokens(value)) for (const term of nameTokenTerms(token)) terms.add(term);
      break;
    }
    case 'address': {
      const address = normalizeAddress(value);
      key = address.normalized;
      for (const token of address.tokens) terms.add(`t:${token}`);
      if (address.houseNumber !== null) terms.add(`h:${address.houseNumber}`);
      if (address.postcode !== null) terms.add(`pc:${address.postcode}`);
      break;
    }
    case 'identifier':
      key = normalizeIdentifier(value);
      if (key !== '') terms.add(`x:${key}`);
      break;
    case 'phone':
      key = normalizePhone(value) ?? value.replace(/[^\d+]/g, '');
      if (key !== '') terms.add(`x:${key}`);
      break;
    case 'email':
      key = normalizeEmail(value) ?? value.trim().toLowerCase();
      terms.add(`x:${key}`);
      break;
    case 'text': {
      key = normalizeName(value).slice(0, MAX_KEY_CHARS);
      for (const token of nameTokens(value)) {
        if (token.length < 3) continue;
        terms.add(`t:${token}`);
        if (terms.size >= MAX_TEXT_TERMS) break;
      }
      break;
    }
  }
  if (terms.size === 0 && key === '') return null;
  return { grp, key: key.slice(0, MAX_KEY_CHARS), terms: [...terms] };
}
