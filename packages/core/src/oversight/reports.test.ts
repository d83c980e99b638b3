import { randomBytes, randomUUID } from 'node:crypto';
import { openTerms, sealTerms } from '../audit/keys.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents, recordEvent } from '../audit/record-event.js';
import type { Actor, Ctx } from '../context/context.js';
import { Forbidden } from '../errors.js';
import type { Store } from '../store/create-db.js';
import { prng } from '../test-support/prng.js';
import { dialects, FIXED_NOW, openTestStore, testContext } from '../test-support/test-store.js';
import { scoreSubjectLookups } from './lookup-ground-truth.js';
import { createCase } from '../cases/create-case.js';
import { anomalyQueue, signOffAnomaly, userActivity, whoLookedUp } from './reports.js';

// Real operations through the use cases: about 20 seconds per store.
const OPERATIONS = 10_000;

describe.each(dialects())('oversight reports on %s', (dialect) => {
  let store: Store;
  let operator: Ctx;
  let reviewer: Ctx;
  beforeAll(async () => {
    store = await openTestStore(dialect);
    operator = testContext(store);
    const id = randomUUID();
    await store.db.insertInto('users').values({ id, username: 'olu', display_name: 'Olu', organisation: 'local', roles: ['oversight'], compartments: [], password_hash: null }).execute();
    const actor: Actor = { userId: id, sessionId: null, organisation: 'local', roles: ['oversight'], compartments: [] };
    reviewer = { ...operator, actor, purpose: { caseId: null, code: 'oversight', justification: 'quarterly review' } };
  });
  afterAll(async () => {
    await store.close();
  });

  it(`the subject-lookup report finds every lookup and nothing else over ${OPERATIONS} operations`, async () => {
    const score = await scoreSubjectLookups(operator, reviewer, { operations: OPERATIONS, random: prng(8) });
    expect(score.truePositives).toBeGreaterThan(OPERATIONS * 0.7);
    expect(score).toMatchObject({ falsePositives: 0, falseNegatives: 0, precision: 1, recall: 1 });
  }, 300_000);

  it('only the oversight role runs reports, and running one is itself audited', async () => {
    await expect(whoLookedUp({ ...operator, actor: { ...reviewer.actor, userId: 'someone', roles: ['analyst'] } }, { subjectId: 'x' })).rejects.toThrow(Forbidden);
    await whoLookedUp(reviewer, { subjectId: 'subject-1' });
    const events = await listEvents(store.db, { action: 'oversight.subject-lookups', limit: 10_000 });
    expect(events.at(-1)).toMatchObject({ actor_id: reviewer.actor.userId, outcome: 'success', object_ids: ['subject-1'], purpose: 'oversight' });
    expect(events.some((e) => e.outcome === 'denied')).toBe(true);
    const activity = await userActivity(reviewer, { username: 'olu' });
    expect(activity.some((a) => a.action === 'oversight.subject-lookups')).toBe(true);
  });

  it('query terms are stored sealed and only an oversight report opens them', async () => {
    const keys = { termsKey: randomBytes(32).toString('base64') };
    const searcher: Actor = { userId: 'searcher', sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] };
    await recordEvent({ ...operator, actor: searcher }, store.db, { category: 'consultation', action: 'search', subjectIds: ['sealed-subject'], sealedTerms: sealTerms(keys, 'name:"Mira Novak" born:1978') });
    const raw = await store.db.selectFrom('audit_events').select('sealed_terms').where('action', '=', 'search').executeTakeFirstOrThrow();
    expect(raw.sealed_terms).not.toContain('Mira');
    const [record] = await whoLookedUp(reviewer, { subjectId: 'sealed-subject', keys });
    expect(record?.terms).toBe('name:"Mira Novak" born:1978');
    await expect(whoLookedUp({ ...reviewer, actor: searcher }, { subjectId: 'sealed-subject', keys })).rejects.toThrow(Forbidden);
    expect(() => openTerms({ termsKey: randomBytes(32).toString('base64') }, raw.sealed_terms ?? '')).toThrow(/do not open with this key/);
  });

  it('the review queue shows after-hours bulk reads and volume spikes until a reviewer signs them off', async () => {
    const actor: Actor = { userId: 'night-owl', sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] };
    const read = (at: Date) => recordEvent({ ...operator, actor, now: () => at }, store.db, { category: 'consultation', action: 'entity.view', subjectIds: ['s'] });
    // A usual day: two reads an hour for ten hours; then one night hour with 60.
    for (let hour = 8; hour < 18; hour++) for (let i = 0; i < 2; i++) await read(new Date(Date.UTC(2026, 1, 2, hour, i)));
    for (let i = 0; i < 60; i++) await read(new Date(Date.UTC(2026, 1, 2, 23, 0, i)));
    const queue = (await anomalyQueue(reviewer)).filter((a) => a.actorId === 'night-owl');
    expect(queue.map((a) => a.kind).sort()).toEqual(['after-hours-bulk', 'volume-spike']);
    expect(queue.every((a) => a.reads === 60 && a.signedOff === null)).toBe(true);
    const first = queue[0];
    if (first === undefined) throw new Error('no anomaly');
    await signOffAnomaly({ ...reviewer, now: () => FIXED_NOW }, { anomalyId: first.id, note: 'night shift on the port raid, approved by the duty officer' });
    const again = (await anomalyQueue(reviewer)).find((a) => a.id === first.id);
    expect(again?.signedOff?.by).toBe(reviewer.actor.userId);
    expect(again?.signedOff?.note).toMatch(/night shift/);
    expect((await listEvents(store.db, { action: 'oversight.sign-off' })).length).toBe(1);
  });

  it('the review queue shows an hour of searches and views under a case that were about none of its subjects', async () => {
    const caseId = (await createCase(operator, { title: 'Quay thefts', purpose: 'criminal-investigation' })).id;
    await store.db.insertInto('case_subjects').values({ case_id: caseId, entity_id: 'subject-canonical', category: 'suspect', added_by: 'local-operator', added_at: FIXED_NOW }).execute();
    // Another record of the subject, joined to it by resolution, counts as the subject.
    await store.db.insertInto('entity_clusters').values({ entity_id: 'subject-other-record', cluster_id: 'subject-canonical' }).execute();
    const under = (userId: string, at: Date): Ctx => ({ ...operator, actor: { userId, sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] }, purpose: { caseId, code: 'criminal-investigation', justification: 'lead 4' }, now: () => at });
    const read = (userId: string, minute: number, subjectIds: string[]) => recordEvent(under(userId, new Date(Date.UTC(2026, 1, 3, 10, minute))), store.db, { category: 'consultation', action: minute % 2 === 0 ? 'search' : 'entity.view', subjectIds });
    // One analyst looks through a dozen people unrelated to the case; another works on the subject.
    for (let i = 0; i < 12; i++) await read('browser', i, [`neighbour-${i}`]);
    for (let i = 0; i < 12; i++) await read('focused', i, i % 2 === 0 ? ['subject-other-record', `neighbour-${i}`] : ['subject-canonical']);
    // Nine reads outside the case stay under the threshold.
    for (let i = 0; i < 9; i++) await read('brief', i, [`neighbour-${i}`]);
    const outside = (await anomalyQueue(reviewer)).filter((a) => a.kind === 'outside-case');
    expect(outside.map((a) => ({ actorId: a.actorId, caseId: a.caseId, reads: a.reads }))).toEqual([{ actorId: 'browser', caseId, reads: 12 }]);
  });
});
