import type { FastifyInstance } from 'fastify';
import { listSources, registerSource, SENSITIVE_CATEGORIES, type SourcePolicy } from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext } from '../../plugins/route-policy.js';

const source = {
  type: 'object',
  required: ['id', 'name', 'owner', 'legalBasis', 'purposes', 'markings', 'retentionDays', 'sensitiveCategories', 'mayCombine'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    owner: { type: 'string' },
    legalBasis: { type: 'string' },
    purposes: { type: 'array', items: { type: 'string' } },
    markings: { type: 'array', items: { type: 'string' } },
    retentionDays: { type: ['integer', 'null'] },
    sensitiveCategories: { type: 'array', items: { type: 'string' } },
    mayCombine: { type: 'boolean' },
    contact: { type: ['string', 'null'] },
    description: { type: ['string', 'null'] },
  },
} as const;

/** Sources: list them, and register one with its policy (administrators). */
export function sourcesRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/api/sources',
    { config: { policy: { kind: 'signed-in' } }, schema: { summary: 'Registered sources and their policies', tags: ['sources'], response: { 200: { type: 'object', required: ['sources'], properties: { sources: { type: 'array', items: source } } } } } },
    async () => ({ sources: await listSources(deps.store.db) }),
  );
  app.post(
    '/api/sources',
    {
      config: { policy: { kind: 'signed-in', roles: ['administrator'] } },
      schema: {
        summary: 'Register a source with its policy: legal basis, allowed purposes, markings, retention, sensitive categories, whether it may be combined',
        tags: ['sources'],
        body: {
          type: 'object',
          required: ['id', 'name', 'legalBasis', 'purposes'],
          additionalProperties: false,
          properties: {
            id: { type: 'string', maxLength: 63 },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            owner: { type: 'string', maxLength: 200 },
            legalBasis: { type: 'string', minLength: 1, maxLength: 2000 },
            purposes: { type: 'array', minItems: 1, items: { type: 'string', maxLength: 63 } },
            markings: { type: 'array', items: { type: 'string', maxLength: 64 } },
            retentionDays: { type: 'integer', minimum: 1, maximum: 36500 },
            sensitiveCategories: { type: 'array', items: { type: 'string', enum: [...SENSITIVE_CATEGORIES] } },
            mayCombine: { type: 'boolean' },
            contact: { type: 'string', maxLength: 500 },
            description: { type: 'string', maxLength: 4000 },
          },
        },
        response: { 201: source },
      },
    },
    async (request, reply) => reply.status(201).send(await registerSource(requestContext(request, deps), request.body as SourcePolicy)),
  );
}
