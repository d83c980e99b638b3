import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type Store } from '@casegraph/core';
import { dialects, openTestStore } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';
import { SESSION_COOKIE } from './plugins/route-policy.js';
import { openSession } from './test-support/sessions.js';

describe.each(dialects())('sources over HTTP on %s', (dialect) => {
  let store: Store;
  let app: FastifyInstance;
  const cookie: Record<'administrator' | 'analyst', string> = { administrator: '', analyst: '' };

  beforeAll(async () => {
    store = await openTestStore(dialect);
    for (const role of ['administrator', 'analyst'] as const) {
      const id = randomUUID();
      await store.db.insertInto('users').values({ id, username: role, display_name: role, organisation: 'local', roles: [role], compartments: [], password_hash: null }).execute();
      cookie[role] = `${SESSION_COOKIE}=${await openSession(store, id)}`;
    }
    app = await buildApp({ store, config: defaultConfig() });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const policy = { id: 'phone-subscribers', name: 'Phone subscribers', legalBasis: 'Production order 2026/3', purposes: ['fraud-audit'], markings: ['LE-ONLY'], retentionDays: 730, mayCombine: false };
  const register = (body: unknown, role: 'administrator' | 'analyst' = 'administrator') =>
    app.inject({ method: 'POST', url: '/api/sources', headers: { cookie: cookie[role] }, payload: body as Record<string, unknown> });
  const sourceCount = async () => Number((await store.db.selectFrom('sources').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('an administrator registers a source with its policy; the registration is an audit event and every signed-in user sees the policy', async () => {
    const created = await register(policy);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ ...policy, owner: 'Phone subscribers', sensitiveCategories: [] });
    const event = await store.db.selectFrom('audit_events').selectAll().where('action', '=', 'source.register').where('outcome', '=', 'success').executeTakeFirst();
    expect(event?.object_ids).toEqual(['phone-subscribers']);
    const listed = await app.inject({ method: 'GET', url: '/api/sources', headers: { cookie: cookie.analyst } });
    expect(listed.statusCode).toBe(200);
    expect(listed.json<{ sources: Array<{ id: string; markings: string[] }> }>().sources).toEqual([expect.objectContaining({ id: 'phone-subscribers', markings: ['LE-ONLY'] })]);
  });

  it('a second registration of the same id is a conflict and changes nothing', async () => {
    const again = await register({ ...policy, name: 'Another name' });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ message: string }>().message).toContain('already registered');
    const stored = await store.db.selectFrom('sources').select('name').where('id', '=', 'phone-subscribers').executeTakeFirstOrThrow();
    expect(stored.name).toBe('Phone subscribers');
  });

  it('a policy with an unknown purpose, a bad id, no legal basis or a wrong type is refused with the reason, and nothing is stored', async () => {
    const before = await sourceCount();
    const cases: Array<[unknown, RegExp]> = [
      [{ ...policy, id: 'new-1', purposes: ['population-screening'] }, /unknown purpose "population-screening"/],
      [{ ...policy, id: 'Bad Id' }, /id must be/],
      [{ ...policy, id: 'new-2', legalBasis: '' }, /legalBasis/],
      [{ ...policy, id: 'new-3', retentionDays: 'forever' }, /retentionDays/],
      [{ ...policy, id: 'new-4', sensitiveCategories: ['shoe-size'] }, /sensitiveCategories/],
      [{ ...policy, id: 'new-5', purposes: [] }, /purposes/],
    ];
    for (const [body, reason] of cases) {
      const answer = await register(body);
      expect(answer.statusCode, JSON.stringify(body)).toBe(400);
      expect(answer.json<{ message: string }>().message).toMatch(reason);
    }
    expect(await sourceCount()).toBe(before);
  });

  it('an analyst may not register a source, and the refusal is audited', async () => {
    const answer = await register({ ...policy, id: 'analyst-source' }, 'analyst');
    expect(answer.statusCode).toBe(403);
    expect(await store.db.selectFrom('sources').select('id').where('id', '=', 'analyst-source').executeTakeFirst()).toBeUndefined();
    const denial = await store.db.selectFrom('audit_events').select('category').where('action', '=', 'POST /api/sources').where('outcome', '=', 'denied').executeTakeFirst();
    expect(denial).toBeDefined();
  });
});
