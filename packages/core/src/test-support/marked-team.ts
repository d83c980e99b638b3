import { randomUUID } from 'node:crypto';
import { createCase } from '../cases/create-case.js';
import type { Actor, Ctx } from '../context/context.js';
import type { Store } from '../store/index.js';
import { testContext } from './test-store.js';

/** A case worked by two analysts of one unit: one cleared for a marking, one not. */
export interface MarkedTeam {
  caseId: string;
  /** The analyst without the marking (the case's owner). */
  plain: Ctx;
  /** The analyst holding the marking. */
  marked: Ctx;
}

/** Makes the unit, both analysts and their case (purpose `fraud-audit`), each with the case's purpose stated. */
export async function markedTeam(store: Store, options: { marking: string; title: string; justification: string }): Promise<MarkedTeam> {
  const actor = (userId: string, compartments: string[]): Actor => ({ userId, sessionId: null, organisation: 'unit-1', roles: ['analyst'], compartments });
  const plainId = randomUUID();
  const markedId = randomUUID();
  await store.db.insertInto('organisations').values({ id: 'unit-1', name: 'Unit 1' }).execute();
  for (const [id, username, compartments] of [[plainId, 'plain', []], [markedId, 'marked', [options.marking]]] as const) {
    await store.db.insertInto('users').values({ id, username, display_name: username, organisation: 'unit-1', roles: ['analyst'], compartments: [...compartments], password_hash: null }).execute();
  }
  const caseId = (await createCase(testContext(store, { actor: actor(plainId, []) }), { title: options.title, purpose: 'fraud-audit' })).id;
  await store.db.insertInto('case_members').values({ case_id: caseId, user_id: markedId, role: 'member', added_at: new Date(), added_by: plainId }).execute();
  const purpose = { caseId, code: 'fraud-audit', justification: options.justification };
  return { caseId, plain: testContext(store, { actor: actor(plainId, []), purpose }), marked: testContext(store, { actor: actor(markedId, [options.marking]), purpose }) };
}
