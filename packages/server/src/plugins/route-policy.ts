import type { FastifyInstance, RouteOptions } from 'fastify';
import { Unauthenticated, type Role } from '@casegraph/core';

/** Who may call a route. Every route declares one; a route without one stops the app from starting. */
export type RoutePolicy = { kind: 'public' } | { kind: 'roles'; roles: Role[] };

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
}

/** Routes that plugins add for the API documentation, which anyone may read. */
const DOC_PREFIX = '/api/docs';

/** Fails registration of any route without an access policy, and enforces the policy per request. */
export function registerRoutePolicies(app: FastifyInstance, options: { publicFileRoutes: string[] }): void {
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
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
    // Sign-in arrives with the accountability work; until then only public routes answer.
    throw new Unauthenticated('sign in first');
  });
}
