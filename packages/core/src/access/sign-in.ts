import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash as hashPassword, verify as verifyPassword } from '@node-rs/argon2';
import { sql, type Kysely } from 'kysely';
import { recordEvent } from '../audit/record-event.js';
import type { Actor, Ctx, Role } from '../context/context.js';
import { Invalid, NotFound, Unauthenticated } from '../errors.js';
import { compiledOnce } from '../store/compiled-once.js';
import type { Database } from '../store/schema.js';
import { caseRoutesOfUser } from './authorize.js';
import { caseCheckQuery, rememberCaseCheck, type CaseCheckRow } from './case-reads.js';
import { requireRole } from './require-role.js';
import type { SessionTouches } from './session-touches.js';
import { matchTotp, newTotpSecret, totpUri } from './totp.js';

/** Failed attempts within LOCKOUT_WINDOW that lock an account. */
export const LOCKOUT_FAILURES = 5;
/** The window failed attempts are counted in: 15 minutes. */
export const LOCKOUT_WINDOW_MS = 15 * 60_000;
const CHALLENGE_MS = 5 * 60_000;
const TOUCH_EVERY_MS = 30_000;

/** The one answer to every failed sign-in, whatever the cause, so it tells nothing about accounts. */
export const SIGN_IN_REFUSED = 'wrong username, password or code, or the account cannot sign in';

/** What the password step gives: a challenge for the second factor (and, on first sign-in, the secret to enrol). */
export interface PasswordStep {
  challenge: string;
  secondFactor: 'totp' | 'enrol-totp';
  /** Only when enrolling: the secret to add to an authenticator app, and its otpauth address. */
  totpSecret?: string;
  totpUri?: string;
  banner: string;
}

/** A signed-in session: the secret the client presents, and when it ends unless used. */
export interface SignedIn {
  token: string;
  sessionId: string;
  expiresAt: Date;
  user: { id: string; username: string; displayName: string; roles: Role[]; organisation: string };
}

/** A new random secret and the hash under which it is stored. */
function newSecret(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** The stored form of a session or token secret. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

// A hash to verify against when the user does not exist, so both paths take the same time.
let dummyHash: Promise<string> | undefined;
function dummy(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'), { algorithm: 2 });
  return dummyHash;
}

async function authFailure(ctx: Ctx, username: string, reason: string, userId: string | null): Promise<never> {
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('sign_in_failures').values({ username, at: now }).execute();
    const since = new Date(now.getTime() - LOCKOUT_WINDOW_MS);
    const { count } = await trx
      .selectFrom('sign_in_failures')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('username', '=', username)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    let locked = false;
    if (userId !== null && Number(count) >= LOCKOUT_FAILURES) {
      const result = await trx.updateTable('users').set({ locked_at: now }).where('id', '=', userId).where('locked_at', 'is', null).executeTakeFirst();
      locked = Number(result.numUpdatedRows) > 0;
    }
    await recordEvent(ctx, trx, {
      category: 'authentication',
      action: 'auth.sign-in',
      outcome: 'denied',
      actorId: userId ?? 'unknown',
      detail: { username, reason, ...(locked ? { locked: true } : {}) },
    });
    if (locked) {
      await recordEvent(ctx, trx, { category: 'authentication', action: 'auth.lock', actorId: userId ?? 'unknown', objectIds: userId ? [userId] : [], detail: { failures: Number(count) } });
    }
  });
  throw new Unauthenticated(SIGN_IN_REFUSED);
}

/**
 * First step of a local sign-in: checks the password (Argon2id) and opens a short challenge for
 * the second factor. Unknown users, wrong passwords, locked and disabled accounts get the same
 * answer; each failure counts towards the lockout and is audited.
 */
