import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import * as initial from './migrations/0001-initial.js';
import * as accountability from './migrations/0002-accountability.js';
import * as importJobs from './migrations/0003-import-jobs.js';
import * as search from './migrations/0004-search.js';
import * as resolution from './migrations/0005-resolution.js';
import * as resolutionModels from './migrations/0006-resolution-models.js';
import * as caseWork from './migrations/0007-case-work.js';
import * as graphValues from './migrations/0008-graph-values.js';
import * as graphIndexes from './migrations/0009-graph-indexes.js';
import * as searchGroupIndexes from './migrations/0010-search-group-indexes.js';
import * as supervisors from './migrations/0011-supervisors.js';
import * as auditAppend from './migrations/0012-audit-append.js';
import * as auditSubjectsIndex from './migrations/0013-audit-subjects-index.js';

/** Every migration, in order. Names are numbered so both dialects apply them alike. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_accountability': accountability,
  '0003_import_jobs': importJobs,
  '0004_search': search,
  '0005_resolution': resolution,
  '0006_resolution_models': resolutionModels,
  '0007_case_work': caseWork,
  '0008_graph_values': graphValues,
  '0009_graph_indexes': graphIndexes,
  '0010_search_group_indexes': searchGroupIndexes,
  '0011_supervisors': supervisors,
  '0012_audit_append': auditAppend,
  '0013_audit_subjects_index': auditSubjectsIndex,
};

/** The role the application runs as: no superuser, no DDL, no rewriting of the audit log. */
export const APP_ROLE = 'casegraph_app';

/** Tables the application reads and changes freely (within the rules of core). */
const APP_TABLES = [
  'sources', 'statements', 'users', 'cases', 'case_counters', 'organisations', 'sessions', 'case_members',
  'sensitive_unlocks', 'legal_holds', 'sign_in_failures', 'anomaly_reviews', 'import_jobs', 'search_values', 'search_words', 'judgments', 'candidate_pairs', 'entity_clusters', 'resolution_models',
  'case_subjects', 'case_tasks', 'case_notes', 'case_links', 'case_events', 'case_overlaps', 'notifications', 'link_charts',
];

/** Tables the application may add to and erase from, never change. */
const EVIDENCE_TABLES = ['evidence_blobs', 'evidence_files', 'evidence_custody', 'evidence_annotations'];

class InCodeMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

/** Applies every pending migration, then grants the application role what it may do. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new InCodeMigrations() });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error');
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${reason}`);
  }
  await grantApplicationRole(db);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The names of all migrations this version knows. */
export function knownMigrations(): string[] {
  return Object.keys(MIGRATIONS);
}

async function grantApplicationRole(db: Kysely<unknown>): Promise<void> {
  await sql`
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = ${sql.lit(APP_ROLE)}) then
        create role ${sql.raw(APP_ROLE)} nologin nosuperuser nocreatedb nocreaterole;
      end if;
    end $$`.execute(db);
  await sql`grant ${sql.raw(APP_ROLE)} to current_user`.execute(db).catch(() => {
    // Already a member (or the grant is implied); SET ROLE below proves it either way.
  });
  await sql`grant usage on schema public to ${sql.raw(APP_ROLE)}`.execute(db);
  await sql`grant select, insert, update, delete on ${sql.raw(APP_TABLES.join(', '))} to ${sql.raw(APP_ROLE)}`.execute(db);
  await sql`grant select on store_info, kysely_migration to ${sql.raw(APP_ROLE)}`.execute(db);
  // The audit log and its checkpoints are append-only for the application; the head (sequence
  // and Merkle frontier) only moves forward, in the same transaction as each event.
  await sql`grant select, insert on audit_events, audit_checkpoints to ${sql.raw(APP_ROLE)}`.execute(db);
  await sql`revoke update, delete, truncate on audit_events, audit_checkpoints from ${sql.raw(APP_ROLE)}`.execute(db);
  await sql`grant select, insert, update on audit_head to ${sql.raw(APP_ROLE)}`.execute(db);
  // Evidence and its custody trail are never rewritten; retention may still erase them.
  await sql`grant select, insert, delete on ${sql.raw(EVIDENCE_TABLES.join(', '))} to ${sql.raw(APP_ROLE)}`.execute(db);
  await sql`revoke update, truncate on ${sql.raw(EVIDENCE_TABLES.join(', '))} from ${sql.raw(APP_ROLE)}`.execute(db);
}
