import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppDeps } from '../../app-deps.js';

const healthResponse = {
  type: 'object',
  required: ['status', 'version', 'store'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'] },
    version: { type: 'string' },
    store: { type: 'string', enum: ['pglite', 'postgres'] },
    reads: { type: 'string', enum: ['replica', 'primary'], description: 'With a read replica: where search and graph reads go now (the primary while the replica cannot be reached)' },
  },
} as const;

/** GET /api/health: whether the server can reach its store, and with a replica where reads go (degraded while they fell back to the primary). */
export function healthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/api/health',
    {
      config: { policy: { kind: 'public' } },
      schema: { summary: 'Server and store health', tags: ['system'], response: { 200: healthResponse, 503: healthResponse } },
    },
    async (_request, reply) => {
      const reachable = await sql`select 1`.execute(deps.store.db).then(
        () => true,
        () => false,
      );
      const reads = deps.store.replicaState?.().reading;
      return reply
        .status(reachable ? 200 : 503)
        .send({ status: reachable && reads !== 'primary' ? 'ok' : 'degraded', version: deps.version, store: deps.store.kind, ...(reads !== undefined ? { reads } : {}) });
    },
  );
}
