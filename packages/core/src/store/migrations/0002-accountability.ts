import { sql, type Kysely } from 'kysely';

/**
 * Sign-in (sessions, tokens, second factors, lockout), organisations, case membership, sensitive
 * unlocks, legal holds, and the audit log's sequence, Merkle head and signed checkpoints.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table organisations (
      id text primary key,
      name text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`insert into organisations (id, name) select distinct organisation, organisation from users`.execute(db);
  await sql`alter table users add constraint users_organisation_fk foreign key (organisation) references organisations(id)`.execute(db);
  await sql`
    alter table users
      add column totp_secret text,
      add column totp_last_step bigint,
      add column locked_at timestamptz,
      add column oidc_issuer text,
      add column oidc_subject text,
      add constraint users_oidc_unique unique (oidc_issuer, oidc_subject)`.execute(db);

  // Failed sign-ins by name (known or not), counted over a sliding window for the lockout.
  await sql`
    create table sign_in_failures (
      id bigint generated always as identity primary key,
      username text not null,
      at timestamptz not null
    )`.execute(db);
  await sql`create index sign_in_failures_username on sign_in_failures (username, at)`.execute(db);

  // Browser sessions, second-factor challenges and bearer tokens. Only a SHA-256 of each secret
  // is stored, so a copy of the table signs nobody in.
  await sql`
    create table sessions (
      id text primary key,
      token_hash text not null unique,
      kind text not null check (kind in ('challenge', 'session', 'token')),
      user_id text not null references users(id),
      name text,
      created_at timestamptz not null,
      last_used_at timestamptz not null,
      expires_at timestamptz,
      banner_acknowledged_at timestamptz,
      ended_at timestamptz,
      ended_reason text
    )`.execute(db);
  await sql`create index sessions_user on sessions (user_id) where ended_at is null`.execute(db);

  await sql`
    create table case_members (
      case_id text not null references cases(id),
      user_id text not null references users(id),
      role text not null check (role in ('owner', 'member')),
      added_at timestamptz not null,
      added_by text not null,
      primary key (case_id, user_id)
    )`.execute(db);
  await sql`create index case_members_user on case_members (user_id)`.execute(db);
  await sql`insert into case_members (case_id, user_id, role, added_at, added_by) select id, owner_id, 'owner', created_at, owner_id from cases`.execute(
    db,
  );
  await sql`alter table cases add column retention_until date, add column legal_hold boolean not null default false`.execute(db);

  // A supervisor's time-boxed unlock of sensitive categories for one case.
  await sql`
    create table sensitive_unlocks (
      id text primary key,
      case_id text not null references cases(id),
      categories text[] not null check (cardinality(categories) > 0),
      reason text not null,
      requested_by text not null references users(id),
      requested_at timestamptz not null,
      decided_by text references users(id),
      decided_at timestamptz,
      status text not null check (status in ('pending', 'approved', 'refused', 'expired')),
      hours integer not null check (hours between 1 and 168),
      expires_at timestamptz,
      check (decided_by is null or decided_by <> requested_by)
    )`.execute(db);
  await sql`create index sensitive_unlocks_case on sensitive_unlocks (case_id, status)`.execute(db);

  await sql`
    create table legal_holds (
      id text primary key,
      scope text not null check (scope in ('case', 'source', 'entity')),
      target_id text not null,
      reason text not null,
      placed_by text not null references users(id),
      placed_at timestamptz not null,
      released_at timestamptz
    )`.execute(db);
  await sql`create index legal_holds_target on legal_holds (scope, target_id) where released_at is null`.execute(db);

  // The audit log as a Merkle tree: every event gets the next sequence number and becomes the
  // next leaf. The head row holds the size and the right frontier of the tree, updated in the
  // same transaction as the event, so writers are serialised and the sequence has no gaps.
  await sql`
    alter table audit_events
      add column seq bigint,
      add column sealed_terms text`.execute(db);
  await sql`update audit_events set seq = n.seq from (select id, row_number() over (order by id) as seq from audit_events) n where n.id = audit_events.id`.execute(
    db,
  );
  await sql`alter table audit_events alter column seq set not null, add constraint audit_events_seq unique (seq)`.execute(db);
  await sql`
    create table anomaly_reviews (
      id text primary key,
      signed_off_by text not null references users(id),
      signed_off_at timestamptz not null,
      note text not null
    )`.execute(db);
  await sql`
    create table audit_head (
      id integer primary key check (id = 1),
      size bigint not null,
      frontier jsonb not null
    )`.execute(db);
  await sql`
    create table audit_checkpoints (
      tree_size bigint primary key,
      root_hash text not null,
      note text not null,
      signed_at timestamptz not null
    )`.execute(db);
}
