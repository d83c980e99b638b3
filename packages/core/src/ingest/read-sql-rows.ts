import pg from 'pg';
import type { RowItem } from './read-rows.js';
import { selectAllRows, type CompiledSqlQuery } from './sql-query.js';

/** One connection to a database an import reads: a cursor lives in its transaction. */
export interface SqlSession {
  query(text: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  close(): Promise<void>;
}

/** Opens a read-only session on a PostgreSQL database. */
export async function openPostgresSession(url: string): Promise<SqlSession> {
  const client = new pg.Client({ connectionString: url, options: '-c default_transaction_read_only=on' });
  // A connection error after the answer is read must not crash the process; the next query reports it.
  client.on('error', () => undefined);
  await client.connect();
  return { query: (text, params) => client.query(text, params), close: () => client.end() };
}

/** A database URL fit for messages and fingerprints: no password. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'the database';
  }
}

const FETCH_ROWS = 1000;

/**
 * Streams every row of a mapping query from its database through a cursor, a thousand at a
 * time, in a stable order (the query's key columns), so the rows never have to fit in memory and
 * an interrupted import resumes by row number. Cells come as text under the mapping's column
 * names; the session is closed when the rows end or the reader stops.
 */
export async function* readSqlRows(session: SqlSession, compiled: CompiledSqlQuery): AsyncGenerator<RowItem> {
  let rowNumber = 0;
  try {
    await session.query('begin transaction isolation level repeatable read read only');
    await session.query(`declare casegraph_import no scroll cursor for ${selectAllRows(compiled)}`);
    for (;;) {
      const { rows } = await session.query(`fetch forward ${FETCH_ROWS} from casegraph_import`);
      for (const raw of rows) {
        rowNumber++;
        const row: Record<string, string> = {};
        for (const [key, value] of Object.entries(raw)) if (typeof value === 'string') row[key] = value;
        yield { rowNumber, row };
      }
      if (rows.length < FETCH_ROWS) break;
    }
    await session.query('commit');
  } finally {
    await session.close();
  }
}
