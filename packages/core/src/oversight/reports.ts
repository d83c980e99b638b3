import { sql } from 'kysely';
import { requireRole } from '../access/require-role.js';
import { openTerms, type AuditKeys } from '../audit/keys.js';
import { expireUnlocks } from '../access/sensitive.js';
import type { Ctx } from '../context/context.js';
import { recordDenial, runAudited } from '../context/purpose.js';
import { Invalid, NotFound, PurposeRequired } from '../errors.js';
import { publishLive } from '../live/live-events.js';

/** One access to personal data, as oversight sees it. */
export interface AccessRecord {
  seq: string;
  at: Date;
  actorId: string;
  username: string | null;
  action: string;
  category: string;
  caseId: string | null;
  purpose: string | null;
  justification: string | null;
  outcome: string;
  /** The query terms of a search, opened for oversight (null when the event has none, or no key was given). */
  terms: string | null;
}

const READ_CATEGORIES = ['consultation', 'disclosure', 'combination'];
const MAX_ROWS = 10_000;

/** Reports are for the oversight role, working under the oversight purpose; a refusal is recorded. */
async function requireOversight(ctx: Ctx, action: string): Promise<void> {
  const audited = { action, category: 'consultation' } as const;
  await requireRole(ctx, audited, ['oversight']);
  if (ctx.purpose?.code !== 'oversight' || ctx.purpose.justification.trim().length < 3) {
    const error = new PurposeRequired('oversight reports run under the oversight purpose, with a justification');
    await recordDenial(ctx, audited, error);
    throw error;
  }
}

