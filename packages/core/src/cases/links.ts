import { authorizeCase, visibleCases } from '../access/authorize.js';
import type { Ctx } from '../context/context.js';
import { runAudited } from '../context/purpose.js';
import { Conflict, Invalid, NotFound } from '../errors.js';
import type { CaseLinksTable } from '../store/schema.js';
import { recordCaseEvent } from './case-events.js';
import { optionalText } from './case-rules.js';

/** How a linked case relates to this one. */
export const LINK_RELATIONS = ['related', 'follow-up', 'duplicate', 'parent', 'child'] as const;

/** How a linked case relates to this one. */
export type LinkRelation = CaseLinksTable['relation'];

/** A link to another case, seen from one side. */
export interface CaseLink {
  caseId: string;
  title: string;
  status: string;
  relation: LinkRelation;
  /** 'outgoing' when this case made the link (the other case is its `relation`), 'incoming' when the other case did. */
  direction: 'outgoing' | 'incoming';
  note: string;
  createdAt: Date;
}

const MAX_LINK_NOTE = 2000;

/**
 * Links a case to another one the caller may see, closed and archived ones included: the linked
 * case is this case's `relation` (audited; a case event of kind 'link' on both). A case the
 * caller may not see answers as missing; a second link between the same two cases is a Conflict.
 * @example await linkCases(ctx, { caseId: 'C-2026-0002', linkedCaseId: 'C-2025-0107', relation: 'follow-up' })
 */
export async function linkCases(ctx: Ctx, input: { caseId: string; linkedCaseId: string; relation: string; note?: string }): Promise<void> {
  if (!LINK_RELATIONS.includes(input.relation as LinkRelation)) throw new Invalid(`unknown link relation "${input.relation}" (known: ${LINK_RELATIONS.join(', ')})`);
  const relation = input.relation as LinkRelation;
  const note = optionalText(input.note, 'the note', MAX_LINK_NOTE, (m) => new Invalid(m));
  if (input.caseId === input.linkedCaseId) throw new Invalid('a case cannot be linked to itself');
  const action = { action: 'case.link', category: 'alteration' } as const;
  await runAudited(ctx, action, async (tx) => {
    await authorizeCase(tx, 'case.update', input.caseId);
    await authorizeCase(tx, 'case.read', input.linkedCaseId);
    const existing = await tx.db
      .selectFrom('case_links')
      .select('relation')
      .where((eb) =>
        eb.or([
          eb.and([eb('case_id', '=', input.caseId), eb('linked_case_id', '=', input.linkedCaseId)]),
          eb.and([eb('case_id', '=', input.linkedCaseId), eb('linked_case_id', '=', input.caseId)]),
        ]),
      )
      .executeTakeFirst();
    if (existing !== undefined) throw new Conflict(`cases ${input.caseId} and ${input.linkedCaseId} are already linked (${existing.relation})`);
    await tx.db.insertInto('case_links').values({ case_id: input.caseId, linked_case_id: input.linkedCaseId, relation, note, created_by: tx.actor.userId, created_at: tx.now() }).execute();
    await recordCaseEvent(tx, { caseId: input.caseId, kind: 'link', summary: `linked to ${input.linkedCaseId} (${relation})`, detail: { linkedCaseId: input.linkedCaseId, relation } });
    // The linked case's team may not see this case: its side of the timeline does not name it.
    await recordCaseEvent(tx, { caseId: input.linkedCaseId, kind: 'link', summary: `another case linked to this one (${relation})`, detail: { relation, incoming: true } });
    return { value: undefined, objectIds: [input.caseId, input.linkedCaseId], detail: { relation } };
  });
}

/**
 * The links of a case in both directions (consultation; audited). Linked cases the caller may
 * not see are only counted.
 * @example const { links, hidden } = await listCaseLinks(ctx, 'C-2026-0002')
 */
export async function listCaseLinks(ctx: Ctx, caseId: string): Promise<{ links: CaseLink[]; hidden: number }> {
  const action = { action: 'case.list-links', category: 'consultation' } as const;
  return runAudited(ctx, action, async (tx) => {
    await authorizeCase(tx, 'case.read', caseId);
    const rows = await tx.db
      .selectFrom('case_links')
      .selectAll()
      .where((eb) => eb.or([eb('case_id', '=', caseId), eb('linked_case_id', '=', caseId)]))
      .orderBy('created_at')
      .execute();
    const otherIds = rows.map((r) => (r.case_id === caseId ? r.linked_case_id : r.case_id));
    const visible =
      otherIds.length === 0
        ? new Map<string, { title: string; status: string }>()
        : new Map((await tx.db.selectFrom('cases').select(['id', 'title', 'status']).where('id', 'in', otherIds).where(visibleCases(tx)).execute()).map((c) => [c.id, c]));
    const links: CaseLink[] = [];
    for (const row of rows) {
      const outgoing = row.case_id === caseId;
      const other = visible.get(outgoing ? row.linked_case_id : row.case_id);
      if (other === undefined) continue;
      links.push({ caseId: outgoing ? row.linked_case_id : row.case_id, title: other.title, status: other.status, relation: row.relation, direction: outgoing ? 'outgoing' : 'incoming', note: row.note, createdAt: row.created_at });
    }
    return { value: { links, hidden: rows.length - links.length }, objectIds: [caseId, ...links.map((l) => l.caseId)] };
  });
}

/**
 * Removes the link between two cases, whichever made it (audited; a case event of kind 'link').
 * @example await unlinkCases(ctx, { caseId: 'C-2026-0002', linkedCaseId: 'C-2025-0107' })
 */
export async function unlinkCases(ctx: Ctx, input: { caseId: string; linkedCaseId: string }): Promise<void> {
  const action = { action: 'case.unlink', category: 'alteration' } as const;
  await runAudited(ctx, action, async (tx) => {
    await authorizeCase(tx, 'case.update', input.caseId);
    await authorizeCase(tx, 'case.read', input.linkedCaseId);
    const removed = await tx.db
      .deleteFrom('case_links')
      .where((eb) =>
        eb.or([
          eb.and([eb('case_id', '=', input.caseId), eb('linked_case_id', '=', input.linkedCaseId)]),
          eb.and([eb('case_id', '=', input.linkedCaseId), eb('linked_case_id', '=', input.caseId)]),
        ]),
      )
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw new NotFound(`cases ${input.caseId} and ${input.linkedCaseId} are not linked`);
    await recordCaseEvent(tx, { caseId: input.caseId, kind: 'link', summary: `link to ${input.linkedCaseId} removed`, detail: { unlinked: input.linkedCaseId } });
    await recordCaseEvent(tx, { caseId: input.linkedCaseId, kind: 'link', summary: 'a link from another case removed', detail: { incoming: true } });
    return { value: undefined, objectIds: [input.caseId, input.linkedCaseId] };
  });
}
