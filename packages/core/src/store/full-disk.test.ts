import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCheckpointKey } from '../audit/merkle/index.js';
import { checkpointAuditLog, verifyAuditLog } from '../audit/verify-log.js';
import { addCaseNote, listCaseNotes } from '../cases/notes.js';
import { createCase } from '../cases/create-case.js';
import type { Actor, Ctx } from '../context/context.js';
import { DiskFull } from '../errors.js';
import { importMapped } from '../ingest/import-mapped.js';
import { parseMapping } from '../ingest/parse-mapping.js';
import { registerSource } from '../sources/register-source.js';
import { createPgCluster } from '../test-support/pg-cluster.js';
import { mountSmallDisk, smallDiskSupport, type SmallDisk } from '../test-support/small-disk.js';
import { dialects, testContext } from '../test-support/test-store.js';
import { storeUnavailableFrom } from './connection-lost.js';
import { createDb, type Store } from './create-db.js';
import { DISK_RESERVE_BYTES, diskFullFrom } from './disk-full.js';

// Full disks, for real: each store's data on a tmpfs of its own, a filler file setting how much of
// it is free. "Acknowledged" means the call returned success (for an import, the batch whose
// progress was reported): every such row and note must be there once space is freed.

const MB = 2 ** 20;
const support = smallDiskSupport();
const skipped = support.ok ? '' : ` (skipped: ${support.reason})`;
const withPostgres = dialects().includes('postgres');
const postgresSkipped = !support.ok ? skipped : withPostgres ? '' : ' (skipped: DATABASE_URL is not set)';

const MAPPING = `
people:
  queries:
    - csv_url: people.csv
      entities:
        person:
          schema: Person
          keys: [person_id]
          properties:
            name: { column: name }
            address: { column: address }
            notes: { column: remark }
`;
const ROWS_PER_FILE = 500;
const mapping = parseMapping(MAPPING, { fileName: 'people.yml' });
const keys = { signing: generateCheckpointKey('casegraph-full-disk-test') };

/** The workload: imports of fresh people files and case notes, with what was acknowledged. */
class Workload {
  readonly ackedOrigins = new Set<string>();
  readonly ackedNotes = new Set<string>();
  readonly failures: Array<{ call: 'import' | 'note'; error: unknown; ms: number }> = [];
  private files = 0;
  /** Files whose import failed, to run again once space is back (the import resumes). */
  readonly unfinished: string[] = [];

  constructor(
    private readonly work: string,
    private readonly importer: Ctx,
    private readonly analyst: Ctx,
    private readonly caseId: string,
  ) {}

  /** One import and one note; answers whether both succeeded. */
  async round(): Promise<boolean> {
    const file = this.writeFile();
    const imported = await this.importFile(file);
    if (!imported) this.unfinished.push(file);
    const noted = await this.note();
    return imported && noted;
  }

  async importFile(file: string): Promise<boolean> {
    const origins = fileOrigins(file);
    const started = Date.now();
    try {
      await importMapped(this.importer, {
        sourceId: 'registry',
        mapping,
        mappingPath: join(this.work, 'people.yml'),
        dataFile: file,
        // After a committed batch: its rows are acknowledged.
        onProgress: (progress) => {
          for (const origin of origins.slice(0, progress.rows)) this.ackedOrigins.add(origin);
        },
      });
      for (const origin of origins) this.ackedOrigins.add(origin);
      return true;
    } catch (error) {
      this.failures.push({ call: 'import', error, ms: Date.now() - started });
      return false;
    }
  }

  async note(): Promise<boolean> {
    const started = Date.now();
    try {
      const note = await addCaseNote(this.analyst, { caseId: this.caseId, body: `Interview notes, round ${this.files}: the harbour office confirmed the invoices.` });
      this.ackedNotes.add(note.id);
      return true;
    } catch (error) {
      this.failures.push({ call: 'note', error, ms: Date.now() - started });
      return false;
    }
  }

  private writeFile(): string {
    const n = this.files++;
    const lines = ['person_id,name,address,remark'];
    for (let i = 0; i < ROWS_PER_FILE; i++) {
      const id = `F${n}-P${i}`;
      lines.push(`${id},Example Person ${n}-${i},${i} Quay Street Exampleton,${'made-up remark '.repeat(12)}`);
    }
    const path = join(this.work, `people-${n}.csv`);
    writeFileSync(path, lines.join('\n') + '\n');
    fileRows.set(path, lines.slice(1).map((line) => line.split(',')[0] ?? ''));
    return path;
  }

