import { randomUUID } from 'node:crypto';
import { authorizeCase, visibleCases } from '../access/authorize.js';
import type { Ctx } from '../context/context.js';
import { runAudited } from '../context/purpose.js';
import { Invalid, NotFound } from '../errors.js';
import type { CaseTasksTable } from '../store/schema.js';
import { recordCaseEvent } from './case-events.js';
import { isCalendarDay, isoDay, optionalText, requireNotArchived } from './case-rules.js';

/** Where a task stands. */
export const TASK_STATUSES = ['open', 'in-progress', 'done', 'cancelled'] as const;

/** Where a task stands. */
export type TaskStatus = CaseTasksTable['status'];

/** A task on a case. */
export interface CaseTask {
  id: string;
  caseId: string;
  title: string;
  description: string;
  /** The assignee's username. */
  assignee: string | null;
  dueDate: string | null;
  status: TaskStatus;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

/** An overdue task, with the case it belongs to. */
export interface OverdueTask extends CaseTask {
  caseTitle: string;
  daysOverdue: number;
}

const MAX_DESCRIPTION = 10_000;
const DAY_MS = 86_400_000;

function checkTitle(title: unknown): string {
  const text = typeof title === 'string' ? title.trim() : '';
  if (text === '') throw new Invalid('a task needs a title');
  if (text.length > 300) throw new Invalid('a task title may be at most 300 characters');
  return text;
}

function checkDueDate(dueDate: unknown): string | null {
  if (dueDate === null) return null;
  if (typeof dueDate !== 'string') throw new Invalid('the due date must be a day written YYYY-MM-DD');
  if (!isCalendarDay(dueDate)) throw new Invalid(`the due date "${dueDate}" is not a day written YYYY-MM-DD`);
  return dueDate;
}

/** The user id of a username on the case's team; anyone else cannot be given the case's tasks. */
async function teamAssignee(tx: Ctx, caseId: string, username: string | null): Promise<string | null> {
  if (username === null) return null;
  const member = await tx.db
    .selectFrom('case_members')
    .innerJoin('users', 'users.id', 'case_members.user_id')
    .select('users.id')
    .where('case_members.case_id', '=', caseId)
    .where('users.username', '=', username)
    .executeTakeFirst();
  if (member === undefined) throw new Invalid(`${username} is not on the team of case ${caseId}: add them to the team first`);
  return member.id;
}

function taskQuery(tx: Ctx) {
  return tx.db
    .selectFrom('case_tasks')
    .leftJoin('users as assignee', 'assignee.id', 'case_tasks.assignee_id')
    .innerJoin('users as creator', 'creator.id', 'case_tasks.created_by')
    .select([
      'case_tasks.id',
      'case_tasks.case_id as caseId',
      'case_tasks.title',
      'case_tasks.description',
      'assignee.username as assignee',
      'case_tasks.due_date as dueDate',
      'case_tasks.status',
      'creator.username as createdBy',
      'case_tasks.created_at as createdAt',
      'case_tasks.updated_at as updatedAt',
      'case_tasks.completed_at as completedAt',
    ]);
}

async function readTask(tx: Ctx, taskId: string): Promise<CaseTask> {
  const task = await taskQuery(tx).where('case_tasks.id', '=', taskId).executeTakeFirst();
  if (task === undefined) throw new NotFound(`task ${taskId} not found`);
  return task;
}

/**
 * Adds a task to a case, optionally given to a team member and due on a day (audited; a case
 * event of kind 'task').
 * @example await createTask(ctx, { caseId: 'C-2026-0001', title: 'Request bank statements', assignee: 'ana', dueDate: '2026-03-10' })
 */
export async function createTask(ctx: Ctx, input: { caseId: string; title: string; description?: string; assignee?: string | null; dueDate?: string | null }): Promise<CaseTask> {
  const title = checkTitle(input.title);
  const description = optionalText(input.description, 'the description', MAX_DESCRIPTION, (m) => new Invalid(m));
  const dueDate = input.dueDate === undefined ? null : checkDueDate(input.dueDate);
  const action = { action: 'case.create-task', category: 'alteration' } as const;
  return runAudited(ctx, action, async (tx) => {
    const found = await authorizeCase(tx, 'case.update', input.caseId);
    requireNotArchived(found);
    const assigneeId = await teamAssignee(tx, input.caseId, input.assignee ?? null);
    const id = randomUUID();
    const now = tx.now();
    await tx.db
      .insertInto('case_tasks')
      .values({ id, case_id: input.caseId, title, description, assignee_id: assigneeId, due_date: dueDate, status: 'open', created_by: tx.actor.userId, created_at: now, updated_at: now })
      .execute();
    await recordCaseEvent(tx, { caseId: input.caseId, kind: 'task', summary: `task created: ${title}`, detail: { taskId: id, dueDate, assignee: input.assignee ?? null } });
    return { value: await readTask(tx, id), objectIds: [input.caseId, id] };
  });
}

/**
 * Changes a task: its status (done records when), assignee, due day or title (audited; a case
 * event of kind 'task'). A task on a case the caller may not see answers as missing.
 * @example await updateTask(ctx, { taskId, status: 'done' })
 */
export async function updateTask(
  ctx: Ctx,
  input: { taskId: string; caseId?: string; status?: string; assignee?: string | null; dueDate?: string | null; title?: string },
): Promise<CaseTask> {
  if (input.status !== undefined && !TASK_STATUSES.includes(input.status as TaskStatus)) {
    throw new Invalid(`unknown task status "${input.status}" (known: ${TASK_STATUSES.join(', ')})`);
  }
  const title = input.title === undefined ? undefined : checkTitle(input.title);
  const dueDate = input.dueDate === undefined ? undefined : checkDueDate(input.dueDate);
  const action = { action: 'case.update-task', category: 'alteration' } as const;
  return runAudited(ctx, action, async (tx) => {
    const missing = new NotFound(`task ${input.taskId} not found`);
    const task = await tx.db.selectFrom('case_tasks').selectAll().where('id', '=', input.taskId).executeTakeFirst();
    if (task === undefined || (input.caseId !== undefined && task.case_id !== input.caseId)) throw missing;
    const visible = await tx.db.selectFrom('cases').select('id').where('id', '=', task.case_id).where(visibleCases(tx)).executeTakeFirst();
    if (visible === undefined) throw missing;
    const found = await authorizeCase(tx, 'case.update', task.case_id);
    requireNotArchived(found);
    const now = tx.now();
    const changes: Record<string, unknown> = {};
    const set: Partial<{ status: TaskStatus; completed_at: Date | null; title: string; due_date: string | null; assignee_id: string | null }> = {};
    if (input.status !== undefined && input.status !== task.status) {
      const status = input.status as TaskStatus;
      set.status = status;
      set.completed_at = status === 'done' ? now : null;
      changes.status = { from: task.status, to: status };
    }
    if (title !== undefined && title !== task.title) {
      set.title = title;
      changes.title = title;
    }
    if (dueDate !== undefined && dueDate !== task.due_date) {
      set.due_date = dueDate;
      changes.dueDate = dueDate;
    }
    if (input.assignee !== undefined) {
      const assigneeId = await teamAssignee(tx, task.case_id, input.assignee);
      if (assigneeId !== task.assignee_id) {
        set.assignee_id = assigneeId;
        changes.assignee = input.assignee;
      }
    }
    if (Object.keys(set).length > 0) {
      await tx.db.updateTable('case_tasks').set({ ...set, updated_at: now }).where('id', '=', task.id).execute();
      const status = changes.status as { from: string; to: string } | undefined;
      const summary = status !== undefined ? `task ${status.to}: ${title ?? task.title}` : `task changed: ${title ?? task.title}`;
      await recordCaseEvent(tx, { caseId: task.case_id, kind: 'task', summary, detail: { taskId: task.id, ...changes } });
    }
    return { value: await readTask(tx, task.id), objectIds: [task.case_id, task.id], detail: changes };
  });
}

/**
 * The tasks of a case, open ones first by due day (consultation; audited).
 * @example const tasks = await listTasks(ctx, 'C-2026-0001')
 */
export async function listTasks(ctx: Ctx, caseId: string): Promise<CaseTask[]> {
  const action = { action: 'case.list-tasks', category: 'consultation' } as const;
  return runAudited(ctx, action, async (tx) => {
    await authorizeCase(tx, 'case.read', caseId);
    const rows = await taskQuery(tx).where('case_tasks.case_id', '=', caseId).orderBy('case_tasks.created_at').orderBy('case_tasks.id').execute();
    const rank = (t: CaseTask) => (t.status === 'open' || t.status === 'in-progress' ? 0 : 1);
    const tasks = rows.sort((a, b) => rank(a) - rank(b) || (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999'));
    return { value: tasks, objectIds: [caseId] };
  });
}

/**
 * Open and in-progress tasks past their due day across the cases the caller may see, oldest due
 * first; `mine` keeps only those given to the caller (consultation; audited).
 * @example const late = await overdueTasks(ctx, { mine: true })
 */
export async function overdueTasks(ctx: Ctx, input: { mine?: boolean } = {}): Promise<OverdueTask[]> {
  const action = { action: 'case.overdue-tasks', category: 'consultation' } as const;
  return runAudited(ctx, action, async (tx) => {
    const today = isoDay(tx.now());
    let query = taskQuery(tx)
      .innerJoin('cases', 'cases.id', 'case_tasks.case_id')
      .select('cases.title as caseTitle')
      .where(visibleCases(tx))
      .where('case_tasks.status', 'in', ['open', 'in-progress'])
      .where('case_tasks.due_date', '<', today);
    if (input.mine === true) query = query.where('case_tasks.assignee_id', '=', tx.actor.userId);
    const rows = await query.orderBy('case_tasks.due_date').orderBy('case_tasks.created_at').orderBy('case_tasks.id').limit(500).execute();
    const todayMs = Date.parse(`${today}T00:00:00Z`);
    const tasks = rows.map((row) => ({ ...row, daysOverdue: Math.round((todayMs - Date.parse(`${row.dueDate ?? today}T00:00:00Z`)) / DAY_MS) }));
    return { value: tasks, objectIds: [...new Set(tasks.map((t) => t.caseId))], detail: { mine: input.mine === true, count: tasks.length } };
  });
}

