import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzRuns, fuzzTimeout, parsesOrRefuses, withinBudget } from '../test-support/fuzz.js';
import { parseQuery, QUERY_FIELDS, type ParsedQuery } from './query-syntax.js';

/**
 * Hostile input for the query syntax: any text parses or is refused with Invalid and a message,
 * quickly; what parses holds only trimmed, non-empty values. CASEGRAPH_FUZZ_RUNS sets the cases.
 */

const RUNS = fuzzRuns();
const TIMEOUT = fuzzTimeout(RUNS, 2);

const piece = fc.oneof(
  fc.constantFrom(...QUERY_FIELDS).map((field) => `${field}:`),
  fc.constantFrom(...QUERY_FIELDS).map((field) => `${field.toUpperCase()}:"`),
  fc.constantFrom('"', '""', ':', '::', '..', '...', ' ', '\t', '\n', '\0', '\u00a0', '\u2028', '\ufeff', '\ud800', '\u202e', 'https://', 'x:', '__proto__:', 'constructor:'),
  fc.constantFrom('born:1978..1980', 'born:..', 'born:1980..1978', 'born:1978-13-45', 'born:19781', 'born:1..2..3', 'schema:Person', 'source:"a b"'),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
);

function expectWellFormed(parsed: ParsedQuery): void {
  for (const part of parsed.parts) {
    expect(part.value).not.toBe('');
    expect(part.value).toBe(part.value.trim());
  }
  for (const value of [...parsed.schemata, ...parsed.sources]) expect(value === value.trim() && value !== '').toBe(true);
  if (parsed.born !== null) {
    for (const end of [parsed.born.from, parsed.born.to]) if (end !== null) expect(end).toMatch(/^\d{4}(-\d{2}(-\d{2})?)?$/);
    expect(parsed.born.from !== null || parsed.born.to !== null).toBe(true);
  }
}

describe('query syntax under hostile input', () => {
  it(
    'any text parses into well-formed parts or is refused with Invalid, within its budget',
    async () => {
      const text = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.array(piece, { maxLength: 30 }).map((parts) => parts.join('')),
        fc.array(piece, { maxLength: 30 }).map((parts) => parts.join(' ')),
        fc.tuple(piece, fc.integer({ min: 900, max: 1100 })).map(([p, n]) => (p.repeat(Math.ceil(n / Math.max(1, p.length))) || 'x').slice(0, n)),
      );
      await fc.assert(
        fc.asyncProperty(text, async (query) => {
          const result = await parsesOrRefuses(() => parseQuery(query), 1000);
          if (result.ok) expectWellFormed(result.value);
          if (query.length > 1000) expect(result.ok).toBe(false);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'text that is not a string (a list or object from a JSON body) is refused with Invalid',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue().filter((value) => typeof value !== 'string'), async (value) => {
          const result = await parsesOrRefuses(() => parseQuery(value as unknown as string), 1000);
          expect(result.ok).toBe(false);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'fields written with the syntax read back as the same parts, in order, after the free text',
    async () => {
      const field = fc.constantFrom('name', 'address', 'phone', 'email', 'id') satisfies fc.Arbitrary<'name' | 'address' | 'phone' | 'email' | 'id'>;
      const value = fc
        .string({ unit: 'binary', minLength: 1, maxLength: 20 })
        .map((text) => text.replaceAll('"', '').trim())
        .filter((text) => text !== '');
      // A bare word is free text unless it starts like a field ("word:").
      const word = fc.stringMatching(/^[^\s"]{1,12}$/).filter((text) => !/^[A-Za-z]+:/.test(text));
      await fc.assert(
        fc.asyncProperty(fc.array(word, { maxLength: 4 }), fc.array(fc.tuple(field, value), { maxLength: 5 }), async (words, fields) => {
          const text = [...words, ...fields.map(([name, v]) => `${name}:"${v}"`)].join(' ');
          fc.pre(text.length <= 1000);
          const parsed = await withinBudget(1000, () => parseQuery(text));
          const expected = fields.map(([name, v]) => ({ field: name, value: v }));
          expect(parsed.parts).toEqual(words.length > 0 ? [{ field: 'free', value: words.join(' ') }, ...expected] : expected);
          expect(parsed.schemata).toEqual([]);
          expect(parsed.born).toBeNull();
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