  /** Runs rounds until both an import and a note have failed (or `maxRounds` pass). */
  async untilBothFail(maxRounds: number, onFailure?: () => Promise<void>): Promise<void> {
    for (let i = 0; i < maxRounds; i++) {
      const before = this.failures.length;
      await this.round();
      if (this.failures.length > before) await onFailure?.();
      const calls = new Set(this.failures.map((f) => f.call));
      if (calls.has('import') && calls.has('note')) return;
    }
    throw new Error(`the disk never filled in ${maxRounds} rounds (failures: ${this.failures.length})`);
  }
}

/** One line of figures for docs/full-disk.md: what was acknowledged, how the calls failed. */
function summary(label: string, workload: Workload, disk: SmallDisk): string {
  const kinds = workload.failures.map((f) => {
    const raw = f.error as { code?: unknown };
    return `${f.call}:${typeof raw.code === 'string' ? raw.code : 'no code'}:${f.ms}ms`;
  });
  return `${label}: ${workload.ackedOrigins.size} rows and ${workload.ackedNotes.size} notes acknowledged; failures ${kinds.join(' ')}; ${Math.round(disk.freeBytes() / MB)} MB free at the end`;
}

const fileRows = new Map<string, string[]>();
function fileOrigins(file: string): string[] {
  return fileRows.get(file) ?? [];
}

/** Everything acknowledged is in the store; the audit log verifies. */
async function expectNothingLost(store: Store, workload: Workload, analyst: Ctx, caseId: string): Promise<void> {
  const { rows } = await sql<{ origin: string }>`select distinct origin from statements where source_id = 'registry'`.execute(store.db);
  const stored = new Set(rows.map((r) => r.origin));
  const missing = [...workload.ackedOrigins].filter((origin) => !stored.has(origin));
  expect(missing, 'acknowledged rows missing').toEqual([]);
  const notes = new Set((await listCaseNotes(analyst, caseId)).map((n) => n.id));
  expect([...workload.ackedNotes].filter((id) => !notes.has(id)), 'acknowledged notes missing').toEqual([]);
  await checkpointAuditLog(testContext(store), keys);
  const report = await verifyAuditLog(store.db, { publicKey: keys.signing.publicKey });
  expect(report.problems).toEqual([]);
  expect(report.events).toBeGreaterThan(0);
}

/** A source, an analyst and a case to write to. */
async function prepare(store: Store, work: string): Promise<{ importer: Ctx; analyst: Ctx; caseId: string }> {
  writeFileSync(join(work, 'people.yml'), MAPPING);
  await registerSource(testContext(store), { id: 'registry', name: 'Company registry', legalBasis: 'Public register', purposes: ['administration', 'fraud-audit'] });
  const actor: Actor = { userId: randomUUID(), sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] };
  await store.db.insertInto('users').values({ id: actor.userId, username: 'ines', display_name: 'Ines Example', organisation: 'local', roles: ['analyst'], compartments: [], password_hash: null }).execute();
  const caseId = (await createCase(testContext(store, { actor }), { title: 'Harbour invoices', purpose: 'fraud-audit' })).id;
  return {
    importer: testContext(store, { purpose: { caseId: null, code: 'administration', justification: 'loading the registry' } }),
    analyst: testContext(store, { actor, purpose: { caseId, code: 'fraud-audit', justification: 'working the harbour case' } }),
    caseId,
  };
}

