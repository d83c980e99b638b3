import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { registerSource } from '../sources/register-source.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { importMapped } from './import-mapped.js';
import { checkEntity } from '../entities/check-entity.js';
import { MappingError } from './mapping.js';
import { readFtmEntities } from './ftm-entities.js';
import { readCsvRows, readJsonArray, readJsonLines } from './read-rows.js';
import { parseMapping } from './parse-mapping.js';
import { checkValue } from './values.js';

/** Inputs the ingest fuzzer (fuzz.test.ts) found mishandled, kept as regular tests. */

const mappingWithSchema = (schema: string) => `people:\n  query:\n    entities:\n      p:\n        schema: ${schema}\n        keys: [id]\n`;

describe('names that every plain object answers to', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('a mapping whose schema is "%s" is refused as an unknown schema', (name) => {
    expect(() => parseMapping(mappingWithSchema(name))).toThrow(MappingError);
    expect(() => parseMapping(mappingWithSchema(name))).toThrow(`unknown schema "${name}"`);
  });

  it.each(['__proto__', 'constructor', 'toString'])('an FtM entity whose schema is "%s" is refused, not stored under a bogus schema', async (name) => {
    expect(checkEntity({ id: 'a', schema: name, properties: {} }).problems).toEqual([expect.objectContaining({ reason: `unknown schema "${name}"` })]);
    const items = [];
    for await (const item of readFtmEntities(Readable.from([`{"id":"a","schema":"${name}","properties":{"name":["Ann"]}}\n`]))) items.push(item);
    expect(items).toEqual([{ lineNumber: 1, error: `entity a: unknown schema "${name}"` }]);
  });

  it('a gender written as "__proto__" is a wrong gender, not a crash', () => {
    expect(checkValue('gender', '__proto__')).toEqual({ ok: false, reason: 'expected "male", "female" or "other"' });
    expect(checkValue('gender', 'constructor')).toEqual({ ok: false, reason: 'expected "male", "female" or "other"' });
  });

  it('a property type named like an object key is an unknown type', () => {
    expect(checkValue('constructor', 'x')).toEqual({ ok: false, reason: 'unknown property type "constructor"' });
    expect(checkValue('__proto__', 'x')).toEqual({ ok: false, reason: 'unknown property type "__proto__"' });
  });
});