export async function signInWithPassword(ctx: Ctx, input: { username: string; password: string }): Promise<PasswordStep> {
  const username = input.username.trim().toLowerCase();
  const user = await ctx.db
    .selectFrom('users')
    .select(['id', 'password_hash', 'disabled', 'locked_at', 'totp_secret'])
    .where('username', '=', username)
    .executeTakeFirst();
  const ok = await verifyPassword(user?.password_hash ?? (await dummy()), input.password).catch(() => false);
  if (user === undefined) return authFailure(ctx, username, 'unknown user', null);
  if (!ok || user.password_hash === null) return authFailure(ctx, username, 'wrong password', user.id);
  if (user.disabled) return authFailure(ctx, username, 'account disabled', user.id);
  if (user.locked_at !== null) return authFailure(ctx, username, 'account locked', user.id);
  const now = ctx.now();
  const secret = newSecret();
  const enrolSecret = user.totp_secret === null ? newTotpSecret() : null;
  await ctx.db
    .insertInto('sessions')
    .values({
      id: randomUUID(),
      token_hash: secret.hash,
      kind: 'challenge',
      user_id: user.id,
      // The secret being enrolled waits in the challenge until a code proves the app holds it.
      name: enrolSecret,
      created_at: now,
      last_used_at: now,
      expires_at: new Date(now.getTime() + CHALLENGE_MS),
    })
    .execute();
  if (enrolSecret === null) return { challenge: secret.token, secondFactor: 'totp', banner: ctx.config.banner };
  return {
    challenge: secret.token,
    secondFactor: 'enrol-totp',
    totpSecret: enrolSecret,
    totpUri: totpUri({ issuer: 'casegraph', account: username, secret: enrolSecret }),
    banner: ctx.config.banner,
  };
}

/**
 * Second step: checks the TOTP code against the challenge (a code's time step must be later than
 * the last one used, so no code works twice), requires the use banner to be acknowledged, and
 * opens a session that ends after the configured idle time or maximum length.
 */
export async function completeSignIn(ctx: Ctx, input: { challenge: string; code: string; acknowledgeBanner: boolean }): Promise<SignedIn> {
  if (input.acknowledgeBanner !== true) throw new Invalid('acknowledge the use banner to sign in');
  const now = ctx.now();
  const challenge = await ctx.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as sessionId',
      'sessions.name as enrolSecret',
      'sessions.expires_at',
      'sessions.ended_at',
      'users.id',
      'users.username',
      'users.display_name',
      'users.roles',
      'users.organisation',
      'users.totp_secret',
      'users.totp_last_step',
      'users.disabled',
      'users.locked_at',
    ])
    .where('sessions.token_hash', '=', hashToken(input.challenge))
    .where('sessions.kind', '=', 'challenge')
    .executeTakeFirst();
  if (challenge === undefined) return authFailure(ctx, 'unknown', 'unknown or forged challenge', null);
  if (challenge.ended_at !== null || challenge.expires_at === null || challenge.expires_at <= now) {
    return authFailure(ctx, challenge.username, 'challenge expired or used', challenge.id);
  }
  if (challenge.disabled || challenge.locked_at !== null) return authFailure(ctx, challenge.username, 'account disabled or locked', challenge.id);
  const secret = challenge.totp_secret ?? challenge.enrolSecret;
  if (secret === null) return authFailure(ctx, challenge.username, 'no second factor', challenge.id);
  const step = matchTotp(secret, input.code.trim(), now);
  if (step === null) return authFailure(ctx, challenge.username, 'wrong code', challenge.id);
  if (challenge.totp_last_step !== null && step <= Number(challenge.totp_last_step)) {
    return authFailure(ctx, challenge.username, 'code already used', challenge.id);
  }
  const session = newSecret();
  const sessionId = randomUUID();
  const expiresAt = new Date(now.getTime() + ctx.config.sessions.maxHours * 3_600_000);
  const user = { id: challenge.id, username: challenge.username, displayName: challenge.display_name, roles: challenge.roles as Role[], organisation: challenge.organisation };
  await ctx.db.transaction().execute(async (trx) => {
    // The conditional update is the replay guard under concurrency: two requests with one code
    // cannot both move the last step forward.
    const moved = await trx
      .updateTable('users')
      .set({ totp_last_step: String(step), ...(challenge.totp_secret === null ? { totp_secret: secret } : {}) })
      .where('id', '=', challenge.id)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', String(step))]))
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) === 0) throw new Unauthenticated(SIGN_IN_REFUSED);
    await trx.updateTable('sessions').set({ ended_at: now, ended_reason: 'completed' }).where('id', '=', challenge.sessionId).execute();
    await trx
      .insertInto('sessions')
      .values({
        id: sessionId,
        token_hash: session.hash,
        kind: 'session',
        user_id: challenge.id,
        name: null,
        created_at: now,
        last_used_at: now,
        expires_at: expiresAt,
        banner_acknowledged_at: now,
      })
      .execute();
    const actorCtx: Ctx = { ...ctx, actor: { userId: challenge.id, sessionId, organisation: challenge.organisation, roles: user.roles, compartments: [] } };
    await recordEvent(actorCtx, trx, {
      category: 'authentication',
      action: 'auth.sign-in',
      objectIds: [challenge.id],
      detail: { method: 'password+totp', ...(challenge.totp_secret === null ? { enrolled: 'totp' } : {}), bannerAcknowledged: true },
    });
  });
  return { token: session.token, sessionId, expiresAt, user };
}