async function accessRows(
  ctx: Ctx,
  filter: { subjectId?: string; actorId?: string; categories: string[]; from?: Date; to?: Date; keys?: Pick<AuditKeys, 'termsKey'> },
): Promise<AccessRecord[]> {
  let query = ctx.db
    .selectFrom('audit_events')
    .leftJoin('users', 'users.id', 'audit_events.actor_id')
    .select([
      'audit_events.seq',
      'audit_events.at',
      'audit_events.actor_id',
      'users.username',
      'audit_events.action',
      'audit_events.category',
      'audit_events.case_id',
      'audit_events.purpose',
      'audit_events.justification',
      'audit_events.outcome',
      'audit_events.sealed_terms',
    ])
    .where('audit_events.category', 'in', filter.categories)
    .orderBy('audit_events.seq', 'asc')
    .limit(MAX_ROWS);
  if (filter.subjectId !== undefined) query = query.where(sql<boolean>`${sql.ref('audit_events.subject_ids')} @> array[${filter.subjectId}]::text[]`);
  if (filter.actorId !== undefined) query = query.where('audit_events.actor_id', '=', filter.actorId);
  if (filter.from !== undefined) query = query.where('audit_events.at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('audit_events.at', '<', filter.to);
  const rows = await query.execute();
  return rows.map((row) => ({
    seq: row.seq,
    at: row.at,
    actorId: row.actor_id,
    username: row.username,
    action: row.action,
    category: row.category,
    caseId: row.case_id,
    purpose: row.purpose,
    justification: row.justification,
    outcome: row.outcome,
    terms: row.sealed_terms === null || filter.keys === undefined ? null : openTerms(filter.keys, row.sealed_terms),
  }));
}

/**
 * Who looked up this subject: every read of it (views, searches that returned it, exports) and
 * every refused or failed attempt, with when, which case, which purpose and why. Oversight only; running it is itself audited.
 * @example const lookups = await whoLookedUp(ctx, { subjectId: 'a1b2...' })
 */
export async function whoLookedUp(ctx: Ctx, input: { subjectId: string; keys?: Pick<AuditKeys, 'termsKey'> }): Promise<AccessRecord[]> {
  const action = 'oversight.subject-lookups';
  await requireOversight(ctx, action);
  if (input.subjectId.trim() === '') throw new Invalid('name the subject: an entity id');
  return runAudited(ctx, { action, category: 'consultation' }, async (tx) => ({
    value: await accessRows(tx, { subjectId: input.subjectId, categories: [...READ_CATEGORIES, 'denial'], ...(input.keys ? { keys: input.keys } : {}) }),
    objectIds: [input.subjectId],
  }));
}

/** Every disclosure (export, sharing) of a subject. Oversight only; audited. */
export async function disclosuresOf(ctx: Ctx, input: { subjectId: string }): Promise<AccessRecord[]> {
  const action = 'oversight.subject-disclosures';
  await requireOversight(ctx, action);
  return runAudited(ctx, { action, category: 'consultation' }, async (tx) => ({
    value: await accessRows(tx, { subjectId: input.subjectId, categories: ['disclosure'] }),
    objectIds: [input.subjectId],
  }));
}

/** Everything one user did in a period. Oversight only; audited. */
export async function userActivity(ctx: Ctx, input: { username: string; from?: Date; to?: Date; keys?: Pick<AuditKeys, 'termsKey'> }): Promise<AccessRecord[]> {
  const action = 'oversight.user-activity';
  await requireOversight(ctx, action);
  return runAudited(ctx, { action, category: 'consultation' }, async (tx) => {
    const user = await tx.db.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
    if (user === undefined) throw new NotFound(`no user ${input.username}`);
    const all = ['collection', 'alteration', 'consultation', 'disclosure', 'combination', 'erasure', 'authentication', 'denial'];
    return {
      value: await accessRows(tx, {
        actorId: user.id,
        categories: all,
        ...(input.from ? { from: input.from } : {}),
        ...(input.to ? { to: input.to } : {}),
        ...(input.keys ? { keys: input.keys } : {}),
      }),
      objectIds: [user.id],
    };
  });
}

/** Thresholds of the anomaly review queue. */
export interface AnomalySettings {
  /** Reads by one user in one hour above this many times their hourly median (and at least `spikeMinimum`). */
  spikeFactor: number;
  spikeMinimum: number;
  /** Hours (UTC) outside which bulk reads count as after hours. */
  workdayStartHour: number;
  workdayEndHour: number;
  /** Reads in one after-hours hour that make a bulk read. */
  afterHoursBulk: number;
  /** Searches and profile views under one case in one hour, none of them about the case's subjects, that make a read outside the case. */
  outsideCase: number;
}

/** The default thresholds. */
export const DEFAULT_ANOMALY_SETTINGS: AnomalySettings = { spikeFactor: 5, spikeMinimum: 50, workdayStartHour: 7, workdayEndHour: 19, afterHoursBulk: 20, outsideCase: 10 };

/** One item of the review queue. */
export interface Anomaly {
  id: string;
  kind: 'volume-spike' | 'after-hours-bulk' | 'outside-case';
  actorId: string;
  /** For reads outside a case: the case they were made under. */
  caseId?: string;
  username: string | null;
  hour: Date;
  reads: number;
  detail: string;
  signedOff: { by: string; at: Date; note: string } | null;
}

/**
 * The review queue: hours in which a user read far more than usual (volume spikes), read in bulk
 * outside working hours, or searched and viewed, under a case that has subjects, many records none
 * of which is one of its subjects (or another record of a subject's cluster). Oversight only; audited.
 */
export async function anomalyQueue(ctx: Ctx, settings: AnomalySettings = DEFAULT_ANOMALY_SETTINGS): Promise<Anomaly[]> {
  const action = 'oversight.review-queue';
  await requireOversight(ctx, action);
  await expireUnlocks(ctx);
  return runAudited(ctx, { action, category: 'consultation' }, async (tx) => {
    const { rows } = await sql<{ actor_id: string; username: string | null; hour: Date; reads: string; median: string }>`
      with hourly as (
        select actor_id, date_trunc('hour', at) as hour, count(*) as reads
        from audit_events
        where category = any(${sql.val(READ_CATEGORIES)}::text[]) and outcome = 'success'
        group by actor_id, date_trunc('hour', at)
      ), medians as (
        select actor_id, percentile_cont(0.5) within group (order by reads) as median from hourly group by actor_id
      )
      select h.actor_id, u.username, h.hour, h.reads::text as reads, m.median::text as median
      from hourly h join medians m using (actor_id) left join users u on u.id = h.actor_id
      order by h.hour, h.actor_id`.execute(tx.db);
    const reviews = await tx.db.selectFrom('anomaly_reviews').selectAll().execute();
    const signed = new Map(reviews.map((r) => [r.id, r]));
    const anomalies: Anomaly[] = [];
    for (const row of rows) {
      const reads = Number(row.reads);
      const hourOfDay = new Date(row.hour).getUTCHours();
      const add = (kind: Anomaly['kind'], detail: string) => {
        const id = `${kind}:${row.actor_id}:${new Date(row.hour).toISOString()}`;
        const review = signed.get(id);
        anomalies.push({
          id,
          kind,
          actorId: row.actor_id,
          username: row.username,
          hour: new Date(row.hour),
          reads,
          detail,
          signedOff: review ? { by: review.signed_off_by, at: review.signed_off_at, note: review.note } : null,
        });
      };
      if (reads >= settings.spikeMinimum && reads > settings.spikeFactor * Number(row.median)) {
        add('volume-spike', `${reads} reads in the hour, against a usual ${Number(row.median)}`);
      }
      if ((hourOfDay < settings.workdayStartHour || hourOfDay >= settings.workdayEndHour) && reads >= settings.afterHoursBulk) {
        add('after-hours-bulk', `${reads} reads between ${String(hourOfDay).padStart(2, '0')}:00 and ${String(hourOfDay + 1).padStart(2, '0')}:00 UTC`);
      }
    }
    anomalies.push(...(await readsOutsideCases(tx, settings, signed)));
    return { value: anomalies };
  });
}

/** Hours in which a user's searches and profile views under a case with subjects were about none of them. */
async function readsOutsideCases(tx: Ctx, settings: AnomalySettings, signed: ReadonlyMap<string, { signed_off_by: string; signed_off_at: Date; note: string }>): Promise<Anomaly[]> {
  const { rows } = await sql<{ actor_id: string; username: string | null; case_id: string; hour: Date; reads: string }>`
    with subject_records as (
      select cs.case_id, cs.entity_id as id from case_subjects cs
      union
      select cs.case_id, ec.entity_id from case_subjects cs join entity_clusters ec on ec.cluster_id = cs.entity_id
    )
    select e.actor_id, u.username, e.case_id, date_trunc('hour', e.at) as hour, count(*)::text as reads
    from audit_events e left join users u on u.id = e.actor_id
    where e.action in ('search', 'entity.view') and e.outcome = 'success' and e.case_id is not null
      and cardinality(e.subject_ids) > 0
      and exists (select 1 from case_subjects cs where cs.case_id = e.case_id)
      and not exists (select 1 from subject_records s where s.case_id = e.case_id and s.id = any(e.subject_ids))
    group by e.actor_id, u.username, e.case_id, date_trunc('hour', e.at)
    having count(*) >= ${settings.outsideCase}
    order by hour, e.actor_id`.execute(tx.db);
  return rows.map((row) => {
    const id = `outside-case:${row.actor_id}:${row.case_id}:${new Date(row.hour).toISOString()}`;
    const review = signed.get(id);
    return {
      id,
      kind: 'outside-case' as const,
      actorId: row.actor_id,
      username: row.username,
      caseId: row.case_id,
      hour: new Date(row.hour),
      reads: Number(row.reads),
      detail: `${row.reads} searches and views under ${row.case_id} in the hour, none about its subjects`,
      signedOff: review ? { by: review.signed_off_by, at: review.signed_off_at, note: review.note } : null,
    };
  });
}

/** A reviewer signs an anomaly off, with a note (oversight only; audited). */
export async function signOffAnomaly(ctx: Ctx, input: { anomalyId: string; note: string }): Promise<void> {
  const action = { action: 'oversight.sign-off', category: 'alteration' } as const;
  await requireOversight(ctx, action.action);
  if (input.note.trim().length < 5) throw new Invalid('say what the review found, in a few words');
  await runAudited(ctx, action, async (tx) => {
    await tx.db
      .insertInto('anomaly_reviews')
      .values({ id: input.anomalyId, signed_off_by: ctx.actor.userId, signed_off_at: ctx.now(), note: input.note.trim() })
      .execute();
    await publishLive(tx, { kind: 'review-queue' });
    return { value: undefined, objectIds: [input.anomalyId] };
  });
}
