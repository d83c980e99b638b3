import type { FastifyInstance } from 'fastify';
import { ANONYMOUS, completeSignIn, createApiToken, createContext, revokeApiToken, signInWithPassword, signOut, type Ctx } from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext } from '../../plugins/route-policy.js';
import { setSessionCookie } from './session-cookie.js';

const passwordBody = {
  type: 'object',
  required: ['username', 'password'],
  additionalProperties: false,
  properties: { username: { type: 'string', minLength: 1, maxLength: 100 }, password: { type: 'string', minLength: 1, maxLength: 1000 } },
} as const;

const secondFactorBody = {
  type: 'object',
  required: ['challenge', 'code', 'acknowledgeBanner'],
  additionalProperties: false,
  properties: {
    challenge: { type: 'string', minLength: 1, maxLength: 200 },
    code: { type: 'string', minLength: 1, maxLength: 20 },
    acknowledgeBanner: { type: 'boolean' },
  },
} as const;

const userShape = {
  type: 'object',
  required: ['id', 'username', 'displayName', 'roles', 'organisation'],
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    displayName: { type: 'string' },
    roles: { type: 'array', items: { type: 'string' } },
    organisation: { type: 'string' },
  },
} as const;

function anonymousContext(deps: AppDeps): Ctx {
  return createContext({ db: deps.store.db, actor: ANONYMOUS, config: deps.config });
}

/** Sign-in with password and TOTP, sign-out, the current user, and bearer tokens for scripts. */
export function authRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/api/auth/options',
    {
      config: { policy: { kind: 'public' } },
      schema: {
        summary: 'How to sign in here: the use banner, and the single sign-on provider if there is one',
        tags: ['auth'],
        response: {
          200: {
            type: 'object',
            required: ['banner', 'oidc'],
            properties: {
              banner: { type: 'string' },
              oidc: { anyOf: [{ type: 'null' }, { type: 'object', required: ['label', 'startUrl'], properties: { label: { type: 'string' }, startUrl: { type: 'string' } } }] },
            },
          },
        },
      },
    },
    async () => ({
      banner: deps.config.banner,
      oidc: deps.config.oidc === null ? null : { label: deps.config.oidc.label, startUrl: '/api/auth/oidc/start' },
    }),
  );

  app.post(
    '/api/auth/sign-in',
    {
      config: { policy: { kind: 'public' } },
      schema: {
        summary: 'Check a password; answers with a challenge for the second factor (and the secret to enrol on first sign-in)',
        tags: ['auth'],
        body: passwordBody,
        response: {
          200: {
            type: 'object',
            required: ['challenge', 'secondFactor', 'banner'],
            properties: {
              challenge: { type: 'string' },
              secondFactor: { type: 'string', enum: ['totp', 'enrol-totp'] },
              totpSecret: { type: 'string' },
              totpUri: { type: 'string' },
              banner: { type: 'string' },
            },
          },
        },
      },
    },
    async (request) => signInWithPassword(anonymousContext(deps), request.body as { username: string; password: string }),
  );

  app.post(
    '/api/auth/second-factor',
    {
      config: { policy: { kind: 'public' } },
      schema: {
        summary: 'Complete sign-in with the TOTP code and the acknowledged use banner; sets the session cookie',
        tags: ['auth'],
        body: secondFactorBody,
        response: {
          200: { type: 'object', required: ['user', 'expiresAt'], properties: { user: userShape, expiresAt: { type: 'string' } } },
        },
      },
    },
    async (request, reply) => {
      const signedIn = await completeSignIn(anonymousContext(deps), request.body as { challenge: string; code: string; acknowledgeBanner: boolean });
      setSessionCookie(reply, signedIn.token, deps.config.sessions.maxHours * 3600, request.protocol === 'https');
      return { user: signedIn.user, expiresAt: signedIn.expiresAt.toISOString() };
    },
  );

  app.post(
    '/api/auth/sign-out',
    { config: { policy: { kind: 'signed-in' } }, schema: { summary: 'End this session at once', tags: ['auth'], response: { 204: { type: 'null' } } } },
    async (request, reply) => {
      await signOut(requestContext(request, deps));
      setSessionCookie(reply, '', 0, request.protocol === 'https');
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { policy: { kind: 'signed-in' } },
      schema: {
        summary: 'Who is signed in',
        tags: ['auth'],
        response: {
          200: {
            type: 'object',
            required: ['userId', 'username', 'displayName', 'roles', 'organisation', 'compartments'],
            properties: {
              userId: { type: 'string' },
              username: { type: 'string' },
              displayName: { type: 'string' },
              sessionId: { type: ['string', 'null'] },
              roles: { type: 'array', items: { type: 'string' } },
              organisation: { type: 'string' },
              compartments: { type: 'array', items: { type: 'string' } },
            },
          },
        },
      },
    },
    async (request) => {
      const user = await deps.store.db.selectFrom('users').select(['username', 'display_name']).where('id', '=', request.actor.userId).executeTakeFirstOrThrow();
      return { ...request.actor, username: user.username, displayName: user.display_name };
    },
  );

  app.post(
    '/api/auth/tokens',
    {
      config: { policy: { kind: 'signed-in' } },
      schema: {
        summary: 'Create a bearer token for scripts; the token is shown only in this answer',
        tags: ['auth'],
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 2, maxLength: 100 }, expiresInDays: { type: 'integer', minimum: 1, maximum: 3650 } },
        },
        response: {
          201: { type: 'object', required: ['id', 'token'], properties: { id: { type: 'string' }, token: { type: 'string' }, expiresAt: { type: ['string', 'null'] } } },
        },
      },
    },
    async (request, reply) => {
      const created = await createApiToken(requestContext(request, deps), request.body as { name: string; expiresInDays?: number });
      return reply.status(201).send({ id: created.id, token: created.token, expiresAt: created.expiresAt?.toISOString() ?? null });
    },
  );

  app.delete(
    '/api/auth/tokens/:id',
    {
      config: { policy: { kind: 'signed-in' } },
      schema: {
        summary: 'Revoke a bearer token; it stops working at once',
        tags: ['auth'],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } },
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      await revokeApiToken(requestContext(request, deps), (request.params as { id: string }).id);
      return reply.status(204).send();
    },
  );
}
