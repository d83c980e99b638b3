import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app-deps.js';

const purposesResponse = {
  type: 'object',
  required: ['purposes'],
  properties: {
    purposes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'label', 'caseRequired'],
        properties: { code: { type: 'string' }, label: { type: 'string' }, caseRequired: { type: 'boolean' } },
      },
    },
  },
} as const;

/** GET /api/purposes: the purposes this deployment accepts, for the working-context bar. */
export function purposesRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/api/purposes',
    {
      config: { policy: { kind: 'public' } },
      schema: { summary: 'Purposes a search or read may state', tags: ['system'], response: { 200: purposesResponse } },
    },
    async () => ({ purposes: deps.config.purposes }),
  );
}
