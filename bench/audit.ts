// The added latency of auditing a read: the median time of an entity view (purpose check, case
// check, statements read, audit event appended to the Merkle tree, commit) against the same reads
// in a transaction with no audit event, on PGlite and, when DATABASE_URL is set, PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createCase,
  createContext,
  createDb,
  defaultConfig,
  getEntity,
  LOCAL_OPERATOR,
  registerSource,
  sensitiveStatementsFilter,
  unlockedCategories,
  visibleCases,
  visibleStatements,
  writeEntities,
  type Ctx,
  type Store,
} from '@casegraph/core';
import { describeMachine, printTable } from './machine.js';
import { freshPostgres } from './postgres.js';

/** `npm run bench -- audit [--reads N]`. */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { reads: { type: 'string', default: '2000' } } });
  const reads = Number(values.reads);
  if (!Number.isInteger(reads) || reads < 10) throw new Error('--reads must be a whole number of at least 10');
  const work = mkdtempSync(join(tmpdir(), 'casegraph-bench-audit-'));
  const rows: Array<Array<string | number>> = [];
  try {
    const stores: Array<[string, () => Promise<{ store: Store; cleanup: () => Promise<void> }>]> = [
      ['PGlite (embedded)', async () => ({ store: await createDb({ dataDir: join(work, 'store') }), cleanup: async () => undefined })],
    ];
    const url = process.env.DATABASE_URL;
    if (url !== undefined && url !== '') stores.push(['PostgreSQL', () => freshPostgres(url, 'audit')]);
    for (const [label, open] of stores) {
      const { store, cleanup } = await open();
      try {
        const { audited, unaudited } = await measure(store, reads);
        rows.push([label, reads, audited.toFixed(2), unaudited.toFixed(2), (audited - unaudited).toFixed(2)]);
        process.stdout.write(`${label}: audited ${audited.toFixed(2)} ms, unaudited ${unaudited.toFixed(2)} ms\n`);
      } finally {
        await store.close();
        await cleanup();
      }
    }
    process.stdout.write('\n');
    printTable(['store', 'reads', 'audited view, median ms', 'same reads unaudited, median ms', 'added by the audit, ms'], rows);
    process.stdout.write(`\nmachine: ${describeMachine()}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function measure(store: Store, reads: number): Promise<{ audited: number; unaudited: number }> {
  const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig() });
  const { id: caseId } = await createCase(operator, { title: 'Benchmark case', purpose: 'fraud-audit' });
  await registerSource(operator, { id: 'bench-registry', name: 'Registry', legalBasis: 'Benchmark', purposes: ['fraud-audit'] });
  const ctx: Ctx = { ...operator, purpose: { caseId, code: 'fraud-audit', justification: 'benchmark of audited reads' } };
  const ids = Array.from({ length: 200 }, (_, i) => `bench-person-${i}`);
  await writeEntities(ctx, {
    sourceId: 'bench-registry',
    entities: ids.map((id, i) => ({ id, schema: 'Person', properties: { name: [`Person ${i}`], birthDate: ['1970-01-01'], email: [`p${i}@example.org`] }, origin: `B${i}` })),
  });
  const timeIt = async (read: (id: string) => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < reads; i++) {
      const started = process.hrtime.bigint();
      await read(ids[i % ids.length] as string);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return median(times.slice(Math.floor(reads / 10)));
  };
  // The same queries an entity view runs, in a transaction, without its audit event.
  const unauditedView = (id: string) =>
    store.db.transaction().execute(async (trx) => {
      const tx: Ctx = { ...ctx, db: trx };
      await trx.selectFrom('cases').select(['id', 'status']).where('id', '=', caseId).where(visibleCases(tx)).executeTakeFirst();
      const unlocked = await unlockedCategories(tx);
      return trx
        .selectFrom('statements')
        .innerJoin('sources', 'sources.id', 'statements.source_id')
        .select(['statements.id', 'statements.property', 'statements.value', 'sources.may_combine'])
        .where('statements.entity_id', '=', id)
        .where(visibleStatements(tx))
        .where(sensitiveStatementsFilter(unlocked))
        .execute();
    });
  const audited = await timeIt((id) => getEntity(ctx, id));
  const unaudited = await timeIt(unauditedView);
  return { audited, unaudited };
}
