import { sql, type Kysely } from 'kysely';

/**
 * The investigator's daily work on a case: its workflow (disposition on closing, template fields),
 * team roles, subjects with their data-subject category, tasks, Markdown notes, links between
 * cases, the case's own events for its timeline, evidence files stored by SHA-256 with their
 * custody events and annotations, overlaps between cases that share a subject (deconfliction) and
 * the users told of them, and link charts saved to a case.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table cases
      add column disposition text,
      add column closed_at timestamptz,
      add column closed_by text,
      add column template text,
      add column summary text not null default '',
      add column fields jsonb not null default '{}'`.execute(db);

  await sql`alter table case_members drop constraint case_members_role_check`.execute(db);
  await sql`
    alter table case_members add constraint case_members_role_check
      check (role in ('owner', 'investigator', 'analyst', 'reviewer', 'observer', 'member'))`.execute(db);

  await sql`
    create table case_subjects (
      case_id text not null references cases(id),
      entity_id text not null,
      category text not null check (category in ('suspect', 'victim', 'witness', 'associate', 'other')),
      note text not null default '',
      added_by text not null,
      added_at timestamptz not null,
      primary key (case_id, entity_id)
    )`.execute(db);
  await sql`create index case_subjects_entity on case_subjects (entity_id)`.execute(db);

  await sql`
    create table case_tasks (
      id text primary key,
      case_id text not null references cases(id),
      title text not null check (length(title) between 1 and 300),
      description text not null default '',
      assignee_id text references users(id),
      due_date date,
      status text not null check (status in ('open', 'in-progress', 'done', 'cancelled')),
      created_by text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      completed_at timestamptz
    )`.execute(db);
  await sql`create index case_tasks_case on case_tasks (case_id)`.execute(db);
  await sql`create index case_tasks_due on case_tasks (due_date) where status in ('open', 'in-progress')`.execute(db);

  await sql`
    create table case_notes (
      id text primary key,
      case_id text not null references cases(id),
      body text not null check (length(body) between 1 and 100000),
      entity_ids text[] not null default '{}',
      statement_ids text[] not null default '{}',
      author_id text not null,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index case_notes_case on case_notes (case_id, created_at)`.execute(db);

  await sql`
    create table case_links (
      case_id text not null references cases(id),
      linked_case_id text not null references cases(id),
      relation text not null check (relation in ('related', 'follow-up', 'duplicate', 'parent', 'child')),
      note text not null default '',
      created_by text not null,
      created_at timestamptz not null,
      primary key (case_id, linked_case_id),
      check (case_id <> linked_case_id)
    )`.execute(db);
  await sql`create index case_links_linked on case_links (linked_case_id)`.execute(db);

  await sql`
    create table case_events (
      id bigint generated always as identity primary key,
      case_id text not null references cases(id),
      at timestamptz not null,
      kind text not null,
      actor_id text not null,
      summary text not null,
      entity_ids text[] not null default '{}',
      detail jsonb not null default '{}'
    )`.execute(db);
  await sql`create index case_events_case on case_events (case_id, at)`.execute(db);

  // Evidence content is addressed by its SHA-256 digest and never changes after upload.
  await sql`
    create table evidence_blobs (
      sha256 text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
      size bigint not null check (size >= 0),
      content bytea not null,
      stored_at timestamptz not null
    )`.execute(db);
  await sql`
    create table evidence_files (
      id text primary key,
      case_id text not null references cases(id),
      sha256 text not null references evidence_blobs(sha256),
      file_name text not null,
      content_type text not null,
      size bigint not null,
      description text not null default '',
      uploaded_by text not null,
      uploaded_at timestamptz not null
    )`.execute(db);
  await sql`create index evidence_files_case on evidence_files (case_id, uploaded_at)`.execute(db);
  await sql`
    create table evidence_custody (
      id bigint generated always as identity primary key,
      evidence_id text not null references evidence_files(id),
      event text not null check (event in ('collected', 'viewed', 'exported', 'transferred')),
      actor_id text not null,
      at timestamptz not null,
      detail text not null default ''
    )`.execute(db);
  await sql`create index evidence_custody_file on evidence_custody (evidence_id, at)`.execute(db);
  await sql`
    create table evidence_annotations (
      id text primary key,
      evidence_id text not null references evidence_files(id),
      body text not null check (length(body) between 1 and 20000),
      anchor jsonb,
      author_id text not null,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index evidence_annotations_file on evidence_annotations (evidence_id, created_at)`.execute(db);
  await sql`
    create function evidence_is_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'evidence never changes after upload; add an annotation instead';
    end $$`.execute(db);
  await sql`create trigger evidence_blobs_immutable before update on evidence_blobs for each row execute function evidence_is_immutable()`.execute(db);
  await sql`create trigger evidence_files_immutable before update on evidence_files for each row execute function evidence_is_immutable()`.execute(db);

  // An overlap is one pair of cases sharing a canonical subject; each side decides whether the
  // other may see its case.
  await sql`
    create table case_overlaps (
      id text primary key,
      case_a text not null references cases(id),
      case_b text not null references cases(id),
      entity_id text not null,
      entity_a text not null,
      entity_b text not null,
      detected_at timestamptz not null,
      a_decision text check (a_decision in ('shared', 'declined')),
      a_decided_by text,
      a_decided_at timestamptz,
      a_reason text,
      b_decision text check (b_decision in ('shared', 'declined')),
      b_decided_by text,
      b_decided_at timestamptz,
      b_reason text,
      unique (case_a, case_b, entity_id),
      check (case_a < case_b)
    )`.execute(db);
  await sql`create index case_overlaps_b on case_overlaps (case_b)`.execute(db);

  await sql`
    create table notifications (
      id text primary key,
      user_id text not null references users(id),
      kind text not null,
      case_id text,
      ref_id text,
      message text not null,
      created_at timestamptz not null,
      read_at timestamptz
    )`.execute(db);
  await sql`create index notifications_user on notifications (user_id, created_at)`.execute(db);

  await sql`
    create table link_charts (
      id text primary key,
      case_id text not null references cases(id),
      name text not null check (length(name) between 1 and 200),
      chart jsonb not null,
      created_by text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index link_charts_case on link_charts (case_id)`.execute(db);
}
