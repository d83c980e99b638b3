import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { model } from '../model/ftm.js';
import { fuzzRuns, fuzzTimeout, parsesOrRefuses, withinBudget } from '../test-support/fuzz.js';
import { cell, hostilePiece, PROTOTYPE_NAMES } from '../test-support/hostile-input.js';
import { checkDateFormat, checkIsoDate, parseDateWithFormat } from './dates.js';
import { mapRow } from './map-row.js';
import { parseMapping } from './parse-mapping.js';
import { checkValue } from './values.js';

/**
 * Hostile input for mapping files (FtM YAML), rows through a mapping, and value and date checks:
 * a mapping or a MappingError, entities or row problems, a verdict with a reason; never anything
 * else, within the time budget. CASEGRAPH_FUZZ_RUNS sets the cases per property.
 */

const RUNS = fuzzRuns();
const TIMEOUT = fuzzTimeout(RUNS, 5);

const VALID_MAPPING = `people:
  label: People
  queries:
    - csv_url: file://people.csv
      filters:
        kind: person
      entities:
        person:
          schema: Person
          keys: [id]
          properties:
            name: { column: name }
            birthDate: { column: born, format: "%d/%m/%Y" }
            nationality: { literal: de }
        company:
          schema: Company
          key_literal: company
          keys: [employer]
          properties:
            name: { column: employer, required: true }
        job:
          schema: Employment
          keys: [id, employer]
          properties:
            employee: { entity: person }
            employer: { entity: company }
            role: { template: "{{title}} at {{employer}}" }
`;

/** YAML fragments that break or stress a YAML parser: anchors, aliases, tags, deep flow nesting, directives. */
const yamlPiece = fc.oneof(
  fc.constantFrom(':', '- ', '? ', '&a ', '*a', '<<: *a', '!!binary ', '!!js/function ', '!tag ', '%YAML 1.1\n', '---\n', '...\n', '|', '>', '{', '}', '[', ']', '#', '"', "'", '\t', '\n', '  ', '\0', '\ufeff'),
  fc.constantFrom(...PROTOTYPE_NAMES).map((name) => `${name}: `),
  fc.constantFrom(...PROTOTYPE_NAMES).map((name) => `schema: ${name}\n`),
  fc.constantFrom('schema: Thing', 'schema: LegalEntity', 'schema: Persn', 'schema: [Person]', 'keys: {}', 'keys: 12', 'properties: []', 'properties: { name: null }', 'properties: { owner: { column: x } }', 'entity: person', 'template: "{{}}"', 'format: "%Q"', 'split: ""', 'required: yes', 'key_literal: 1.5e400'),
  fc.string({ unit: 'binary', maxLength: 16 }),
);

