import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../audit/record-event.js';
import { ANONYMOUS, type Ctx } from '../context/context.js';
import { Invalid, Unauthenticated } from '../errors.js';
import type { Store } from '../store/create-db.js';
import { dialects, FIXED_NOW, openTestStore, testContext } from '../test-support/test-store.js';
import {
  authenticate,
  hashToken,
  completeSignIn,
  createApiToken,
  LOCKOUT_FAILURES,
  releaseAccount,
  revokeApiToken,
  setAccountDisabled,
  SIGN_IN_REFUSED,
  signInWithPassword,
  signOut,
} from './sign-in.js';
import { base32Decode, totpCode, totpStep } from './totp.js';
import { SessionTouches } from './session-touches.js';
import { createUser } from './users.js';

const PASSWORD = 'correct horse battery staple';

/** A clock the test moves by hand. */
function clock(start: Date) {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

describe.each(dialects())('sign-in on %s', (dialect) => {
  let store: Store;
  const time = clock(FIXED_NOW);
  let anon: Ctx;
  const secrets = new Map<string, string>();

  const codeFor = (username: string, offsetSteps = 0) =>
    totpCode(base32Decode(secrets.get(username) ?? ''), totpStep(time.now()) + offsetSteps);

  /** Password, then (enrolling on the first time) the code: returns the session token. */
  async function signIn(username: string, password = PASSWORD): Promise<string> {
    const step = await signInWithPassword(anon, { username, password });
    if (step.secondFactor === 'enrol-totp') secrets.set(username, step.totpSecret ?? '');
    time.advance(30_000); // a new time step, so the code is not the last one used
    const done = await completeSignIn(anon, { challenge: step.challenge, code: codeFor(username), acknowledgeBanner: true });
    return done.token;
  }

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const admin = testContext(store);
    for (const username of ['ana', 'ben', 'cleo', 'dev', 'eve']) {
      await createUser(admin, { username, displayName: username, organisation: 'local', roles: ['analyst'], password: PASSWORD });
    }
    anon = { ...testContext(store, { actor: ANONYMOUS }), now: time.now };
  });
  afterAll(async () => {
    await store.close();
  });

  it('enrols a TOTP secret at the first sign-in, then signs in with password and code', async () => {
    const first = await signInWithPassword(anon, { username: 'ana', password: PASSWORD });
    expect(first.secondFactor).toBe('enrol-totp');
    expect(first.totpUri).toMatch(/^otpauth:\/\/totp\/casegraph%3Aana\?secret=[A-Z2-7]{32}/);
    expect(first.banner).toMatch(/Every search, read and export is recorded/);
    secrets.set('ana', first.totpSecret ?? '');
    const session = await completeSignIn(anon, { challenge: first.challenge, code: codeFor('ana'), acknowledgeBanner: true });
    const actor = await authenticate(anon, session.token);
    expect(actor).toMatchObject({ userId: session.user.id, roles: ['analyst'], sessionId: session.sessionId });
    time.advance(30_000);
    const second = await signInWithPassword(anon, { username: 'ana', password: PASSWORD });
    expect(second.secondFactor).toBe('totp');
    expect(second.totpSecret).toBeUndefined();
  });

  it('a used code cannot be replayed, nor an earlier one', async () => {
    const a = await signInWithPassword(anon, { username: 'ana', password: PASSWORD });
    time.advance(30_000);
    const code = codeFor('ana');
    await completeSignIn(anon, { challenge: a.challenge, code, acknowledgeBanner: true });
    const b = await signInWithPassword(anon, { username: 'ana', password: PASSWORD });
    await expect(completeSignIn(anon, { challenge: b.challenge, code, acknowledgeBanner: true })).rejects.toThrow(SIGN_IN_REFUSED);
    const c = await signInWithPassword(anon, { username: 'ana', password: PASSWORD });
    await expect(completeSignIn(anon, { challenge: c.challenge, code: codeFor('ana', -1), acknowledgeBanner: true })).rejects.toThrow(SIGN_IN_REFUSED);
    const events = await listEvents(store.db, { action: 'auth.sign-in' });
    expect(events.at(-1)).toMatchObject({ category: 'authentication', outcome: 'denied' });
    expect(events.at(-1)?.detail).toMatchObject({ reason: 'code already used' });
  });

  it('the banner must be acknowledged and a challenge works once and for five minutes only', async () => {
    const a = await signInWithPassword(anon, { username: 'ana', password: PASSWORD });
    time.advance(30_000);
    await expect(completeSignIn(anon, { challenge: a.challenge, code: codeFor('ana'), acknowledgeBanner: false })).rejects.toThrow(Invalid);
    time.advance(5 * 60_000);
    await expect(completeSignIn(anon, { challenge: a.challenge, code: codeFor('ana'), acknowledgeBanner: true })).rejects.toThrow(SIGN_IN_REFUSED);
    await expect(completeSignIn(anon, { challenge: 'forged', code: '123456', acknowledgeBanner: true })).rejects.toThrow(Unauthenticated);
  });

  it('unknown users and wrong passwords get the same answer', async () => {
    const unknown = await signInWithPassword(anon, { username: 'nobody', password: PASSWORD }).catch((e: Error) => e);
    const wrong = await signInWithPassword(anon, { username: 'ben', password: 'not the password' }).catch((e: Error) => e);
    expect(unknown).toBeInstanceOf(Unauthenticated);
    expect(wrong).toBeInstanceOf(Unauthenticated);
    expect((unknown as Error).message).toBe((wrong as Error).message);
  });

  it(`${LOCKOUT_FAILURES} failures in 15 minutes lock the account until an administrator releases it`, async () => {
    await signIn('cleo');
    time.advance(20 * 60_000);
    for (let i = 0; i < LOCKOUT_FAILURES; i++) {
      await expect(signInWithPassword(anon, { username: 'cleo', password: `wrong ${i}` })).rejects.toThrow(SIGN_IN_REFUSED);
      time.advance(60_000);
    }
    // Locked: even the right password gets the same answer as a wrong one.
    await expect(signInWithPassword(anon, { username: 'cleo', password: PASSWORD })).rejects.toThrow(SIGN_IN_REFUSED);
    time.advance(60 * 60_000);
    await expect(signInWithPassword(anon, { username: 'cleo', password: PASSWORD })).rejects.toThrow(SIGN_IN_REFUSED);
    expect((await listEvents(store.db, { action: 'auth.lock' })).length).toBe(1);
    await releaseAccount(testContext(store), 'cleo');
    expect(await signIn('cleo')).toMatch(/^[\w-]{43}$/);
  });

  it('failures spread beyond 15 minutes do not lock', async () => {
    await signIn('dev');
    for (let i = 0; i < LOCKOUT_FAILURES + 2; i++) {
      await expect(signInWithPassword(anon, { username: 'dev', password: 'wrong' })).rejects.toThrow(SIGN_IN_REFUSED);
      time.advance(4 * 60_000);
    }
    expect(await signIn('dev')).toBeTruthy();
  });

  it('a session ends after 30 idle minutes and after 12 hours however busy', async () => {
    const idle = await signIn('ben');
    time.advance(29 * 60_000);
    await authenticate(anon, idle);
    time.advance(31 * 60_000);
    await expect(authenticate(anon, idle)).rejects.toThrow(/inactivity/);
    const busy = await signIn('ben');
    for (let hour = 0; hour < 12 * 4 - 1; hour++) {
      time.advance(15 * 60_000);
      await authenticate(anon, busy);
    }
    time.advance(16 * 60_000);
    await expect(authenticate(anon, busy)).rejects.toThrow(/expired/);
  });

  it('uses of sessions are written a second at a time, in one statement, and count for idleness before they are', async () => {
    const failing = { on: false };
    const refuser: KyselyPlugin = {
      transformQuery: (args) => {
        if (failing.on) throw new Error('the store refused the write');
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const touches = new SessionTouches(store.db.withPlugin(refuser), 60_000);
    const withTouches = { ...anon, sessionTouches: touches };
    const lastUsed = async (token: string) => {
      const row = await store.db.selectFrom('sessions').select('last_used_at').where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow();
      return new Date(row.last_used_at).getTime();
    };
    const first = await signIn('ben');
    const second = await signIn('ben');
    const signedIn = [await lastUsed(first), await lastUsed(second)];
    time.advance(40_000);
    const usedAt = time.now().getTime();
    await authenticate(withTouches, first);
    await authenticate(withTouches, second);
    await authenticate(withTouches, first);
    // Noted, not written: the rows still say the sign-in.
    expect([await lastUsed(first), await lastUsed(second)]).toEqual(signedIn);
    failing.on = true;
    await expect(touches.flush()).rejects.toThrow('the store refused the write');
    expect(touches.stats).toEqual({ writes: 0, sessions: 0 });
    // Kept for the next try, and idleness counts from the noted use: over 30 minutes after the
    // written one, 29.5 minutes after the noted one, the session is not idle.
    time.advance(29.5 * 60_000);
    await authenticate(withTouches, first);
    failing.on = false;
    await touches.flush();
    expect(touches.stats).toEqual({ writes: 1, sessions: 2 });
    expect(await lastUsed(second)).toBe(usedAt);
    expect(await lastUsed(first)).toBe(time.now().getTime());
    // A use older than the one written never moves it back.
    touches.touch((await authenticate(anon, first)).sessionId ?? '', new Date(usedAt));
    await touches.close();
    expect(await lastUsed(first)).toBe(time.now().getTime());
    time.advance(31 * 60_000);
    await expect(authenticate(withTouches, second)).rejects.toThrow(/inactivity/);
  });

  it('sign-out and disabling an account end sessions at once; tokens last until revoked', async () => {
    const token = await signIn('eve');
    const actor = await authenticate(anon, token);
    const eve = { ...anon, actor };
    await signOut(eve);
    await expect(authenticate(anon, token)).rejects.toThrow(/ended/);

    const again = await signIn('eve');
    const script = await createApiToken({ ...anon, actor: await authenticate(anon, again) }, { name: 'nightly export' });
    expect(script.token).toMatch(/^cg_/);
    time.advance(48 * 3_600_000);
    expect((await authenticate(anon, script.token)).userId).toBe(actor.userId);
    await revokeApiToken({ ...anon, actor }, script.id);
    await expect(authenticate(anon, script.token)).rejects.toThrow(/ended/);

    const third = await signIn('eve');
    const other = await createApiToken({ ...anon, actor: await authenticate(anon, third) }, { name: 'report script' });
    await setAccountDisabled(testContext(store), 'eve', true);
    await expect(authenticate(anon, third)).rejects.toThrow(Unauthenticated);
    await expect(authenticate(anon, other.token)).rejects.toThrow(Unauthenticated);
    await expect(signInWithPassword(anon, { username: 'eve', password: PASSWORD })).rejects.toThrow(SIGN_IN_REFUSED);
  });

  it('forged and unknown session tokens are refused', async () => {
    await expect(authenticate(anon, 'forged-token')).rejects.toThrow(/sign in first/);
  });
});
