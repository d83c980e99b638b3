import { sql, type Kysely } from 'kysely';

/** Extensions, sources, statements, users, cases and the audit log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create extension if not exists fuzzystrmatch`.execute(db);
  await sql`create extension if not exists unaccent`.execute(db);

  await sql`
    create table store_info (
      key text primary key,
      value text not null
    )`.execute(db);

  await sql`
    create table sources (
      id text primary key check (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
      name text not null,
      owner text not null,
      legal_basis text not null,
      allowed_purposes text[] not null check (cardinality(allowed_purposes) > 0),
      markings text[] not null default '{}',
      retention_days integer check (retention_days is null or retention_days > 0),
      sensitive_categories text[] not null default '{}',
      may_combine boolean not null default true,
      contact text,
      description text,
      registered_at timestamptz not null,
      registered_by text not null
    )`.execute(db);

  // Statements are the bulk of the store (tens of millions of rows): the id is the SHA-1 of
  // source, entity, property and value, so re-importing a record only moves last_seen.
  await sql`
    create table statements (
      id text primary key,
      entity_id text not null,
      schema text not null,
      property text not null,
      prop_type text not null,
      value text not null,
      normalized text,
      source_id text not null references sources(id),
      origin text not null,
      first_seen timestamptz not null,
      last_seen timestamptz not null,
      markings text[] not null default '{}',
      retention_until date
    )`.execute(db);
  await sql`create index statements_entity on statements (entity_id)`.execute(db);
  await sql`create index statements_source_origin on statements (source_id, origin)`.execute(db);
  await sql`create index statements_value on statements (prop_type, normalized) where normalized is not null`.execute(db);
  await sql`create index statements_retention on statements (retention_until) where retention_until is not null`.execute(db);

  await sql`
    create table users (
      id text primary key,
      username text not null unique,
      display_name text not null,
      organisation text not null,
      roles text[] not null,
      compartments text[] not null default '{}',
      password_hash text,
      disabled boolean not null default false,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    insert into users (id, username, display_name, organisation, roles)
    values ('local-operator', 'local-operator', 'Local operator', 'local', '{administrator}')`.execute(db);

  await sql`
    create table case_counters (
      year integer primary key,
      last_number integer not null
    )`.execute(db);
  await sql`
    create table cases (
      id text primary key,
      year integer not null,
      number integer not null,
      title text not null check (length(title) between 1 and 300),
      status text not null check (status in ('open', 'active', 'pending', 'closed', 'archived')),
      purpose text not null,
      owner_id text not null references users(id),
      organisation text not null,
      markings text[] not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null,
      unique (year, number)
    )`.execute(db);

  await sql`
    create table audit_events (
      id bigint generated always as identity primary key,
      at timestamptz not null,
      actor_id text not null,
      session_id text,
      category text not null check (category in ('collection', 'alteration', 'consultation', 'disclosure',
        'combination', 'erasure', 'authentication', 'denial')),
      action text not null,
      case_id text,
      purpose text,
      justification text,
      object_ids text[] not null default '{}',
      subject_ids text[] not null default '{}',
      outcome text not null check (outcome in ('success', 'denied', 'failed')),
      detail jsonb not null default '{}'
    )`.execute(db);
  await sql`create index audit_events_at on audit_events (at)`.execute(db);
  await sql`create index audit_events_actor on audit_events (actor_id, at)`.execute(db);
  await sql`create index audit_events_case on audit_events (case_id, at) where case_id is not null`.execute(db);
  await sql`create index audit_events_subjects on audit_events using gin (subject_ids)`.execute(db);
}
