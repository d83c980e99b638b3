import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointAuditLog, createContext, defaultConfig, generateCheckpointKey, LOCAL_OPERATOR, recordEvent, type Store } from '@casegraph/core';
import { dialects, openTestStore } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';
import { SESSION_COOKIE } from './plugins/route-policy.js';
import { openSession } from './test-support/sessions.js';

interface Status {
  scope: 'head' | 'full';
  verified: boolean;
  checkedAt: string;
  events: number;
  root: string;
  checkpointsChecked: number;
  newestCheckpoint: { treeSize: number; signedAt: string } | null;
  eventsSinceCheckpoint: number;
  problems: Array<{ kind: string; message: string }>;
  summary: string;
  lastFullVerification: { at: string; verified: boolean; events: number } | null;
}

describe.each(dialects())('GET /api/oversight/audit-status on %s', (dialect) => {
  let store: Store;
  let app: FastifyInstance;
  let headers: Record<string, string>;
  const keys = { signing: generateCheckpointKey('casegraph-test'), termsKey: randomBytes(32).toString('base64') };

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const config = defaultConfig();
    const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config });
    const userId = randomUUID();
    await store.db.insertInto('users').values({ id: userId, username: 'olga', display_name: 'Olga', organisation: 'local', roles: ['oversight'], compartments: [], password_hash: null }).execute();
    for (let i = 0; i < 40; i++) await recordEvent(operator, store.db, { category: 'consultation', action: `test.seen-${i}`, subjectIds: [`subject-${i}`] });
    await checkpointAuditLog(operator, keys);
    headers = { cookie: `${SESSION_COOKIE}=${await openSession(store, userId)}` };
    app = await buildApp({ store, config, keys });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const get = (query = '') => app.inject({ method: 'GET', url: `/api/oversight/audit-status${query}`, headers });

  it('answers from the head and the signed checkpoints by default, and says that the events were not recomputed', async () => {
    const response = await get();
    expect(response.statusCode, response.body).toBe(200);
    const status = response.json<Status>();
    expect(status).toMatchObject({ scope: 'head', verified: true, checkpointsChecked: 1, problems: [], lastFullVerification: null });
    expect(status.events).toBeGreaterThan(40);
    expect(status.newestCheckpoint?.treeSize).toBe(41);
    expect(status.eventsSinceCheckpoint).toBe(status.events - 41);
    expect(Date.now() - new Date(status.checkedAt).getTime()).toBeLessThan(60_000);
    expect(status.summary).toMatch(/not recomputed/);
  });

  it('an event changed in place is not seen by the head answer but by the full one, which may run once a minute', async () => {
    // The database owner edits an event behind the application's back.
    await store.db.transaction().execute(async (trx) => {
      await sql`reset role`.execute(trx);
      await sql`update audit_events set action = 'test.edited' where seq = 5`.execute(trx);
    });
    const head = (await get()).json<Status>();
    expect(head).toMatchObject({ scope: 'head', verified: true });

    const full = await get('?scope=full');
    expect(full.statusCode, full.body).toBe(200);
    const report = full.json<Status>();
    expect(report).toMatchObject({ scope: 'full', verified: false });
    expect(report.problems.map((p) => p.kind)).toContain('leaf');
    expect(report.summary).toMatch(/recomputed from all \d+ events and \d+ problem/);
    expect(report.lastFullVerification).toMatchObject({ verified: false, events: report.events });

    // Another full verification within the minute is refused, naming the last one; the head answer reports it.
    const again = await get('?scope=full');
    expect(again.statusCode).toBe(429);
    expect(again.json<{ message: string }>().message).toMatch(/fully verified at .*problems found.*once a minute/);
    expect((await get()).json<Status>().lastFullVerification).toEqual(report.lastFullVerification);
  });

  it('refuses a scope it does not know, and callers without the oversight or administrator role', async () => {
    for (const query of ['?scope=everything', '?scope=', '?full=1']) {
      const refused = await get(query);
      expect(refused.statusCode, query).toBe(400);
      expect(refused.json<{ message: string }>().message).not.toBe('');
    }
    const analystId = randomUUID();
    await store.db.insertInto('users').values({ id: analystId, username: 'ana', display_name: 'Ana', organisation: 'local', roles: ['analyst'], compartments: [], password_hash: null }).execute();
    const analyst = await app.inject({ method: 'GET', url: '/api/oversight/audit-status', headers: { cookie: `${SESSION_COOKIE}=${await openSession(store, analystId)}` } });
    expect(analyst.statusCode).toBe(403);
  });
});
