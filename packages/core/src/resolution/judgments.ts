import { randomUUID } from 'node:crypto';
import type { Ctx } from '../context/context.js';
import { runWithPurpose, type AuditedAction } from '../context/purpose.js';
import { requireRole } from '../access/require-role.js';
import { assembleVisibleEntities } from '../entities/get-entity.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import { publishLive } from '../live/live-events.js';
import { canonicalId, reclusterAround } from './resolve-entities.js';

/** A verdict on whether two records describe the same person or organisation. */
export type Verdict = 'positive' | 'negative' | 'unsure';

/** A judgment as stored: who, when and why; undone judgments stay, marked. */
export interface Judgment {
  id: string;
  a: string;
  b: string;
  verdict: Verdict;
  reason: string;
  judgedBy: string;
  judgedAt: Date;
  undoneAt: Date | null;
}

const VERDICTS: readonly Verdict[] = ['positive', 'negative', 'unsure'];
// Those who read records judge them; administrators run the deployment, not investigations.
const REVIEWERS = ['analyst', 'supervisor'] as const;

/**
 * Records a reviewer's judgment between two entity ids (both must be visible to the reviewer)
 * and clusters the records around them again: a positive joins, a negative keeps them apart
 * whatever the scores say. Audited as a combination, with both ids as subjects.
 * @example await judgePair(ctx, { a: 'p-1', b: 'p-2', verdict: 'negative', reason: 'different fathers named on the birth records' })
 */
export async function judgePair(ctx: Ctx, input: { a: string; b: string; verdict: Verdict; reason: string }): Promise<Judgment & { clusterOfA: string; clusterOfB: string }> {
  if (!VERDICTS.includes(input.verdict)) throw new Invalid(`a verdict is positive, negative or unsure, not "${String(input.verdict)}"`);
  if (input.a === input.b) throw new Invalid('a judgment is between two different records');
  if (typeof input.reason !== 'string' || input.reason.trim().length < 3) throw new Invalid('say why, in a few words: judgments are reviewed');
  const [a, b] = input.a < input.b ? [input.a, input.b] : [input.b, input.a];
  const action: AuditedAction = { action: 'resolution.judge', category: 'combination', subjectIds: [a, b] };
  await requireRole(ctx, action, [...REVIEWERS]);
  return runWithPurpose(ctx, action, async (tx) => {
    const visible = await assembleVisibleEntities(tx, [a, b]);
    // A record the reviewer may not see answers as one that does not exist.
    for (const id of [a, b]) if (!visible.some((e) => e.id === id)) throw new NotFound(`entity ${id} not found`);
    // Joining records of a source that may not be combined with others is combining them, however it is asked.
    const sources = [...new Set(visible.flatMap((e) => e.sources))];
    const sealed = await tx.db.selectFrom('sources').select('id').where('id', 'in', sources).where('may_combine', '=', false).execute();
    if (sealed.length > 0 && sources.length > 1) throw new Forbidden(`source ${sealed.map((s) => s.id).join(', ')} may not be combined with other sources`);
    const judgment: Judgment = { id: randomUUID(), a, b, verdict: input.verdict, reason: input.reason.trim(), judgedBy: tx.actor.userId, judgedAt: tx.now(), undoneAt: null };
    await tx.db.insertInto('judgments').values({ id: judgment.id, a_id: a, b_id: b, verdict: judgment.verdict, reason: judgment.reason, judged_by: judgment.judgedBy, judged_at: judgment.judgedAt, undone_by: null, undone_at: null }).execute();
    await reclusterAround(tx, [a, b]);
    await publishLive(tx, { kind: 'review-queue' });
    const result = { ...judgment, clusterOfA: await canonicalId(tx, a), clusterOfB: await canonicalId(tx, b) };
    return { value: result, subjectIds: [a, b], objectIds: [judgment.id], detail: { verdict: judgment.verdict } };
  });
}

/** Undoes a judgment (it stays on record, marked undone) and clusters the records around it again: a merge it made splits. */
export async function undoJudgment(ctx: Ctx, id: string): Promise<Judgment> {
  const action = { action: 'resolution.undo', category: 'combination' } as const;
  await requireRole(ctx, action, [...REVIEWERS]);
  return runWithPurpose(ctx, action, async (tx) => {
    const row = await tx.db.selectFrom('judgments').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new NotFound(`judgment ${id} not found`);
    const visible = await assembleVisibleEntities(tx, [row.a_id, row.b_id]);
    if (visible.length < 2) throw new NotFound(`judgment ${id} not found`);
    if (row.undone_at !== null) throw new Invalid(`judgment ${id} was already undone`);
    const now = tx.now();
    await tx.db.updateTable('judgments').set({ undone_by: tx.actor.userId, undone_at: now }).where('id', '=', id).execute();
    await reclusterAround(tx, [row.a_id, row.b_id]);
    await publishLive(tx, { kind: 'review-queue' });
    const judgment: Judgment = { id, a: row.a_id, b: row.b_id, verdict: row.verdict, reason: row.reason, judgedBy: row.judged_by, judgedAt: row.judged_at, undoneAt: now };
    return { value: judgment, subjectIds: [row.a_id, row.b_id], objectIds: [id] };
  });
}
