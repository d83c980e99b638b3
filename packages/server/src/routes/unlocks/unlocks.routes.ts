import type { FastifyInstance } from 'fastify';
import { decideUnlock, listUnlocks, requestUnlock, UNLOCKABLE } from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext } from '../../plugins/route-policy.js';

const unlock = {
  type: 'object',
  required: ['id', 'caseId', 'categories', 'reason', 'hours', 'requestedBy', 'status'],
  properties: {
    id: { type: 'string' },
    caseId: { type: 'string' },
    categories: { type: 'array', items: { type: 'string' } },
    reason: { type: 'string' },
    hours: { type: 'integer' },
    requestedBy: { type: 'string' },
    status: { type: 'string' },
    decidedBy: { type: ['string', 'null'] },
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const caseParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^C-\\d{4}-\\d{4,}$' } } } as const;

/** Sensitive-category unlocks: a case member asks, a supervisor who did not ask decides. */
export function unlocksRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post(
    '/api/cases/:id/unlocks',
    {
      config: { policy: { kind: 'signed-in', roles: ['analyst', 'supervisor'] } },
      schema: {
        summary: 'Ask for sensitive categories to be shown for this case for some hours',
        tags: ['cases'],
        params: caseParams,
        body: {
          type: 'object',
          required: ['categories', 'reason', 'hours'],
          additionalProperties: false,
          properties: {
            categories: { type: 'array', minItems: 1, items: { type: 'string', enum: [...UNLOCKABLE] } },
            reason: { type: 'string', minLength: 10, maxLength: 2000 },
            hours: { type: 'integer', minimum: 1, maximum: 168 },
          },
        },
        response: { 201: unlock },
      },
    },
    async (request, reply) => {
      const body = request.body as { categories: string[]; reason: string; hours: number };
      return reply.status(201).send(await requestUnlock(requestContext(request, deps), { caseId: (request.params as { id: string }).id, ...body }));
    },
  );
  app.get(
    '/api/cases/:id/unlocks',
    {
      config: { policy: { kind: 'signed-in' } },
      schema: { summary: "The case's unlocks", tags: ['cases'], params: caseParams, response: { 200: { type: 'object', required: ['unlocks'], properties: { unlocks: { type: 'array', items: unlock } } } } },
    },
    async (request) => ({ unlocks: await listUnlocks(requestContext(request, deps), (request.params as { id: string }).id) }),
  );
  app.post(
    '/api/unlocks/:id/decision',
    {
      config: { policy: { kind: 'signed-in', roles: ['supervisor'] } },
      schema: {
        summary: 'Approve or refuse an unlock (a supervisor who did not ask for it)',
        tags: ['cases'],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } },
        body: { type: 'object', required: ['approve'], additionalProperties: false, properties: { approve: { type: 'boolean' } } },
        response: { 200: unlock },
      },
    },
    async (request) => decideUnlock(requestContext(request, deps), { unlockId: (request.params as { id: string }).id, approve: (request.body as { approve: boolean }).approve }),
  );
}
