import { existsSync, fsyncSync, closeSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { CompiledQuery, Kysely, PostgresDialect, sql, type PostgresPool } from 'kysely';
import pg from 'pg';
import { SessionTouches } from '../access/session-touches.js';
import { AuditBatcher } from '../audit/audit-batch.js';
import { DiskFull, Invalid, StoreUnavailable } from '../errors.js';
import { lockDataFolder, type DataFolderLock } from './data-folder-lock.js';
import { APP_ROLE, migrateToLatest } from './migrate.js';
import { lacksStatistics, refreshStatistics } from './statistics.js';
import { PGliteDialect } from './pglite-dialect.js';
import { prepareRepeatedStatements } from './prepared.js';
import { postgresListener, type ListenerState } from '../live/store-listener.js';
import type { Database } from './schema.js';

/** Where the store lives: an embedded data folder, or a PostgreSQL server. */
export interface StoreOptions {
  /** Data folder of the embedded store (PGlite). */
  dataDir?: string;
  /** PostgreSQL connection string; wins over dataDir when both are given. */
  databaseUrl?: string;
  /** An embedded store in memory, empty or started from a data-folder dump (tests). */
  memory?: boolean;
  loadDataDir?: Blob;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /** Connections in the PostgreSQL pool (default 10). */
  poolSize?: number;
  /**
   * PostgreSQL connection string of a streaming read replica of databaseUrl: search and graph
   * reads run there, everything else (access decisions, writes, audit, oversight) on the primary.
   */
  replicaUrl?: string;
}

/** Where a store with a read replica sends its search and graph reads. */
export interface ReplicaState {
  reading: 'replica' | 'primary';
  since: Date;
  /** Why the replica was left, when reads are on the primary. */
  reason?: string;
}

/** An open store. Close it to release the data folder or the connection pool. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly kind: 'pglite' | 'postgres';
  /** The data folder, or the server address without its password. */
  readonly location: string;
  /** Applied migrations this open ran (empty when the store was current). */
  readonly migrated: string[];
  /** The read replica's handle (its own pool, never migrated), when the store has one; its connections are the primary's while the replica cannot be reached. */
  readonly readDb?: Kysely<Database>;
  /** With a replica: whether reads go to it now or (it being unreachable) to the primary, since when and why. */
  replicaState?(): ReplicaState;
  /** PostgreSQL: appends consultations' audit events in batches, on a connection of its own. */
  readonly auditBatch?: AuditBatcher;
  /** PostgreSQL: writes when sessions were last used a second at a time, in one statement. */
  readonly sessionTouches?: SessionTouches;
  /** Writes the embedded store's data folder into a tarball (PGlite only). */
  dumpDataDir?(): Promise<Blob>;
  /**
   * Hears the notices of a channel (LISTEN) until the answered function is called; `onState` is
   * told when the listening connection is lost and when it is back (notices between are lost).
   */
  listen(channel: string, onMessage: (payload: string) => void, onState?: (state: ListenerState) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const MARKER = 'casegraph.json';
const PGDATA = 'pgdata';
const FORMAT = 1;

/**
 * Opens the store: PostgreSQL when a URL is given, otherwise the embedded PGlite data folder.
 * @example const store = await createDb({ dataDir: './data' });
 */
export async function createDb(options: StoreOptions): Promise<Store> {
  const replica = options.replicaUrl !== undefined && options.replicaUrl !== '';
  if (replica && (options.databaseUrl === undefined || options.databaseUrl === '')) {
    throw new Invalid('a read replica (DATABASE_REPLICA_URL) needs a PostgreSQL primary (DATABASE_URL); the embedded store has no replicas');
  }
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') return openPostgres(options.databaseUrl, options);
  if (options.memory === true || options.loadDataDir !== undefined) return openPGlite(undefined, options);
  return openPGlite(resolve(options.dataDir ?? './data'), options);
}

// ---------- embedded ----------

async function openPGlite(folder: string | undefined, options: StoreOptions): Promise<Store> {
  let lock: DataFolderLock | undefined;
  if (folder !== undefined) {
    checkDataFolder(folder);
    lock = lockDataFolder(folder);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(folder !== undefined ? { dataDir: join(folder, PGDATA) } : {}),
      ...(options.loadDataDir !== undefined ? { loadDataDir: options.loadDataDir } : {}),
      extensions: { pg_trgm, fuzzystrmatch, unaccent },
      parsers: { [pgliteTypes.INT8]: (v: string) => v, [pgliteTypes.DATE]: (v: string) => v },
    });
  } catch (error) {
    lock?.release();
    throw new StoreUnavailable(`cannot open the embedded store in ${folder ?? 'memory'}: ${describe(error)}`);
  }
  const afterCommit = folder !== undefined ? walSyncer(join(folder, PGDATA), () => pglite.query('checkpoint')) : undefined;
  let migrated: string[] = [];
  try {
    // The default 1 GB of write-ahead log is most of a laptop store's size after a bulk load.
    for (const statement of [`alter system set max_wal_size = '128MB'`, `alter system set min_wal_size = '32MB'`, 'select pg_reload_conf()']) {
      await pglite.query(statement);
    }
    if (options.migrate !== false) {
      const admin = new Kysely<unknown>({ dialect: new PGliteDialect({ pglite, ...(afterCommit ? { afterCommit } : {}), ...(folder !== undefined ? { diskFolder: folder } : {}) }) });
      migrated = await migrateToLatest(admin);
      // A store loaded before statistics were kept gets them once, here.
      if (await lacksStatistics(admin, 'statements')) await refreshStatistics(admin);
      await admin.destroy();
      // The embedded server has no background checkpointer nor autovacuum: the application
      // checkpoints and analyses itself.
      await pglite.query(`grant pg_checkpoint to ${APP_ROLE}`);
      await pglite.query(`grant pg_maintain to ${APP_ROLE}`);
    }
    if (folder !== undefined && !existsSync(join(folder, MARKER))) {
      writeFileSync(join(folder, MARKER), JSON.stringify({ format: FORMAT, kind: 'casegraph-store' }) + '\n');
    }
  } catch (error) {
    await pglite.close().catch(() => undefined);
    lock?.release();
    // Opening writes (the migrations' lock): a full disk is said as such, with the folder to free.
    if (error instanceof DiskFull) throw error;
    throw new StoreUnavailable(`cannot prepare the embedded store in ${folder ?? 'memory'}: ${describe(error)}`);
  }
  const db = new Kysely<Database>({
    dialect: new PGliteDialect({ pglite, ...(afterCommit ? { afterCommit } : {}), ...(folder !== undefined ? { diskFolder: folder } : {}), onOpen: [`set role ${APP_ROLE}`] }),
  });
  return {
    db,
    kind: 'pglite',
    location: folder ?? 'memory',
    migrated,
    dumpDataDir: async () => {
      const dump = await pglite.dumpDataDir('none');
      return dump;
    },
    // Through the dialect's connection, so LISTEN never lands inside a request's transaction.
    listen: async (channel, onMessage) => {
      const unlisten = await db.connection().execute(() => pglite.listen(channel, onMessage));
      return () => db.connection().execute(() => unlisten()).catch(() => undefined);
    },
    close: async () => {
      await db.destroy();
      await pglite.close();
      lock?.release();
    },
  };
}