describe('a full disk', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'casegraph-full-disk-'));
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  describe('on the embedded store', () => {
    let disk: SmallDisk | undefined;
    let store: Store | undefined;
    afterAll(async () => {
      await store?.close().catch(() => undefined);
      disk?.destroy();
    });

    it.skipIf(!support.ok)(`refuses writes with a clear error before PGlite meets it, keeps what was acknowledged, and writes again once space is freed, without reopening${skipped}`, async () => {
      // The empty store takes about 40 MB (24 MB of tables, one 16 MB log segment).
      disk = mountSmallDisk(128);
      const folder = join(disk.dir, 'store');
      store = await createDb({ dataDir: folder });
      const { importer, analyst, caseId } = await prepare(store, work);
      const workload = new Workload(work, importer, analyst, caseId);
      expect(await workload.round()).toBe(true);

      // A few thousand rows more than the reserve.
      disk.fill(DISK_RESERVE_BYTES + 10 * MB);
      await workload.untilBothFail(40);
      for (const failure of workload.failures) {
        expect(failure.error).toBeInstanceOf(DiskFull);
        expect((failure.error as DiskFull).message).toBe(`the store's disk is full: free space in ${folder} and retry`);
      }
      // The disk was never actually exhausted: the store refused with the reserve still free.
      expect(disk.freeBytes()).toBeGreaterThan(16 * MB);
      console.log(summary('embedded store, full', workload, disk));
      // Reading goes on; an audited read needs its event written, so it is refused the same way.
      expect(Number((await sql<{ n: string }>`select count(*)::text as n from case_notes`.execute(store.db)).rows[0]?.n)).toBe(workload.ackedNotes.size);
      await expect(listCaseNotes(analyst, caseId)).rejects.toBeInstanceOf(DiskFull);

      disk.unfill();
      for (const file of workload.unfinished.splice(0)) expect(await workload.importFile(file)).toBe(true);
      expect(await workload.round()).toBe(true);
      await expectNothingLost(store, workload, analyst, caseId);

      // And it all survives closing and opening the folder again.
      await store.close();
      store = await createDb({ dataDir: folder });
      await expectNothingLost(store, workload, { ...analyst, db: store.db }, caseId);
    }, 240_000);
  });

  describe('on PostgreSQL', () => {
    let disk: SmallDisk | undefined;
    let cluster: Awaited<ReturnType<typeof createPgCluster>> | undefined;
    let store: Store | undefined;
    afterAll(async () => {
      await store?.close().catch(() => undefined);
      await cluster?.destroy().catch(() => undefined);
      disk?.destroy();
    });

    it.skipIf(!support.ok || !withPostgres)(
      `a log it cannot write stops the server (503 until it is started again), a table it cannot extend fails the call (507); the pool reconnects and nothing acknowledged is lost${postgresSkipped}`,
      async () => {
        disk = mountSmallDisk(256);
        cluster = await createPgCluster(join(disk.dir, 'pg'), { settings: { min_wal_size: "'32MB'", max_wal_size: "'128MB'" } });
        const running = cluster;
        store = await createDb({ databaseUrl: running.url, poolSize: 4 });
        const { importer, analyst, caseId } = await prepare(store, work);
        const workload = new Workload(work, importer, analyst, caseId);
        expect(await workload.round()).toBe(true);
        const superuser = async (statements: string[]) => {
          const client = new pg.Client({ connectionString: running.url });
          await client.connect();
          try {
            for (const statement of statements) await client.query(statement);
          } finally {
            await client.end();
          }
        };

        // 1. No room for a new log segment: PostgreSQL PANICs, restarts, and its recovery cannot
        // write the log either, so it stays down until an operator frees space and starts it.
        disk.fill(4 * MB);
        await superuser(['select pg_switch_wal()']);
        await workload.untilBothFail(10);
        for (const failure of workload.failures) {
          expect(diskFullFrom(failure.error) ?? storeUnavailableFrom(failure.error), String(failure.error)).toBeDefined();
        }
        const deadline = Date.now() + 30_000;
        while (running.pid() !== undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
        expect(running.pid(), 'the server stays down while its log cannot be written').toBeUndefined();
        console.log(summary('PostgreSQL, log full', workload, disk));
        const down = await workload.note().then(() => workload.failures.at(-1)?.error);
        expect(storeUnavailableFrom(down)?.message).toMatch(/cannot be reached at the moment/);
        disk.unfill();
        await running.start();
        for (const file of workload.unfinished.splice(0)) expect(await workload.importFile(file)).toBe(true);
        expect(await workload.round()).toBe(true);
        await expectNothingLost(store, workload, analyst, caseId);

        // 2. Log segments to spare (recycled by a checkpoint), tables that cannot grow: each failing
        // call answers disk full, the server stays up, and writing resumes once space is freed.
        await superuser([
          'create table log_padding (n int)',
          ...Array.from({ length: 6 }, (_, i) => [`insert into log_padding values (${i})`, 'select pg_switch_wal()']).flat(),
          'checkpoint',
          'drop table log_padding',
        ]);
        workload.failures.length = 0;
        disk.fill(10 * MB);
        await workload.untilBothFail(40);
        for (const failure of workload.failures) {
          expect(diskFullFrom(failure.error)?.message, String(failure.error)).toBe("the store's disk is full: free space in the database server's data folder and retry");
        }
        expect(running.pid(), 'the server stays up').toBeDefined();
        console.log(summary('PostgreSQL, tables full', workload, disk));
        disk.unfill();
        for (const file of workload.unfinished.splice(0)) expect(await workload.importFile(file)).toBe(true);
        expect(await workload.round()).toBe(true);
        await expectNothingLost(store, workload, analyst, caseId);
      },
      240_000,
    );
  });
});
