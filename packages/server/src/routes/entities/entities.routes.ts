import type { FastifyInstance } from 'fastify';
import { getEntity, rolesFor } from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext } from '../../plugins/route-policy.js';

const value = {
  type: 'object',
  required: ['value', 'source', 'origin', 'firstSeen', 'lastSeen', 'statementId'],
  properties: {
    value: { type: 'string' },
    source: { type: 'string' },
    origin: { type: 'string' },
    firstSeen: { type: 'string', format: 'date-time' },
    lastSeen: { type: 'string', format: 'date-time' },
    statementId: { type: 'string' },
  },
} as const;

/** Entities: one entity assembled from the statements the caller may see. */
export function entitiesRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/api/entities/:id',
    {
      config: { policy: { kind: 'signed-in', roles: [...rolesFor('entity.read')], purpose: 'required' } },
      schema: {
        summary: 'An entity assembled from the statements the caller may see (a resolved record as its whole cluster), for the case and purpose in the request headers',
        tags: ['entities'],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 200 } } },
        response: {
          200: {
            type: 'object',
            required: ['id', 'schema', 'properties', 'sources'],
            properties: {
              id: { type: 'string' },
              schema: { type: 'string' },
              sources: { type: 'array', items: { type: 'string' } },
              records: { type: 'array', items: { type: 'string' } },
              properties: { type: 'object', additionalProperties: { type: 'array', items: value } },
            },
          },
        },
      },
    },
    async (request) => getEntity(requestContext(request, deps), (request.params as { id: string }).id),
  );
}
