import { sql } from 'kysely';
import { visibleCases } from '../access/authorize.js';
import type { Ctx } from '../context/context.js';
import { runAudited } from '../context/purpose.js';
import { Invalid } from '../errors.js';
import { isoDay } from './case-rules.js';
import { CASE_STATUSES } from './case-status.js';

/** One line of the case list. */
export interface CaseListItem {
  id: string;
  title: string;
  status: string;
  disposition: string | null;
  purpose: string;
  organisation: string;
  markings: string[];
  ownerId: string;
  ownerName: string;
  template: string | null;
  subjects: number;
  openTasks: number;
  overdueTasks: number;
  createdAt: Date;
  updatedAt: Date;
}

const OPEN_TASK = ['open', 'in-progress'] as const;

/**
 * The cases the actor may see, newest first, with their counts of subjects and open and overdue
 * tasks (consultation; audited). Closed and archived cases are listed too: they stay
 * discoverable and linkable. `q` matches the title or the case number.
 * @example const { cases } = await listCases(ctx, { status: 'active', q: 'harbour' })
 */
export async function listCases(ctx: Ctx, input: { status?: string; q?: string; limit?: number } = {}): Promise<{ cases: CaseListItem[] }> {
  if (input.status !== undefined && !CASE_STATUSES.includes(input.status as (typeof CASE_STATUSES)[number])) {
    throw new Invalid(`unknown case status "${input.status}" (known: ${CASE_STATUSES.join(', ')})`);
  }
  const limit = input.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new Invalid('limit must be from 1 to 500');
  const q = input.q?.trim() ?? '';
  if (q.length > 300) throw new Invalid('the search text may be at most 300 characters');
  const action = { action: 'case.list', category: 'consultation' } as const;
  return runAudited(ctx, action, async (tx) => {
    const today = isoDay(tx.now());
    let query = tx.db
      .selectFrom('cases')
      .innerJoin('users', 'users.id', 'cases.owner_id')
      .select((eb) => [
        'cases.id',
        'cases.title',
        'cases.status',
        'cases.disposition',
        'cases.purpose',
        'cases.organisation',
        'cases.markings',
        'cases.owner_id as ownerId',
        'users.display_name as ownerName',
        'cases.template',
        'cases.created_at as createdAt',
        'cases.updated_at as updatedAt',
        eb.selectFrom('case_subjects').select(eb.fn.countAll<string>().as('n')).whereRef('case_subjects.case_id', '=', 'cases.id').as('subjects'),
        eb
          .selectFrom('case_tasks')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('case_tasks.case_id', '=', 'cases.id')
          .where('case_tasks.status', 'in', [...OPEN_TASK])
          .as('openTasks'),
        eb
          .selectFrom('case_tasks')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('case_tasks.case_id', '=', 'cases.id')
          .where('case_tasks.status', 'in', [...OPEN_TASK])
          .where('case_tasks.due_date', '<', today)
          .as('overdueTasks'),
      ])
      .where(visibleCases(tx));
    if (input.status !== undefined) query = query.where('cases.status', '=', input.status);
    if (q !== '') {
      const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb.or([sql<boolean>`${eb.ref('cases.title')} ilike ${pattern}`, sql<boolean>`${eb.ref('cases.id')} ilike ${pattern}`]));
    }
    const rows = await query.orderBy('cases.created_at', 'desc').orderBy('cases.id', 'desc').limit(limit).execute();
    const cases = rows.map((row) => ({ ...row, subjects: Number(row.subjects ?? 0), openTasks: Number(row.openTasks ?? 0), overdueTasks: Number(row.overdueTasks ?? 0) }));
    return { value: { cases }, objectIds: cases.map((c) => c.id), detail: { status: input.status ?? null, count: cases.length } };
  });
}