/** Fragments that cost a YAML parser depth or length: kept rarer, so a run stays quick. */
const deepYaml = fc.oneof(
  fc.integer({ min: 1, max: 1200 }).map((n) => '['.repeat(n)),
  fc.integer({ min: 1, max: 1200 }).map((n) => '{a: '.repeat(n)),
  fc.integer({ min: 1, max: 200 }).map((n) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')),
  fc.integer({ min: 1, max: 50_000 }).map((n) => `x${'y'.repeat(n)}`),
);

/** The classic "billion laughs": each anchor repeats the one before ten times. */
function aliasBomb(levels: number, width: number): string {
  const lines = ['a0: &a0 [lol]'];
  for (let level = 1; level <= levels; level++) lines.push(`a${level}: &a${level} [${Array.from({ length: width }, () => `*a${level - 1}`).join(', ')}]`);
  return `people:\n  queries:\n    - entities:\n        p:\n          schema: Person\n          keys: [id]\n          properties: {}\n${lines.join('\n')}\n`;
}

describe('mapping parser under hostile input', () => {
  it(
    'arbitrary text, broken YAML, prototype names, deep nesting and alias bombs give a mapping or a MappingError',
    async () => {
      const mutated = fc.tuple(fc.constant(VALID_MAPPING), fc.array(fc.tuple(fc.nat(), yamlPiece, fc.nat({ max: 20 })), { minLength: 1, maxLength: 4 })).map(([text, edits]) => {
        let out = text;
        for (const [at, piece, cut] of edits) {
          const point = at % (out.length + 1);
          out = out.slice(0, point) + piece + out.slice(point + cut);
        }
        return out;
      });
      const text = fc.oneof(
        { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
        { weight: 3, arbitrary: fc.array(yamlPiece, { maxLength: 20 }).map((parts) => parts.join('')) },
        { weight: 8, arbitrary: mutated },
        { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2, max: 12 })).map(([levels, width]) => aliasBomb(levels, width)) },
        { weight: 1, arbitrary: fc.tuple(fc.nat(), deepYaml).map(([at, piece]) => VALID_MAPPING.slice(0, at % VALID_MAPPING.length) + piece) },
      );
      await fc.assert(
        fc.asyncProperty(text, async (yaml) => {
          const result = await parsesOrRefuses(() => parseMapping(yaml, { fileName: 'fuzz.yml' }), 3000);
          if (!result.ok) expect(result.message).toMatch(/^fuzz\.yml/);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'a parsed mapping maps arbitrary rows to entities or row problems, never a throw',
    async () => {
      const mapping = parseMapping(VALID_MAPPING);
      const query = mapping.datasets[0]?.queries[0];
      if (query === undefined) throw new Error('the valid mapping has no query');
      const value = fc.oneof(cell, fc.constantFrom('', ' ', '31/12/1999', '1999-12-31', '00/00/0000', '\0', 'x'.repeat(70_000)), hostilePiece);
      const row = fc.record({ id: value, name: value, born: value, employer: value, title: value, kind: fc.constantFrom('person', 'other', '') }, { requiredKeys: [] });
      await fc.assert(
        fc.asyncProperty(row, async (cells) => {
          const { entities, problems } = await withinBudget(2000, () => mapRow(query, cells));
          for (const entity of entities) expect(entity.id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/);
          for (const problem of problems) expect(problem.message.trim()).not.toBe('');
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

describe('value checks under hostile input', () => {
  const typeNames = [...Object.keys(model.types), ...PROTOTYPE_NAMES, 'no-such-type'];
  it(
    'every property type answers any text with a verdict and a reason, never a throw',
    async () => {
      const text = fc.oneof(cell, hostilePiece, fc.constantFrom('+44 20 7946 0018', 'DE89 3704 0044 0532 0130 00', 'mailto:a@b.c', 'http://[::1]:99999', 'ftp://x', '1,234.5e3', '2021-02-30', 'de', 'role.pep', '{"a":1}'));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...typeNames), text, async (type, value) => {
          const verdict = await withinBudget(1000, () => checkValue(type, value));
          if (verdict.ok) expect(verdict.normalized === null || typeof verdict.normalized === 'string').toBe(true);
          else expect(verdict.reason.trim()).not.toBe('');
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'date layouts and dates answer any text with a verdict, never a throw',
    async () => {
      const format = fc.oneof(fc.constantFrom('%d/%m/%Y', '%Y-%m-%d', '%d %B %Y', '%d.%m.%y', '%H:%M', '%%', '%', '%Q', ''), fc.string({ maxLength: 20 }), hostilePiece);
      const date = fc.oneof(fc.constantFrom('31/12/1999', '1999-12-31', '29 February 2001', '99.12.31', '2021-02-16T21:48:52+0100'), fc.string({ maxLength: 30 }), hostilePiece);
      await fc.assert(
        fc.asyncProperty(format, date, async (layout, text) => {
          await withinBudget(1000, () => {
            const problem = checkDateFormat(layout);
            expect(problem === null || problem.trim() !== '').toBe(true);
            const iso = checkIsoDate(text);
            if (!iso.ok) expect(iso.reason.trim()).not.toBe('');
            if (problem === null) {
              const parsed = parseDateWithFormat(text, layout);
              if (parsed.ok) expect(checkIsoDate(parsed.date).ok).toBe(true);
              else expect(parsed.reason.trim()).not.toBe('');
            }
          });
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
