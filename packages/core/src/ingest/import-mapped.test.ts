import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../audit/record-event.js';
import type { Ctx } from '../context/context.js';
import { NotFound, PurposeRequired } from '../errors.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/create-db.js';
import { dialects, FIXED_NOW, openTestStore, testContext } from '../test-support/test-store.js';
import { importMapped } from './import-mapped.js';
import type { Mapping } from './mapping.js';
import { parseMapping } from './parse-mapping.js';

const MAPPING = `
owners:
  queries:
    - csv_url: owners.csv
      entities:
        person:
          schema: Person
          keys: [person_id]
          properties:
            name: { column: name }
            birthDate: { column: born }
            email: { column: email }
        company:
          schema: Company
          keys: [company_no]
          properties:
            name: { column: company }
            registrationNumber: { column: company_no }
        stake:
          schema: Ownership
          keys: [person_id, company_no]
          properties:
            owner: { entity: person }
            asset: { entity: company }
`;

// Data rows are numbered from 1 after the header. Row 2 has a date that is no date (the value is
// dropped, the row kept); row 3 is short of fields (refused whole); row 4 has no person key (the
// person and the stake are left out, the company kept).
const CSV = [
  'person_id,name,born,email,company,company_no',
  'P1,Mira Novak,1980-02-03,mira@example.org,Harbour Trading Ltd,HT-1',
  'P2,Tomas Berg,not a date,,Harbour Trading Ltd,HT-1',
  'P3,Short Row',
  ',Nobody,,,Quay Holdings,QH-9',
  '',
].join('\n');

async function statementCount(store: Store): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*)::text as n from statements`.execute(store.db);
  return Number(rows[0]?.n);
}

let dir: string;
let mapping: Mapping;
const mappingPath = () => join(dir, 'owners.yml');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'casegraph-import-'));
  await writeFile(join(dir, 'owners.yml'), MAPPING);
  await writeFile(join(dir, 'owners.csv'), CSV);
  mapping = parseMapping(MAPPING, { fileName: 'owners.yml' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(dialects())('mapped import on %s', (dialect) => {
  let store: Store;
  let ctx: Ctx;
  beforeAll(async () => {
    store = await openTestStore(dialect);
    await registerSource(testContext(store), { id: 'registry', name: 'Company registry', legalBasis: 'Public register', purposes: ['administration'] });
    ctx = testContext(store, { purpose: { caseId: null, code: 'administration', justification: 'initial load' } });
  });
  afterAll(async () => {
    await store.close();
  });

  it('writes the rows it can, reports each failure with its row, and keeps the row key as origin', async () => {
    const summary = await importMapped(ctx, { sourceId: 'registry', mapping, mappingPath: mappingPath() });
    expect(summary).toMatchObject({ rows: 4, failedRows: 1 });
    expect(summary.failures.find((f) => f.row === 3)).toEqual({ file: 'owners.csv', row: 3, column: null, reason: 'the row has 2 fields and the header 6' });
    expect(summary.failures.find((f) => f.row === 2)).toMatchObject({ column: 'born', reason: expect.stringMatching(/property birthDate: "not a date" dropped/) as unknown });
    expect(summary.failures.filter((f) => f.row === 4).map((f) => f.reason)).toEqual([
      expect.stringContaining('entity "person": no id: every key column (person_id) is empty'),
      expect.stringContaining('entity "stake", property owner: Ownership requires owner'),
    ]);
    expect(summary.problems).toBe(3);
    expect(summary.inserted).toBe(summary.statements);

    const persons = await store.db.selectFrom('statements').select(['entity_id', 'property', 'value', 'origin']).where('schema', '=', 'Person').execute();
    expect(new Set(persons.map((p) => p.origin))).toEqual(new Set(['P1', 'P2']));
    expect(persons.some((p) => p.property === 'birthDate' && p.origin === 'P2')).toBe(false);
    const companies = await store.db.selectFrom('statements').select('entity_id').distinct().where('schema', '=', 'Company').execute();
    expect(companies).toHaveLength(2);
    const stakes = await store.db.selectFrom('statements').select(['origin']).distinct().where('schema', '=', 'Ownership').execute();
    expect(stakes.map((s) => s.origin).sort()).toEqual(['P1|HT-1', 'P2|HT-1']);
  });

  it('importing the same file again adds no statement and only moves last-seen', async () => {
    const before = await statementCount(store);
    const later = new Date(FIXED_NOW.getTime() + 3_600_000);
    const again = await importMapped({ ...ctx, now: () => later }, { sourceId: 'registry', mapping, mappingPath: mappingPath() });
    expect(again.inserted).toBe(0);
    expect(await statementCount(store)).toBe(before);
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from statements where last_seen = ${later} and first_seen = ${FIXED_NOW}`.execute(store.db);
    expect(Number(rows[0]?.n)).toBe(before);
  });

  it('records every batch as a collection event with the source and the purpose', async () => {
    const events = await listEvents(store.db, { action: 'import.batch' });
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0]).toMatchObject({ category: 'collection', purpose: 'administration', outcome: 'success' });
    expect(events[0]?.object_ids[0]).toBe('registry');
  });

  it('refuses an unregistered source and a missing purpose before writing anything', async () => {
    const before = await statementCount(store);
    await expect(importMapped(ctx, { sourceId: 'no-such-source', mapping, mappingPath: mappingPath() })).rejects.toThrow(NotFound);
    await expect(importMapped(testContext(store), { sourceId: 'registry', mapping, mappingPath: mappingPath() })).rejects.toThrow(PurposeRequired);
    expect(await statementCount(store)).toBe(before);
  });

  it('refuses an empty file, naming it, before any job starts', async () => {
    await writeFile(join(dir, 'empty.csv'), '');
    const jobs = await store.db.selectFrom('import_jobs').select('id').execute();
    await expect(importMapped(ctx, { sourceId: 'registry', mapping, mappingPath: mappingPath(), dataFile: join(dir, 'empty.csv') })).rejects.toThrow(/empty\.csv is empty: there is nothing to import/);
    expect(await store.db.selectFrom('import_jobs').select('id').execute()).toEqual(jobs);
  });

  it('records the import as a job that ends done, with its counts', async () => {
    const summary = await importMapped(ctx, { sourceId: 'registry', mapping, mappingPath: mappingPath(), dataFile: join(dir, 'owners.csv') });
    const job = await store.db.selectFrom('import_jobs').selectAll().where('id', '=', summary.jobId).executeTakeFirstOrThrow();
    expect(job.status).toBe('done');
    expect(job.summary).toMatchObject({ rows: 4, failedRows: 1 });
    expect(Object.values(job.progress)).toEqual([4]);
  });

  it('--strict stops at the first failed row, naming row and reason, and marks the job failed', async () => {
    await expect(importMapped(ctx, { sourceId: 'registry', mapping, mappingPath: mappingPath(), strict: true })).rejects.toThrow(/owners\.csv row 3: the row has 2 fields and the header 6/);
    const jobs = await store.db.selectFrom('import_jobs').select('status').execute();
    expect(jobs.filter((j) => j.status === 'failed')).toHaveLength(1);
    expect(jobs.filter((j) => j.status === 'running')).toHaveLength(0);
  });
});
