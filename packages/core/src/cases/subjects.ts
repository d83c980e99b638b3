import { authorizeCase, rolesFor } from '../access/authorize.js';
import { requireRole } from '../access/require-role.js';
import type { Ctx } from '../context/context.js';
import { runWithPurpose, type AuditedAction } from '../context/purpose.js';
import { assembleVisibleEntities } from '../entities/get-entity.js';
import { Conflict, Invalid, NotFound } from '../errors.js';
import { canonicalId } from '../resolution/resolve-entities.js';
import type { CaseSubjectsTable } from '../store/schema.js';
import { recordCaseEvent } from './case-events.js';
import { captionOf, optionalText, requireNotArchived } from './case-rules.js';
import { detectOverlaps } from './overlaps.js';
import { canonicalIds, visibleSubjects } from './subject-visibility.js';

/** What a subject is to a case (the data-subject category). */
export const SUBJECT_CATEGORIES = ['suspect', 'victim', 'witness', 'associate', 'other'] as const;

/** What a subject is to a case. */
export type SubjectCategory = CaseSubjectsTable['category'];

/** A subject of a case as the caller may see it. */
export interface CaseSubject {
  /** The id the subject shows under for this caller (its canonical id when visible). */
  entityId: string;
  schema: string;
  caption: string;
  category: SubjectCategory;
  note: string;
  addedBy: string;
  addedAt: Date;
}

const MAX_NOTE = 2000;

function checkCategory(category: unknown): SubjectCategory {
  if (typeof category !== 'string' || !SUBJECT_CATEGORIES.includes(category as SubjectCategory)) {
    throw new Invalid(`unknown subject category "${String(category)}" (known: ${SUBJECT_CATEGORIES.join(', ')})`);
  }
  return category as SubjectCategory;
}

/** The stored subject row an id given from outside names: the id itself or any record of its cluster. */
async function findSubject(tx: Ctx, caseId: string, entityId: string) {
  const rows = await tx.db.selectFrom('case_subjects').selectAll().where('case_id', '=', caseId).execute();
  const given = await canonicalId(tx, entityId);
  const canonical = await canonicalIds(tx, rows.map((r) => r.entity_id));
  const row = rows.find((r) => r.entity_id === entityId || r.entity_id === given || canonical.get(r.entity_id) === given);
  if (row === undefined) throw new NotFound(`entity ${entityId} is not a subject of case ${caseId}`);
  return row;
}

/**
 * Adds an entity the caller may see to a case's subjects, under its canonical id, with its
 * data-subject category (alteration; purpose-bound). Other cases with the same canonical subject
 * are found at once (deconfliction) and both sides' owners told.
 * @example await addCaseSubject(ctx, { caseId: 'C-2026-0001', entityId: 'p-123', category: 'suspect' })
 */
export async function addCaseSubject(ctx: Ctx, input: { caseId: string; entityId: string; category: string; note?: string }): Promise<CaseSubject & { overlaps: number }> {
  const action = { action: 'case.add-subject', category: 'alteration', subjectIds: [input.entityId] } satisfies AuditedAction;
  await requireRole(ctx, action, [...rolesFor('entity.read')]);
  const category = checkCategory(input.category);
  const note = optionalText(input.note, 'the note', MAX_NOTE, (m) => new Invalid(m));
  return runWithPurpose(ctx, action, async (tx) => {
    const found = await authorizeCase(tx, 'case.update', input.caseId);
    requireNotArchived(found);
    // An entity the caller may not see is answered exactly as one that does not exist.
    const [record] = await assembleVisibleEntities(tx, [input.entityId]);
    if (record === undefined) throw new NotFound(`entity ${input.entityId} not found`);
    const canonical = await canonicalId(tx, input.entityId);
    const visible = (await visibleSubjects(tx, [canonical])).get(canonical) ?? record;
    const existing = await tx.db.selectFrom('case_subjects').select('entity_id').where('case_id', '=', input.caseId).execute();
    const existingCanonical = await canonicalIds(tx, existing.map((r) => r.entity_id));
    if (existing.some((r) => r.entity_id === canonical || existingCanonical.get(r.entity_id) === canonical)) {
      throw new Conflict(`entity ${input.entityId} is already a subject of case ${input.caseId}`);
    }
    const now = tx.now();
    await tx.db.insertInto('case_subjects').values({ case_id: input.caseId, entity_id: canonical, category, note, added_by: tx.actor.userId, added_at: now }).execute();
    await recordCaseEvent(tx, { caseId: input.caseId, kind: 'subject', summary: `subject added as ${category}`, entityIds: [canonical], detail: { category } });
    const overlaps = await detectOverlaps(tx, input.caseId);
    const subjectIds = [...new Set([input.entityId, canonical])];
    return {
      value: { entityId: visible.id, schema: visible.schema, caption: captionOf(visible), category, note, addedBy: tx.actor.userId, addedAt: now, overlaps: overlaps.length },
      objectIds: [input.caseId],
      subjectIds,
      detail: { category, overlaps: overlaps.length },
    };
  });
}

