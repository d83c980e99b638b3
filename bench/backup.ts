// Backup and restore of a store of N entities (default 10 million): people with a name, a birth
// date and a nationality written by SQL straight into statements, their names in the search
// index, some evidence and an audit log with a signed checkpoint. Times `backupStore` and
// `restoreStore` (which checks the archive whole, restores into a fresh store and verifies every
// table's rows and the audit log) and reports the archive's size.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import {
  backupStore,
  checkpointAuditLog,
  createContext,
  createDb,
  defaultConfig,
  generateCheckpointKey,
  LOCAL_OPERATOR,
  recordEvent,
  registerSource,
  restoreStore,
  type AuditKeys,
  type BackupProgress,
  type Store,
  type StoreOptions,
} from '@casegraph/core';
import { describeMachine, printTable } from './machine.js';
import { databaseUrl, onServer } from './postgres.js';

const BATCH = 500_000;
const EVENTS = 2_000;

/** Runs SQL as the store's owner (the application role may not change indexes). */
async function asOwner(store: Store, statements: string[]): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    await sql`set local role none`.execute(trx);
    for (const statement of statements) await sql.raw(statement).execute(trx);
  });
}

/**
 * Writes `entities` people in batches: three statements each, and the name in the search index.
 * The secondary indexes are dropped while writing and built again at the end, as a bulk load
 * would: building a GIN index once is many times faster than keeping it up row by row.
 */
async function fill(store: Store, entities: number): Promise<void> {
  const now = `'2026-01-01T00:00:00Z'::timestamptz`;
  const columns = 'id, entity_id, schema, property, prop_type, value, normalized, source_id, origin, first_seen, last_seen';
  const started = Date.now();
  const indexes = (
    await sql<{ name: string; definition: string }>`select indexname as name, indexdef as definition from pg_indexes
      where schemaname = 'public' and tablename in ('statements', 'search_values') and indexname not like '%_pkey'`.execute(store.db)
  ).rows;
  await asOwner(store, indexes.map((index) => `drop index ${index.name}`));
  const name = (i: string) =>
    `(array['Aino','Bram','Cosima','Dries','Elif','Fenna','Gideon','Hester'])[1 + ${i} % 8] || ' ' || (array['Aaltonen','Brouwer','Castell','Dekker','Eskola','Fontaine','Groen','Halonen','Ibsen','Jansen'])[1 + (${i} / 8) % 10] || ' ' || ${i}`;
  for (let from = 1; from <= entities; from += BATCH) {
    const to = Math.min(entities, from + BATCH - 1);
    await asOwner(store, [
      `insert into statements (${columns})
        select md5('p' || i || p.property), 'p' || i, 'Person', p.property, p.prop_type, p.value, lower(p.value), 'bench', 'row-' || i, ${now}, ${now}
        from generate_series(${from}, ${to}) i
        cross join lateral (values
          ('name', 'name', ${name('i')}),
          ('birthDate', 'date', to_char(date '1940-01-01' + ((hashint8(i::bigint) & 32767)::int % 25000), 'YYYY-MM-DD')),
          ('nationality', 'country', (array['nl','fi','be','dk','se'])[1 + i % 5])) p(property, prop_type, value)`,
      `insert into search_values (statement_id, entity_id, source_id, grp, key, terms)
        select md5('p' || i || 'name'), 'p' || i, 'bench', 'name', n.normalized, string_to_array(n.normalized, ' ')
        from generate_series(${from}, ${to}) i cross join lateral (select lower(${name('i')}) as normalized) n`,
    ]);
    process.stderr.write(`  ${to.toLocaleString('en')} of ${entities.toLocaleString('en')} entities written (${Math.round((Date.now() - started) / 1000)} s)\n`);
  }
  for (const index of indexes) await asOwner(store, [`set local maintenance_work_mem = '512MB'`, index.definition]);
  await asOwner(store, ['analyze statements', 'analyze search_values']);
  process.stderr.write(`  indexes built (${Math.round((Date.now() - started) / 1000)} s)\n`);
}

/** Audit events through the application, evidence blobs, and a signed checkpoint. */
async function audit(store: Store, keys: AuditKeys): Promise<void> {
  const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig() });
  await registerSource(ctx, { id: 'bench', name: 'Benchmark register', legalBasis: 'Benchmark', purposes: ['administration'] }).catch(() => undefined);
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < EVENTS; i++) await recordEvent(ctx, trx, { category: 'consultation', action: 'entity.view', subjectIds: [`p${i + 1}`] });
  });
  await checkpointAuditLog(ctx, keys);
}

