import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type Store } from '@casegraph/core';
import { dialects, openTestStore } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';

describe.each(dialects())('HTTP app on %s', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => {
    await store.close();
  });

  it('answers health with the store kind', async () => {
    const app = await buildApp({ store, config: defaultConfig() });
    const response = await app.inject({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', version: '0.1.0', store: dialect });
    await app.close();
  });

  it('lists the configured purposes', async () => {
    const config = defaultConfig();
    config.purposes = [{ code: 'fraud-audit', label: 'Fraud audit', caseRequired: true }];
    const app = await buildApp({ store, config });
    const response = await app.inject({ method: 'GET', url: '/api/purposes' });
    expect(response.json()).toEqual({ purposes: [{ code: 'fraud-audit', label: 'Fraud audit', caseRequired: true }] });
    await app.close();
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const app = await buildApp({ store, config: defaultConfig() });
    const response = await app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/purposes']));
    const page = await app.inject({ method: 'GET', url: '/api/docs' });
    expect([200, 302]).toContain(page.statusCode);
    await app.close();
  });

  it('an unexpected failure answers a generic 500 without stack trace or SQL', async () => {
    const app = await buildApp({ store, config: defaultConfig() });
    app.get('/api/test-broken', { config: { policy: { kind: 'public' } } }, async () => {
      await sql`select secret_column from no_such_table_xyz`.execute(store.db);
      return {};
    });
    const response = await app.inject({ method: 'GET', url: '/api/test-broken' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toMatch(/no_such_table_xyz|secret_column|select|at .*\.ts|stack/i);
    expect(response.json()).toMatchObject({ error: 'internal' });
    await app.close();
  });
});

describe('HTTP app without a database round trip', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore('pglite');
  });
  afterAll(async () => {
    await store.close();
  });

  it('every route declares an access policy', async () => {
    const app = await buildApp({ store, config: defaultConfig() });
    await app.ready();
    expect(app.routeTable.length).toBeGreaterThan(3);
    for (const route of app.routeTable) expect(route.policy, `${route.method} ${route.url}`).toBeDefined();
    await app.close();
  });

  it('a route without a policy stops the app from starting', async () => {
    const app = await buildApp({ store, config: defaultConfig() });
    expect(() => app.get('/api/unguarded', async () => ({}))).toThrow(/declares no access policy/);
    await app.close();
  });

  it('a route that needs a role refuses an anonymous caller with 401', async () => {
    const app = await buildApp({ store, config: defaultConfig() });
    app.get('/api/test-guarded', { config: { policy: { kind: 'signed-in', roles: ['analyst'] } } }, async () => ({ leaked: true }));
    const response = await app.inject({ method: 'GET', url: '/api/test-guarded' });
    expect(response.statusCode).toBe(401);
    expect(response.body).not.toContain('leaked');
    await app.close();
  });

  it('refuses a body over the limit with 413', async () => {
    const app = await buildApp({ store, config: defaultConfig(), bodyLimit: 1000 });
    app.post('/api/test-echo', { config: { policy: { kind: 'public' } } }, async (request) => request.body);
    const response = await app.inject({ method: 'POST', url: '/api/test-echo', payload: { text: 'x'.repeat(5000) } });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: 'too-large' });
    await app.close();
  });

  it('malformed JSON gets a 400 with a clear message', async () => {
    const app = await buildApp({ store, config: defaultConfig() });
    app.post('/api/test-echo', { config: { policy: { kind: 'public' } } }, async (request) => request.body);
    const response = await app.inject({
      method: 'POST',
      url: '/api/test-echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"broken": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ message: string }>().message).toMatch(/JSON/i);
    await app.close();
  });

  it('an unknown API path is a JSON 404', async () => {
    const app = await buildApp({ store, config: defaultConfig() });
    const response = await app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'not-found' });
    await app.close();
  });
});
