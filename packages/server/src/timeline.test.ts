import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, createContext, defaultConfig, generateCheckpointKey, LOCAL_OPERATOR, registerSource, writeEntities, type Store } from '@casegraph/core';
import { dialects, openTestStore } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';
import { PURPOSE_HEADERS, SESSION_COOKIE } from './plugins/route-policy.js';
import { openSession } from './test-support/sessions.js';

const MARKING = 'LE-ONLY';

interface Item {
  at: string;
  end?: string;
  kind: string;
  entityId: string | null;
  title: string;
  participants: Array<{ id: string; caption: string }>;
}
interface Answer {
  items: Item[];
  total: number;
  notShown: number;
}

describe.each(dialects())('timelines over HTTP on %s', (dialect) => {
  let store: Store;
  let app: FastifyInstance;
  let caseId: string;
  let plain: Record<string, string>;
  let cleared: Record<string, string>;
  let outsider: Record<string, string>;

  const get = async (url: string, headers = plain) => app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const config = defaultConfig();
    await store.db.insertInto('organisations').values({ id: 'unit-1', name: 'Unit 1' }).execute();
    const ids = { ana: randomUUID(), cleo: randomUUID(), olaf: randomUUID() };
    for (const [id, username, compartments] of [[ids.ana, 'ana', []], [ids.cleo, 'cleo', [MARKING]], [ids.olaf, 'olaf', []]] as const) {
      await store.db.insertInto('users').values({ id, username, display_name: username, organisation: 'unit-1', roles: ['analyst'], compartments: [...compartments], password_hash: null }).execute();
    }
    const actor = (userId: string) => ({ userId, sessionId: null, organisation: 'unit-1', roles: ['analyst' as const], compartments: [] });
    caseId = (await createCase(createContext({ db: store.db, actor: actor(ids.ana), config }), { title: 'Quay payments', purpose: 'fraud-audit' })).id;
    const olafCase = (await createCase(createContext({ db: store.db, actor: actor(ids.olaf), config }), { title: 'Fleet leasing', purpose: 'fraud-audit' })).id;
    await store.db.insertInto('case_members').values({ case_id: caseId, user_id: ids.cleo, role: 'member', added_at: new Date(), added_by: ids.ana }).execute();
    const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config, purpose: { caseId, code: 'fraud-audit', justification: 'fixture' } });
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Public register', purposes: ['fraud-audit'] });
    await registerSource(operator, { id: 'restricted', name: 'Restricted intelligence', legalBasis: 'Order 7', purposes: ['fraud-audit'], markings: [MARKING] });
    await writeEntities(operator, {
      sourceId: 'registry',
      entities: [
        { id: 'p-ines-1', schema: 'Person', origin: 'R1', properties: { name: ['Ines Halvorsen'], birthDate: ['1979-08-14'] } },
        { id: 'p-ines-2', schema: 'Person', origin: 'R2', properties: { name: ['Ines Halvorsen'] } },
        { id: 'c-quay', schema: 'Company', origin: 'R3', properties: { name: ['Quayside Freight AS'] } },
        { id: 'pay-1', schema: 'Payment', origin: 'R4', properties: { payer: ['p-ines-2'], beneficiary: ['c-quay'], amount: ['12400'], currency: ['EUR'], date: ['2024-03-05'] } },
        { id: 'call-1', schema: 'Call', origin: 'R5', properties: { caller: ['p-ines-1'], receiver: ['c-quay'], date: ['2024-03-07'] } },
        { id: 'ev-1', schema: 'Event', origin: 'R6', properties: { name: ['Port inspection'], involved: ['p-ines-1'], startDate: ['2024-05-02'], endDate: ['2024-05-03'] } },
      ],
    });
    await writeEntities(operator, {
      sourceId: 'restricted',
      entities: [{ id: 'pay-2', schema: 'Payment', origin: 'X1', properties: { payer: ['p-ines-1'], beneficiary: ['c-quay'], amount: ['900'], currency: ['EUR'], date: ['2024-04-11'] } }],
    });
    await store.db.insertInto('entity_clusters').values([{ entity_id: 'p-ines-1', cluster_id: 'p-ines-1' }, { entity_id: 'p-ines-2', cluster_id: 'p-ines-1' }]).execute();
    await store.db.insertInto('case_subjects').values({ case_id: caseId, entity_id: 'p-ines-1', category: 'suspect', added_by: ids.ana, added_at: new Date() }).execute();
    await store.db.insertInto('case_events').values({ case_id: caseId, at: new Date('2024-03-20T08:00:00Z'), kind: 'note', actor_id: ids.ana, summary: 'Bank confirmed the March payment' }).execute();
    const headers = async (userId: string, forCase: string) => ({
      cookie: `${SESSION_COOKIE}=${await openSession(store, userId)}`,
      [PURPOSE_HEADERS.caseId]: forCase,
      [PURPOSE_HEADERS.code]: 'fraud-audit',
      [PURPOSE_HEADERS.justification]: encodeURIComponent('tracing the quay payments'),
    });
    plain = await headers(ids.ana, caseId);
    cleared = await headers(ids.cleo, caseId);
    outsider = await headers(ids.olaf, olafCase);
    app = await buildApp({ store, config, keys: { signing: generateCheckpointKey('casegraph-test'), termsKey: randomBytes(32).toString('base64') } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it("GET /api/entities/:id/timeline answers a person's dates, payments, calls and events across both records of the cluster", async () => {
    const response = await get('/api/entities/p-ines-2/timeline');
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<Answer>();
    expect(body.items.map((i) => [i.at, i.kind, i.title])).toEqual([
      ['1979-08-14', 'date', 'Birth date: Ines Halvorsen'],
      ['2024-03-05', 'payment', 'Payment 12,400 EUR from Ines Halvorsen to Quayside Freight AS'],
      ['2024-03-07', 'call', 'Call from Ines Halvorsen to Quayside Freight AS'],
      ['2024-05-02', 'event', 'Event: Port inspection'],
    ]);
    expect(body.items[3]).toMatchObject({ end: '2024-05-03', participants: [{ id: 'p-ines-1', caption: 'Ines Halvorsen' }] });
    expect(body).toMatchObject({ total: 4, notShown: 0 });
  });

  it("filters by type and period over HTTP, and a marked source's payment shows only to a caller holding its marking", async () => {
    const march = (await get('/api/entities/p-ines-1/timeline?types=payment,call&from=2024-03-06&to=2024-03-31')).json<Answer>();
    expect(march.items.map((i) => i.entityId)).toEqual(['call-1']);
    expect((await get('/api/entities/p-ines-1/timeline?types=payment')).json<Answer>().items.map((i) => i.entityId)).toEqual(['pay-1']);
    expect((await get('/api/entities/p-ines-1/timeline?types=payment', cleared)).json<Answer>().items.map((i) => i.entityId)).toEqual(['pay-1', 'pay-2']);
    const limited = (await get('/api/entities/p-ines-1/timeline?limit=1')).json<Answer>();
    expect(limited).toMatchObject({ total: 4, notShown: 3 });
    expect(limited.items).toHaveLength(1);
  });

  it('bad filters answer 400 with the reason', async () => {
    for (const [query, reason] of [
      ['from=2024-05-01&to=2024-04-01', /from \(2024-05-01\) is after to \(2024-04-01\)/],
      ['from=2024-02-30', /from must be a calendar day/],
      ['to=yesterday', /to must be a calendar day/],
      ['types=meeting', /unknown timeline type "meeting"/],
      ['limit=5000', /limit must be from 1 to 2000/],
      ['limit=many', /limit/],
      ['colour=red', /additional properties/],
    ] as const) {
      for (const url of [`/api/entities/p-ines-1/timeline?${query}`, `/api/cases/${caseId}/timeline?${query}`]) {
        const refused = await get(url);
        expect(refused.statusCode, url).toBe(400);
        expect(refused.json<{ message: string }>().message).toMatch(reason);
      }
    }
  });

  it("GET /api/cases/:id/timeline holds the case's events and its subjects' timelines; a hidden case answers as an unknown one", async () => {
    const response = await get(`/api/cases/${caseId}/timeline?to=2025-12-31`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<Answer>().items.map((i) => [i.kind, i.entityId ?? i.title])).toEqual([
      ['date', 'p-ines-1'],
      ['payment', 'pay-1'],
      ['call', 'call-1'],
      ['case-event', 'Bank confirmed the March payment'],
      ['event', 'ev-1'],
    ]);
    const events = (await get(`/api/cases/${caseId}/timeline?types=case-event`)).json<Answer>();
    expect(events.items.every((i) => i.kind === 'case-event')).toBe(true);
    expect(events.items.map((i) => i.title)).toContain('Bank confirmed the March payment');
    const hidden = await get(`/api/cases/${caseId}/timeline`, outsider);
    const missing = await get('/api/cases/C-2031-9999/timeline', outsider);
    expect(hidden.statusCode).toBe(404);
    const strip = (body: string, value: string) => ({ ...(JSON.parse(body.replaceAll(value, 'ID')) as Record<string, unknown>), requestId: null });
    expect(strip(hidden.body, caseId)).toEqual(strip(missing.body, 'C-2031-9999'));
    expect((await get('/api/entities/p-ines-1/timeline', { cookie: plain.cookie ?? '' })).statusCode).toBe(400);
  });
});