/** A step's wall-clock seconds, from the progress events. */
function stepTimer(): { onProgress: (p: BackupProgress) => void; seconds: () => Record<string, number> } {
  const starts: Array<{ step: string; at: number }> = [];
  return {
    onProgress: (p) => {
      if (starts.at(-1)?.step !== p.step) starts.push({ step: p.step, at: Date.now() });
    },
    seconds: () => {
      const out: Record<string, number> = {};
      const end = Date.now();
      starts.forEach((s, i) => (out[s.step] = ((starts[i + 1]?.at ?? end) - s.at) / 1000));
      return out;
    },
  };
}

/** `npm run bench -- backup [--entities N] [--store postgres|pglite]`. */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { entities: { type: 'string', default: '10000000' }, store: { type: 'string', default: 'postgres' } } });
  const entities = Number(values.entities);
  if (!Number.isInteger(entities) || entities < 1000) throw new Error('--entities must be a whole number of at least 1,000');
  const kind = values.store === 'pglite' ? 'pglite' : 'postgres';
  const work = mkdtempSync(join(tmpdir(), 'casegraph-bench-backup-'));
  const keys: AuditKeys = { signing: generateCheckpointKey('casegraph'), termsKey: randomBytes(32).toString('base64') };
  const url = process.env.DATABASE_URL;
  const names = [`casegraph_bench_backup_${process.pid}`, `casegraph_bench_restore_${process.pid}`];
  let source: StoreOptions;
  let target: StoreOptions;
  if (kind === 'postgres') {
    if (url === undefined || url === '') throw new Error('--store postgres needs DATABASE_URL');
    for (const name of names) await onServer(url, (client) => client.query(`create database ${name}`));
    source = { databaseUrl: databaseUrl(url, names[0] as string) };
    target = { databaseUrl: databaseUrl(url, names[1] as string) };
  } else {
    source = { dataDir: join(work, 'source') };
    target = { dataDir: join(work, 'restored') };
  }
  try {
    process.stdout.write(`Writing ${entities.toLocaleString('en')} entities into a ${kind} store...\n`);
    const store = await createDb(source);
    try {
      await audit(store, keys);
      await fill(store, entities);
    } finally {
      await store.close();
    }
    const archive = join(work, 'store.backup');
    const tools = { env: process.env };
    const backupSteps = stepTimer();
    const backupStarted = Date.now();
    const made = await backupStore(source, { out: archive, keys, tools, onProgress: backupSteps.onProgress });
    const backupSeconds = (Date.now() - backupStarted) / 1000;
    const restoreSteps = stepTimer();
    const restoreStarted = Date.now();
    const restored = await restoreStore(archive, target, { trustedPublicKey: keys.signing.publicKey, tools, onProgress: restoreSteps.onProgress });
    const restoreSeconds = (Date.now() - restoreStarted) / 1000;
    const rows = Object.values(restored.tables).reduce((sum, n) => sum + n, 0);
    const steps = restoreSteps.seconds();
    process.stdout.write('\n');
    printTable(
      ['store', 'entities', 'rows', 'archive MB', 'backup s', 'restore s', 'check s', 'load s', 'verify s', 'audit events'],
      [[
        kind,
        entities,
        rows,
        Math.round(statSync(archive).size / 2 ** 20),
        backupSeconds.toFixed(0),
        restoreSeconds.toFixed(0),
        (steps.check ?? 0).toFixed(0),
        (steps.restore ?? 0).toFixed(0),
        (steps.verify ?? 0).toFixed(0),
        restored.auditEvents,
      ]],
    );
    process.stdout.write(`\nstatements ${restored.tables.statements?.toLocaleString('en')}, search_values ${restored.tables.search_values?.toLocaleString('en')}; archive sha256 ${made.sha256}\n`);
    process.stdout.write(`machine: ${describeMachine()}\n`);
  } finally {
    if (kind === 'postgres' && url !== undefined) for (const name of names) await onServer(url, (client) => client.query(`drop database if exists ${name}`));
    rmSync(work, { recursive: true, force: true });
  }
}
