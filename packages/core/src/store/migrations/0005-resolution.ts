import { sql, type Kysely } from 'kysely';

/**
 * Entity resolution, kept apart from the records it judges: judgments between entity ids (who,
 * when, why; undone, never deleted), the candidate pairs a run scored with the weight each
 * comparison contributed, and the cluster each entity id belongs to now. Nothing about a record is
 * rewritten by a merge.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table judgments (
      id text primary key,
      a_id text not null,
      b_id text not null,
      verdict text not null check (verdict in ('positive', 'negative', 'unsure')),
      reason text not null,
      judged_by text not null,
      judged_at timestamptz not null,
      undone_by text,
      undone_at timestamptz,
      check (a_id < b_id)
    )`.execute(db);
  await sql`create index judgments_pair on judgments (a_id, b_id) where undone_at is null`.execute(db);
  await sql`
    create table candidate_pairs (
      a_id text not null,
      b_id text not null,
      probability double precision not null,
      weight double precision not null,
      contributions jsonb not null,
      -- Whether the run that scored the pair linked it (its probability reached the run's threshold).
      linked boolean not null,
      scored_at timestamptz not null,
      primary key (a_id, b_id),
      check (a_id < b_id)
    )`.execute(db);
  // The review queue takes the most uncertain first.
  await sql`create index candidate_pairs_uncertain on candidate_pairs ((abs(probability - 0.5)))`.execute(db);
  await sql`
    create table entity_clusters (
      entity_id text primary key,
      cluster_id text not null
    )`.execute(db);
  await sql`create index entity_clusters_cluster on entity_clusters (cluster_id)`.execute(db);
}
