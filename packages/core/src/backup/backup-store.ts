import { existsSync, readFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { AuditKeys } from '../audit/keys.js';
import { defaultConfig, type CoreConfig } from '../config/config.js';
import { createContext, LOCAL_OPERATOR, type Actor } from '../context/context.js';
import { runAudited } from '../context/purpose.js';
import { Conflict } from '../errors.js';
import { createDb, type StoreOptions } from '../store/create-db.js';
import type { Database } from '../store/schema.js';
import { hashFile, TarWriter } from './archive.js';
import { BACKUP_FORMAT, casegraphVersion, MEMBERS, readSnapshot, signManifest, type BackupManifest, type StoreSnapshot } from './manifest.js';
import { checkPgTool, connectionFor, startPgTool, type PgToolOptions } from './pg-tools.js';

/** Where long backup and restore work stands, for a progress display. */
export interface BackupProgress {
  step: 'snapshot' | 'data' | 'check' | 'restore' | 'verify';
  bytes?: number;
  total?: number;
}

/** How to make a backup. */
export interface BackupOptions {
  /** The archive to write; refused when it exists. */
  out: string;
  /** The deployment's keys: the signing key signs the manifest. */
  keys: AuditKeys;
  /** The keys file to put in the archive as well (then the archive is as secret as the keys). */
  includeKeysFile?: string;
  /** Where pg_dump is, and the environment it runs in. */
  tools?: PgToolOptions;
  actor?: Actor;
  config?: CoreConfig;
  now?: () => Date;
  onProgress?: (progress: BackupProgress) => void;
}

/** A written backup. */
export interface BackupSummary {
  archive: string;
  /** SHA-256 of the whole archive file, as the backup's audit event records it. */
  sha256: string;
  bytes: number;
  manifest: BackupManifest;
}

/**
 * Writes the whole store into one archive: the data (the embedded store's data folder, or
 * `pg_dump -Fc` streamed from PostgreSQL), every table's row count and the audit tree's size and
 * root read in the same snapshot, and a manifest with each member's SHA-256, signed with the
 * audit key. The backup is itself an audit event (digest, size, who), recorded once the archive
 * is complete; it is not in the archive it describes.
 * @example await backupStore({ dataDir: './data' }, { out: 'casegraph.backup', keys });
 */
export async function backupStore(target: StoreOptions, options: BackupOptions): Promise<BackupSummary> {
  if (existsSync(options.out)) throw new Conflict(`${options.out} already exists; choose another name for the backup`);
  const postgres = target.databaseUrl !== undefined && target.databaseUrl !== '';
  if (postgres) await checkPgTool('pg_dump', options.tools ?? {});
  const now = options.now ?? (() => new Date());
  const store = await createDb(target);
  const partial = `${options.out}.partial`;
  await rm(partial, { force: true });
  let writer: TarWriter | undefined;
  try {
    writer = await TarWriter.create(partial);
    const createdAt = now();
    const members: BackupManifest['members'] = [];
    const onBytes = (bytes: number) => options.onProgress?.({ step: 'data', bytes });
    options.onProgress?.({ step: 'snapshot' });
    let snapshot: StoreSnapshot;
    if (postgres) {
      snapshot = await dumpPostgres(target.databaseUrl as string, async (dump) => {
        members.push({ name: MEMBERS.postgres, ...(await (writer as TarWriter).addStream(MEMBERS.postgres, dump, createdAt, onBytes)) });
      }, options.tools ?? {});
    } else {
      // This process holds the data folder's lock: nothing changes it between the count and the dump.
      snapshot = await snapshotOf(store.db);
      const dump = await (store.dumpDataDir as () => Promise<Blob>)();
      // Compressed here, as it streams to the file: most of a data folder is empty pages and log.
      const gzip = createGzip({ level: 6 });
      // The dump is already whole in memory (PGlite hands it over at once): stream its bytes.
      const source = Readable.from([Buffer.from(await dump.arrayBuffer())]);
      const compressing = pipeline(source, gzip);
      compressing.catch(() => undefined);
      members.push({ name: MEMBERS.pglite, ...(await writer.addStream(MEMBERS.pglite, gzip, createdAt, onBytes)) });
      await compressing;
    }
    if (options.includeKeysFile !== undefined) {
      members.push({ name: MEMBERS.keys, ...(await writer.addBuffer(MEMBERS.keys, readFileSync(options.includeKeysFile), createdAt)) });
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      casegraphVersion: casegraphVersion(),
      createdAt: createdAt.toISOString(),
      store: store.kind,
      ...snapshot,
      keys: { publicKey: options.keys.signing.publicKey, included: options.includeKeysFile !== undefined },
      members,
    };
    const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
    await writer.addBuffer(MEMBERS.manifest, manifestBytes, createdAt);
    await writer.addBuffer(MEMBERS.signature, Buffer.from(signManifest(options.keys, manifestBytes, manifest.audit.size), 'utf8'), createdAt);
    const bytes = await writer.finish();
    writer = undefined;
    options.onProgress?.({ step: 'check' });
    const sha256 = await hashFile(partial);
    await rename(partial, options.out);
    const ctx = createContext({ db: store.db, actor: options.actor ?? LOCAL_OPERATOR, config: options.config ?? defaultConfig(), now });
    const rows = Object.values(snapshot.tables).reduce((sum, n) => sum + n, 0);
    await runAudited(ctx, { action: 'store.backup', category: 'disclosure' }, async () => ({
      value: undefined,
      // Digests and sizes only: nothing in the event names a person, nor where the copy went.
      detail: { sha256, bytes, data: members[0]?.sha256, store: store.kind, tables: Object.keys(snapshot.tables).length, rows, auditSize: snapshot.audit.size, keysIncluded: manifest.keys.included },
    }));
    return { archive: options.out, sha256, bytes, manifest };
  } catch (error) {
    await writer?.abort();
    await rm(partial, { force: true });
    throw error;
  } finally {
    await store.close();
  }
}

/** Reads the snapshot through the store's own connection, as the connecting user (every table). */
export async function snapshotOf(db: Kysely<Database>): Promise<StoreSnapshot> {
  return db.transaction().execute(async (trx) => {
    await sql`set local role none`.execute(trx);
    return readSnapshot(async (statement) => (await sql.raw<Record<string, unknown>>(statement).execute(trx)).rows);
  });
}

/**
 * Opens a repeatable-read transaction, exports its snapshot, counts inside it and has pg_dump
 * dump that same snapshot, so the counts describe exactly the dumped data while the server keeps
 * serving.
 */
async function dumpPostgres(url: string, write: (dump: AsyncIterable<Uint8Array>) => Promise<void>, tools: PgToolOptions): Promise<StoreSnapshot> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const { rows } = await client.query<{ id: string }>('select pg_export_snapshot() as id');
    const snapshot = await readSnapshot(async (statement) => (await client.query(statement)).rows as Array<Record<string, unknown>>);
    const { dbname, password } = connectionFor(url);
    const tool = startPgTool('pg_dump', ['--format=custom', `--snapshot=${rows[0]?.id ?? ''}`, '--no-password', '--dbname', dbname], { ...tools, password });
    tool.child.stdin.end();
    try {
      await write(tool.child.stdout);
    } catch (error) {
      tool.child.kill();
      throw error;
    }
    await tool.done;
    await client.query('commit');
    return snapshot;
  } finally {
    await client.end().catch(() => undefined);
  }
}
