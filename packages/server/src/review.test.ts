import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, createContext, defaultConfig, generateCheckpointKey, LOCAL_OPERATOR, registerSource, writeEntities, type Store } from '@casegraph/core';
import { openTestStore } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';
import { PURPOSE_HEADERS, SESSION_COOKIE } from './plugins/route-policy.js';
import { openSession } from './test-support/sessions.js';

// FEBRL 1 (public, synthetic): people and their corrupted duplicates.
const FEBRL1 = fileURLToPath(new URL('../../../../shared/data/febrl1.csv', import.meta.url));

interface Pair {
  a: { id: string; properties: Record<string, Array<{ value: string; source: string }>> };
  b: { id: string };
  probability: number;
  contributions: Array<{ comparison: string; weight: number; explanation: string }>;
}

describe('resolution over HTTP: run, review queue, judgments and their undoing', () => {
  let store: Store;
  let app: FastifyInstance;
  let analyst: Record<string, string>;
  let supervisor: Record<string, string>;

  beforeAll(async () => {
    store = await openTestStore('pglite');
    const config = defaultConfig();
    await registerSource(createContext({ db: store.db, actor: LOCAL_OPERATOR, config }), { id: 'febrl', name: 'FEBRL 1', legalBasis: 'Public benchmark', purposes: ['fraud-audit'] });
    const ids: Record<'ana' | 'sam', string> = { ana: randomUUID(), sam: randomUUID() };
    for (const [username, role] of [['ana', 'analyst'], ['sam', 'supervisor']] as const) {
      await store.db.insertInto('users').values({ id: ids[username], username, display_name: username, organisation: 'local', roles: [role], compartments: [], password_hash: null }).execute();
    }
    const caseId = (await createCase(createContext({ db: store.db, actor: { userId: ids.ana, sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] }, config }), { title: 'Duplicate claimants', purpose: 'fraud-audit' })).id;
    await store.db.insertInto('case_members').values({ case_id: caseId, user_id: ids.sam, role: 'member', added_at: new Date(), added_by: ids.ana }).execute();
    const rows = readFileSync(FEBRL1, 'utf8').trim().split('\n').slice(1, 301).map((line) => line.split(',').map((v) => v.trim()));
    await writeEntities(createContext({ db: store.db, actor: LOCAL_OPERATOR, config, purpose: { caseId, code: 'fraud-audit', justification: 'fixture' } }), {
      sourceId: 'febrl',
      entities: rows.map(([id = '', given = '', surname = '', , street = '', , suburb = '', postcode = '', , , ssn = '']) => ({
        id,
        schema: 'Person',
        origin: id,
        properties: Object.fromEntries(
          Object.entries({ name: `${given} ${surname}`.trim(), firstName: given, lastName: surname, idNumber: ssn, address: `${street} ${suburb} ${postcode}`.trim() })
            .filter(([, v]) => v !== '')
            .map(([k, v]): [string, string[]] => [k, [v]]),
        ),
      })),
    });
    const headers = async (userId: string) => ({
      cookie: `${SESSION_COOKIE}=${await openSession(store, userId)}`,
      [PURPOSE_HEADERS.caseId]: caseId,
      [PURPOSE_HEADERS.code]: 'fraud-audit',
      [PURPOSE_HEADERS.justification]: encodeURIComponent('duplicate claims review'),
    });
    analyst = await headers(ids.ana);
    supervisor = await headers(ids.sam);
    app = await buildApp({ store, config, keys: { signing: generateCheckpointKey('casegraph-test'), termsKey: randomBytes(32).toString('base64') } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('a supervisor runs resolution; an analyst may not', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/resolve', headers: analyst, payload: {} })).statusCode).toBe(403);
    const run = await app.inject({ method: 'POST', url: '/api/resolve', headers: supervisor, payload: { threshold: 0.5 } });
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json<{ records: number; merged: number }>()).toMatchObject({ records: 300 });
    expect(run.json<{ merged: number }>().merged).toBeGreaterThan(0);
  });

  it('the queue shows pairs most uncertain first, side by side with their contributions; a judgment takes a pair out and its undoing puts it back', async () => {
    const queue = await app.inject({ method: 'GET', url: '/api/review/pairs?limit=5', headers: analyst });
    expect(queue.statusCode, queue.body).toBe(200);
    const { pairs, total } = queue.json<{ pairs: Pair[]; total: number }>();
    expect(pairs.length).toBeGreaterThan(0);
    const uncertainty = pairs.map((p) => Math.abs(p.probability - 0.5));
    expect(uncertainty).toEqual([...uncertainty].sort((x, y) => x - y));
    const first = pairs[0] as Pair;
    expect(first.a.properties.name?.[0]?.source).toBe('febrl');
    expect(first.contributions.every((c) => c.explanation.length > 0)).toBe(true);
    const judged = await app.inject({ method: 'POST', url: '/api/review/judgments', headers: analyst, payload: { a: first.a.id, b: first.b.id, verdict: 'negative', reason: 'different claimants at one address' } });
    expect(judged.statusCode, judged.body).toBe(201);
    const after = (await app.inject({ method: 'GET', url: '/api/review/pairs?limit=100', headers: analyst })).json<{ pairs: Pair[]; total: number }>();
    expect(after.total).toBe(total - 1);
    expect(after.pairs.some((p) => p.a.id === first.a.id && p.b.id === first.b.id)).toBe(false);
    const undone = await app.inject({ method: 'POST', url: `/api/review/judgments/${judged.json<{ id: string }>().id}/undo`, headers: analyst });
    expect(undone.statusCode).toBe(200);
    expect(undone.json<{ undoneAt: string | null }>().undoneAt).not.toBeNull();
    expect((await app.inject({ method: 'GET', url: '/api/review/pairs?limit=100', headers: analyst })).json<{ total: number }>().total).toBe(total);
    const again = await app.inject({ method: 'POST', url: `/api/review/judgments/${judged.json<{ id: string }>().id}/undo`, headers: analyst });
    expect(again.statusCode).toBe(400);
  });

  it('a judgment without a reason, of an unknown record or with a wrong verdict is refused with the reason', async () => {
    const refused = async (payload: object, status: number, reason: RegExp) => {
      const answer = await app.inject({ method: 'POST', url: '/api/review/judgments', headers: analyst, payload });
      expect(answer.statusCode, JSON.stringify(payload)).toBe(status);
      expect(answer.json<{ message: string }>().message).toMatch(reason);
    };
    await refused({ a: 'rec-1-org', b: 'rec-2-org', verdict: 'negative', reason: '' }, 400, /say why/);
    await refused({ a: 'rec-1-org', b: 'nobody', verdict: 'negative', reason: 'not the same' }, 404, /entity nobody not found/);
    await refused({ a: 'rec-1-org', b: 'rec-2-org', verdict: 'maybe', reason: 'not sure' }, 400, /verdict/);
  });
});
