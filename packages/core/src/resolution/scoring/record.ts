import {
  nameKey,
  nameTokens,
  normalizeAddress,
  normalizeEmail,
  normalizeIdentifier,
  normalizeName,
  normalizePhone,
  phoneticKey,
  type AddressParts,
} from '../../search/normalize/index.js';

/** One entity's values as a source gave them, in the shape resolution compares (built from FtM statements). */
export interface ResolutionRecord {
  id: string;
  schema: string;
  source: string;
  names: string[];
  givenNames?: string[];
  surnames?: string[];
  /** ISO prefixes: YYYY, YYYY-MM or YYYY-MM-DD. */
  birthDates: string[];
  identifiers: string[];
  phones: string[];
  emails: string[];
  addresses: string[];
  postcodes?: string[];
}

/** A name in every form a comparison or blocking key needs, computed once per record. */
export interface PreparedName {
  /** Normalised, words in their written order. */
  text: string;
  /** Words sorted, so that order does not matter. */
  key: string;
  tokens: string[];
  /** Double Metaphone codes of the words, sorted. */
  phonetic: string;
}

/** A birth date taken apart; month and day are null when the source gave only a prefix. */
export interface PreparedDate {
  iso: string;
  year: string;
  month: string | null;
  day: string | null;
}

/** A record's values normalised once, so that comparing many pairs does no repeated parsing. */
export interface PreparedRecord {
  isOrganisation: boolean;
  names: PreparedName[];
  givenNames: PreparedName[];
  surnames: PreparedName[];
  birthDates: PreparedDate[];
  identifiers: string[];
  phones: string[];
  emails: string[];
  addresses: AddressParts[];
  postcodes: string[];
}

// Schemata whose names are not split into given name and surname and carry no birth date.
const ORGANISATION_SCHEMATA = new Set(['Organization', 'Company', 'PublicBody', 'LegalEntity']);

const ISO_PREFIX = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/u;

const preparedRecords = new WeakMap<ResolutionRecord, PreparedRecord>();

/** The record's values normalised for comparison, cached per record object: `prepareRecord(r).surnames[0]?.text`. */
export function prepareRecord(record: ResolutionRecord): PreparedRecord {
  let prepared = preparedRecords.get(record);
  if (prepared === undefined) {
    prepared = buildPrepared(record);
    preparedRecords.set(record, prepared);
  }
  return prepared;
}

function buildPrepared(record: ResolutionRecord): PreparedRecord {
  const givenNames = preparedNames(record.givenNames ?? []);
  const surnames = preparedNames(record.surnames ?? []);
  let names = preparedNames(record.names);
  // A source that gave only first and last name still has a full name to compare with one that gave only `name`.
  if (names.length === 0 && (givenNames.length > 0 || surnames.length > 0)) {
    names = preparedNames([`${givenNames[0]?.text ?? ''} ${surnames[0]?.text ?? ''}`]);
  }
  const givenPostcodes = unique((record.postcodes ?? []).map((code) => normalizeIdentifier(code)).filter((code) => code !== ''));
  const addresses = record.addresses.filter((text) => text.trim() !== '').map((text) => normalizeAddress(text));
  return {
    isOrganisation: ORGANISATION_SCHEMATA.has(record.schema),
    names,
    givenNames,
    surnames,
    birthDates: record.birthDates.map(parseDate).filter((date): date is PreparedDate => date !== null),
    identifiers: unique(record.identifiers.map((text) => normalizeIdentifier(text)).filter((id) => id !== '')),
    phones: unique(record.phones.map((text) => normalizePhone(text) ?? text.replace(/\D/gu, '')).filter((phone) => phone.length >= 5)),
    emails: unique(record.emails.map((text) => normalizeEmail(text)).filter((email): email is string => email !== null)),
    addresses: addresses.map((parts) => withPostcode(parts, givenPostcodes)),
    postcodes: unique([...givenPostcodes, ...addresses.flatMap(postcodeOf)]),
  };
}

function preparedNames(texts: string[]): PreparedName[] {
  const seen = new Set<string>();
  const names: PreparedName[] = [];
  for (const raw of texts) {
    const tokens = nameTokens(raw);
    if (tokens.length === 0) continue;
    const text = normalizeName(raw);
    if (seen.has(text)) continue;
    seen.add(text);
    names.push({ text, key: nameKey(raw), tokens, phonetic: tokens.map((token) => phoneticKey(token)).sort().join(' ') });
  }
  return names;
}

// A date that is not a calendar date keeps what is still plausible (the year, perhaps the month),
// because a clerk's slip in the day says nothing against the year.
function parseDate(text: string): PreparedDate | null {
  const match = ISO_PREFIX.exec(text.trim());
  if (match?.[1] === undefined) return null;
  const year = match[1];
  const month = match[2] !== undefined && Number(match[2]) >= 1 && Number(match[2]) <= 12 ? match[2] : null;
  const day = month !== null && match[3] !== undefined && validDay(Number(year), Number(month), Number(match[3])) ? match[3] : null;
  const iso = [year, month, day].filter((part) => part !== null).join('-');
  return { iso, year, month, day };
}

function validDay(year: number, month: number, day: number): boolean {
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day >= 1 && day <= days;
}

// Postcodes kept beside the address (FtM's postalCode, a column of its own) belong to it when there is only one.
function withPostcode(parts: AddressParts, postcodes: string[]): AddressParts {
  const [only] = postcodes;
  return parts.postcode === null && only !== undefined && postcodes.length === 1 ? { ...parts, postcode: only } : parts;
}

function postcodeOf(parts: AddressParts): string[] {
  return parts.postcode === null ? [] : [parts.postcode];
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
