import { sql } from 'kysely';
import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { assembleVisibleEntities, type Entity } from '../entities/get-entity.js';
import { Invalid } from '../errors.js';
import { visibleStatements } from '../access/authorize.js';

/** A candidate pair to review: both records as the reviewer may see them, and why the pair scored as it did. */
export interface ReviewPair {
  a: Entity;
  b: Entity;
  probability: number;
  weight: number;
  contributions: Array<{ comparison: string; level: string; weight: number; explanation: string }>;
}

/**
 * The review queue: candidate pairs ordered by how uncertain they are (probability nearest 0.5),
 * with no judgment in force, both records visible to the reviewer, side by side with the weight
 * each comparison contributed. Reading it is a consultation of both records, audited.
 */
export async function reviewQueue(ctx: Ctx, input: { limit?: number } = {}): Promise<{ pairs: ReviewPair[]; total: number }> {
  const limit = input.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new Invalid('limit must be a whole number from 1 to 100');
  return runWithPurpose(ctx, { action: 'resolution.review', category: 'consultation' }, async (tx) => {
    // A record with nothing the reviewer may see counts as no record: its pairs are not there, not even in the total.
    const visibleRecord = (column: 'candidate_pairs.a_id' | 'candidate_pairs.b_id') =>
      sql<boolean>`exists (${tx.db.selectFrom('statements').innerJoin('sources', 'sources.id', 'statements.source_id').select('statements.id').whereRef('statements.entity_id', '=', sql.ref(column)).where(visibleStatements(tx))})`;
    const open = tx.db
      .selectFrom('candidate_pairs')
      .where((eb) => eb.not(eb.exists(eb.selectFrom('judgments').select('judgments.id').whereRef('judgments.a_id', '=', 'candidate_pairs.a_id').whereRef('judgments.b_id', '=', 'candidate_pairs.b_id').where('judgments.undone_at', 'is', null))))
      .where(visibleRecord('candidate_pairs.a_id'))
      .where(visibleRecord('candidate_pairs.b_id'));
    const total = Number((await open.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const pairs: ReviewPair[] = [];
    // Pairs whose records the reviewer may not see are passed over, so read a few more than asked.
    const rows = await open.selectAll().orderBy(sql`abs(probability - 0.5)`).orderBy('a_id').orderBy('b_id').limit(limit * 3).execute();
    const entities = new Map((await assembleVisibleEntities(tx, [...new Set(rows.flatMap((r) => [r.a_id, r.b_id]))])).map((e) => [e.id, e]));
    for (const row of rows) {
      const a = entities.get(row.a_id);
      const b = entities.get(row.b_id);
      if (a === undefined || b === undefined) continue;
      pairs.push({ a, b, probability: row.probability, weight: row.weight, contributions: row.contributions });
      if (pairs.length >= limit) break;
    }
    return { value: { pairs, total }, subjectIds: pairs.flatMap((p) => [p.a.id, p.b.id]) };
  });
}
