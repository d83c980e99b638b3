import { randomUUID } from 'node:crypto';
import { authorizeCase, holdsMarkings, rolesFor, visibleCases } from '../access/authorize.js';
import { requireRole } from '../access/require-role.js';
import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import type { CaseRole } from '../store/schema.js';
import { recordCaseEvent } from './case-events.js';
import { captionOf, caseOwners, runsCase } from './case-rules.js';
import { notifyUsers } from './notifications.js';
import { canonicalIds, clusterMembers, visibleSubjects } from './subject-visibility.js';

/** Whom to ask about the other case of an overlap: its owner. */
export interface OverlapContact {
  displayName: string;
  username: string;
}

/** The other case of an overlap, as much of it as the caller may know. */
export type OverlapOtherCase =
  /** Shared by its owner (and the caller holds its markings), or a case the caller may see anyway. */
  | {
      masked: false;
      caseId: string;
      title: string;
      status: string;
      organisation: string;
      subjects: Array<{ entityId: string; caption: string; category: string }>;
      /** Its subjects the caller may not see. */
      hiddenSubjects: number;
      team: Array<{ username: string; displayName: string; role: CaseRole }>;
      contact: OverlapContact;
    }
  /** Not shared (yet, or declined): only its organisation, whom to contact and where the request stands. */
  | { masked: true; compartmented: false; organisation: string; contact: OverlapContact; request: 'pending' | 'declined' }
  /** In a compartment the caller does not hold: only the fact and whom to contact. */
  | { masked: true; compartmented: true; contact: OverlapContact };

/** One overlap of a case with another that shares a subject. */
export interface CaseOverlap {
  id: string;
  detectedAt: Date;
  /** Our subject that the other case shares: its caption is null when the caller may not see it. */
  subject: { entityId: string; caption: string | null; schema: string | null };
  /** Our side's sharing decision. */
  decision: { decision: 'shared' | 'declined' | null; decidedBy: string | null; decidedAt: Date | null; reason: string | null };
  other: OverlapOtherCase;
}

const MAX_REASON = 2000;

function sideOf(row: { case_a: string }, caseId: string): 'a' | 'b' {
  return row.case_a === caseId ? 'a' : 'b';
}

/**
 * Finds the other cases whose subjects share a canonical id with this case's subjects, comparing
 * canonical ids as they are now (so clusters formed after a subject was added count), records each
 * new overlap (case_a < case_b) and tells both cases' owners. Runs in the caller's transaction;
 * answers the ids of the overlaps it recorded.
 */