/**
 * Opens a session for a user the deployment's OpenID provider has vouched for (the provider does
 * the second factor). The user is found by issuer and subject, or on their first such sign-in by
 * the provider's preferred_username, which links the account. Unknown users are refused and the
 * refusal is audited; the use banner must have been acknowledged before going to the provider.
 */
export async function signInWithOidc(
  ctx: Ctx,
  input: { issuer: string; subject: string; preferredUsername: string | null; bannerAcknowledged: boolean },
): Promise<SignedIn> {
  if (!input.bannerAcknowledged) throw new Invalid('acknowledge the use banner to sign in');
  const byLink = await ctx.db.selectFrom('users').selectAll().where('oidc_issuer', '=', input.issuer).where('oidc_subject', '=', input.subject).executeTakeFirst();
  const byName =
    byLink ??
    (input.preferredUsername === null
      ? undefined
      : await ctx.db.selectFrom('users').selectAll().where('username', '=', input.preferredUsername.toLowerCase()).where('oidc_subject', 'is', null).executeTakeFirst());
  const label = input.preferredUsername ?? `${input.issuer}#${input.subject}`;
  if (byName === undefined) return authFailure(ctx, label, 'no account for this single sign-on identity', null);
  if (byName.disabled || byName.locked_at !== null) return authFailure(ctx, byName.username, 'account disabled or locked', byName.id);
  const now = ctx.now();
  const session = newSecret();
  const sessionId = randomUUID();
  const expiresAt = new Date(now.getTime() + ctx.config.sessions.maxHours * 3_600_000);
  const roles = byName.roles as Role[];
  await ctx.db.transaction().execute(async (trx) => {
    if (byLink === undefined) {
      await trx.updateTable('users').set({ oidc_issuer: input.issuer, oidc_subject: input.subject }).where('id', '=', byName.id).execute();
    }
    await trx
      .insertInto('sessions')
      .values({ id: sessionId, token_hash: session.hash, kind: 'session', user_id: byName.id, name: null, created_at: now, last_used_at: now, expires_at: expiresAt, banner_acknowledged_at: now })
      .execute();
    const actorCtx: Ctx = { ...ctx, actor: { userId: byName.id, sessionId, organisation: byName.organisation, roles, compartments: byName.compartments } };
    await recordEvent(actorCtx, trx, {
      category: 'authentication',
      action: 'auth.sign-in',
      objectIds: [byName.id],
      detail: { method: 'oidc', issuer: input.issuer, ...(byLink === undefined ? { linked: true } : {}), bannerAcknowledged: true },
    });
  });
  return { token: session.token, sessionId, expiresAt, user: { id: byName.id, username: byName.username, displayName: byName.display_name, roles, organisation: byName.organisation } };
}

const SESSION_COLUMNS = [
  'sessions.id as sessionId',
  'sessions.kind',
  'sessions.last_used_at',
  'sessions.expires_at',
  'sessions.ended_at',
  'users.id',
  'users.organisation',
  'users.roles',
  'users.compartments',
  'users.disabled',
  'users.locked_at',
] as const;

