import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createCase, createContext, defaultConfig, publishLive, type Actor, type Role, type Store } from '@casegraph/core';
import { dialects, openTestStore } from '@casegraph/core/testing';
import { buildApp } from '../../build-app.js';
import { PURPOSE_HEADERS, SESSION_COOKIE } from '../../plugins/route-policy.js';
import { openSession } from '../../test-support/sessions.js';
import { readEventStream, type EventStreamReading } from './event-stream-reader.js';
import { WORKER_HEADER } from './live.routes.js';

describe.each(dialects())('live updates over HTTP on %s', (dialect) => {
  let store: Store;
  let app: FastifyInstance;
  let base = '';
  let caseId = '';
  const actors = new Map<string, Actor>();
  const tokens = new Map<string, string>();
  const aborts: AbortController[] = [];
  const config = defaultConfig();

  const cookie = (name: string) => `${SESSION_COOKIE}=${tokens.get(name) ?? ''}`;
  async function stream(name: string): Promise<{ response: Response; reading: EventStreamReading; stop: () => void }> {
    const abort = new AbortController();
    aborts.push(abort);
    const response = await fetch(`${base}/api/live`, { headers: { cookie: cookie(name) }, signal: abort.signal });
    const reading = readEventStream(response);
    await reading.next((f) => f.event === 'comment' && f.data === 'connected');
    return { response, reading, stop: () => abort.abort() };
  }
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 250 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(check()).toBe(true);
  };

  beforeAll(async () => {
    store = await openTestStore(dialect);
    await store.db.insertInto('organisations').values([{ id: 'dock-unit', name: 'Dock unit' }]).execute();
    const people: Array<[string, Role]> = [
      ['ines', 'analyst'],
      ['jon', 'analyst'],
      ['kit', 'analyst'],
      ['una', 'oversight'],
    ];
    for (const [name, role] of people) {
      const id = randomUUID();
      await store.db.insertInto('users').values({ id, username: name, display_name: `${name} example`, organisation: 'dock-unit', roles: [role], compartments: [], password_hash: null }).execute();
      actors.set(name, { userId: id, sessionId: null, organisation: 'dock-unit', roles: [role], compartments: [] });
      tokens.set(name, await openSession(store, id));
    }
    const ctx = createContext({ db: store.db, actor: actors.get('ines') as Actor, config });
    caseId = (await createCase(ctx, { title: 'Dock thefts', purpose: 'fraud-audit' })).id;
    await store.db.insertInto('case_members').values({ case_id: caseId, user_id: actors.get('jon')?.userId ?? '', role: 'investigator', added_at: new Date(), added_by: 'local-operator' }).execute();
    app = await buildApp({ store, config, live: { worker: 3, keepAliveMs: 150, sessionCheckMs: 150 } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    for (const abort of aborts) abort.abort();
    await app.close();
    await store.close();
  });

  it('every answer names the worker that gave it, refusals and missing routes too', async () => {
    for (const [url, status] of [['/api/health', 200], ['/api/cases', 401], ['/api/no-such-route', 404]] as const) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(status);
      expect(response.headers[WORKER_HEADER]).toBe('3');
    }
  });

  it('a stream needs a signed-in caller, and opens as an event stream with a retry hint', async () => {
    const refused = await app.inject({ method: 'GET', url: '/api/live' });
    expect(refused.statusCode).toBe(401);
    const opened = await fetch(`${base}/api/live`, { headers: { cookie: cookie('kit') }, signal: AbortSignal.timeout(2000) }).then(async (response) => {
      const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
      const chunk = (await reader?.read()) as { value?: Uint8Array } | undefined;
      const first = new TextDecoder().decode(chunk?.value);
      await reader?.cancel();
      return { response, first };
    });
    expect(opened.response.status).toBe(200);
    expect(opened.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(opened.response.headers.get(WORKER_HEADER)).toBe('3');
    expect(opened.first).toMatch(/^retry: \d+\n/);
  });

  it('a case change reaches every stream of the case team, with ids only, and nobody else', async () => {
    const ines = await stream('ines');
    const inesAgain = await stream('ines');
    const jon = await stream('jon');
    const kit = await stream('kit');
    const una = await stream('una');
    onTestFinished(() => {
      for (const s of [ines, inesAgain, jon, kit, una]) s.stop();
    });
    const note = await app.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/notes`,
      headers: { cookie: cookie('jon'), [PURPOSE_HEADERS.caseId]: caseId, [PURPOSE_HEADERS.code]: 'fraud-audit', [PURPOSE_HEADERS.justification]: 'dock thefts' },
      payload: { body: 'Gate camera 4 was off on both nights.' },
    });
    expect(note.statusCode).toBe(201);
    for (const s of [ines, inesAgain, jon]) {
      const frame = await s.reading.next((f) => f.event === 'case-changed');
      expect(JSON.parse(frame.data)).toEqual({ kind: 'case-changed', caseId });
    }
    // A later notice for everyone shows the outsiders' streams were open and would have heard it.
    await publishLive({ db: store.db }, { kind: 'review-queue' });
    await kit.reading.next((f) => f.event === 'review-queue');
    await una.reading.next((f) => f.event === 'review-queue');
    expect(kit.reading.frames.filter((f) => f.event === 'case-changed')).toEqual([]);
    expect(una.reading.frames.filter((f) => f.event === 'case-changed')).toEqual([]);
    expect(JSON.stringify(jon.reading.frames)).not.toMatch(/camera|Dock thefts/);
  });

  it('a notification reaches its recipient only, and a rolled-back change reaches nobody', async () => {
    const ines = await stream('ines');
    const jon = await stream('jon');
    onTestFinished(() => {
      ines.stop();
      jon.stop();
    });
    const rolledBack = store.db.transaction().execute(async (trx) => {
      await publishLive({ db: trx }, [{ kind: 'case-changed', caseId }, { kind: 'notification', userId: actors.get('ines')?.userId ?? '' }]);
      throw new Error('undone');
    });
    await expect(rolledBack).rejects.toThrow('undone');
    await store.db.transaction().execute(async (trx) => publishLive({ db: trx }, { kind: 'notification', userId: actors.get('jon')?.userId ?? '' }));
    const frame = await jon.reading.next((f) => f.event === 'notification');
    expect(JSON.parse(frame.data)).toEqual({ kind: 'notification', userId: actors.get('jon')?.userId });
    await publishLive({ db: store.db }, { kind: 'case-changed', caseId });
    await ines.reading.next((f) => f.event === 'case-changed');
    await jon.reading.next((f) => f.event === 'case-changed');
    // The rolled-back notices came first: had they been sent, they would be here by now.
    expect(ines.reading.frames.filter((f) => f.event === 'notification')).toEqual([]);
    expect(jon.reading.frames.filter((f) => f.event === 'case-changed')).toHaveLength(1);
  });

  it('streams get keep-alive comments, and one closed by its reader leaves the hub', async () => {
    // Streams the earlier tests stopped leave the hub as their connections close.
    await until(() => app.liveHub.size() === 0);
    const before = 0;
    const kit = await stream('kit');
    expect(app.liveHub.size()).toBe(before + 1);
    await kit.reading.next((f) => f.event === 'comment' && f.data === 'keep-alive');
    kit.stop();
    await until(() => app.liveHub.size() === before);
  });

  it('signing out ends the streams of that session, and not those of the same user elsewhere', async () => {
    const id = actors.get('kit')?.userId ?? '';
    const other = await openSession(store, id);
    const kit = await stream('kit');
    const abort = new AbortController();
    aborts.push(abort);
    const elsewhere = readEventStream(await fetch(`${base}/api/live`, { headers: { cookie: `${SESSION_COOKIE}=${other}` }, signal: abort.signal }));
    const signOut = await app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: { cookie: cookie('kit') } });
    expect(signOut.statusCode).toBeLessThan(300);
    expect(await kit.reading.done).toBe('ended');
    await elsewhere.next((f) => f.event === 'comment' && f.data === 'keep-alive');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await Promise.race([elsewhere.done, Promise.resolve('open')])).toBe('open');
    abort.abort();
  });
});