export async function detectOverlaps(tx: Ctx, caseId: string): Promise<string[]> {
  const ours = (await tx.db.selectFrom('case_subjects').select('entity_id').where('case_id', '=', caseId).execute()).map((r) => r.entity_id);
  if (ours.length === 0) return [];
  const oursCanonical = await canonicalIds(tx, ours);
  const members = await clusterMembers(tx, [...new Set(oursCanonical.values())]);
  const candidates = [...new Set([...members.values()].flat())];
  const others = await tx.db.selectFrom('case_subjects').select(['case_id', 'entity_id']).where('entity_id', 'in', candidates).where('case_id', '<>', caseId).execute();
  if (others.length === 0) return [];
  const othersCanonical = await canonicalIds(tx, others.map((o) => o.entity_id));
  const recorded: string[] = [];
  for (const mine of ours) {
    const canonical = oursCanonical.get(mine) ?? mine;
    for (const other of others) {
      if ((othersCanonical.get(other.entity_id) ?? other.entity_id) !== canonical) continue;
      const weAreA = caseId < other.case_id;
      const id = randomUUID();
      const inserted = await tx.db
        .insertInto('case_overlaps')
        .values({
          id,
          case_a: weAreA ? caseId : other.case_id,
          case_b: weAreA ? other.case_id : caseId,
          entity_id: canonical,
          entity_a: weAreA ? mine : other.entity_id,
          entity_b: weAreA ? other.entity_id : mine,
          detected_at: tx.now(),
        })
        .onConflict((oc) => oc.columns(['case_a', 'case_b', 'entity_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted === undefined) continue;
      recorded.push(id);
      for (const [side, entity] of [
        [caseId, mine],
        [other.case_id, other.entity_id],
      ] as const) {
        // Each side hears only of its own case: the other case is named nowhere in the message.
        await notifyUsers(tx, await caseOwners(tx, side), {
          kind: 'overlap',
          caseId: side,
          refId: id,
          message: `Case ${side}: one of its subjects is also a subject of another case. Open the case's overlaps to see whom to contact.`,
        });
        await recordCaseEvent(tx, { caseId: side, kind: 'overlap', summary: 'a subject is also a subject of another case', entityIds: [entity], detail: { overlapId: id } });
      }
    }
  }
  return recorded;
}

/**
 * The overlaps of a case with other cases that share a subject (consultation; purpose-bound).
 * Overlaps are looked for again first. The other case shows in full only once its owner has
 * shared it and the caller holds all its markings (or when the caller may see that case anyway);
 * until then only its organisation, whom to contact and where the request stands; and when it is
 * in a compartment the caller does not hold, only the fact and whom to contact.
 * @example const overlaps = await listCaseOverlaps(ctx, 'C-2026-0001')
 */
export async function listCaseOverlaps(ctx: Ctx, caseId: string): Promise<CaseOverlap[]> {
  const action = { action: 'case.list-overlaps', category: 'consultation' } as const;
  await requireRole(ctx, action, [...rolesFor('entity.read')]);
  return runWithPurpose(ctx, action, async (tx) => {
    await authorizeCase(tx, 'case.read', caseId);
    const fresh = await detectOverlaps(tx, caseId);
    const rows = await tx.db
      .selectFrom('case_overlaps')
      .selectAll()
      .where((eb) => eb.or([eb('case_a', '=', caseId), eb('case_b', '=', caseId)]))
      .orderBy('detected_at', 'desc')
      .orderBy('id')
      .execute();
    if (rows.length === 0) return { value: [], objectIds: [caseId], detail: { overlaps: 0, detected: fresh.length } };
    const otherIds = [...new Set(rows.map((r) => (sideOf(r, caseId) === 'a' ? r.case_b : r.case_a)))];
    const otherCases = new Map(
      (await tx.db.selectFrom('cases').select(['id', 'title', 'status', 'organisation', 'markings', 'owner_id']).where('id', 'in', otherIds).execute()).map((c) => [c.id, c]),
    );
    const seeable = new Set((await tx.db.selectFrom('cases').select('id').where('id', 'in', otherIds).where(visibleCases(tx)).execute()).map((c) => c.id));
    const userIds = [...new Set([...[...otherCases.values()].map((c) => c.owner_id), ...rows.flatMap((r) => [r.a_decided_by, r.b_decided_by]).filter((u): u is string => u !== null)])];
    const users = new Map((await tx.db.selectFrom('users').select(['id', 'username', 'display_name']).where('id', 'in', userIds).execute()).map((u) => [u.id, u]));
    const contactOf = (userId: string): OverlapContact => {
      const user = users.get(userId);
      return { displayName: user?.display_name ?? userId, username: user?.username ?? userId };
    };
    const ourEntities = rows.map((r) => (sideOf(r, caseId) === 'a' ? r.entity_a : r.entity_b));
    const ourVisible = await visibleSubjects(tx, ourEntities);
    const subjectIds = new Set([...ourVisible.values()].flatMap((e) => e.records ?? [e.id]));
    const shown = new Map<string, OverlapOtherCase>();
    const overlaps: CaseOverlap[] = [];
    for (const row of rows) {
      const side = sideOf(row, caseId);
      const otherId = side === 'a' ? row.case_b : row.case_a;
      const other = otherCases.get(otherId);
      if (other === undefined) continue;
      const theirDecision = side === 'a' ? row.b_decision : row.a_decision;
      const contact = contactOf(other.owner_id);
      let view: OverlapOtherCase;
      if (!holdsMarkings(tx.actor, other.markings) && !seeable.has(otherId)) {
        view = { masked: true, compartmented: true, contact };
      } else if (theirDecision === 'shared' || seeable.has(otherId)) {
        const cached = shown.get(otherId);
        if (cached !== undefined) view = cached;
        else {
          const subjectRows = await tx.db.selectFrom('case_subjects').select(['entity_id', 'category']).where('case_id', '=', otherId).orderBy('added_at').orderBy('entity_id').execute();
          const visible = await visibleSubjects(tx, subjectRows.map((s) => s.entity_id));
          const subjects = subjectRows.flatMap((s) => {
            const entity = visible.get(s.entity_id);
            return entity === undefined ? [] : [{ entityId: entity.id, caption: captionOf(entity), category: s.category }];
          });
          for (const entity of visible.values()) for (const id of entity.records ?? [entity.id]) subjectIds.add(id);
          const team = await tx.db
            .selectFrom('case_members')
            .innerJoin('users', 'users.id', 'case_members.user_id')
            .select(['users.username', 'users.display_name as displayName', 'case_members.role'])
            .where('case_members.case_id', '=', otherId)
            .orderBy('users.username')
            .execute();
          view = { masked: false, caseId: otherId, title: other.title, status: other.status, organisation: other.organisation, subjects, hiddenSubjects: subjectRows.length - subjects.length, team, contact };
          shown.set(otherId, view);
        }
      } else {
        view = { masked: true, compartmented: false, organisation: other.organisation, contact, request: theirDecision === 'declined' ? 'declined' : 'pending' };
      }
      const ours = side === 'a' ? row.entity_a : row.entity_b;
      const entity = ourVisible.get(ours);
      const decidedBy = side === 'a' ? row.a_decided_by : row.b_decided_by;
      overlaps.push({
        id: row.id,
        detectedAt: row.detected_at,
        subject: { entityId: entity?.id ?? ours, caption: entity === undefined ? null : captionOf(entity), schema: entity?.schema ?? null },
        decision: {
          decision: side === 'a' ? row.a_decision : row.b_decision,
          decidedBy: decidedBy === null ? null : (users.get(decidedBy)?.username ?? decidedBy),
          decidedAt: side === 'a' ? row.a_decided_at : row.b_decided_at,
          reason: side === 'a' ? row.a_reason : row.b_reason,
        },
        other: view,
      });
    }
    return {
      value: overlaps,
      objectIds: [caseId, ...overlaps.map((o) => o.id)],
      subjectIds: [...subjectIds],
      detail: { overlaps: overlaps.length, detected: fresh.length, shownCases: [...shown.keys()] },
    };
  });
}

/** A side's sharing decision on an overlap. */
export interface OverlapDecision {
  overlapId: string;
  caseId: string;
  decision: 'shared' | 'declined';
  decidedAt: Date;
}

/**
 * Decides, for one side of an overlap, whether the other side may see this case's details
 * (disclosure when sharing, alteration when declining; purpose-bound). Only that case's owner or
 * a supervisor of its organisation decides; the other side's owners are told. `caseId` names the
 * deciding side when the caller runs both (by default the case of the stated purpose).
 * @example await decideOverlap(ctx, { overlapId, share: true, reason: 'joint interview planned with the other unit' })
 */
export async function decideOverlap(ctx: Ctx, input: { overlapId: string; share: boolean; reason: string; caseId?: string }): Promise<OverlapDecision> {
  const action = { action: 'case.decide-overlap', category: input.share ? 'disclosure' : 'alteration' } as const;
  await requireRole(ctx, action, [...rolesFor('entity.read')]);
  if (typeof input.share !== 'boolean') throw new Invalid('share must be true or false');
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (reason.length < 3) throw new Invalid('a decision on an overlap needs a reason: say in a few words why');
  if (reason.length > MAX_REASON) throw new Invalid(`the reason may be at most ${MAX_REASON} characters`);
  return runWithPurpose(ctx, action, async (tx) => {
    const row = await tx.db.selectFrom('case_overlaps').selectAll().where('id', '=', input.overlapId).executeTakeFirst();
    const missing = new NotFound(`overlap ${input.overlapId} not found`);
    if (row === undefined) throw missing;
    const sides = await tx.db
      .selectFrom('cases')
      .select(['id', 'status', 'owner_id', 'organisation', 'markings'])
      .where('id', 'in', [row.case_a, row.case_b])
      .where(visibleCases(tx))
      .execute();
    // An overlap of cases the caller may not see is answered as one that does not exist.
    if (sides.length === 0) throw missing;
    const deciding = [];
    for (const side of sides) if (await runsCase(tx, side)) deciding.push(side);
    if (deciding.length === 0) throw new Forbidden(`deciding on overlap ${input.overlapId} needs the owner of one of its cases or a supervisor of its organisation`);
    let chosen = deciding.length === 1 ? deciding[0] : deciding.find((s) => s.id === tx.purpose?.caseId);
    if (input.caseId !== undefined) {
      if (!sides.some((s) => s.id === input.caseId)) throw missing;
      chosen = deciding.find((s) => s.id === input.caseId);
      if (chosen === undefined) throw new Forbidden(`deciding on overlap ${input.overlapId} for case ${input.caseId} needs its owner or a supervisor of its organisation`);
    }
    if (chosen === undefined) throw new Invalid(`you run both cases of overlap ${input.overlapId}: say which case decides`);
    const side = chosen.id === row.case_a ? 'a' : 'b';
    const otherId = side === 'a' ? row.case_b : row.case_a;
    const decision = input.share ? ('shared' as const) : ('declined' as const);
    const now = tx.now();
    await tx.db
      .updateTable('case_overlaps')
      .set(side === 'a' ? { a_decision: decision, a_decided_by: tx.actor.userId, a_decided_at: now, a_reason: reason } : { b_decision: decision, b_decided_by: tx.actor.userId, b_decided_at: now, b_reason: reason })
      .where('id', '=', row.id)
      .execute();
    await recordCaseEvent(tx, {
      caseId: chosen.id,
      kind: 'overlap',
      summary: input.share ? "case details shared with the other case of an overlap" : 'sharing with the other case of an overlap declined',
      entityIds: [side === 'a' ? row.entity_a : row.entity_b],
      detail: { overlapId: row.id, decision, reason },
    });
    await notifyUsers(tx, await caseOwners(tx, otherId), {
      kind: 'overlap-decision',
      caseId: otherId,
      refId: row.id,
      message: `Case ${otherId}: the other case that shares a subject with it has ${input.share ? 'shared its details' : 'declined to share its details'}. Open the case's overlaps to see more.`,
    });
    return {
      value: { overlapId: row.id, caseId: chosen.id, decision, decidedAt: now },
      objectIds: [row.id, chosen.id],
      subjectIds: [...new Set([row.entity_id, row.entity_a, row.entity_b])],
      detail: { decision, reason, ...(input.share ? { disclosedTo: otherId } : {}) },
    };
  });
}