// Sent on every request: built and compiled once.
const sessionByToken = compiledOnce((db, v: { hash: string }) => db.selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.user_id').select(SESSION_COLUMNS).where('sessions.token_hash', '=', v.hash));

// A request under a case: the session and the case check its work makes first, in one round trip.
const sessionWithCase = compiledOnce((db, v: { hash: string; caseId: string; now: Date; purpose: string }) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .leftJoinLateral(
      // The lateral's builder sees the outer tables too; the check needs none of them by name.
      (eb) => caseCheckQuery(eb as unknown as Kysely<Database>, v, { userId: sql.ref('users.id'), organisation: sql.ref('users.organisation'), compartments: sql.ref('users.compartments') }, caseRoutesOfUser(v.purpose)).as('checked'),
      (join) => join.onTrue(),
    )
    .select(SESSION_COLUMNS)
    .select(['checked.id as case_id', 'checked.status as case_status', 'checked.unlocked as case_unlocked', 'checked.sources as case_sources'])
    .where('sessions.token_hash', '=', v.hash),
);

/**
 * The actor a session or bearer token stands for, or Unauthenticated. A browser session ends
 * after the configured idle time and maximum length; a token lasts until revoked or its expiry.
 */
export async function authenticate(
  ctx: Pick<Ctx, 'db' | 'now' | 'config'> & { sessionTouches?: SessionTouches | undefined },
  token: string,
  purpose?: { caseId: string; code: string },
): Promise<Actor> {
  const now = ctx.now();
  const hash = hashToken(token);
  let checkedCase: CaseCheckRow | undefined;
  let row: Awaited<ReturnType<typeof sessionByToken>>[number] | undefined;
  if (purpose === undefined) [row] = await sessionByToken(ctx.db, { hash });
  else {
    const [found] = await sessionWithCase(ctx.db, { hash, caseId: purpose.caseId, now, purpose: purpose.code });
    row = found;
    checkedCase = found === undefined || found.case_id === null ? undefined : { status: found.case_status ?? '', unlocked: found.case_unlocked ?? [], sources: found.case_sources ?? [] };
  }
  if (row === undefined || row.kind === 'challenge') throw new Unauthenticated('sign in first: the session is unknown');
  if (row.ended_at !== null) throw new Unauthenticated('the session has ended; sign in again');
  if (row.disabled || row.locked_at !== null) throw new Unauthenticated('the account cannot sign in; ask an administrator');
  if (row.expires_at !== null && row.expires_at <= now) throw new Unauthenticated('the session has expired; sign in again');
  // A use this process has not written yet counts too.
  const noted = ctx.sessionTouches?.pendingUse(row.sessionId);
  const lastUsed = noted !== undefined && noted > row.last_used_at ? noted : row.last_used_at;
  if (row.kind === 'session' && now.getTime() - lastUsed.getTime() > ctx.config.sessions.idleMinutes * 60_000) {
    await ctx.db.updateTable('sessions').set({ ended_at: now, ended_reason: 'idle' }).where('id', '=', row.sessionId).execute();
    throw new Unauthenticated('the session ended after inactivity; sign in again');
  }
  if (now.getTime() - lastUsed.getTime() > TOUCH_EVERY_MS) {
    if (ctx.sessionTouches !== undefined) ctx.sessionTouches.touch(row.sessionId, now);
    else await ctx.db.updateTable('sessions').set({ last_used_at: now }).where('id', '=', row.sessionId).execute();
  }
  const actor: Actor = { userId: row.id, sessionId: row.sessionId, organisation: row.organisation, roles: row.roles as Role[], compartments: row.compartments };
  if (purpose !== undefined) rememberCaseCheck(actor, purpose.caseId, purpose.code, checkedCase);
  return actor;
}

/** Ends the caller's session at once (audited). */
export async function signOut(ctx: Ctx): Promise<void> {
  const sessionId = ctx.actor.sessionId;
  if (sessionId === null) throw new Invalid('this caller has no session to end');
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('sessions').set({ ended_at: ctx.now(), ended_reason: 'signed out' }).where('id', '=', sessionId).where('ended_at', 'is', null).execute();
    await recordEvent(ctx, trx, { category: 'authentication', action: 'auth.sign-out', objectIds: [sessionId] });
  });
}