describe('YAML resource limits', () => {
  it('a mapping file that is an alias bomb ("billion laughs") is refused with a MappingError', () => {
    const bomb = ['a0: &a0 [lol]', ...Array.from({ length: 6 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(6).fill(`*a${i}`).join(', ')}]`)].join('\n');
    const text = `people:\n  query:\n    entities:\n      p:\n        schema: Person\n        keys: [id]\n${bomb}\n`;
    expect(() => parseMapping(text, { fileName: 'bomb.yml' })).toThrow(MappingError);
    expect(() => parseMapping(text, { fileName: 'bomb.yml' })).toThrow(/^bomb\.yml: not valid YAML: .*aliases/);
  });

  it('a mapping file nested thousands of levels deep is refused with a MappingError, not a stack overflow', () => {
    for (const text of ['{a: '.repeat(5000), '['.repeat(5000) + ']'.repeat(5000), `people:\n  query: ${'['.repeat(5000)}`]) {
      expect(() => parseMapping(text, { fileName: 'deep.yml' })).toThrow(MappingError);
      expect(() => parseMapping(text, { fileName: 'deep.yml' })).toThrow(/^deep\.yml(:\d+)?: not valid YAML: /);
    }
  });
});

describe('columns named like object keys', () => {
  const collect = async <T>(items: AsyncIterable<T>) => {
    const all: T[] = [];
    for await (const item of items) all.push(item);
    return all;
  };

  it('a column named "__proto__" is read as a column, in CSV, JSON lines and JSON arrays, not dropped', async () => {
    const check = (items: Array<{ rowNumber: number; row?: Record<string, string> }>) => {
      expect(items).toHaveLength(1);
      expect(Object.entries(items[0]?.row ?? {})).toEqual([['__proto__', 'x'], ['name', 'Ann']]);
    };
    check(await collect(readCsvRows(Readable.from(['__proto__,name\nx,Ann\n']))));
    check(await collect(readJsonLines(Readable.from(['{"__proto__":"x","name":"Ann"}\n']))));
    check(await collect(readJsonArray(Readable.from(['[{"__proto__":"x","name":"Ann"}]']))));
  });
});

describe('text the store cannot hold', () => {
  it('an FtM entity line with a value holding the NUL character is refused naming the property, not sent to the store', async () => {
    const items = [];
    for await (const item of readFtmEntities(Readable.from(['{"id":"p1","schema":"Person","properties":{"name":["Mira\\u0000Novak"]}}\n']))) items.push(item);
    expect(items).toEqual([{ lineNumber: 1, error: expect.stringMatching(/^entity p1, property Person:name, value .*NUL/) as string }]);
  });

  it('checkValue refuses a value holding the NUL character, whatever its type', () => {
    for (const type of ['name', 'text', 'identifier', 'json', 'html', 'url']) expect(checkValue(type, 'a\u0000b')).toMatchObject({ ok: false, reason: expect.stringMatching(/NUL/) as string });
  });
});

describe.each(dialects())('import jobs on %s', (dialect) => {
  it('a failed row whose reason quotes a NUL character still lets the job finish, with the reason stored', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'casegraph-fuzz-'));
    const store = await openTestStore(dialect);
    try {
      await registerSource(testContext(store), { id: 'registry', name: 'Registry', legalBasis: 'Public register', purposes: ['administration'] });
      const ctx = testContext(store, { purpose: { caseId: null, code: 'administration', justification: 'initial load' } });
      const mapping = parseMapping('people:\n  queries:\n    - entities:\n        person:\n          schema: Person\n          keys: [id]\n          properties:\n            name: { column: name }\n');
      // JSON.parse quotes the text it could not read, NUL included.
      await writeFile(join(dir, 'people.jsonl'), '{"id":"P1","name":"Mira Novak"}\nid\u0000,name\n{"id":"P2","name":"Ivo\u0000"}x\n');
      const summary = await importMapped(ctx, { sourceId: 'registry', mapping, mappingPath: join(dir, 'people.yml'), dataFile: join(dir, 'people.jsonl') });
      expect(summary.failures.map((f) => f.row)).toEqual([2, 3]);
      const job = await store.db.selectFrom('import_jobs').select(['status', 'summary']).executeTakeFirstOrThrow();
      expect(job.status).toBe('done');
      expect((job.summary as { failures: Array<{ reason: string }> }).failures.map((f) => f.reason)).toEqual([expect.stringMatching(/^not valid JSON/), expect.stringMatching(/^not valid JSON/)]);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ids that are not text', () => {
  it('an FtM entity line whose id is an object with a "toString" key is refused, not a crash', async () => {
    const items = [];
    for await (const item of readFtmEntities(Readable.from(['{"id":{"toString":""},"schema":"Person"}\n{"id":{"valueOf":1,"toString":2}}\n']))) items.push(item);
    expect(items).toEqual([
      { lineNumber: 1, error: 'entity {"toString":""}: the id must be text' },
      { lineNumber: 2, error: 'entity {"valueOf":1,"toString":2}: the id must be text' },
    ]);
    expect(checkEntity({ id: { toString: '' } as unknown as string, schema: 'Person', properties: {} }).problems).toEqual([expect.objectContaining({ entityId: '{"toString":""}' })]);
    expect(checkEntity({ id: 'p1', schema: 'Person', properties: { name: [{ toString: '' }] as unknown as string[] } }).problems).toEqual([expect.objectContaining({ value: '{"toString":""}', reason: 'expected text, got object' })]);
  });
});

