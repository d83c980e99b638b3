import { randomUUID } from 'node:crypto';
import type { Ctx } from '../context/context.js';
import { runAudited } from '../context/purpose.js';
import { Invalid } from '../errors.js';
import { rolesFor } from '../access/authorize.js';
import { requireRole } from '../access/require-role.js';
import { recordCaseEvent } from './case-events.js';
import { isoDay, optionalText } from './case-rules.js';
import { checkTemplateFields } from './templates.js';

/** A case as created. */
export interface CaseSummary {
  id: string;
  title: string;
  status: string;
  purpose: string;
  ownerId: string;
  template: string | null;
  fields: Record<string, string>;
  summary: string;
  /** How many tasks its template started it with. */
  tasks: number;
  createdAt: Date;
}

/** What a new case is opened with. */
export interface NewCase {
  title: string;
  purpose?: string;
  markings?: string[];
  /** A built-in template (see listCaseTemplates): its fields are asked for and its tasks created. */
  template?: string;
  /** Values for the template's fields. */
  fields?: Record<string, string>;
  summary?: string;
}

const MAX_SUMMARY = 10_000;
const DAY_MS = 86_400_000;

/**
 * Opens a new case owned by the actor and numbers it C-YYYY-NNNN (audited). A template's tasks
 * are created with due dates counted from today.
 * @example const c = await createCase(ctx, { title: 'Northgate procurement fraud', purpose: 'fraud-audit', template: 'procurement-corruption', fields: { contractingAuthority: 'Northgate Council', tenderReference: 'NG-2026-14' } });
 */
export async function createCase(ctx: Ctx, input: NewCase): Promise<CaseSummary> {
  const title = typeof input.title === 'string' ? input.title.trim() : '';
  if (title === '') throw new Invalid('a case needs a title');
  if (title.length > 300) throw new Invalid('a case title may be at most 300 characters');
  const purposes = ctx.config.purposes.filter((p) => p.caseRequired);
  const purpose = input.purpose ?? purposes[0]?.code;
  if (purpose === undefined || !ctx.config.purposes.some((p) => p.code === purpose)) {
    throw new Invalid(`unknown purpose "${String(purpose)}" (known: ${ctx.config.purposes.map((p) => p.code).join(', ')})`);
  }
  const summary = optionalText(input.summary, 'the summary', MAX_SUMMARY, (m) => new Invalid(m));
  const { template, fields } = checkTemplateFields(input.template, input.fields);
  const action = { action: 'case.create', category: 'alteration' } as const;
  await requireRole(ctx, action, [...rolesFor('case.create')]);
  return runAudited(ctx, action, async (tx) => {
    const now = ctx.now();
    const year = now.getUTCFullYear();
    const counter = await tx.db
      .insertInto('case_counters')
      .values({ year, last_number: 1 })
      .onConflict((oc) => oc.column('year').doUpdateSet((eb) => ({ last_number: eb('case_counters.last_number', '+', 1) })))
      .returning('last_number')
      .executeTakeFirstOrThrow();
    const id = `C-${year}-${String(counter.last_number).padStart(4, '0')}`;
    await tx.db
      .insertInto('cases')
      .values({
        id,
        year,
        number: counter.last_number,
        title,
        status: 'open',
        purpose,
        owner_id: ctx.actor.userId,
        organisation: ctx.actor.organisation,
        markings: input.markings ?? [],
        updated_at: now,
        template: template?.id ?? null,
        summary,
        fields: JSON.stringify(fields),
      })
      .execute();
    await tx.db.insertInto('case_members').values({ case_id: id, user_id: ctx.actor.userId, role: 'owner', added_at: now, added_by: ctx.actor.userId }).execute();
    const tasks = template?.tasks ?? [];
    if (tasks.length > 0) {
      await tx.db
        .insertInto('case_tasks')
        .values(
          tasks.map((task) => ({
            id: randomUUID(),
            case_id: id,
            title: task.title,
            due_date: isoDay(new Date(now.getTime() + task.dueInDays * DAY_MS)),
            status: 'open' as const,
            created_by: ctx.actor.userId,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
    }
    await recordCaseEvent(tx, { caseId: id, kind: 'created', summary: template === null ? 'case opened' : `case opened from the template ${template.name}`, detail: { template: template?.id ?? null, tasks: tasks.length } });
    return {
      value: { id, title, status: 'open', purpose, ownerId: ctx.actor.userId, template: template?.id ?? null, fields, summary, tasks: tasks.length, createdAt: now },
      objectIds: [id],
      detail: { template: template?.id ?? null },
    };
  });
}
