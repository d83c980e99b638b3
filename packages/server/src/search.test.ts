import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, createContext, defaultConfig, generateCheckpointKey, LOCAL_OPERATOR, registerSource, writeEntities, type Store } from '@casegraph/core';
import { openTestStore } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';
import { PURPOSE_HEADERS, SESSION_COOKIE } from './plugins/route-policy.js';
import { openSession } from './test-support/sessions.js';

describe('search over HTTP, and the yente-compatible API', () => {
  let store: Store;
  let app: FastifyInstance;
  let headers: Record<string, string>;

  beforeAll(async () => {
    store = await openTestStore('pglite');
    const config = defaultConfig();
    const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config });
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Order 3', purposes: ['fraud-audit'] });
    const userId = randomUUID();
    await store.db.insertInto('users').values({ id: userId, username: 'ana', display_name: 'Ana', organisation: 'local', roles: ['analyst'], compartments: [], password_hash: null }).execute();
    const caseId = (await createCase(createContext({ db: store.db, actor: { userId, sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] }, config }), { title: 'Quay fraud', purpose: 'fraud-audit' })).id;
    await writeEntities(createContext({ db: store.db, actor: LOCAL_OPERATOR, config, purpose: { caseId, code: 'fraud-audit', justification: 'fixture' } }), {
      sourceId: 'registry',
      entities: [
        { id: 'p-1', schema: 'Person', origin: 'R1', properties: { name: ['Katarina Vellacott'], birthDate: ['1974-09-12'], idNumber: ['KV 7741 22'] } },
        { id: 'p-2', schema: 'Person', origin: 'R2', properties: { name: ['Katarina Vellacott'], birthDate: ['1990-01-01'] } },
        { id: 'c-1', schema: 'Company', origin: 'R3', properties: { name: ['Vellacott Shipping Ltd'] } },
      ],
    });
    headers = {
      cookie: `${SESSION_COOKIE}=${await openSession(store, userId)}`,
      [PURPOSE_HEADERS.caseId]: caseId,
      [PURPOSE_HEADERS.code]: 'fraud-audit',
      [PURPOSE_HEADERS.justification]: encodeURIComponent('screening the quay counterparties'),
    };
    app = await buildApp({ store, config, keys: { signing: generateCheckpointKey('casegraph-test'), termsKey: randomBytes(32).toString('base64') } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('GET /api/search answers ranked, explained, faceted results; a query naming nothing or a bad limit is refused', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/search?q=${encodeURIComponent('Katarina Velacott born:1974')}&limit=5`, headers });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{ total: number; results: Array<{ id: string; matches: Array<{ how: string; detail: string }> }>; facets: { schema: unknown[] }; next: string | null }>();
    expect(body).toMatchObject({ total: 1, results: [{ id: 'p-1' }], facets: { schema: [{ value: 'Person', count: 1 }] }, next: null });
    expect(body.results[0]?.matches[0]?.how).toMatch(/typo|phonetic/);
    expect(JSON.stringify(body)).not.toContain('"properties"');
    for (const [url, reason] of [
      ['/api/search?q=schema%3APerson', /names someone or something/],
      ['/api/search?q=smith&limit=many', /limit/],
      ['/api/search?q=smith&limit=500', /limit must be from 1 to 100/],
      ['/api/search?q=shoe%3A44', /unknown field "shoe:"/],
    ] as const) {
      const refused = await app.inject({ method: 'GET', url, headers });
      expect(refused.statusCode, url).toBe(400);
      expect(refused.json<{ message: string }>().message).toMatch(reason);
    }
  });

  it('POST /match answers yente’s shape: scores, per-feature explanations and match flags, the birth date deciding between namesakes', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/yente/match/default?limit=3',
      headers,
      payload: { queries: { q1: { schema: 'Person', properties: { name: ['Katarina Velacott'], birthDate: ['1974-09-12'] } }, q2: { schema: 'LegalEntity', properties: { name: ['Vellacott Shipping'] } } } },
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{ responses: Record<string, { status: number; total: { value: number }; results: Array<{ id: string; score: number; match: boolean; features: Record<string, number>; properties: Record<string, string[]>; datasets: string[] }> }>; matcher: { name: string }; limit: number }>();
    expect(body.limit).toBe(3);
    expect(body.matcher.name).toBe('casegraph-match-v1');
    const q1 = body.responses.q1;
    expect(q1?.status).toBe(200);
    expect(q1?.results.map((r) => r.id)).toEqual(['p-1', 'p-2']);
    expect(q1?.results[0]).toMatchObject({ match: true, datasets: ['registry'], features: { dob_match: 1 }, properties: { name: ['Katarina Vellacott'] } });
    expect(q1?.results[1]).toMatchObject({ match: false, features: { dob_match: 0, dob_year_disjoint: 1 } });
    expect(q1?.results[0]?.score).toBeGreaterThan(q1?.results[1]?.score ?? 1);
    // A LegalEntity example meets companies as well as people.
    expect(body.responses.q2?.results[0]?.id).toBe('c-1');
  });

  it('GET /search and GET /entities answer yente’s shapes; an unknown schema or a missing purpose is refused', async () => {
    const search = await app.inject({ method: 'GET', url: '/api/yente/search/registry?q=vellacott&schema=Person', headers });
    expect(search.statusCode, search.body).toBe(200);
    const found = search.json<{ results: Array<{ id: string; schema: string }>; total: { value: number; relation: string }; limit: number; offset: number }>();
    expect(found).toMatchObject({ total: { value: 2, relation: 'eq' }, limit: 10, offset: 0 });
    expect(new Set(found.results.map((r) => r.schema))).toEqual(new Set(['Person']));
    const entity = await app.inject({ method: 'GET', url: '/api/yente/entities/p-1', headers });
    expect(entity.json()).toMatchObject({ id: 'p-1', caption: 'Katarina Vellacott', schema: 'Person', datasets: ['registry'] });
    const bad = await app.inject({ method: 'POST', url: '/api/yente/match/default', headers, payload: { queries: { q1: { schema: 'Starship', properties: { name: ['X'] } } } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ message: string }>().message).toMatch(/unknown schema "Starship"/);
    const { [PURPOSE_HEADERS.code]: _code, [PURPOSE_HEADERS.caseId]: _case, [PURPOSE_HEADERS.justification]: _why, ...noPurpose } = headers;
    const refused = await app.inject({ method: 'POST', url: '/api/yente/match/default', headers: noPurpose, payload: { queries: { q1: { schema: 'Person', properties: { name: ['Katarina Vellacott'] } } } } });
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(refused.body).not.toContain('Vellacott');
  });
});
