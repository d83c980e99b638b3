import { randomUUID } from 'node:crypto';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase } from '../cases/create-case.js';
import type { Actor, Ctx, Role } from '../context/context.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/index.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { readCase } from './case-reads.js';
import { authenticate, hashToken } from './sign-in.js';

const MARKING = 'LE-ONLY';

// Who sees which case, as the rules say: members and their unit's supervisors see a case, oversight
// sees every case under the oversight purpose, and all of a case's markings must be held.
const PEOPLE: Array<{ name: string; organisation: string; roles: Role[]; compartments: string[]; member: boolean }> = [
  { name: 'member', organisation: 'unit-1', roles: ['analyst'], compartments: [], member: true },
  { name: 'cleared member', organisation: 'unit-1', roles: ['analyst'], compartments: [MARKING], member: true },
  { name: 'colleague', organisation: 'unit-1', roles: ['analyst'], compartments: [MARKING], member: false },
  { name: 'supervisor', organisation: 'unit-1', roles: ['supervisor'], compartments: [], member: false },
  { name: 'cleared supervisor', organisation: 'unit-1', roles: ['supervisor'], compartments: [MARKING], member: false },
  { name: 'other supervisor', organisation: 'unit-2', roles: ['supervisor'], compartments: [MARKING], member: false },
  { name: 'overseer', organisation: 'unit-2', roles: ['oversight'], compartments: [], member: false },
];
const UNDER_CASE_PURPOSE: Record<string, string[]> = {
  member: ['open', 'archived'],
  'cleared member': ['open', 'marked', 'archived'],
  colleague: [],
  supervisor: ['open', 'archived'],
  'cleared supervisor': ['open', 'marked', 'archived'],
  'other supervisor': [],
  overseer: [],
};
// Under the oversight purpose the overseer sees every case whose markings they hold; the others as before.
const SEES: Record<string, Record<string, string[]>> = {
  'fraud-audit': UNDER_CASE_PURPOSE,
  oversight: { ...UNDER_CASE_PURPOSE, overseer: ['open', 'archived'] },
};

