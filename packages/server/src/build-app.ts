import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { noConnectors, type AuditKeys, type ConnectorSet, type CoreConfig, type Store } from '@casegraph/core';
import type { AppDeps } from './app-deps.js';
import { DEFAULT_MAX_IN_FLIGHT, registerAdmission } from './plugins/admission.js';
import { registerErrorHandler } from './plugins/errors.js';
import { registerRoutePolicies } from './plugins/route-policy.js';
import { registerTextInputCheck } from './plugins/text-input.js';
import { authRoutes } from './routes/auth/auth.routes.js';
import { oidcRoutes } from './routes/auth/oidc.routes.js';
import { casesRoutes } from './routes/cases/cases.routes.js';
import { entitiesRoutes } from './routes/entities/entities.routes.js';
import { retentionRoutes, usersRoutes } from './routes/users/users.routes.js';
import { unlocksRoutes } from './routes/unlocks/unlocks.routes.js';
import { oversightRoutes } from './routes/oversight/oversight.routes.js';
import { importsRoutes } from './routes/imports/imports.routes.js';
import { sourcesRoutes } from './routes/sources/sources.routes.js';
import { connectorsRoutes } from './routes/connectors/connectors.routes.js';
import { searchRoutes } from './routes/search/search.routes.js';
import { yenteRoutes } from './routes/yente/yente.routes.js';
import { reviewRoutes } from './routes/review/review.routes.js';
import { healthRoutes } from './routes/health/health.routes.js';
import { purposesRoutes } from './routes/purposes/purposes.routes.js';
import { caseWorkRoutes } from './routes/case-work/case-work.routes.js';
import { evidenceRoutes } from './routes/evidence/evidence.routes.js';
import { timelineRoutes } from './routes/timeline/timeline.routes.js';
import { graphRoutes } from './routes/graph/graph.routes.js';
import { caseFileRoutes } from './routes/case-file/case-file.routes.js';
import { liveRoutes, type LiveRouteOptions } from './routes/live/live.routes.js';
import { VERSION } from './version.js';

/** Options for building the HTTP app. */
export interface BuildAppOptions {
  store: Store;
  config: CoreConfig;
  /** Folder of the built web app; when absent or missing, only the API is served. */
  webRoot?: string;
  /** Largest request body accepted, in bytes (default 1 MiB). */
  bodyLimit?: number;
  logger?: FastifyServerOptions['logger'];
  /** The deployment's keys: checkpoints are signed and the audit log verified with them. */
  keys?: AuditKeys;
  /** The deployment's open connectors (none when absent); the caller opens and closes them. */
  connectors?: ConnectorSet;
  /** Lets the single sign-on provider be reached over plain HTTP (tests with a local provider only). */
  allowInsecureOidc?: boolean;
  /** Live updates: this process's worker number (1 when not clustered) and the stream timing. */
  live?: LiveRouteOptions;
  /** API requests answered at once before more are refused as busy (503, Retry-After); default DEFAULT_MAX_IN_FLIGHT. */
  maxInFlight?: number;
}

/**
 * Builds the app without listening; tests call `app.inject()`, and only main listens.
 * @example const app = await buildApp({ store, config }); await app.ready();
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    // A busy machine (a restart after a crash, under load) can take more than Fastify's 10 s to register a plugin.
    pluginTimeout: 120_000,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
    requestIdHeader: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });
  const webRoot = options.webRoot !== undefined && existsSync(join(options.webRoot, 'index.html')) ? options.webRoot : undefined;
  const deps: AppDeps = { store: options.store, config: options.config, version: VERSION, ...(options.keys ? { keys: options.keys } : {}) };
  registerAdmission(app, { limit: options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT });
  registerRoutePolicies(app, deps, { publicFileRoutes: webRoot ? ['/*'] : [] });
  registerErrorHandler(app, { servesWebApp: webRoot !== undefined });
  registerTextInputCheck(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'casegraph API', version: VERSION, description: 'Investigative case management and link analysis.' },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  healthRoutes(app, deps);
  authRoutes(app, deps);
  if (options.config.oidc !== null) oidcRoutes(app, deps, options.config.oidc, { allowInsecureIssuer: options.allowInsecureOidc === true });
  casesRoutes(app, deps);
  caseWorkRoutes(app, deps);
  evidenceRoutes(app, deps);
  timelineRoutes(app, deps);
  graphRoutes(app, deps);
  caseFileRoutes(app, deps);
  entitiesRoutes(app, deps);
  searchRoutes(app, deps);
  yenteRoutes(app, deps);
  reviewRoutes(app, deps);
  usersRoutes(app, deps);
  unlocksRoutes(app, deps);
  oversightRoutes(app, deps);
  importsRoutes(app, deps);
  sourcesRoutes(app, deps);
  connectorsRoutes(app, deps, options.connectors ?? noConnectors());
  retentionRoutes(app, deps);
  purposesRoutes(app, deps);
  liveRoutes(app, deps, options.live);

  if (webRoot !== undefined) {
    await app.register(fastifyStatic, { root: webRoot, wildcard: true, index: ['index.html'] });
  }
  return app;
}

/** Where the built web app lives in this installation. */
export function defaultWebRoot(): string {
  return fileURLToPath(new URL('../../web/dist', import.meta.url));
}