/** Refuses folders that hold something other than a casegraph store, before touching them. */
function checkDataFolder(folder: string): void {
  if (!existsSync(folder)) {
    mkdirSync(folder, { recursive: true });
    return;
  }
  if (!statSync(folder).isDirectory()) {
    throw new StoreUnavailable(`${folder} is not a folder; --data must name a casegraph data folder`);
  }
  const entries = readdirSync(folder).filter((name) => !name.startsWith('casegraph.lock'));
  if (entries.length === 0) return;
  const marker = join(folder, MARKER);
  if (!existsSync(marker)) {
    throw new StoreUnavailable(
      `${folder} is not a casegraph store (no ${MARKER}, and it is not empty); choose an empty folder or an existing store`,
    );
  }
  let format: unknown;
  try {
    format = (JSON.parse(readFileSync(marker, 'utf8')) as { format?: unknown }).format;
  } catch {
    throw new StoreUnavailable(`${folder} is not a casegraph store: ${MARKER} is not readable JSON`);
  }
  if (format !== FORMAT) {
    throw new StoreUnavailable(`${folder} holds a casegraph store of format ${String(format)}; this version reads format ${FORMAT}`);
  }
  if (!existsSync(join(folder, PGDATA, 'PG_VERSION'))) {
    throw new StoreUnavailable(`${folder} is a damaged casegraph store: ${PGDATA}/ is missing; restore it from a backup`);
  }
}

/** Segments of write-ahead log (16 MB each) that trigger a checkpoint: 256 MB. */
const CHECKPOINT_SEGMENTS = 16;

/**
 * PGlite writes through to the files but never calls fsync, so after a commit the write-ahead
 * log segments written since the last sync are synced here, before the caller is answered.
 * PGlite also runs no background checkpointer, so the log would grow without end during a bulk
 * load: past CHECKPOINT_SEGMENTS a checkpoint is taken, which lets the old segments be recycled.
 */
