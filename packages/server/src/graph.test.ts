import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { MultiGraph } from 'graphology';
import { parse as parseGraphml } from 'graphology-graphml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, createContext, defaultConfig, generateCheckpointKey, LOCAL_OPERATOR, registerSource, writeEntities, type Store } from '@casegraph/core';
import { dialects, openTestStore } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';
import { PURPOSE_HEADERS, SESSION_COOKIE } from './plugins/route-policy.js';
import { openSession } from './test-support/sessions.js';

const MARKING = 'LE-ONLY';

describe.each(dialects())('the link graph over HTTP, on %s', (dialect) => {
  let store: Store;
  let app: FastifyInstance;
  let caseId: string;
  let plain: Record<string, string>;
  let marked: Record<string, string>;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const config = defaultConfig();
    const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config });
    await store.db.insertInto('organisations').values({ id: 'unit-1', name: 'Unit 1' }).execute();
    const plainId = randomUUID();
    const markedId = randomUUID();
    for (const [id, username, compartments] of [[plainId, 'ana', []], [markedId, 'mark', [MARKING]]] as const) {
      await store.db.insertInto('users').values({ id, username, display_name: username, organisation: 'unit-1', roles: ['analyst'], compartments: [...compartments], password_hash: null }).execute();
    }
    caseId = (await createCase(createContext({ db: store.db, actor: { userId: plainId, sessionId: null, organisation: 'unit-1', roles: ['analyst'], compartments: [] }, config }), { title: 'Quay ring', purpose: 'fraud-audit' })).id;
    await store.db.insertInto('case_members').values({ case_id: caseId, user_id: markedId, role: 'member', added_at: new Date(), added_by: plainId }).execute();
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Order 3', purposes: ['fraud-audit'] });
    await registerSource(operator, { id: 'restricted', name: 'Restricted', legalBasis: 'Order 7', purposes: ['fraud-audit'], markings: [MARKING] });
    const writer = { ...operator, purpose: { caseId, code: 'fraud-audit', justification: 'fixture' } };
    await writeEntities(writer, {
      sourceId: 'registry',
      entities: [
        { id: 'p-1', schema: 'Person', origin: 'R1', properties: { name: ['Oskar Delacroix-Ferrand'] } },
        { id: 'c-1', schema: 'Company', origin: 'R2', properties: { name: ['Ferrand Marine Ltd'] } },
        { id: 'c-2', schema: 'Company', origin: 'R3', properties: { name: ['Delta Quay Services'] } },
        { id: 'o-1', schema: 'Ownership', origin: 'R4', properties: { owner: ['p-1'], asset: ['c-1'], percentage: ['100'] } },
        ...Array.from({ length: 5 }, (_, i) => ({ id: `pay-${i}`, schema: 'Payment', origin: `R${10 + i}`, properties: { payer: ['c-1'], beneficiary: ['c-2'], amount: [String(1000 * (i + 1))] } })),
      ],
    });
    await writeEntities(writer, {
      sourceId: 'restricted',
      entities: [
        { id: 'p-hidden', schema: 'Person', origin: 'X1', properties: { name: ['Veiled Witness Roe'] } },
        { id: 'o-hidden', schema: 'Ownership', origin: 'X2', properties: { owner: ['p-hidden'], asset: ['c-1'] } },
      ],
    });
    const headersFor = async (userId: string) => ({
      cookie: `${SESSION_COOKIE}=${await openSession(store, userId)}`,
      [PURPOSE_HEADERS.caseId]: caseId,
      [PURPOSE_HEADERS.code]: 'fraud-audit',
      [PURPOSE_HEADERS.justification]: encodeURIComponent('tracing the quay payments'),
    });
    plain = await headersFor(plainId);
    marked = await headersFor(markedId);
    app = await buildApp({ store, config, keys: { signing: generateCheckpointKey('casegraph-test'), termsKey: randomBytes(32).toString('base64') } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('GET /api/graph/expand pages the edges with "N more" by type, without edges from a source the caller may not see', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/graph/expand?id=c-1&limit=2&types=Payment,Ownership', headers: plain });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{ node: { id: string }; edges: Array<{ id: string; type: string; properties: Record<string, string[]> }>; total: number; more: { notShown: number; byType: Record<string, number> } }>();
    expect(body.node.id).toBe('c-1');
    expect(body.total).toBe(6);
    expect(body.edges.map((e) => e.id)).toEqual(['o-1', 'pay-0']);
    expect(body.edges[1]?.properties).toEqual({ amount: ['1000'] });
    expect(body.more).toEqual({ notShown: 4, byType: { Payment: 4 }, nodesNotShown: 0 });
    expect(response.body).not.toMatch(/hidden|Veiled/);
    const full = await app.inject({ method: 'GET', url: '/api/graph/expand?id=c-1&limit=2&types=Payment,Ownership', headers: marked });
    expect(full.json<{ total: number }>().total).toBe(7);
  });

  it('GET /api/graph/paths answers the shortest paths; a hidden end is a 404 like an unknown one', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/graph/paths?from=p-1&to=c-2&limit=3', headers: plain });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{ paths: Array<{ nodes: Array<{ id: string }> }>; hops: number }>();
    expect(body.hops).toBe(2);
    expect(body.paths).toHaveLength(3);
    expect(body.paths[0]?.nodes.map((n) => n.id)).toEqual(['p-1', 'c-1', 'c-2']);
    const hidden = await app.inject({ method: 'GET', url: '/api/graph/paths?from=p-1&to=p-hidden', headers: plain });
    const unknown = await app.inject({ method: 'GET', url: '/api/graph/paths?from=p-1&to=p-nobody', headers: plain });
    expect(hidden.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    const strip = (text: string) => ({ ...(JSON.parse(text.replace('p-hidden', 'ID').replace('p-nobody', 'ID')) as Record<string, unknown>), requestId: null });
    expect(strip(hidden.body)).toEqual(strip(unknown.body));
  });

  it('refuses bad input with a 400 naming the limit: a million edges, seven hops, a million nodes', async () => {
    const statements = async () => Number((await store.db.selectFrom('statements').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await statements();
    for (const [request, reason] of [
      [{ method: 'GET', url: '/api/graph/expand?id=c-1&limit=1000000' }, /limit must be a whole number from 1 to 500/],
      [{ method: 'GET', url: '/api/graph/paths?from=p-1&to=c-2&maxHops=7' }, /maxHops must be a whole number from 1 to 6/],
      [{ method: 'POST', url: '/api/graph/neighbourhood', payload: { ids: ['p-1'], hops: 1, limit: 1000000 } }, /limit must be a whole number from 1 to 2000/],
      [{ method: 'POST', url: '/api/graph/measures', payload: { ids: ['p-1'], hops: 9 } }, /hops must be a whole number from 1 to 3/],
      [{ method: 'POST', url: '/api/graph/export', payload: { ids: ['p-1'], format: 'gexf', recipient: ' ', reason: 'bundle' } }, /recipient/],
      [{ method: 'GET', url: '/api/graph/expand?id=c-1&types=Friendship' }, /unknown edge type/],
    ] as const) {
      const response = await app.inject({ ...request, headers: plain });
      expect(response.statusCode, request.url).toBe(400);
      expect(response.json<{ message: string }>().message).toMatch(reason);
    }
    const unknown = await app.inject({ method: 'POST', url: '/api/graph/neighbourhood', headers: plain, payload: { ids: ['p-nobody'] } });
    expect(unknown.statusCode).toBe(404);
    expect(await statements()).toBe(before);
  });

  it('POST /api/graph/neighbourhood and /measures answer the subgraph and each node’s centrality and community', async () => {
    const hood = await app.inject({ method: 'POST', url: '/api/graph/neighbourhood', headers: plain, payload: { ids: ['p-1'], hops: 2 } });
    expect(hood.statusCode, hood.body).toBe(200);
    const subgraph = hood.json<{ nodes: Array<{ id: string }>; edges: unknown[] }>();
    expect(subgraph.nodes.map((n) => n.id).sort()).toEqual(['c-1', 'c-2', 'p-1']);
    expect(subgraph.edges).toHaveLength(6);
    const measures = await app.inject({ method: 'POST', url: '/api/graph/measures', headers: plain, payload: { ids: ['p-1'], hops: 2 } });
    expect(measures.statusCode, measures.body).toBe(200);
    const body = measures.json<{ measures: { nodes: Record<string, { degree: number; betweenness: number }> } }>();
    expect(body.measures.nodes['c-1']).toMatchObject({ degree: 6, betweenness: 1 });
  });

  it('POST /api/graph/export downloads GraphML with a file name, recorded as a disclosure', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/graph/export', headers: plain, payload: { ids: ['c-1'], hops: 1, format: 'graphml', recipient: 'Harbour prosecutor', reason: 'hearing bundle' } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/graphml\+xml/);
    expect(response.headers['content-disposition']).toMatch(/attachment; filename="casegraph-\d{4}-\d{2}-\d{2}\.graphml"/);
    const graph = parseGraphml(MultiGraph, response.body);
    expect(graph.nodes().sort()).toEqual(['c-1', 'c-2', 'p-1']);
    expect(response.body).not.toMatch(/hidden|Veiled/);
    const event = await store.db.selectFrom('audit_events').select(['category', 'detail']).where('action', '=', 'graph.export').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(event.category).toBe('disclosure');
    expect(event.detail).toMatchObject({ recipient: 'Harbour prosecutor', reason: 'hearing bundle' });
  });

  it('saves, lists, reads and updates link charts; a reader never sees what they may not see now; a chart too large is a 400', async () => {
    const chart = {
      nodes: [
        { id: 'p-1', x: 0, y: 0 },
        { id: 'c-1', x: 10, y: 5 },
        { id: 'p-hidden', x: 3, y: 3 },
      ],
      edges: [
        { id: 'o-1', source: 'p-1', target: 'c-1', type: 'Ownership' },
        { id: 'o-hidden', source: 'p-hidden', target: 'c-1', type: 'Ownership' },
      ],
    };
    const created = await app.inject({ method: 'POST', url: `/api/cases/${caseId}/charts`, headers: marked, payload: { name: 'Ferrand ownership', chart } });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json<{ id: string }>();
    const read = await app.inject({ method: 'GET', url: `/api/cases/${caseId}/charts/${id}`, headers: plain });
    expect(read.statusCode, read.body).toBe(200);
    const body = read.json<{ chart: { nodes: Array<{ id: string; caption: string }>; edges: Array<{ id: string }> }; leftOut: { nodes: number; edges: number } }>();
    expect(body.chart.nodes.map((n) => n.id)).toEqual(['p-1', 'c-1']);
    expect(body.chart.edges.map((e) => e.id)).toEqual(['o-1']);
    expect(body.leftOut).toEqual({ nodes: 1, edges: 1 });
    expect(read.body).not.toMatch(/hidden|Veiled/);
    const updated = await app.inject({ method: 'PUT', url: `/api/cases/${caseId}/charts/${id}`, headers: plain, payload: { name: 'Ferrand, revised', chart: { nodes: [{ id: 'c-1', x: 0, y: 0 }], edges: [] } } });
    expect(updated.statusCode, updated.body).toBe(200);
    const list = await app.inject({ method: 'GET', url: `/api/cases/${caseId}/charts`, headers: plain });
    expect(list.json<Array<{ name: string; nodes: number }>>().map((c) => [c.name, c.nodes])).toEqual([['Ferrand, revised', 1]]);
    const tooBig = await app.inject({ method: 'POST', url: `/api/cases/${caseId}/charts`, headers: plain, payload: { name: 'Everything', chart: { nodes: Array.from({ length: 20_001 }, (_, i) => ({ id: `n${i}`, x: 0, y: 0 })), edges: [] } } });
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json<{ message: string }>().message).toMatch(/at most 20000 nodes/);
    const after = await app.inject({ method: 'GET', url: `/api/cases/${caseId}/charts`, headers: plain });
    expect(after.json<unknown[]>()).toHaveLength(1);
  });
});
