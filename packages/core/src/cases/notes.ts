import { randomUUID } from 'node:crypto';
import { authorizeCase, rolesFor } from '../access/authorize.js';
import { requireRole } from '../access/require-role.js';
import type { Ctx } from '../context/context.js';
import { runWithPurpose, type AuditedAction } from '../context/purpose.js';
import { assembleVisibleEntities } from '../entities/get-entity.js';
import { Invalid } from '../errors.js';
import { recordCaseEvent } from './case-events.js';
import { requireNotArchived } from './case-rules.js';

/** A Markdown note on a case. */
export interface CaseNote {
  id: string;
  caseId: string;
  body: string;
  entityIds: string[];
  statementIds: string[];
  author: string;
  authorName: string;
  createdAt: Date;
}

/** The longest note body. */
export const MAX_NOTE_LENGTH = 100_000;

const REFERENCE = /\[[^\]]*\]\((entity|statement):([^)\s]+)\)/g;

/**
 * The entities and statements a Markdown note points at, written as links `[text](entity:ID)`
 * and `[text](statement:ID)`.
 * @example noteReferences('Met [M. Novak](entity:p-1)') // { entityIds: ['p-1'], statementIds: [] }
 */
export function noteReferences(body: string): { entityIds: string[]; statementIds: string[] } {
  const entityIds = new Set<string>();
  const statementIds = new Set<string>();
  for (const match of body.matchAll(REFERENCE)) {
    const id = match[2] ?? '';
    if (match[1] === 'entity') entityIds.add(id);
    else statementIds.add(id);
  }
  return { entityIds: [...entityIds], statementIds: [...statementIds] };
}

/**
 * Adds a Markdown note to a case (alteration; purpose-bound). Every entity and statement it
 * points at must be one the caller may see, else nothing is stored and the reference is named.
 * Notes are never edited: a correction is a new note.
 * @example await addCaseNote(ctx, { caseId: 'C-2026-0001', body: 'Interviewed [Mira Novak](entity:p-1).' })
 */
export async function addCaseNote(ctx: Ctx, input: { caseId: string; body: string }): Promise<CaseNote> {
  if (typeof input.body !== 'string' || input.body.trim() === '') throw new Invalid('a note needs a body');
  if (input.body.length > MAX_NOTE_LENGTH) throw new Invalid(`a note may be at most ${MAX_NOTE_LENGTH} characters (this one has ${input.body.length})`);
  const body = input.body;
  const refs = noteReferences(body);
  const action = { action: 'case.add-note', category: 'alteration', subjectIds: refs.entityIds } satisfies AuditedAction;
  await requireRole(ctx, action, [...rolesFor('entity.read')]);
  return runWithPurpose(ctx, action, async (tx) => {
    const found = await authorizeCase(tx, 'case.update', input.caseId);
    requireNotArchived(found);
    const visibleEntities = new Set((await assembleVisibleEntities(tx, refs.entityIds)).map((e) => e.id));
    const hiddenEntity = refs.entityIds.find((id) => !visibleEntities.has(id));
    if (hiddenEntity !== undefined) throw new Invalid(`the note refers to entity:${hiddenEntity}, which does not exist or which you may not see`);
    const statementEntities = new Map<string, string>();
    if (refs.statementIds.length > 0) {
      const rows = await tx.db.selectFrom('statements').select(['id', 'entity_id']).where('id', 'in', refs.statementIds).execute();
      const owners = [...new Set(rows.map((r) => r.entity_id))];
      const seen = new Set((await assembleVisibleEntities(tx, owners)).flatMap((e) => Object.values(e.properties).flatMap((values) => values.map((v) => v.statementId))));
      for (const row of rows) if (seen.has(row.id)) statementEntities.set(row.id, row.entity_id);
    }
    const hiddenStatement = refs.statementIds.find((id) => !statementEntities.has(id));
    if (hiddenStatement !== undefined) throw new Invalid(`the note refers to statement:${hiddenStatement}, which does not exist or which you may not see`);
    const id = randomUUID();
    const now = tx.now();
    await tx.db
      .insertInto('case_notes')
      .values({ id, case_id: input.caseId, body, entity_ids: refs.entityIds, statement_ids: refs.statementIds, author_id: tx.actor.userId, created_at: now })
      .execute();
    const subjectIds = [...new Set([...refs.entityIds, ...statementEntities.values()])];
    await recordCaseEvent(tx, { caseId: input.caseId, kind: 'note', summary: 'note added', entityIds: subjectIds, detail: { noteId: id, statements: refs.statementIds.length } });
    const author = await tx.db.selectFrom('users').select(['username', 'display_name']).where('id', '=', tx.actor.userId).executeTakeFirst();
    return {
      value: { id, caseId: input.caseId, body, entityIds: refs.entityIds, statementIds: refs.statementIds, author: author?.username ?? tx.actor.userId, authorName: author?.display_name ?? tx.actor.userId, createdAt: now },
      objectIds: [input.caseId, id],
      subjectIds,
    };
  });
}

/**
 * The notes of a case, oldest first, with their authors (consultation; purpose-bound).
 * @example const notes = await listCaseNotes(ctx, 'C-2026-0001')
 */
export async function listCaseNotes(ctx: Ctx, caseId: string): Promise<CaseNote[]> {
  const action = { action: 'case.list-notes', category: 'consultation' } as const;
  await requireRole(ctx, action, [...rolesFor('entity.read')]);
  return runWithPurpose(ctx, action, async (tx) => {
    await authorizeCase(tx, 'case.read', caseId);
    const notes = await tx.db
      .selectFrom('case_notes')
      .innerJoin('users', 'users.id', 'case_notes.author_id')
      .select([
        'case_notes.id',
        'case_notes.case_id as caseId',
        'case_notes.body',
        'case_notes.entity_ids as entityIds',
        'case_notes.statement_ids as statementIds',
        'users.username as author',
        'users.display_name as authorName',
        'case_notes.created_at as createdAt',
      ])
      .where('case_notes.case_id', '=', caseId)
      .orderBy('case_notes.created_at')
      .orderBy('case_notes.id')
      .execute();
    return { value: notes, objectIds: [caseId], subjectIds: [...new Set(notes.flatMap((n) => n.entityIds))] };
  });
}