function walSyncer(pgdata: string, checkpoint: () => Promise<unknown>): () => Promise<void> {
  const walDir = join(pgdata, 'pg_wal');
  let lastSync = 0;
  let lastCheckpoint = 0;
  return async () => {
    const started = Date.now();
    const segments = readdirSync(walDir).filter((name) => /^[0-9A-F]{24}$/.test(name));
    if (segments.length > CHECKPOINT_SEGMENTS) {
      const before = Date.now();
      await checkpoint();
      // The checkpoint wrote the data files (through, never synced); sync them, as the log that
      // could have rebuilt them is now free to be recycled.
      fsyncChangedFiles(pgdata, lastCheckpoint);
      lastCheckpoint = before;
    }
    for (const name of segments) {
      const path = join(walDir, name);
      if (!existsSync(path)) continue;
      if (statSync(path).mtimeMs + 1000 < lastSync) continue;
      const fd = openSync(path, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    lastSync = started;
  };
}

/** Syncs every file under `folder` (but the log, synced on its own) modified since `since` (ms). */
function fsyncChangedFiles(folder: string, since: number): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'pg_wal') fsyncChangedFiles(path, since);
    } else if (entry.isFile() && statSync(path).mtimeMs + 1000 >= since) {
      const fd = openSync(path, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  }
}

// ---------- server ----------

/** Refuses a connection string that is not PostgreSQL's, naming the setting it came from. */
function checkPostgresUrl(url: string, setting: string, location: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreUnavailable(`${setting} is not a valid URL (expected postgres://user:password@host:port/database): ${location}`);
  }
  if (!['postgres:', 'postgresql:'].includes(parsed.protocol)) {
    throw new StoreUnavailable(`${setting} must start with postgres:// or postgresql://, got ${parsed.protocol}//`);
  }
}

async function openPostgres(url: string, options: StoreOptions): Promise<Store> {
  const location = redact(url);
  checkPostgresUrl(url, 'DATABASE_URL', location);
  // Dates and 64-bit integers stay strings, as on the embedded store, so both dialects agree.
  const keepText = (value: string): string => value;
  const typeParsers = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
      oid === 1082 || oid === 20 ? keepText : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
  };
  const adminPool = new pg.Pool({ connectionString: url, max: 1, types: typeParsers, connectionTimeoutMillis: 10_000 });
  adminPool.on('error', () => undefined);
  try {
    const client = await adminPool.connect();
    client.release();
  } catch (error) {
    await adminPool.end().catch(() => undefined);
    throw new StoreUnavailable(`cannot connect to PostgreSQL at ${location}: ${describe(error)}`);
  }
  let migrated: string[] = [];
  try {
    const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: adminPool }) });
    if (options.migrate !== false) migrated = await migrateToLatest(admin);
    await admin.destroy();
  } catch (error) {
    await adminPool.end().catch(() => undefined);
    throw new StoreUnavailable(`cannot prepare the PostgreSQL store at ${location}: ${describe(error)}`);
  }
  const db = await appRoleDb(url, options.poolSize ?? 10, typeParsers, location);
  // Batched audit appends have a connection of their own: a consultation waits for its batch with
  // its transaction open, so the batch must never wait for a connection of the main pool.
  let auditDb: Kysely<Database>;
  try {
    auditDb = await appRoleDb(url, 1, typeParsers, location);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const auditBatch = new AuditBatcher(auditDb);
  const sessionTouches = new SessionTouches(db);
  // LISTEN belongs to a session: one dedicated connection per store, opened by the first listen.
  const listener = postgresListener(url);
  const listen: Store['listen'] = (channel, onMessage, onState) => listener.listen(channel, onMessage, onState);
  const closeAll = async (readDb?: Kysely<Database>) => {
    await listener.close();
    await auditBatch.close();
    await sessionTouches.close().catch(() => undefined);
    await Promise.all([db.destroy(), auditDb.destroy(), readDb?.destroy()]);
  };
  if (options.replicaUrl === undefined || options.replicaUrl === '') {
    return { db, auditBatch, sessionTouches, kind: 'postgres', location, migrated, listen, close: () => closeAll() };
  }
  let replica: { db: Kysely<Database>; pool: ReplicaPool };
  try {
    replica = await openReplica(options.replicaUrl, url, options.poolSize ?? 10, typeParsers);
  } catch (error) {
    await Promise.all([db.destroy(), auditDb.destroy()]);
    throw error;
  }
  const readDb = replica.db;
  const pool = replica.pool;
  return { db, readDb, replicaState: () => pool.state, auditBatch, sessionTouches, kind: 'postgres', location, migrated, listen, close: () => closeAll(readDb) };
}

