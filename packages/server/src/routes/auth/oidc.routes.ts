import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import { ANONYMOUS, createContext, Invalid, signInWithOidc, Unauthenticated, type OidcSettings } from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { setSessionCookie } from './session-cookie.js';

const STATE_MS = 10 * 60_000;
const MAX_PENDING = 10_000;

interface Pending {
  verifier: string;
  nonce: string;
  redirectUri: string;
  returnTo: string;
  expires: number;
}

/** The address the provider sends users back to, as the browser reached this server. */
function callbackUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/api/auth/oidc/callback`;
}

/**
 * OpenID Connect sign-in (authorization code with PKCE): `/api/auth/oidc/start` sends the browser
 * to the provider, `/api/auth/oidc/callback` checks the answer, opens a session and returns to the
 * app. Registered only when the deployment configures a provider.
 */
export function oidcRoutes(app: FastifyInstance, deps: AppDeps, settings: OidcSettings, options: { allowInsecureIssuer?: boolean } = {}): void {
  let configuration: Promise<client.Configuration> | undefined;
  const discover = () => {
    configuration ??= client
      .discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, options.allowInsecureIssuer ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((error: unknown) => {
        configuration = undefined;
        throw error;
      });
    return configuration;
  };
  // Pending sign-ins live in this process for ten minutes (a deployment with several processes
  // routes a user's start and callback to the same one).
  const pending = new Map<string, Pending>();
  const sweep = () => {
    const now = Date.now();
    for (const [state, entry] of pending) if (entry.expires < now) pending.delete(state);
  };

  app.get(
    '/api/auth/oidc/start',
    {
      config: { policy: { kind: 'public' } },
      schema: {
        summary: 'Go to the single sign-on provider; the use banner must be acknowledged first',
        tags: ['auth'],
        querystring: {
          type: 'object',
          required: ['acknowledgeBanner'],
          properties: { acknowledgeBanner: { type: 'string', enum: ['true'] }, returnTo: { type: 'string', pattern: '^/[^/\\\\]', maxLength: 500 } },
        },
      },
    },
    async (request, reply) => {
      sweep();
      if (pending.size >= MAX_PENDING) throw new Invalid('too many sign-ins in progress; try again in a few minutes');
      const config = await discover();
      const query = request.query as { returnTo?: string };
      const state = client.randomState();
      const nonce = client.randomNonce();
      const verifier = client.randomPKCECodeVerifier();
      const redirectUri = callbackUrl(request);
      pending.set(state, { verifier, nonce, redirectUri, returnTo: query.returnTo ?? '/', expires: Date.now() + STATE_MS });
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid profile',
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      return reply.redirect(url.href, 303);
    },
  );

  app.get(
    '/api/auth/oidc/callback',
    {
      config: { policy: { kind: 'public' } },
      schema: { summary: 'Where the single sign-on provider returns; opens the session', tags: ['auth'] },
    },
    async (request, reply) => {
      const url = new URL(request.url, `${request.protocol}://${request.host}`);
      const state = url.searchParams.get('state') ?? '';
      const entry = pending.get(state);
      pending.delete(state);
      if (entry === undefined || entry.expires < Date.now()) throw new Unauthenticated('this sign-in is unknown or took too long; start again');
      const config = await discover();
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(config, new URL(`${entry.redirectUri}${url.search}`), {
          pkceCodeVerifier: entry.verifier,
          expectedState: state,
          expectedNonce: entry.nonce,
        });
      } catch (error) {
        request.log.warn({ err: error }, 'single sign-on answer refused');
        throw new Unauthenticated('the single sign-on provider did not confirm this sign-in');
      }
      const claims = tokens.claims();
      if (claims === undefined) throw new Unauthenticated('the single sign-on provider sent no identity');
      // Providers may keep profile claims out of the ID token; the user info endpoint has them.
      let preferred = typeof claims.preferred_username === 'string' ? claims.preferred_username : null;
      if (preferred === null) {
        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub).catch(() => undefined);
        preferred = typeof info?.preferred_username === 'string' ? info.preferred_username : null;
      }
      const signedIn = await signInWithOidc(createContext({ db: deps.store.db, actor: ANONYMOUS, config: deps.config }), {
        issuer: claims.iss,
        subject: claims.sub,
        preferredUsername: preferred,
        bannerAcknowledged: true,
      });
      setSessionCookie(reply, signedIn.token, deps.config.sessions.maxHours * 3600, request.protocol === 'https');
      return reply.redirect(entry.returnTo, 303);
    },
  );
}

