import { sql, type Kysely } from 'kysely';

/**
 * The supervisors of each organisation, by index: a live notice of a case change goes to the
 * case's members and its organisation's supervisors, and with ten thousand accounts reading
 * every one of them for every notice cost more than the change itself.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists users_supervisors on users (organisation) where 'supervisor' = any(roles)`.execute(db);
}
