import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@casegraph/core';
import { runCli, spawnCli } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'casegraph-cli-import-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const MAPPING = `
owners:
  queries:
    - entities:
        person:
          schema: Person
          keys: [person_id]
          properties:
            name: { column: name }
            birthDate: { column: born }
        company:
          schema: Company
          keys: [company_no]
          properties:
            name: { column: company }
`;

async function register(data: string, id: string): Promise<void> {
  const run = await runCli(['source', 'register', '--data', data, '--id', id, '--name', id, '--legal-basis', 'Order 1', '--purposes', 'administration']);
  expect(run.code, run.stderr).toBe(0);
}

async function counts(data: string): Promise<{ statements: number; entities: number; jobs: Array<{ status: string }> }> {
  const store = await createDb({ dataDir: data });
  try {
    const { rows } = await sql<{ statements: string; entities: string }>`select count(*)::text as statements, count(distinct entity_id)::text as entities from statements`.execute(store.db);
    const jobs = await store.db.selectFrom('import_jobs').select('status').execute();
    return { statements: Number(rows[0]?.statements), entities: Number(rows[0]?.entities), jobs };
  } finally {
    await store.close();
  }
}

describe('casegraph import', () => {
  let mapping: string;
  beforeAll(() => {
    mapping = join(root, 'owners.yml');
    writeFileSync(mapping, MAPPING);
  });

  it('imports a CSV through a mapping, writes failed rows to an error file, and a second run adds nothing', async () => {
    const data = join(root, 'store-a');
    const csv = join(root, 'owners.csv');
    writeFileSync(csv, ['person_id,name,born,company,company_no', 'P1,Mira Novak,1980-02-03,Harbour Ltd,H1', 'P2,"Unclosed quote,1981-01-01,Quay Ltd,Q2', ''].join('\n'));
    writeFileSync(join(root, 'good.csv'), ['person_id,name,born,company,company_no', 'P1,Mira Novak,1980-02-03,Harbour Ltd,H1', 'P3,Tomas Berg,not a date,Quay Ltd,Q2', ''].join('\n'));
    await register(data, 'registry');
    const first = await runCli(['import', '--data', data, '--source', 'registry', '--mapping', mapping, join(root, 'good.csv')]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/Imported 2 rows in \d+s: 4 entities, 5 new statements \(0 seen before\); 0 rows failed, 1 values dropped/);
    const errors = readFileSync(join(root, 'good.csv.errors.csv'), 'utf8').trim().split('\n');
    expect(errors[0]).toBe('file,row,column,reason');
    expect(errors[1]).toMatch(/^good\.csv,2,born,"row 2, entity ""person"", property birthDate: ""not a date"" dropped/);
    const again = await runCli(['import', '--data', data, '--source', 'registry', '--mapping', mapping, join(root, 'good.csv')]);
    expect(again.stderr).toMatch(/0 new statements \(5 seen before\)/);
    expect((await counts(data)).statements).toBe(5);

    const ragged = await runCli(['import', '--data', data, '--source', 'registry', '--mapping', mapping, csv, '--strict']);
    expect(ragged.code).toBe(1);
    expect(ragged.stderr).toMatch(/^casegraph: owners\.csv row 2: .*--strict stops at the first failed row\)\n$/);
  });

  it('reports progress with rows, rate, an estimated total and the time left, and refuses an empty file', async () => {
    const data = join(root, 'store-progress');
    await register(data, 'registry');
    const csv = join(root, 'many.csv');
    writeFileSync(csv, ['person_id,name,born,company,company_no', ...Array.from({ length: 5000 }, (_, i) => `P${i},Person ${i},1980-01-01,Co ${i},C${i}`), ''].join('\n'));
    const run = await runCli(['import', '--data', data, '--source', 'registry', '--mapping', mapping, csv], { env: { CASEGRAPH_PROGRESS_MS: '1' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^importing rows: [\d,]+ of ~?[\d,]+, [\d,]+\/s, \d+s left$/m);
    expect(run.stderr).toMatch(/^importing rows: 5,000 of 5,000, /m);
    writeFileSync(join(root, 'empty.csv'), '');
    const empty = await runCli(['import', '--data', data, '--source', 'registry', '--mapping', mapping, join(root, 'empty.csv')]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^casegraph: .*empty\.csv is empty: there is nothing to import/);
  });

  it('refuses a mapping with an unknown property before opening the store, naming file, line and property', async () => {
    const bad = join(root, 'bad.yml');
    writeFileSync(bad, MAPPING.replace('birthDate:', 'birthday:'));
    const data = join(root, 'never-opened');
    const run = await runCli(['import', '--data', data, '--source', 'registry', '--mapping', bad, join(root, 'good.csv')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^casegraph: bad\.yml:\d+, .*property "birthday": schema Person has no property "birthday"/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an import killed with kill -9 and started again finishes with no row lost and none doubled', async () => {
    const rows = ['person_id,name,born,company,company_no'];
    for (let i = 0; i < 30_000; i++) rows.push(`P${i},Person ${i},19${50 + (i % 50)}-01-0${1 + (i % 9)},Company ${i % 5000},C${i % 5000}`);
    const csv = join(root, 'many.csv');
    writeFileSync(csv, rows.join('\n') + '\n');
    const killed = join(root, 'store-killed');
    const clean = join(root, 'store-clean');
    await register(killed, 'registry');
    await register(clean, 'registry');

    const child = spawnCli(['import', '--data', killed, '--source', 'registry', '--mapping', mapping, csv], { env: { CASEGRAPH_PROGRESS_MS: '1' } });
    let stderr = '';
    const committed = await new Promise<number>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // Progress is reported after each committed batch: kill once a few have landed.
        const seen = [...stderr.matchAll(/importing rows: ([\d,]+)/g)].map((m) => Number(m[1]?.replace(/,/g, '')));
        const last = seen.at(-1) ?? 0;
        if (last >= 3000) {
          child.kill('SIGKILL');
          resolve(last);
        }
      });
      child.on('close', () => reject(new Error(`the import ended before it could be killed: ${stderr}`)));
    });
    await new Promise((resolve) => child.on('close', resolve));
    expect(committed).toBeLessThan(30_000);
    expect((await counts(killed)).jobs).toEqual([{ status: 'running' }]);

    const resumed = await runCli(['import', '--data', killed, '--source', 'registry', '--mapping', mapping, csv]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const before = Number(/resumed after ([\d,]+) rows/.exec(resumed.stderr)?.[1]?.replace(/,/g, ''));
    expect(before).toBeGreaterThanOrEqual(committed);
    expect(resumed.stderr).toMatch(new RegExp(`Imported ${(30_000 - before).toLocaleString('en')} rows`));

    const reference = await runCli(['import', '--data', clean, '--source', 'registry', '--mapping', mapping, csv]);
    expect(reference.code, reference.stderr).toBe(0);
    const [afterKill, uninterrupted] = [await counts(killed), await counts(clean)];
    expect(afterKill.statements).toBe(uninterrupted.statements);
    expect(afterKill.entities).toBe(35_000);
    expect(afterKill.jobs).toEqual([{ status: 'done' }]);
  }, 120_000);

  it('exports FtM entities, and an import of the export gives back the same entities', async () => {
    const first = join(root, 'store-roundtrip-a');
    const second = join(root, 'store-roundtrip-b');
    const csv = join(root, 'roundtrip.csv');
    writeFileSync(csv, ['person_id,name,born,company,company_no', 'P1,Mira Novak,1980-02-03,Harbour Ltd,H1', 'P2,Tomas Berg,1975,Harbour Ltd,H1', 'P3,Ana Kovač,,Quay Holdings,Q7', ''].join('\n'));
    await register(first, 'registry');
    await register(second, 'copy');
    expect((await runCli(['import', '--data', first, '--source', 'registry', '--mapping', mapping, csv])).code).toBe(0);
    const exported = join(root, 'export.ftm.jsonl');
    const out = await runCli(['export', '--data', first, '--format', 'ftm', '--out', exported]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toMatch(/Exported 5 entities to /);
    const lines = readFileSync(exported, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines.find((l) => l.includes('Ana Kovač')) ?? '{}')).toMatchObject({ schema: 'Person', properties: { name: ['Ana Kovač'] } });

    const imported = await runCli(['import', '--data', second, '--source', 'copy', exported]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toMatch(/Imported 5 rows .*: 5 entities/);
    const again = await runCli(['export', '--data', second, '--format', 'ftm', '--out', join(root, 'again.ftm.jsonl')]);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(root, 'again.ftm.jsonl'), 'utf8')).toBe(readFileSync(exported, 'utf8'));
    const twice = await runCli(['import', '--data', second, '--source', 'copy', join(root, 'again.ftm.jsonl')]);
    expect(twice.stderr).toMatch(/0 new statements/);

    const nothing = await runCli(['import', '--data', second, '--source', 'copy', csv]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/give --mapping FILE\.yml, or an FtM entity stream/);
    const wrong = await runCli(['export', '--data', second, '--format', 'xml']);
    expect(wrong.stderr).toMatch(/unknown export format "xml"/);
  }, 180_000);
});
