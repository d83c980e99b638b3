import { sql, type Kysely } from 'kysely';

/**
 * Import jobs: what was asked, how far each file has got (rows committed, in the same transaction
 * as their statements), and how it ended, so an interrupted import resumes where it stopped.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table import_jobs (
      id text primary key,
      source_id text not null references sources(id),
      fingerprint text not null,
      description text not null,
      status text not null check (status in ('running', 'done', 'failed', 'cancelled')),
      started_by text not null,
      started_at timestamptz not null,
      finished_at timestamptz,
      progress jsonb not null default '{}',
      summary jsonb
    )`.execute(db);
  await sql`create index import_jobs_resume on import_jobs (fingerprint) where status = 'running'`.execute(db);
}
