import { sql, type Kysely } from 'kysely';

/**
 * The model each resolution run fitted (m, u and the prior, by EM) and the threshold it linked
 * at, so records arriving later are matched against what is stored under the same model without
 * fitting it again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table resolution_models (
      id text primary key,
      fitted_at timestamptz not null,
      threshold double precision not null,
      parameters jsonb not null
    )`.execute(db);
  await sql`create index resolution_models_latest on resolution_models (fitted_at)`.execute(db);
}
