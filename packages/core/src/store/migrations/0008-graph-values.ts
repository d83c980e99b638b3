import { sql, type Kysely } from 'kysely';

/**
 * The link graph joins records through the values they share (phone numbers, addresses, emails):
 * an index finds every record holding one value, by its normalised key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index search_values_shared on search_values (grp, key) where grp in ('phone', 'address', 'email')`.execute(db);
}
