import { sql, type Kysely } from 'kysely';

// The tables whose size and value spread decide between the search indexes and a scan.
const TABLES = ['statements', 'search_values', 'sources'];

/**
 * Refreshes the planner's statistics of the big tables after bulk work. The embedded store has no
 * autovacuum, and without statistics the planner scans every statement instead of using the
 * search indexes (a search then takes half a second instead of a few milliseconds). PostgreSQL's
 * autovacuum does this by itself; there the application role may lack the right, which is fine.
 */
export async function refreshStatistics<DB>(db: Kysely<DB>): Promise<boolean> {
  try {
    await sql.raw(`analyze ${TABLES.join(', ')}`).execute(db);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '42501') return false;
    throw error;
  }
}

/** Whether a table has never been analysed (PostgreSQL marks it with a negative row estimate). */
export async function lacksStatistics<DB>(db: Kysely<DB>, table: string): Promise<boolean> {
  const { rows } = await sql<{ reltuples: number }>`select reltuples::float8 as reltuples from pg_class where relname = ${table} and relkind = 'r'`.execute(db);
  return (rows[0]?.reltuples ?? 0) < 0;
}
