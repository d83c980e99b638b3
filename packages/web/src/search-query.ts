/** Building and reading search queries in the server's query syntax, and wording its explanations. */

import type { MatchHow } from './api';

/** One entry of the syntax help: what to type, an example, and what it does. */
export interface SyntaxEntry {
  syntax: string;
  example: string;
  meaning: string;
}

/** Every field the query syntax knows, with an example; mirrors the server's parser. */
export const SEARCH_SYNTAX: readonly SyntaxEntry[] = [
  { syntax: 'words', example: 'Anna Novak', meaning: 'Free text: matched as a name, address, phone, email, identifier or words of a document.' },
  { syntax: 'name:', example: 'name:"Anna Maria Novak"', meaning: 'A name of a person, company or other entity; spelling variants, nicknames, initials and other scripts match.' },
  { syntax: 'address:', example: 'address:"12 Harbour Street, Portsmouth"', meaning: 'An address; the same unit ranks above the same building, above the same street.' },
  { syntax: 'phone:', example: 'phone:"+44 20 7946 0018"', meaning: 'A phone number in any common format.' },
  { syntax: 'email:', example: 'email:anna@example.org', meaning: 'An email address.' },
  { syntax: 'id:', example: 'id:AB123456C', meaning: 'An identifier: registration, passport, tax or account number.' },
  { syntax: 'schema:', example: 'schema:Person', meaning: 'Only this type of record (and its subtypes). A filter: it narrows a search, it cannot be one alone.' },
  { syntax: 'source:', example: 'source:company-registry', meaning: 'Only records from this source (its id, as on the Sources page). A filter.' },
  { syntax: 'born:', example: 'born:1978..1980', meaning: 'Born in a year or date range: born:1978, born:1978-05, born:..1980, born:1978..1980. A filter.' },
];

/** The filter fields a facet can add to a query. */
export type FilterField = 'schema' | 'source';

const HOW_PHRASES: Record<MatchHow, string> = {
  exact: 'Exact match',
  'token-order': 'Same names, another order',
  nickname: 'Nickname or short form',
  initial: 'Matches an initial',
  phonetic: 'Sounds alike',
  typo: 'Spelled differently',
  transliteration: 'Same name in another script or spelling',
  trigram: 'Similar letters',
  // The server also says same-unit when only one side names a unit; its detail tells which.
  'same-unit': 'Same address',
  'same-building': 'Same building, another unit',
  'same-street': 'Same street, another building',
  words: 'Contains the words',
};

function isMatchHow(how: string): how is MatchHow {
  return Object.hasOwn(HOW_PHRASES, how);
}

/** A readable phrase for how a value matched; an unknown kind from a newer server shows as sent. */
export function describeHow(how: string): string {
  return isMatchHow(how) ? HOW_PHRASES[how] : how.replace(/-/g, ' ');
}

/** A property name as words: `birthDate` becomes "birth date". */
export function propertyLabel(property: string): string {
  return property.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The part of the query a match answers, as the server writes it (`name: anna novak`), split for display. */
export function readPart(part: string): { field: string; value: string } {
  const colon = part.indexOf(':');
  if (colon < 0) return { field: 'free', value: part };
  return { field: part.slice(0, colon).trim(), value: part.slice(colon + 1).trim() };
}

/** A value as the syntax needs it: quoted when it holds spaces. The syntax has no escape, so quotes inside are dropped. */
export function quoteValue(value: string): string {
  const clean = value.replace(/"/g, '').replace(/\s+/g, ' ').trim();
  return /\s/.test(clean) ? `"${clean}"` : clean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function filterPattern(field: FilterField, value: string): RegExp {
  const clean = escapeRegExp(value.replace(/"/g, '').trim());
  return new RegExp(`(^|\\s)${field}:(?:"${clean}"|${clean})(?=\\s|$)`, 'i');
}

/** Whether the query already holds the filter `field:value`. */
export function hasFilter(query: string, field: FilterField, value: string): boolean {
  return filterPattern(field, value).test(query);
}

/** Adds the filter `field:value` to the query, or takes it out when it is already there (a facet toggles). */
export function toggleFilter(query: string, field: FilterField, value: string): string {
  const pattern = filterPattern(field, value);
  if (pattern.test(query)) return query.replace(pattern, '$1').replace(/\s+/g, ' ').trim();
  return `${query.trim()} ${field}:${quoteValue(value)}`.trim();
}

/** The parts of an address typed into separate boxes. */
export interface AddressInput {
  street: string;
  town: string;
  postcode: string;
}

/** An `address:"..."` query from the parts given, or '' when all are empty. */
export function addressQuery(input: AddressInput): string {
  const text = [input.street, input.town, input.postcode]
    .map((part) => part.replace(/"/g, '').replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join(', ');
  return text ? `address:"${text}"` : '';
}
