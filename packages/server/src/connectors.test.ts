import { randomBytes, randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorCache, createCase, createContext, createSqlConnector, defaultConfig, generateCheckpointKey, LOCAL_OPERATOR, parseMapping, registerSource, type ConnectorSet, type Store } from '@casegraph/core';
import { openTestStore } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';
import { PURPOSE_HEADERS, SESSION_COOKIE } from './plugins/route-policy.js';
import { openSession } from './test-support/sessions.js';

const MAPPING = `
people:
  queries:
    - tables: [people]
      entities:
        person:
          schema: Person
          keys: [id]
          properties:
            name: { column: name }
`;

describe('connectors over HTTP', () => {
  let store: Store;
  let external: PGlite;
  let set: ConnectorSet;
  let app: FastifyInstance;
  let noKeys: FastifyInstance;
  let headers: Record<string, string>;

  beforeAll(async () => {
    store = await openTestStore('pglite');
    const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig() });
    await registerSource(operator, { id: 'register', name: 'Register', legalBasis: 'Order 3', purposes: ['fraud-audit'] });
    const userId = randomUUID();
    await store.db.insertInto('users').values({ id: userId, username: 'ana', display_name: 'Ana', organisation: 'local', roles: ['analyst'], compartments: [], password_hash: null }).execute();
    const caseId = (await createCase(createContext({ db: store.db, actor: { userId, sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] }, config: defaultConfig() }), { title: 'Quay fraud', purpose: 'fraud-audit' })).id;
    external = new PGlite();
    await external.exec("create table people (id text primary key, name text); insert into people values ('P1', 'Ines Varga-Holt');");
    set = {
      connectors: [
        {
          connector: createSqlConnector({ kind: 'sql', id: 'register-live', source: 'register', mapping: 'people.yml', url: null, timeoutMs: 2000, cacheSeconds: 60 }, parseMapping(MAPPING, { fileName: 'people.yml' }), { query: (text, params) => external.query(text, params) }),
          timeoutMs: 2000,
          cacheSeconds: 60,
        },
      ],
      cache: new ConnectorCache(),
      close: async () => undefined,
    };
    headers = {
      cookie: `${SESSION_COOKIE}=${await openSession(store, userId)}`,
      [PURPOSE_HEADERS.caseId]: caseId,
      [PURPOSE_HEADERS.code]: 'fraud-audit',
      [PURPOSE_HEADERS.justification]: encodeURIComponent('the quay invoices'),
    };
    app = await buildApp({ store, config: defaultConfig(), connectors: set, keys: { signing: generateCheckpointKey('casegraph-test'), termsKey: randomBytes(32).toString('base64') } });
    noKeys = await buildApp({ store, config: defaultConfig(), connectors: set });
    await Promise.all([app.ready(), noKeys.ready()]);
  });
  afterAll(async () => {
    await app.close();
    await noKeys.close();
    await external.close();
    await store.close();
  });

  it('lists the connectors, and a search answers entities with provenance and how each connector went', async () => {
    const list = await app.inject({ method: 'GET', url: '/api/connectors', headers });
    expect(list.json()).toEqual({ connectors: [{ id: 'register-live', kind: 'sql', source: 'register', answers: ['name'] }] });
    const search = await app.inject({ method: 'POST', url: '/api/connectors/search', headers, payload: { kind: 'name', value: 'varga-holt' } });
    expect(search.statusCode).toBe(200);
    const body = search.json<{ entities: Array<{ id: string; properties: unknown; provenance: { retrievedAt: string } }>; connectors: unknown[] }>();
    expect(body.entities).toMatchObject([{ schema: 'Person', properties: { name: ['Ines Varga-Holt'] }, provenance: { source: 'register', connector: 'register-live', origin: ['P1'] } }]);
    expect(Number.isNaN(Date.parse(body.entities[0]?.provenance.retrievedAt ?? ''))).toBe(false);
    expect(body.connectors).toEqual([{ connector: 'register-live', source: 'register', status: 'ok', results: 1, ms: expect.any(Number) as number, message: null }]);
    const fetched = await app.inject({ method: 'GET', url: `/api/connectors/register-live/entities/${body.entities[0]?.id ?? ''}`, headers });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json<{ properties: unknown }>().properties).toEqual(body.entities[0]?.properties);
  });

  it('bad requests are refused with the reason; an unknown connector is not found; a server without keys cannot ask', async () => {
    const kind = await app.inject({ method: 'POST', url: '/api/connectors/search', headers, payload: { kind: 'shoe-size', value: '44' } });
    expect(kind.statusCode).toBe(400);
    const extra = await app.inject({ method: 'POST', url: '/api/connectors/search', headers, payload: { kind: 'name', value: 'Ines', everything: true } });
    expect(extra.statusCode).toBe(400);
    const unknown = await app.inject({ method: 'POST', url: '/api/connectors/search', headers, payload: { kind: 'name', value: 'Ines', connectors: ['elsewhere'] } });
    expect(unknown.statusCode).toBe(404);
    const withoutKeys = await noKeys.inject({ method: 'POST', url: '/api/connectors/search', headers, payload: { kind: 'name', value: 'Ines' } });
    expect(withoutKeys.statusCode).toBe(503);
    expect(withoutKeys.json<{ message: string }>().message).toMatch(/no key to seal query terms/);
  });
});
