import type { PGlite, Results } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { checkDiskSpace, diskFullFrom, parameterBytes } from './disk-full.js';

/** Options for running Kysely over one embedded PGlite instance. */
export interface PGliteDialectOptions {
  pglite: PGlite;
  /** Runs after each committed write, before the caller is answered (durability). */
  afterCommit?: () => Promise<void>;
  /** Statements run once when the connection is first used (for example SET ROLE). */
  onOpen?: string[];
  /** The data folder: writes are refused with DiskFull while its disk is short of the reserve. */
  diskFolder?: string;
}

/** Kysely dialect for PGlite: one connection, handed out to one caller at a time. */
export class PGliteDialect implements Dialect {
  constructor(private readonly options: PGliteDialectOptions) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.options);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

/**
 * PGlite is a single session, so transactions from concurrent requests must not interleave:
 * the connection is a mutex, released by Kysely when the caller is done with it.
 */
class PGliteDriver implements Driver {
  private readonly connection: PGliteConnection;
  private queue: Promise<void> = Promise.resolve();
  private opened = false;

  constructor(private readonly options: PGliteDialectOptions) {
    this.connection = new PGliteConnection(options);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const previous = this.queue;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.connection.release = release;
    if (!this.opened) {
      this.opened = true;
      for (const statement of this.options.onOpen ?? []) await this.options.pglite.exec(statement);
    }
    return this.connection;
  }

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await conn.executeQuery(CompiledQuery.raw(`begin${isolation}`));
    this.connection.inTransaction = true;
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('commit'));
    this.connection.inTransaction = false;
    await this.connection.flushIfWritten();
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    this.connection.inTransaction = false;
    this.connection.wrote = false;
    await conn.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    const release = this.connection.release;
    this.connection.release = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    await this.queue;
  }
}

const READ_ONLY = /^\s*(select|with\s+[\s\S]*\bselect\b(?![\s\S]*\b(insert|update|delete)\b)|show|explain|begin|rollback)\b/i;
// The store's functions that write, called from a select.
const WRITING_FUNCTIONS = /\baudit_append\(/;

class PGliteConnection implements DatabaseConnection {
  release: (() => void) | undefined;
  inTransaction = false;
  wrote = false;

  constructor(private readonly options: PGliteDialectOptions) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const writes = WRITING_FUNCTIONS.test(compiledQuery.sql) || (!READ_ONLY.test(compiledQuery.sql) && compiledQuery.sql.trim().toLowerCase() !== 'commit');
    const folder = this.options.diskFolder;
    // Checked before every write, not at commit: a transaction that passed every check may end.
    // A statement may add about its parameters' size to the tables, their indexes and the log.
    if (writes && folder !== undefined) checkDiskSpace(folder, 3 * parameterBytes(compiledQuery.parameters));
    let result: Results<R>;
    try {
      result = await this.options.pglite.query<R>(compiledQuery.sql, [...compiledQuery.parameters]);
    } catch (error) {
      throw (folder !== undefined ? diskFullFrom(error, folder) : undefined) ?? error;
    }
    if (writes) this.wrote = true;
    if (!this.inTransaction) await this.flushIfWritten();
    const affected = result.affectedRows;
    return {
      rows: result.rows,
      ...(affected !== undefined ? { numAffectedRows: BigInt(affected) } : {}),
    };
  }

  async flushIfWritten(): Promise<void> {
    if (!this.wrote) return;
    this.wrote = false;
    await this.options.afterCommit?.();
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on the embedded store; page with keyset queries');
  }
}
