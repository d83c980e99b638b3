import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../audit/record-event.js';
import { createCase } from '../cases/create-case.js';
import type { Actor, Ctx } from '../context/context.js';
import { writeEntities } from '../entities/write-entities.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/create-db.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { loadCaseTimeline } from './load-timeline.js';
import { caseTimeline, entityTimeline } from './timeline.js';

const MARKING = 'LE-ONLY';

describe.each(dialects())('timelines on %s', (dialect) => {
  let store: Store;
  let caseId: string;
  let analyst: Ctx;
  let cleared: Ctx;

  const actor = (userId: string, compartments: string[] = []): Actor => ({ userId, sessionId: null, organisation: 'unit-1', roles: ['analyst'], compartments });

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const ids = { ana: randomUUID(), cleo: randomUUID() };
    await store.db.insertInto('organisations').values({ id: 'unit-1', name: 'Unit 1' }).execute();
    await store.db
      .insertInto('users')
      .values([
        { id: ids.ana, username: 'ana', display_name: 'Ana Lindqvist', organisation: 'unit-1', roles: ['analyst'], compartments: [], password_hash: null },
        { id: ids.cleo, username: 'cleo', display_name: 'Cleo Marsh', organisation: 'unit-1', roles: ['analyst'], compartments: [MARKING], password_hash: null },
      ])
      .execute();
    caseId = (await createCase(testContext(store, { actor: actor(ids.ana) }), { title: 'Harbour payments', purpose: 'fraud-audit' })).id;
    await store.db.insertInto('case_members').values({ case_id: caseId, user_id: ids.cleo, role: 'member', added_at: new Date(), added_by: ids.ana }).execute();
    const operator = testContext(store, { purpose: { caseId, code: 'fraud-audit', justification: 'fixture' } });
    for (const source of [
      { id: 'registry', name: 'Registry', legalBasis: 'Public register', purposes: ['fraud-audit'] },
      { id: 'bank', name: 'Bank reports', legalBasis: 'AML act', purposes: ['fraud-audit'] },
      { id: 'restricted', name: 'Restricted intelligence', legalBasis: 'Order 7', purposes: ['fraud-audit'], markings: [MARKING] },
    ]) {
      await registerSource(operator, source);
    }
    await writeEntities(operator, {
      sourceId: 'registry',
      entities: [
        { id: 'p-mira-1', schema: 'Person', origin: 'R1', properties: { name: ['Mira Novak'], birthDate: ['1981-04-02'] } },
        { id: 'p-tomas', schema: 'Person', origin: 'R2', properties: { name: ['Tomas Berg'] } },
        { id: 'c-harbour', schema: 'Company', origin: 'R3', properties: { name: ['Harbour Ltd'], incorporationDate: ['2015-06-01'] } },
        { id: 'a-oslo', schema: 'Address', origin: 'R4', properties: { full: ['Oslo harbour'] } },
        { id: 'a-riga', schema: 'Address', origin: 'R5', properties: { full: ['Riga port'] } },
        { id: 'call-1', schema: 'Call', origin: 'R6', properties: { caller: ['p-mira-1'], receiver: ['p-tomas'], date: ['2024-03-06T21:48'] } },
        { id: 'trip-1', schema: 'Trip', origin: 'R7', properties: { involved: ['p-mira-1'], startLocation: ['a-oslo'], endLocation: ['a-riga'], startDate: ['2024-04-01'], endDate: ['2024-04-03'] } },
      ],
    });
    await writeEntities(operator, {
      sourceId: 'bank',
      entities: [
        { id: 'p-mira-2', schema: 'Person', origin: 'B1', properties: { name: ['Mira Novak'] } },
        { id: 'pay-1', schema: 'Payment', origin: 'B2', properties: { payer: ['p-mira-2'], beneficiary: ['c-harbour'], amount: ['12400'], currency: ['EUR'], date: ['2024-03-05'] } },
        { id: 'ev-1', schema: 'Event', origin: 'B3', properties: { name: ['Board meeting'], involved: ['p-mira-2'], date: ['2023-11-20'] } },
        { id: 'pay-3', schema: 'Payment', origin: 'B4', properties: { payer: ['p-tomas'], beneficiary: ['c-harbour'], amount: ['500.5'], currency: ['EUR'], date: ['2024-02-10'] } },
      ],
    });
    await writeEntities(operator, {
      sourceId: 'restricted',
      entities: [{ id: 'pay-2', schema: 'Payment', origin: 'X1', properties: { payer: ['p-mira-1'], beneficiary: ['p-tomas'], amount: ['900'], currency: ['EUR'], date: ['2024-05-01'] } }],
    });
    // Resolution found the two Mira Novak records to be one person.
    await store.db.insertInto('entity_clusters').values([{ entity_id: 'p-mira-1', cluster_id: 'p-mira-1' }, { entity_id: 'p-mira-2', cluster_id: 'p-mira-1' }]).execute();
    const purpose = { caseId, code: 'fraud-audit', justification: 'payment trail review' };
    analyst = testContext(store, { actor: actor(ids.ana), purpose });
    cleared = testContext(store, { actor: actor(ids.cleo, [MARKING]), purpose });
  });
  afterAll(async () => {
    await store.close();
  });

  it("an entity's timeline has its own dates and the payments, calls, trips and events of every record of its cluster, in time order", async () => {
    const timeline = await entityTimeline(analyst, { entityId: 'p-mira-1' });
    expect(timeline.items.map((i) => [i.at, i.kind, i.title])).toEqual([
      ['1981-04-02', 'date', 'Birth date: Mira Novak'],
      ['2023-11-20', 'event', 'Event: Board meeting'],
      ['2024-03-05', 'payment', 'Payment 12,400 EUR from Mira Novak to Harbour Ltd'],
      ['2024-03-06T21:48', 'call', 'Call from Mira Novak to Tomas Berg'],
      ['2024-04-01', 'trip', 'Trip from Oslo harbour to Riga port'],
    ]);
    expect(timeline).toMatchObject({ total: 5, notShown: 0, truncated: false });
    const payment = timeline.items.find((i) => i.kind === 'payment');
    expect(payment).toMatchObject({ entityId: 'pay-1', schema: 'Payment', sourceId: 'bank', participants: [{ id: 'p-mira-2', caption: 'Mira Novak' }, { id: 'c-harbour', caption: 'Harbour Ltd' }] });
    expect(payment?.statementIds.length).toBeGreaterThanOrEqual(3);
    expect(timeline.items.find((i) => i.kind === 'trip')).toMatchObject({ at: '2024-04-01', end: '2024-04-03' });
    // The other record of the cluster answers with the same timeline.
    expect((await entityTimeline(analyst, { entityId: 'p-mira-2' })).items).toEqual(timeline.items);
    const [event] = await listEvents(store.db, { action: 'entity.timeline' });
    expect(event).toMatchObject({ category: 'consultation', case_id: caseId });
    expect(event?.subject_ids).toEqual(expect.arrayContaining(['p-mira-1', 'p-mira-2', 'c-harbour']));
  });

  it("a marked source's items show only to a caller holding its marking", async () => {
    const plain = await entityTimeline(analyst, { entityId: 'p-mira-1', types: ['payment'] });
    expect(plain.items.map((i) => i.entityId)).toEqual(['pay-1']);
    const marked = await entityTimeline(cleared, { entityId: 'p-mira-1', types: ['payment'] });
    expect(marked.items.map((i) => [i.entityId, i.title])).toEqual([
      ['pay-1', 'Payment 12,400 EUR from Mira Novak to Harbour Ltd'],
      ['pay-2', 'Payment 900 EUR from Mira Novak to Tomas Berg'],
    ]);
    await expect(entityTimeline(analyst, { entityId: 'pay-2' })).rejects.toThrow('entity pay-2 not found');
    await expect(entityTimeline(analyst, { entityId: 'nobody' })).rejects.toThrow('entity nobody not found');
  });

  it('filters by kind and by period (inclusive days, periods that touch it), and counts what the limit leaves out', async () => {
    const kinds = await entityTimeline(analyst, { entityId: 'p-mira-1', types: ['call', 'trip'] });
    expect(kinds.items.map((i) => i.kind)).toEqual(['call', 'trip']);
    const march = await entityTimeline(analyst, { entityId: 'p-mira-1', from: '2024-03-06', to: '2024-03-31' });
    expect(march.items.map((i) => i.entityId)).toEqual(['call-1']);
    const during = await entityTimeline(analyst, { entityId: 'p-mira-1', from: '2024-04-02', to: '2024-04-02' });
    expect(during.items.map((i) => i.entityId)).toEqual(['trip-1']);
    const limited = await entityTimeline(analyst, { entityId: 'p-mira-1', limit: 2 });
    expect(limited).toMatchObject({ total: 5, notShown: 3 });
    expect(limited.items.map((i) => i.kind)).toEqual(['date', 'event']);
  });

  it('bad filters are refused with the reason', async () => {
    for (const [filters, reason] of [
      [{ from: '2024-05-01', to: '2024-04-01' }, /from \(2024-05-01\) is after to \(2024-04-01\)/],
      [{ from: '2024-13-01' }, /from must be a calendar day written YYYY-MM-DD/],
      [{ to: '05/03/2024' }, /to must be a calendar day/],
      [{ from: '2023-02-29' }, /calendar day/],
      [{ types: ['meeting'] }, /unknown timeline type "meeting"/],
      [{ limit: 2001 }, /limit must be a whole number from 1 to 2000/],
      [{ limit: 0 }, /limit must be/],
    ] as const) {
      const refusal = entityTimeline(analyst, { entityId: 'p-mira-1', ...filters });
      await expect(refusal, JSON.stringify(filters)).rejects.toMatchObject({ code: 'invalid' });
      await expect(refusal, JSON.stringify(filters)).rejects.toThrow(reason);
      await expect(caseTimeline(analyst, { caseId, ...filters })).rejects.toMatchObject({ code: 'invalid' });
    }
  });

  it("a case's timeline holds its own events and its subjects' timelines, each dated entity once", async () => {
    await store.db
      .insertInto('case_subjects')
      .values([
        { case_id: caseId, entity_id: 'p-mira-1', category: 'suspect', added_by: analyst.actor.userId, added_at: new Date() },
        { case_id: caseId, entity_id: 'p-tomas', category: 'associate', added_by: analyst.actor.userId, added_at: new Date() },
      ])
      .execute();
    await store.db
      .insertInto('case_events')
      .values([
        { case_id: caseId, at: new Date('2024-03-10T09:00:00Z'), kind: 'status', actor_id: analyst.actor.userId, summary: 'Case opened after the bank report', entity_ids: ['p-mira-1'] },
        { case_id: caseId, at: new Date('2024-06-01T12:30:00Z'), kind: 'evidence', actor_id: analyst.actor.userId, summary: 'Evidence "ledger.csv" collected (SHA-256 0123456789ab)', entity_ids: [] },
      ])
      .execute();
    const timeline = await caseTimeline(analyst, { caseId });
    // Opening the case is an event of its own (dated by the test clock, after the others).
    expect(timeline.items.filter((i) => i.caseEventKind === 'created')).toHaveLength(1);
    expect(timeline.items.filter((i) => i.caseEventKind !== 'created').map((i) => [i.kind, i.entityId ?? i.title])).toEqual([
      ['date', 'p-mira-1'],
      ['event', 'ev-1'],
      ['payment', 'pay-3'],
      ['payment', 'pay-1'],
      ['call', 'call-1'],
      ['case-event', 'Case opened after the bank report'],
      ['trip', 'trip-1'],
      ['case-event', 'Evidence "ledger.csv" collected (SHA-256 0123456789ab)'],
    ]);
    expect(timeline.items.find((i) => i.kind === 'case-event')).toMatchObject({ at: '2024-03-10T09:00:00.000Z', caseEventKind: 'status', participants: [{ id: 'p-mira-1', caption: 'Mira Novak' }] });
    expect(timeline.items.find((i) => i.entityId === 'pay-3')?.title).toBe('Payment 500.5 EUR from Tomas Berg to Harbour Ltd');
    const onlyEvents = await caseTimeline(analyst, { caseId, types: ['case-event'], from: '2024-06-01', to: '2025-12-31' });
    expect(onlyEvents.items.map((i) => i.title)).toEqual(['Evidence "ledger.csv" collected (SHA-256 0123456789ab)']);
    // The cleared member also sees the marked payment between the two subjects, once.
    expect((await caseTimeline(cleared, { caseId, types: ['payment'] })).items.map((i) => i.entityId)).toEqual(['pay-3', 'pay-1', 'pay-2']);
    // The case file reads the same timeline inside its own transaction.
    const loaded = await store.db.transaction().execute((trx) => loadCaseTimeline({ ...analyst, db: trx }, { caseId }));
    expect(loaded.items).toEqual(timeline.items);
    const [event] = await listEvents(store.db, { action: 'case.timeline' });
    expect(event?.object_ids).toEqual([caseId]);
  });

  it('a case the caller may not see answers as one that does not exist', async () => {
    const outsider = testContext(store, { actor: actor(randomUUID()), purpose: { caseId, code: 'fraud-audit', justification: 'curious' } });
    await expect(caseTimeline(outsider, { caseId })).rejects.toThrow(`case ${caseId} does not exist`);
    await expect(entityTimeline(outsider, { entityId: 'p-mira-1' })).rejects.toThrow(`case ${caseId} does not exist`);
  });
});
