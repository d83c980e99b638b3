import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTerms, sealTerms } from '../audit/keys.js';
import { createCase } from '../cases/create-case.js';
import { createContext, type Actor, type Ctx } from '../context/context.js';
import { defaultConfig } from '../config/config.js';
import { PurposeRequired } from '../errors.js';
import { parseMapping } from '../ingest/parse-mapping.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/index.js';
import { dialects, openTestStore } from '../test-support/test-store.js';
import { ConnectorCache } from './connector-cache.js';
import type { HttpConnectorDefinition } from './definitions.js';
import { createHttpConnector } from './http-connector.js';
import type { ConnectorSet, OpenConnector } from './open-connectors.js';
import { fetchFromConnector, searchConnectors } from './search-connectors.js';
import { createSqlConnector } from './sql-connector.js';

const PEOPLE_MAPPING = `
people:
  queries:
    - tables: [people]
      entities:
        person:
          schema: Person
          keys: [id]
          properties:
            name: { column: name }
            phone: { column: phone }
            religion: { column: religion }
            birthDate: { column: born }
`;

const API_MAPPING = `
api:
  queries:
    - entities:
        person:
          schema: Person
          keys: [ref]
          properties:
            name: { column: name }
`;

/** A real HTTP server whose behaviour the test chooses: answer, fail, or never answer. It counts requests. */
async function startApi(behaviour: 'answer' | 'fail' | 'hang'): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests++;
    if (behaviour === 'hang') return;
    if (behaviour === 'fail') {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('database on fire');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [{ ref: 'A1', name: 'Ilse Marchetti' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.each(dialects())('asking connectors on %s', (dialect) => {
  let store: Store;
  let external: PGlite;
  const apis: Record<string, Awaited<ReturnType<typeof startApi>>> = {};
  let set: ConnectorSet;
  let clock = new Date('2026-03-01T10:00:00Z');
  let analyst: Actor;
  let caseId: string;
  const keys = { termsKey: randomBytes(32).toString('base64') };
  const seal = (terms: string) => sealTerms(keys, terms);

  const ctxFor = (actor: Actor, purpose: Ctx['purpose']) => createContext({ db: store.db, actor, config: defaultConfig(), purpose, now: () => clock });
  const asAnalyst = () => ctxFor(analyst, { caseId, code: 'fraud-audit', justification: 'tip-off 14 about the harbour payments' });

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const operator = createContext({ db: store.db, actor: { userId: 'local-operator', sessionId: null, organisation: 'local', roles: ['administrator'], compartments: [] }, config: defaultConfig() });
    const sources: Array<[string, Partial<Parameters<typeof registerSource>[1]>]> = [
      ['register', { retentionDays: 30 }],
      ['slow-api', {}],
      ['broken-api', {}],
      ['admin-only', { purposes: ['administration'] }],
      ['marked-api', { markings: ['LE-ONLY'] }],
      ['informants', { sensitiveCategories: ['informant-identity'] }],
    ];
    for (const [id, policy] of sources) await registerSource(operator, { id, name: id, legalBasis: 'Order 2026/7', purposes: ['fraud-audit'], ...policy });
    const userId = randomUUID();
    await store.db.insertInto('users').values({ id: userId, username: 'ana', display_name: 'Ana', organisation: 'local', roles: ['analyst'], compartments: [], password_hash: null }).execute();
    analyst = { userId, sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] };
    caseId = (await createCase(ctxFor(analyst, null), { title: 'Harbour payments', purpose: 'fraud-audit' })).id;

    external = new PGlite();
    await external.exec(`create table people (id text primary key, name text, phone text, religion text, born text);
      insert into people values ('P1', 'Ilse Marchetti', '+44 20 7946 0101', 'Example faith', '1975-06-01'), ('P2', 'Ilse Marchetti Junior', '+44 20 7946 0102', null, '2015-02-03');`);
    for (const behaviour of ['answer', 'fail', 'hang'] as const) apis[behaviour] = await startApi(behaviour);
    const http = (id: string, source: string, api: string, timeoutMs = 2000): OpenConnector => {
      const definition: HttpConnectorDefinition = {
        kind: 'http', id, source, mapping: 'api.yml', search: { name: `${api}/people?name={value}` }, fetch: `${api}/people/{ref}`, results: 'items', record: '', headers: {}, timeoutMs, cacheSeconds: 300,
      };
      return { connector: createHttpConnector(definition, parseMapping(API_MAPPING, { fileName: 'api.yml' })), timeoutMs, cacheSeconds: 300 };
    };
    const sql: OpenConnector = {
      connector: createSqlConnector({ kind: 'sql', id: 'register-live', source: 'register', mapping: 'people.yml', url: null, timeoutMs: 2000, cacheSeconds: 300 }, parseMapping(PEOPLE_MAPPING, { fileName: 'people.yml' }), { query: (text, params) => external.query(text, params) }),
      timeoutMs: 2000,
      cacheSeconds: 300,
    };
    set = {
      connectors: [
        sql,
        http('slow-live', 'slow-api', apis.hang?.url ?? '', 300),
        http('broken-live', 'broken-api', apis.fail?.url ?? ''),
        http('admin-live', 'admin-only', apis.answer?.url ?? ''),
        http('marked-live', 'marked-api', apis.answer?.url ?? ''),
        http('informants-live', 'informants', apis.answer?.url ?? ''),
      ],
      cache: new ConnectorCache(),
      close: async () => undefined,
    };
  });
  afterAll(async () => {
    for (const api of Object.values(apis)) await api.close();
    await external?.close();
    await store.close();
  });

  it('fans out in parallel: one connector times out and one fails, and the others still answer, saying which failed', async () => {
    const started = Date.now();
    const answer = await searchConnectors(asAnalyst(), set, { query: { kind: 'name', value: 'Ilse Marchetti' } }, seal);
    expect(Date.now() - started).toBeLessThan(1500);
    const byId = Object.fromEntries(answer.connectors.map((o) => [o.connector, o]));
    expect(byId['register-live']).toMatchObject({ status: 'ok', results: 1 });
    expect(byId['slow-live']).toMatchObject({ status: 'timeout', message: 'no answer within 300 ms' });
    expect(byId['broken-live']?.status).toBe('failed');
    expect(byId['broken-live']?.message).toMatch(/500/);
    expect(answer.entities.map((e) => e.properties.name?.[0])).toEqual(['Ilse Marchetti']);
    expect(answer.entities[0]?.provenance).toMatchObject({ source: 'register', connector: 'register-live', origin: ['P1'] });
  });

  it('asks only connectors whose source allows the purpose and whose markings the caller holds; sensitive sources stay out', async () => {
    const asked = apis.answer?.requests() ?? 0;
    const answer = await searchConnectors(asAnalyst(), set, { query: { kind: 'name', value: 'Ilse Marchetti' } }, seal);
    const ids = answer.connectors.map((o) => o.connector);
    expect(answer.connectors.find((o) => o.connector === 'admin-live')).toMatchObject({ status: 'skipped', message: 'its source admin-only does not allow the purpose fraud-audit' });
    // Connectors the caller may not use are absent, as if they did not exist.
    expect(ids).not.toContain('marked-live');
    expect(ids).not.toContain('informants-live');
    expect(apis.answer?.requests()).toBe(asked);
    const marked = await searchConnectors(ctxFor({ ...analyst, compartments: ['LE-ONLY'] }, asAnalyst().purpose), set, { query: { kind: 'name', value: 'Ilse Marchetti' }, only: ['marked-live'] }, seal);
    expect(marked.connectors).toMatchObject([{ connector: 'marked-live', status: 'ok', results: 1 }]);
    await expect(searchConnectors(asAnalyst(), set, { query: { kind: 'name', value: 'Ilse' }, only: ['marked-live'] }, seal)).rejects.toThrow(/no connector marked-live/);
  });

  it('special-category values and people who may be minors are not shown without an unlock', async () => {
    const answer = await searchConnectors(asAnalyst(), set, { query: { kind: 'phone', value: '020 7946 0101' } }, seal);
    const person = answer.entities.find((e) => e.provenance.connector === 'register-live');
    expect(person?.properties.name).toEqual(['Ilse Marchetti']);
    expect(person?.properties.religion).toBeUndefined();
    const minor = await searchConnectors(asAnalyst(), set, { query: { kind: 'phone', value: '+44 20 7946 0102' } }, seal);
    expect(minor.entities).toEqual([]);
    expect(minor.connectors.find((o) => o.connector === 'register-live')).toMatchObject({ status: 'ok', results: 0 });
  });

  it('every connector asked is a consultation event with the case, purpose and sealed terms, written before the answer', async () => {
    const before = await store.db.selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    await searchConnectors(asAnalyst(), set, { query: { kind: 'name', value: 'Marchetti Ilse' } }, seal);
    const events = await store.db.selectFrom('audit_events').selectAll().where('seq', '>', before.seq).orderBy('seq').execute();
    expect(events.map((e) => [e.action, e.category, e.object_ids[0], e.outcome])).toEqual([
      ['connector.search', 'consultation', 'register-live', 'success'],
      ['connector.search', 'consultation', 'slow-live', 'failed'],
      ['connector.search', 'consultation', 'broken-live', 'failed'],
    ]);
    for (const event of events) {
      expect(event).toMatchObject({ case_id: caseId, purpose: 'fraud-audit', justification: 'tip-off 14 about the harbour payments', actor_id: analyst.userId });
      expect(JSON.stringify(event)).not.toContain('Marchetti Ilse');
      expect(JSON.parse(openTerms(keys, event.sealed_terms ?? ''))).toEqual({ kind: 'name', value: 'Marchetti Ilse' });
    }
    expect(events[0]?.subject_ids).toHaveLength(1);
  });

  it('without a purpose nothing is asked, and the refusal is an audit event', async () => {
    const requests = (apis.fail?.requests() ?? 0) + (apis.hang?.requests() ?? 0);
    await expect(searchConnectors(ctxFor(analyst, null), set, { query: { kind: 'name', value: 'Ilse Marchetti' } }, seal)).rejects.toBeInstanceOf(PurposeRequired);
    await expect(searchConnectors(ctxFor(analyst, { caseId: 'C-1999-0001', code: 'fraud-audit', justification: 'a case that does not exist' }), set, { query: { kind: 'name', value: 'Ilse' } }, seal)).rejects.toThrow(/does not exist/);
    expect((apis.fail?.requests() ?? 0) + (apis.hang?.requests() ?? 0)).toBe(requests);
    const denials = await store.db.selectFrom('audit_events').select('action').where('category', '=', 'denial').where('action', '=', 'connector.search').execute();
    expect(denials).toHaveLength(2);
  });

  it('a query naming nothing, an unknown kind or schema, or a limit out of range is refused before anything is asked', async () => {
    const requests = apis.fail?.requests() ?? 0;
    for (const query of [
      { kind: 'name', value: ' ' },
      { kind: 'shoe-size', value: '44' },
      { kind: 'name', value: 'Ilse', schema: 'Starship' },
      { kind: 'name', value: 'Ilse', limit: 0 },
      { kind: 'name', value: 'x'.repeat(501) },
    ]) {
      await expect(searchConnectors(asAnalyst(), set, { query: query as never }, seal), JSON.stringify(query)).rejects.toThrow();
    }
    expect(apis.fail?.requests()).toBe(requests);
  });

  it('answers are cached for the connector’s cache time, then asked again', async () => {
    const first = apis.fail?.requests() ?? 0;
    const sqlFirst = await searchConnectors(asAnalyst(), set, { query: { kind: 'name', value: 'Ilse Marchetti', limit: 5 } }, seal);
    expect(sqlFirst.connectors.find((o) => o.connector === 'register-live')?.status).toBe('ok');
    const again = await searchConnectors(asAnalyst(), set, { query: { kind: 'name', value: 'ilse marchetti ', limit: 5 } }, seal);
    expect(again.connectors.find((o) => o.connector === 'register-live')?.status).toBe('cached');
    expect(again.entities.map((e) => e.id)).toEqual(sqlFirst.entities.map((e) => e.id));
    // Failures are never cached: the broken API is asked each time.
    expect(apis.fail?.requests()).toBe(first + 2);
    clock = new Date(clock.getTime() + 301_000);
    const later = await searchConnectors(asAnalyst(), set, { query: { kind: 'name', value: 'Ilse Marchetti', limit: 5 } }, seal);
    expect(later.connectors.find((o) => o.connector === 'register-live')?.status).toBe('ok');
  });

  it('fetches an entity again from the connector that returned it; an unknown id is not found, and both are audited', async () => {
    const answer = await searchConnectors(asAnalyst(), set, { query: { kind: 'name', value: 'Ilse Marchetti', limit: 3 } }, seal);
    const person = answer.entities[0];
    if (person === undefined) throw new Error('nothing found');
    const fetched = await fetchFromConnector(asAnalyst(), set, { connector: 'register-live', id: person.id });
    expect(fetched.properties).toEqual(person.properties);
    await expect(fetchFromConnector(asAnalyst(), set, { connector: 'register-live', id: 'f'.repeat(40) })).rejects.toThrow(/not found/);
    await expect(fetchFromConnector(asAnalyst(), set, { connector: 'marked-live', id: person.id })).rejects.toThrow(/no connector marked-live/);
    const events = await store.db.selectFrom('audit_events').select(['action', 'subject_ids', 'outcome']).where('action', '=', 'connector.fetch').execute();
    expect(events.filter((e) => e.outcome === 'success').map((e) => e.subject_ids)).toEqual([[person.id], ['f'.repeat(40)]]);
  });
});