/** A connection pool that survives the server going away (its connections' errors are answered by the next query). */
function survivingPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  // An idle connection the server ends (a restart, an administrator, a dropped database) must not
  // take the process down: the pool replaces it, and the next query reports any real outage.
  pool.on('error', () => undefined);
  // A connection in use has no pool listener: when the server dies between two queries of a
  // transaction, its error event would end the process. The query that follows fails instead
  // (the pool then drops the connection), and the caller hears the store is unavailable.
  pool.on('connect', (client) => client.on('error', () => undefined));
  prepareRepeatedStatements(pool);
  return pool;
}

/** A pool whose every connection acts as the application role, checked once before it is answered. */
async function appRoleDb(url: string, max: number, types: pg.CustomTypesConfig, location: string): Promise<Kysely<Database>> {
  return appRoleKysely(survivingPool({ connectionString: url, max, types }), location);
}

async function appRoleKysely(pool: PostgresPool, location: string): Promise<Kysely<Database>> {
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool,
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw(`set role ${APP_ROLE}`));
        // The application's queries are many and short: starting parallel workers for one costs
        // more than the query (6 ms to find one phone number among 10 million). Migrations and
        // backups have connections of their own.
        await connection.executeQuery(CompiledQuery.raw('set max_parallel_workers_per_gather = 0'));
      },
    }),
  });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new StoreUnavailable(`cannot act as role ${APP_ROLE} on ${location}: ${describe(error)}`);
  }
  return db;
}

/**
 * The read replica: a pool of its own acting as the application role, never migrated (a streaming
 * replica is a copy of the primary, schema and roles included, and refuses writes).
 */
async function openReplica(url: string, primaryUrl: string, max: number, types: pg.CustomTypesConfig): Promise<{ db: Kysely<Database>; pool: ReplicaPool }> {
  const location = redact(url);
  checkPostgresUrl(url, 'DATABASE_REPLICA_URL', location);
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await probe.connect();
  } catch (error) {
    throw new StoreUnavailable(`cannot connect to the read replica at ${location}: ${describe(error)}`);
  } finally {
    await probe.end().catch(() => undefined);
  }
  const pool = new ReplicaPool(survivingPool({ connectionString: url, max, types, connectionTimeoutMillis: REPLICA_CONNECT_MS }), survivingPool({ connectionString: primaryUrl, max, types }));
  const db = await appRoleKysely(pool, `the read replica ${location}`);
  try {
    await sql`select 1 from statements limit 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new StoreUnavailable(`the read replica at ${location} does not hold the casegraph schema (make it from the primary with pg_basebackup): ${describe(error)}`);
  }
  return { db, pool };
}

// How long a replica that cannot be reached has to answer a new connection, and how long reads
// then stay on the primary before the replica is tried again.
const REPLICA_CONNECT_MS = 2_000;
const REPLICA_RETRY_MS = 10_000;

/**
 * Lends connections to the replica while it answers, and to the primary while it does not: a
 * replica down or unreachable makes search and graph reads slower (the primary does them), not
 * unavailable. The replica is tried again every REPLICA_RETRY_MS. A query already running on the
 * replica when it goes fails (the caller hears the store is unavailable, once).
 */
class ReplicaPool implements PostgresPool {
  private downUntil = 0;
  /** Where reads go now, and since when. */
  state: ReplicaState = { reading: 'replica', since: new Date() };

  readonly Client = pg.Client;

  constructor(
    private readonly replica: pg.Pool,
    private readonly primary: pg.Pool,
  ) {}

  get options(): object {
    return this.replica.options;
  }

  async connect(): Promise<pg.PoolClient> {
    if (Date.now() >= this.downUntil) {
      try {
        const client = await this.replica.connect();
        if (this.state.reading !== 'replica') this.state = { reading: 'replica', since: new Date() };
        return client;
      } catch (error) {
        this.downUntil = Date.now() + REPLICA_RETRY_MS;
        if (this.state.reading !== 'primary') this.state = { reading: 'primary', since: new Date(), reason: describe(error) };
      }
    }
    return this.primary.connect();
  }

  async end(): Promise<void> {
    await Promise.all([this.replica.end(), this.primary.end()]);
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    if (code === 'ECONNREFUSED') return 'connection refused (is the server running, and on that port?)';
    if (code === 'ENOTFOUND') return 'host not found';
    if (code === '28P01') return 'password authentication failed';
    if (code === '3D000') return error.message;
    if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
    return error.message || code || 'unknown error';
  }
  return String(error);
}
