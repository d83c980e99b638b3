import { sql, type Kysely } from 'kysely';

/**
 * The link graph asks, for every record at the far end of an edge, whether it may be a minor's:
 * an index of birth dates by record answers that without reading all of a busy record's
 * statements (a record that thousands of edges name holds thousands of statements).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index statements_birth_date on statements (entity_id) where property = 'birthDate'`.execute(db);
}
