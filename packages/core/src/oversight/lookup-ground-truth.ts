import { randomUUID } from 'node:crypto';
import { createCase } from '../cases/create-case.js';
import { addCaseMember } from '../cases/get-case.js';
import type { Actor, Ctx, Role } from '../context/context.js';
import { getEntity } from '../entities/get-entity.js';
import { writeEntities } from '../entities/write-entities.js';
import { registerSource } from '../sources/register-source.js';
import { whoLookedUp } from './reports.js';

/** What a ground-truth run measured. */
export interface LookupScore {
  operations: number;
  subjects: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

/**
 * Runs `operations` real operations (successful views, views refused for want of a purpose, views
 * of entities that do not exist, changes) by several users over several subjects, keeping the
 * truth of who looked up whom, then asks the subject-lookup report about every subject and scores
 * it against the truth. `operator` sets the scene (an administrator); `reviewer` (oversight) runs the reports. Used by the oversight test.
 */
export async function scoreSubjectLookups(operator: Ctx, reviewer: Ctx, input: { operations: number; random: () => number }): Promise<LookupScore> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(input.random() * items.length)] as T;
  const users: Actor[] = [];
  for (let i = 0; i < 6; i++) {
    const id = randomUUID();
    const role: Role = i % 3 === 2 ? 'supervisor' : 'analyst';
    await operator.db.insertInto('users').values({ id, username: `investigator-${i}-${id.slice(0, 6)}`, display_name: `Investigator ${i}`, organisation: 'local', roles: [role], compartments: [], password_hash: null }).execute();
    users.push({ userId: id, sessionId: null, organisation: 'local', roles: [role], compartments: [] });
  }
  const owner = users[0] as Actor;
  const caseIds: string[] = [];
  for (let i = 0; i < 3; i++) {
    const created = await createCase({ ...operator, actor: owner }, { title: `Lookup case ${i}`, purpose: 'fraud-audit' });
    caseIds.push(created.id);
    for (const user of users.slice(1)) {
      const username = (await operator.db.selectFrom('users').select('username').where('id', '=', user.userId).executeTakeFirstOrThrow()).username;
      await addCaseMember({ ...operator, actor: owner }, { caseId: created.id, username });
    }
  }
  const sourceId = `lookup-${randomUUID().slice(0, 8)}`;
  await registerSource(operator, { id: sourceId, name: 'Lookup registry', legalBasis: 'Test order', purposes: ['fraud-audit'] });
  const subjects = Array.from({ length: 40 }, (_, i) => `subject-${i}-${sourceId}`);
  await writeEntities(
    { ...operator, purpose: { caseId: caseIds[0] as string, code: 'fraud-audit', justification: 'fixture' } },
    { sourceId, entities: subjects.map((id, i) => ({ id, schema: 'Person', properties: { name: [`Person ${i}`] }, origin: `S${i}` })) },
  );
  // The truth: the lookups of each subject, as "user|case|purpose|justification" in order.
  const truth = new Map<string, string[]>(subjects.map((s) => [s, []]));
  for (let i = 0; i < input.operations; i++) {
    const actor = pick(users);
    const caseId = pick(caseIds);
    const justification = `lead ${i}`;
    const ctx: Ctx = { ...operator, actor, purpose: { caseId, code: 'fraud-audit', justification } };
    const roll = input.random();
    if (roll < 0.8) {
      const subject = pick(subjects);
      await getEntity(ctx, subject);
      truth.get(subject)?.push(`${actor.userId}|${caseId}|fraud-audit|${justification}`);
    } else if (roll < 0.9) {
      // Refused before any read: no lookup of the subject happened.
      await getEntity({ ...ctx, purpose: null }, pick(subjects)).catch(() => undefined);
    } else {
      await getEntity(ctx, `no-such-entity-${i}`).catch(() => undefined);
    }
  }
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  for (const subject of subjects) {
    const report = await whoLookedUp(reviewer, { subjectId: subject });
    const found = report.filter((r) => r.outcome === 'success').map((r) => `${r.actorId}|${r.caseId}|${r.purpose}|${r.justification}`);
    const expected = [...(truth.get(subject) ?? [])];
    for (const item of found) {
      const at = expected.indexOf(item);
      if (at >= 0) {
        truePositives++;
        expected.splice(at, 1);
      } else {
        falsePositives++;
      }
    }
    falseNegatives += expected.length;
  }
  return {
    operations: input.operations,
    subjects: subjects.length,
    truePositives,
    falsePositives,
    falseNegatives,
    precision: truePositives / Math.max(1, truePositives + falsePositives),
    recall: truePositives / Math.max(1, truePositives + falseNegatives),
  };
}