/** Creates a bearer token for scripts, shown once; it acts as its owner until revoked. */
export async function createApiToken(ctx: Ctx, input: { name: string; expiresInDays?: number }): Promise<{ id: string; token: string; expiresAt: Date | null }> {
  const name = input.name.trim();
  if (name.length < 2 || name.length > 100) throw new Invalid('a token needs a name of 2 to 100 characters, saying what uses it');
  if (input.expiresInDays !== undefined && !(Number.isInteger(input.expiresInDays) && input.expiresInDays > 0)) {
    throw new Invalid('expiresInDays must be a whole number above 0');
  }
  const now = ctx.now();
  // The prefix lets secret scanners recognise a leaked token.
  const token = `cg_${randomBytes(32).toString('base64url')}`;
  const secret = { token, hash: hashToken(token) };
  const id = randomUUID();
  const expiresAt = input.expiresInDays === undefined ? null : new Date(now.getTime() + input.expiresInDays * 86_400_000);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({ id, token_hash: secret.hash, kind: 'token', user_id: ctx.actor.userId, name, created_at: now, last_used_at: now, expires_at: expiresAt })
      .execute();
    await recordEvent(ctx, trx, { category: 'authentication', action: 'auth.token-create', objectIds: [id], detail: { name } });
  });
  return { id, token: secret.token, expiresAt };
}

/** Revokes one of the caller's tokens (or any, for an administrator); it stops working at once. */
export async function revokeApiToken(ctx: Ctx, tokenId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    let query = trx
      .updateTable('sessions')
      .set({ ended_at: ctx.now(), ended_reason: 'revoked' })
      .where('id', '=', tokenId)
      .where('kind', '=', 'token')
      .where('ended_at', 'is', null);
    if (!ctx.actor.roles.includes('administrator')) query = query.where('user_id', '=', ctx.actor.userId);
    const result = await query.executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new NotFound(`no active token ${tokenId}`);
    await recordEvent(ctx, trx, { category: 'authentication', action: 'auth.token-revoke', objectIds: [tokenId] });
  });
}

/** Releases a locked account (administrators); its failed attempts are forgotten. */
export async function releaseAccount(ctx: Ctx, username: string): Promise<void> {
  const action = { action: 'user.release', category: 'alteration' } as const;
  await requireRole(ctx, action, ['administrator']);
  await ctx.db.transaction().execute(async (trx) => {
    const user = await trx.updateTable('users').set({ locked_at: null }).where('username', '=', username).returning('id').executeTakeFirst();
    if (user === undefined) throw new NotFound(`no user ${username}`);
    await trx.deleteFrom('sign_in_failures').where('username', '=', username).execute();
    await recordEvent(ctx, trx, { ...action, objectIds: [user.id] });
  });
}

/** Disables or enables an account (administrators); disabling ends its sessions and tokens at once. */
export async function setAccountDisabled(ctx: Ctx, username: string, disabled: boolean): Promise<void> {
  const action = { action: disabled ? 'user.disable' : 'user.enable', category: 'alteration' } as const;
  await requireRole(ctx, action, ['administrator']);
  await ctx.db.transaction().execute(async (trx) => {
    const user = await trx.updateTable('users').set({ disabled }).where('username', '=', username).returning('id').executeTakeFirst();
    if (user === undefined) throw new NotFound(`no user ${username}`);
    if (disabled) {
      await trx.updateTable('sessions').set({ ended_at: ctx.now(), ended_reason: 'account disabled' }).where('user_id', '=', user.id).where('ended_at', 'is', null).execute();
    }
    await recordEvent(ctx, trx, { ...action, objectIds: [user.id] });
  });
}

/** Ends every open session of a user (used when roles change). */
export async function endSessionsOf(db: Kysely<Database>, userId: string, now: Date, reason: string): Promise<void> {
  await db.updateTable('sessions').set({ ended_at: now, ended_reason: reason }).where('user_id', '=', userId).where('ended_at', 'is', null).execute();
}