describe.each(dialects())('the case check read with the session, on %s', (dialect) => {
  let store: Store;
  const people = new Map<string, { actor: Actor; token: string }>();
  const cases = new Map<string, string>();

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const operator = testContext(store);
    await store.db.insertInto('organisations').values([{ id: 'unit-1', name: 'Unit 1' }, { id: 'unit-2', name: 'Unit 2' }]).execute();
    await registerSource(operator, { id: 'ledger', name: 'Ledger', legalBasis: 'Order 3', purposes: ['fraud-audit', 'oversight'] });
    await registerSource(operator, { id: 'informants', name: 'Informants', legalBasis: 'Order 4', purposes: ['fraud-audit'], sensitiveCategories: ['informant-identity'] });
    const now = new Date();
    for (const person of PEOPLE) {
      const id = randomUUID();
      await store.db.insertInto('users').values({ id, username: person.name.replace(' ', '-'), display_name: person.name, organisation: person.organisation, roles: person.roles, compartments: person.compartments, password_hash: null }).execute();
      const token = `cg_${randomUUID()}`;
      await store.db.insertInto('sessions').values({ id: randomUUID(), token_hash: hashToken(token), kind: 'session', user_id: id, name: null, created_at: now, last_used_at: now, expires_at: new Date(now.getTime() + 3_600_000), banner_acknowledged_at: now }).execute();
      people.set(person.name, { actor: { userId: id, sessionId: null, organisation: person.organisation, roles: person.roles, compartments: person.compartments }, token });
    }
    const owner = people.get('member')?.actor as Actor;
    for (const name of ['open', 'marked', 'archived']) {
      const id = (await createCase(testContext(store, { actor: owner }), { title: `Case ${name}`, purpose: 'fraud-audit' })).id;
      cases.set(name, id);
      for (const person of PEOPLE.filter((p) => p.member && p.name !== 'member')) {
        await store.db.insertInto('case_members').values({ case_id: id, user_id: people.get(person.name)?.actor.userId as string, role: 'investigator', added_at: now, added_by: owner.userId }).execute();
      }
    }
    await store.db.updateTable('cases').set({ markings: [MARKING] }).where('id', '=', cases.get('marked') as string).execute();
    await store.db.updateTable('cases').set({ status: 'archived' }).where('id', '=', cases.get('archived') as string).execute();
    await store.db
      .insertInto('sensitive_unlocks')
      .values({ id: 'U-1', case_id: cases.get('open') as string, categories: ['informant-identity'], reason: 'named in the tip-off', hours: 2, requested_by: owner.userId, requested_at: now, decided_by: people.get('supervisor')?.actor.userId as string, decided_at: now, status: 'approved', expires_at: new Date(now.getTime() + 3_600_000) })
      .execute();
  }, 120_000);
  afterAll(async () => {
    await store.close();
  });

  it('sees the cases the rules let each person see, and reads the same as a case check of its own, with no query of its own', async () => {
    for (const code of ['fraud-audit', 'oversight']) {
      for (const person of PEOPLE) {
        const { actor, token } = people.get(person.name) as { actor: Actor; token: string };
        const seen: string[] = [];
        for (const [name, caseId] of cases) {
          const purpose = { caseId, code, justification: 'tip-off 14' };
          const fresh = await readCase(testContext(store, { actor, purpose }), caseId);
          const early = await authenticate(testContext(store), token, { caseId, code });
          const queries: string[] = [];
          const recorder: KyselyPlugin = { transformQuery: (args) => (queries.push(args.node.kind), args.node), transformResult: async (args) => args.result };
          const ctx: Ctx = { ...testContext(store, { actor: early, purpose }), db: store.db.withPlugin(recorder) };
          const withSession = await readCase(ctx, caseId);
          expect(queries, `${person.name}, case ${name}, ${code}`).toEqual([]);
          expect(withSession, `${person.name}, case ${name}, ${code}`).toEqual(fresh);
          // The check is the request's first: a second one asks again.
          expect(await readCase(ctx, caseId)).toEqual(fresh);
          expect(queries).toEqual(['SelectQueryNode']);
          if (fresh !== undefined) seen.push(name);
        }
        expect(seen, `${person.name} under ${code}`).toEqual(SEES[code]?.[person.name]);
      }
    }
    const open = await readCase(testContext(store, { actor: people.get('member')?.actor as Actor, purpose: { caseId: cases.get('open') as string, code: 'fraud-audit', justification: 'x' } }), cases.get('open') as string);
    expect({ status: open?.status, unlocked: [...(open?.unlocked ?? [])], sources: open?.sources.map((s) => s.id) }).toEqual({ status: 'open', unlocked: ['informant-identity'], sources: ['informants', 'ledger'] });
  });

  it('a check read for another case or purpose is not taken for this one', async () => {
    const { token } = people.get('cleared member') as { actor: Actor; token: string };
    const early = await authenticate(testContext(store), token, { caseId: cases.get('open') as string, code: 'fraud-audit' });
    const marked = cases.get('marked') as string;
    const queries: string[] = [];
    const recorder: KyselyPlugin = { transformQuery: (args) => (queries.push(args.node.kind), args.node), transformResult: async (args) => args.result };
    const ctx: Ctx = { ...testContext(store, { actor: early, purpose: { caseId: marked, code: 'fraud-audit', justification: 'x' } }), db: store.db.withPlugin(recorder) };
    expect((await readCase(ctx, marked))?.caseId).toBe(marked);
    expect(queries).toEqual(['SelectQueryNode']);
  });

  it('an unknown session is refused whatever case it names', async () => {
    await expect(authenticate(testContext(store), 'cg_unknown', { caseId: cases.get('open') as string, code: 'fraud-audit' })).rejects.toThrow('the session is unknown');
  });
});
