import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Ctx, Role } from '../context/context.js';
import { createCase } from '../cases/create-case.js';
import { recordCaseEvent } from '../cases/case-events.js';
import { addCaseMember } from '../cases/get-case.js';
import { addCaseNote } from '../cases/notes.js';
import { notifyUsers } from '../cases/notifications.js';
import type { Store } from '../store/create-db.js';
import { dialects, FIXED_NOW, openTestStore, testContext } from '../test-support/test-store.js';
import { endedSessions, usersWhoMayReadCase } from './live-audience.js';
import { LIVE_CHANNEL, parseLiveEvent, publishLive } from './live-events.js';
import type { ListenerState } from './store-listener.js';

const SECRET = 'HERON';

/** Waits until `heard` holds a payload that satisfies `match`, or fails after a few seconds. */
async function until(heard: string[], match: (payload: string) => boolean): Promise<string> {
  for (let waited = 0; waited < 5000; waited += 20) {
    const found = heard.find(match);
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`not heard; heard only ${JSON.stringify(heard)}`);
}

describe.each(dialects())('live updates on %s', (dialect) => {
  let store: Store;
  const heard: string[] = [];
  let stop: () => Promise<void>;
  const actors = new Map<string, Actor>();
  let caseId = '';
  let secretCaseId = '';
  const as = (name: string, forCase = caseId): Ctx =>
    testContext(store, { actor: actors.get(name), purpose: { caseId: forCase, code: 'fraud-audit', justification: 'working the quay case' } });

  beforeAll(async () => {
    store = await openTestStore(dialect);
    await store.db.insertInto('organisations').values([{ id: 'quay-unit', name: 'Quay unit' }, { id: 'other-unit', name: 'Other unit' }]).execute();
    const people: Array<[string, Role, string, string[]]> = [
      ['ada', 'analyst', 'quay-unit', [SECRET]],
      ['bo', 'analyst', 'quay-unit', []],
      ['cy', 'analyst', 'quay-unit', []],
      ['sam', 'supervisor', 'quay-unit', [SECRET]],
      ['sol', 'supervisor', 'quay-unit', []],
      ['vic', 'supervisor', 'other-unit', [SECRET]],
      ['ozzy', 'oversight', 'quay-unit', [SECRET]],
      ['dee', 'analyst', 'quay-unit', [SECRET]],
    ];
    for (const [name, role, organisation, compartments] of people) {
      const id = randomUUID();
      await store.db.insertInto('users').values({ id, username: name, display_name: `${name} example`, organisation, roles: [role], compartments, password_hash: null }).execute();
      actors.set(name, { userId: id, sessionId: null, organisation, roles: [role], compartments });
    }
    stop = await store.listen(LIVE_CHANNEL, (payload) => heard.push(payload));
    caseId = (await createCase(as('ada', ''), { title: 'Quay overtime', purpose: 'fraud-audit' })).id;
    await addCaseMember(as('ada'), { caseId, username: 'bo' });
    await addCaseMember(as('ada'), { caseId, username: 'dee', role: 'observer' });
    secretCaseId = (await createCase(as('ada', ''), { title: 'Operation Heron', purpose: 'fraud-audit', markings: [SECRET] })).id;
    await addCaseMember(as('ada', secretCaseId), { caseId: secretCaseId, username: 'dee' });
    // Dee is disabled after joining: a disabled account hears nothing.
    await store.db.updateTable('users').set({ disabled: true }).where('username', '=', 'dee').execute();
  });
  afterAll(async () => {
    await stop();
    await store.close();
  });

  it('a committed case change is heard, with the case id and nothing else', async () => {
    heard.length = 0;
    await addCaseNote(as('bo'), { caseId, body: 'Overtime sheets for March do not match the gate log.' });
    const payload = await until(heard, (p) => p.includes(caseId));
    expect(JSON.parse(payload)).toEqual({ kind: 'case-changed', caseId });
    expect(payload).not.toMatch(/Overtime|gate log|bo example/);
  });

  it('a change that rolls back is never heard', async () => {
    heard.length = 0;
    const failed = store.db.transaction().execute(async (trx) => {
      await recordCaseEvent({ ...as('bo'), db: trx }, { caseId, kind: 'note', summary: 'a note that never was' });
      throw new Error('the rest of the change failed');
    });
    await expect(failed).rejects.toThrow('the rest of the change failed');
    // Notices arrive in commit order: once a later committed one is heard, the rolled-back one would have been.
    const marker = secretCaseId;
    await store.db.transaction().execute(async (trx) => publishLive({ db: trx }, { kind: 'case-changed', caseId: marker }));
    await until(heard, (p) => p.includes(marker));
    expect(heard.filter((p) => p.includes(`"${caseId}"`))).toEqual([]);
  });

  it('a notification is announced by the id of its recipient only', async () => {
    heard.length = 0;
    const cy = actors.get('cy')?.userId ?? '';
    await store.db.transaction().execute(async (trx) =>
      notifyUsers({ ...as('ada'), db: trx }, [cy, cy], { kind: 'overlap', caseId, refId: 'overlap-1', message: 'Another case shares a subject with Quay overtime' }),
    );
    const payload = await until(heard, (p) => p.includes('notification'));
    expect(JSON.parse(payload)).toEqual({ kind: 'notification', userId: cy });
    expect(heard.filter((p) => p.includes('notification'))).toHaveLength(1);
  });

  it('publishing sends only kinds and ids, whatever else the event object holds', async () => {
    heard.length = 0;
    const padded = { kind: 'review-queue', subjectName: 'Mira Novak' } as unknown as Parameters<typeof publishLive>[1];
    await publishLive({ db: store.db }, padded);
    expect(JSON.parse(await until(heard, (p) => p.includes('review-queue')))).toEqual({ kind: 'review-queue' });
  });

  it('a listener that stopped hears nothing more, while another one still does', async () => {
    const late: string[] = [];
    const other: string[] = [];
    const stopLate = await store.listen(LIVE_CHANNEL, (payload) => late.push(payload));
    const stopOther = await store.listen(LIVE_CHANNEL, (payload) => other.push(payload));
    await stopLate();
    await publishLive({ db: store.db }, { kind: 'notification', userId: 'u-after-stop' });
    await until(other, (p) => p.includes('u-after-stop'));
    await until(heard, (p) => p.includes('u-after-stop'));
    expect(late).toEqual([]);
    await stopOther();
  });

  it('the readers of a case are its team and the supervisors of its organisation who hold its markings, on accounts that can sign in', async () => {
    const id = (name: string) => actors.get(name)?.userId ?? '';
    expect(new Set(await usersWhoMayReadCase(store.db, caseId))).toEqual(new Set([id('ada'), id('bo'), id('sam'), id('sol')]));
    expect(new Set(await usersWhoMayReadCase(store.db, secretCaseId))).toEqual(new Set([id('ada'), id('sam')]));
    expect(await usersWhoMayReadCase(store.db, 'C-2031-9999')).toEqual([]);
  });

  it('sessions that ended, expired, idled out or are unknown are told apart from living ones', async () => {
    const bo = actors.get('bo')?.userId ?? '';
    const now = FIXED_NOW;
    const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000);
    const rows = [
      { id: `live-${randomUUID()}`, kind: 'session' as const, last_used_at: at(1), expires_at: null, ended_at: null },
      { id: `ended-${randomUUID()}`, kind: 'session' as const, last_used_at: at(1), expires_at: null, ended_at: at(0) },
      { id: `idle-${randomUUID()}`, kind: 'session' as const, last_used_at: at(31), expires_at: null, ended_at: null },
      { id: `expired-${randomUUID()}`, kind: 'token' as const, last_used_at: at(1), expires_at: at(1), ended_at: null },
      { id: `token-${randomUUID()}`, kind: 'token' as const, last_used_at: at(600), expires_at: null, ended_at: null },
    ];
    await store.db
      .insertInto('sessions')
      .values(rows.map((row) => ({ ...row, token_hash: randomUUID(), user_id: bo, name: null, created_at: at(700) })))
      .execute();
    const ids = rows.map((row) => row.id);
    const ended = await endedSessions(testContext(store), [...ids, 'never-issued']);
    expect([...ended].map((e) => e.split('-')[0]).sort()).toEqual(['ended', 'expired', 'idle', 'never'].sort());
    await store.db.updateTable('users').set({ locked_at: now }).where('id', '=', bo).execute();
    expect((await endedSessions(testContext(store), ids)).size).toBe(ids.length);
    await store.db.updateTable('users').set({ locked_at: null }).where('id', '=', bo).execute();
  });

  it.runIf(dialect === 'postgres')('a listening connection the server ends is opened again, says so, and hears what follows', async () => {
    const states: ListenerState['state'][] = [];
    const after: string[] = [];
    const stopWatching = await store.listen(LIVE_CHANNEL, (payload) => after.push(payload), (state) => states.push(state.state));
    const database = (await sql<{ name: string }>`select current_database() as name`.execute(store.db)).rows[0]?.name ?? '';
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      const ended = await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and query ilike 'listen %' and pid <> pg_backend_pid()`, [database]);
      expect(ended.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    for (let waited = 0; waited < 10_000 && !states.includes('connected'); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(states).toEqual(['reconnecting', 'connected']);
    await publishLive({ db: store.db }, { kind: 'notification', userId: 'u-after-reconnect' });
    await until(after, (p) => p.includes('u-after-reconnect'));
    await until(heard, (p) => p.includes('u-after-reconnect'));
    await stopWatching();
  });

  it('a notice that is not a live event is ignored', () => {
    for (const text of ['', 'not json', '[]', 'null', '{"kind":"case-changed"}', '{"kind":"case-changed","caseId":7}', '{"kind":"export-all"}']) {
      expect(parseLiveEvent(text)).toBeNull();
    }
    expect(parseLiveEvent('{"kind":"notification","userId":"u-1","message":"x"}')).toEqual({ kind: 'notification', userId: 'u-1' });
  });
});
