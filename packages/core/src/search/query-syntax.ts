import { Invalid } from '../errors.js';

/** The fields a query may name; free text stands for name, address, identifier, phone, email or text alike. */
export const QUERY_FIELDS = ['name', 'address', 'phone', 'email', 'id', 'schema', 'source', 'born'] as const;

/** One field of the query syntax. */
export type QueryField = (typeof QUERY_FIELDS)[number];

/** A part of a query that names someone or something: free text, or a value of one field. */
export interface QueryPart {
  /** `free` for bare words: matched against every group. */
  field: 'free' | 'name' | 'address' | 'phone' | 'email' | 'id';
  value: string;
}

/** A parsed query: what it names, and the filters that narrow it. */
export interface ParsedQuery {
  parts: QueryPart[];
  schemata: string[];
  sources: string[];
  /** Birth dates from and to (inclusive), as ISO prefixes: `born:1978..1980` gives 1978 and 1980. */
  born: { from: string | null; to: string | null } | null;
}

const MAX_QUERY_CHARS = 1000;
const DATE_PREFIX = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/**
 * Reads the query syntax: free text plus `name:`, `address:`, `phone:`, `email:`, `id:`,
 * `schema:`, `source:` and `born:` fields, values quoted when they hold spaces
 * (`name:"Anna Maria" born:1978..1980 source:company-registry`). Throws Invalid naming the problem.
 * @example parseQuery('jon smith address:"12 harbour st" born:1978..1980')
 */
export function parseQuery(text: string): ParsedQuery {
  if (typeof text !== 'string') throw new Invalid('the query must be text');
  if (text.length > MAX_QUERY_CHARS) throw new Invalid(`a query is at most ${MAX_QUERY_CHARS} characters`);
  const parsed: ParsedQuery = { parts: [], schemata: [], sources: [], born: null };
  const free: string[] = [];
  // field:"quoted value" | field:value | "quoted words" | word
  const pattern = /([A-Za-z]+):(?:"([^"]*)"?|(\S*))|"([^"]*)"?|(\S+)/g;
  for (const match of text.matchAll(pattern)) {
    const [, rawField, quotedValue, plainValue, quotedFree, word] = match;
    if (rawField === undefined) {
      const value = (quotedFree ?? word ?? '').trim();
      if (value !== '') free.push(value);
      continue;
    }
    const field = rawField.toLowerCase();
    const value = (quotedValue ?? plainValue ?? '').trim();
    if (!(QUERY_FIELDS as readonly string[]).includes(field)) {
      // An address such as https://example.org is free text; any other word: is a mistyped field.
      if (value.startsWith('//')) {
        free.push(match[0]);
        continue;
      }
      throw new Invalid(`unknown field "${rawField}:" (fields: ${QUERY_FIELDS.map((f) => `${f}:`).join(' ')})`);
    }
    if (value === '') throw new Invalid(`"${field}:" needs a value, e.g. ${example(field as QueryField)}`);
    switch (field as QueryField) {
      case 'schema':
        parsed.schemata.push(value);
        break;
      case 'source':
        parsed.sources.push(value);
        break;
      case 'born':
        parsed.born = parseRange(value);
        break;
      case 'name':
      case 'address':
      case 'phone':
      case 'email':
      case 'id':
        parsed.parts.push({ field: field as QueryPart['field'], value });
        break;
    }
  }
  if (free.length > 0) parsed.parts.unshift({ field: 'free', value: free.join(' ') });
  return parsed;
}

function parseRange(value: string): { from: string | null; to: string | null } {
  const [from, to, extra] = value.split('..');
  if (extra !== undefined) throw new Invalid(`born:${value} is not a date or range: write born:1978 or born:1978..1980`);
  const check = (date: string | undefined): string | null => {
    if (date === undefined || date === '') return null;
    if (!DATE_PREFIX.test(date)) throw new Invalid(`born:${value}: "${date}" is not a year or date (1978, 1978-05 or 1978-05-14)`);
    return date;
  };
  if (to === undefined) {
    const date = check(from);
    return { from: date, to: date };
  }
  const range = { from: check(from), to: check(to) };
  if (range.from === null && range.to === null) throw new Invalid('born:.. needs at least one end, e.g. born:1978..1980');
  if (range.from !== null && range.to !== null && range.from.slice(0, 4) > range.to.slice(0, 4)) throw new Invalid(`born:${value}: the range ends before it starts`);
  return range;
}

function example(field: QueryField): string {
  switch (field) {
    case 'name':
      return 'name:"Anna Novak"';
    case 'address':
      return 'address:"12 Harbour Street"';
    case 'phone':
      return 'phone:"+44 20 7946 0018"';
    case 'email':
      return 'email:anna@example.org';
    case 'id':
      return 'id:AB123456C';
    case 'schema':
      return 'schema:Person';
    case 'source':
      return 'source:company-registry';
    case 'born':
      return 'born:1978..1980';
  }
}
