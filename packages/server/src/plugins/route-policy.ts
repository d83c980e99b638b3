import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { ANONYMOUS, authenticate, createContext, Forbidden, Invalid, PurposeRequired, recordDenial, Unauthenticated, type Actor, type Ctx, type Purpose, type Role } from '@casegraph/core';
import type { AppDeps } from '../app-deps.js';

/**
 * Who may call a route. Every route declares one; a route without one stops the app from
 * starting. `roles` lists the roles allowed (any signed-in user when absent); `purpose` says
 * whether the request must state a case, purpose and justification (routes that read personal
 * data), which core checks before any query.
 */
export type RoutePolicy =
  | { kind: 'public' }
  | { kind: 'signed-in'; roles?: readonly Role[]; purpose?: 'required' };

/** A registered route and the policy it declared. */
export interface RouteEntry {
  method: string;
  url: string;
  policy: RoutePolicy;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    policy?: RoutePolicy;
  }
  interface FastifyInstance {
    /** Every route with its access policy, filled as routes register. */
    routeTable: RouteEntry[];
  }
  interface FastifyRequest {
    /** Who is calling: the signed-in user, or the anonymous actor on public routes. */
    actor: Actor;
  }
}

/** Routes that plugins add for the API documentation, which anyone may read. */
const DOC_PREFIX = '/api/docs';

/** The cookie a browser session travels in. */
export const SESSION_COOKIE = 'casegraph_session';

/** Headers a request states its working context in (values URI-encoded). */
export const PURPOSE_HEADERS = { caseId: 'casegraph-case', code: 'casegraph-purpose', justification: 'casegraph-justification' } as const;

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** The session or bearer token a request carries, if any. */
export function requestToken(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    return match?.[1] ?? '';
  }
  return cookieValue(request.headers.cookie, SESSION_COOKIE);
}

function headerText(request: FastifyRequest, name: string): string | null {
  const raw = request.headers[name];
  if (typeof raw !== 'string' || raw === '') return null;
  let text = raw;
  try {
    text = decodeURIComponent(raw);
  } catch {
    // Not URI-encoded after all: taken as written.
  }
  // The purpose is stored with every audit event, and the store cannot hold U+0000.
  if (text.includes('\u0000')) throw new Invalid(`the ${name} header may not contain the NUL character (U+0000)`);
  return text;
}

/** The purpose a request states in its headers, or null when it states none. */
export function requestPurpose(request: FastifyRequest): Purpose | null {
  const code = headerText(request, PURPOSE_HEADERS.code);
  const caseId = headerText(request, PURPOSE_HEADERS.caseId);
  const justification = headerText(request, PURPOSE_HEADERS.justification);
  if (code === null && caseId === null && justification === null) return null;
  return { code: code ?? '', caseId, justification: justification ?? '' };
}

/** The call context for a request: its actor, its stated purpose, the store and config. */
export function requestContext(request: FastifyRequest, deps: AppDeps): Ctx {
  return createContext({ db: deps.store.db, readDb: deps.store.readDb, auditBatch: deps.store.auditBatch, actor: request.actor, config: deps.config, purpose: requestPurpose(request) });
}

/**
 * Fails registration of any route without an access policy, and enforces the policy per request:
 * authenticates the caller, then checks the roles the route allows. A caller without the role
 * gets 403, recorded as a denial by the route's use case or here.
 */
export function registerRoutePolicies(app: FastifyInstance, deps: AppDeps, options: { publicFileRoutes: string[] }): void {
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
  app.decorateRequest('actor', { getter: () => ANONYMOUS });
  app.addHook('onRoute', (route: RouteOptions) => {
    const config = (route.config ?? {}) as { policy?: RoutePolicy };
    const url = route.url;
    let policy = config.policy;
    if (policy === undefined && (url.startsWith(DOC_PREFIX) || options.publicFileRoutes.includes(url))) {
      policy = { kind: 'public' };
      route.config = { ...config, policy };
    }
    if (policy === undefined) throw new Error(`route ${String(route.method)} ${url} declares no access policy`);
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) table.push({ method: String(method), url, policy });
  });
  app.addHook('onRequest', async (request) => {
    const policy = request.routeOptions.config.policy;
    if (policy === undefined || policy.kind === 'public') return;
    // A purpose the store cannot record is refused before anything is done or recorded under it.
    const purpose = requestPurpose(request);
    const token = requestToken(request);
    if (token === undefined) throw new Unauthenticated('sign in first: this needs a session or a bearer token');
    // A request under a case has the case checked with the session, in the same query.
    const underCase = purpose?.caseId === null || purpose?.caseId === undefined ? undefined : { caseId: purpose.caseId, code: purpose.code };
    const actor = await authenticate({ db: deps.store.db, sessionTouches: deps.store.sessionTouches, now: () => new Date(), config: deps.config }, token, underCase);
    Object.defineProperty(request, 'actor', { value: actor, enumerable: true });
    const action = { action: `${request.method} ${request.routeOptions.url ?? ''}`, category: 'denial' } as const;
    if (policy.roles !== undefined && !actor.roles.some((role) => policy.roles?.includes(role))) {
      const error = new Forbidden(`this needs the role ${policy.roles.join(' or ')}`);
      await recordDenial(requestContext(request, deps), action, error);
      throw error;
    }
    if (policy.purpose === 'required' && requestPurpose(request) === null) {
      // Refused before the route's use case runs any query; the refusal is recorded.
      const error = new PurposeRequired('this reads personal data: state the case, purpose and justification (casegraph-case, casegraph-purpose, casegraph-justification headers)');
      await recordDenial(requestContext(request, deps), action, error);
      throw error;
    }
  });
}