/**
 * The subjects of a case as the caller may see them, with how many they may not see
 * (consultation; purpose-bound).
 * @example const { subjects, hidden } = await listCaseSubjects(ctx, 'C-2026-0001')
 */
export async function listCaseSubjects(ctx: Ctx, caseId: string): Promise<{ subjects: CaseSubject[]; hidden: number }> {
  const action = { action: 'case.list-subjects', category: 'consultation' } as const;
  await requireRole(ctx, action, [...rolesFor('entity.read')]);
  return runWithPurpose(ctx, action, async (tx) => {
    await authorizeCase(tx, 'case.read', caseId);
    const rows = await tx.db
      .selectFrom('case_subjects')
      .innerJoin('users', 'users.id', 'case_subjects.added_by')
      .select(['case_subjects.entity_id', 'case_subjects.category', 'case_subjects.note', 'case_subjects.added_at', 'users.username'])
      .where('case_subjects.case_id', '=', caseId)
      .orderBy('case_subjects.added_at')
      .orderBy('case_subjects.entity_id')
      .execute();
    const visible = await visibleSubjects(tx, rows.map((r) => r.entity_id));
    const subjects: CaseSubject[] = [];
    for (const row of rows) {
      const entity = visible.get(row.entity_id);
      if (entity === undefined) continue;
      subjects.push({ entityId: entity.id, schema: entity.schema, caption: captionOf(entity), category: row.category, note: row.note, addedBy: row.username, addedAt: row.added_at });
    }
    const subjectIds = [...visible.values()].flatMap((e) => e.records ?? [e.id]);
    return { value: { subjects, hidden: rows.length - subjects.length }, objectIds: [caseId], subjectIds: [...new Set(subjectIds)] };
  });
}

/**
 * Takes a subject off a case (alteration; purpose-bound).
 * @example await removeCaseSubject(ctx, { caseId: 'C-2026-0001', entityId: 'p-123' })
 */
export async function removeCaseSubject(ctx: Ctx, input: { caseId: string; entityId: string }): Promise<void> {
  const action = { action: 'case.remove-subject', category: 'alteration', subjectIds: [input.entityId] } satisfies AuditedAction;
  await requireRole(ctx, action, [...rolesFor('entity.read')]);
  await runWithPurpose(ctx, action, async (tx) => {
    const found = await authorizeCase(tx, 'case.update', input.caseId);
    requireNotArchived(found);
    const row = await findSubject(tx, input.caseId, input.entityId);
    await tx.db.deleteFrom('case_subjects').where('case_id', '=', input.caseId).where('entity_id', '=', row.entity_id).execute();
    await recordCaseEvent(tx, { caseId: input.caseId, kind: 'subject', summary: `subject removed (was ${row.category})`, entityIds: [row.entity_id], detail: { removed: true, category: row.category } });
    return { value: undefined, objectIds: [input.caseId], subjectIds: [...new Set([input.entityId, row.entity_id])] };
  });
}

/**
 * Changes what a subject is to the case (alteration; purpose-bound).
 * @example await changeSubjectCategory(ctx, { caseId: 'C-2026-0001', entityId: 'p-123', category: 'witness' })
 */
export async function changeSubjectCategory(ctx: Ctx, input: { caseId: string; entityId: string; category: string }): Promise<void> {
  const action = { action: 'case.change-subject', category: 'alteration', subjectIds: [input.entityId] } satisfies AuditedAction;
  await requireRole(ctx, action, [...rolesFor('entity.read')]);
  const category = checkCategory(input.category);
  await runWithPurpose(ctx, action, async (tx) => {
    const found = await authorizeCase(tx, 'case.update', input.caseId);
    requireNotArchived(found);
    const row = await findSubject(tx, input.caseId, input.entityId);
    if (row.category !== category) {
      await tx.db.updateTable('case_subjects').set({ category }).where('case_id', '=', input.caseId).where('entity_id', '=', row.entity_id).execute();
      await recordCaseEvent(tx, { caseId: input.caseId, kind: 'subject', summary: `subject now ${category} (was ${row.category})`, entityIds: [row.entity_id], detail: { category, was: row.category } });
    }
    return { value: undefined, objectIds: [input.caseId], subjectIds: [...new Set([input.entityId, row.entity_id])], detail: { category, was: row.category } };
  });
}
