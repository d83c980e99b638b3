import type { FastifyInstance } from 'fastify';
import { addCaseMember, createCase, getCase, rolesFor } from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext } from '../../plugins/route-policy.js';

const caseId = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^C-\\d{4}-\\d{4,}$' } } } as const;

const caseView = {
  type: 'object',
  required: ['id', 'title', 'status', 'purpose', 'organisation', 'markings', 'ownerId', 'members', 'createdAt'],
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'string' },
    purpose: { type: 'string' },
    organisation: { type: 'string' },
    markings: { type: 'array', items: { type: 'string' } },
    ownerId: { type: 'string' },
    members: {
      type: 'array',
      items: { type: 'object', required: ['userId', 'username', 'role'], properties: { userId: { type: 'string' }, username: { type: 'string' }, role: { type: 'string' } } },
    },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** Cases: open one, read one, add a member. */
export function casesRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post(
    '/api/cases',
    {
      config: { policy: { kind: 'signed-in', roles: [...rolesFor('case.create')] } },
      schema: {
        summary: 'Open a case; the caller becomes its owner',
        tags: ['cases'],
        body: {
          type: 'object',
          required: ['title'],
          additionalProperties: false,
          properties: {
            title: { type: 'string', minLength: 1, maxLength: 300 },
            purpose: { type: 'string', maxLength: 63 },
            markings: { type: 'array', items: { type: 'string', maxLength: 63 }, maxItems: 20 },
          },
        },
        response: { 201: { type: 'object', required: ['id', 'title', 'status'], properties: { id: { type: 'string' }, title: { type: 'string' }, status: { type: 'string' } } } },
      },
    },
    async (request, reply) => {
      const created = await createCase(requestContext(request, deps), request.body as { title: string; purpose?: string; markings?: string[] });
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/cases/:id',
    {
      config: { policy: { kind: 'signed-in' } },
      schema: { summary: 'A case and its team; a case the caller may not see is answered as one that does not exist', tags: ['cases'], params: caseId, response: { 200: caseView } },
    },
    async (request) => getCase(requestContext(request, deps), (request.params as { id: string }).id),
  );

  app.post(
    '/api/cases/:id/members',
    {
      config: { policy: { kind: 'signed-in', roles: ['analyst', 'supervisor', 'administrator'] } },
      schema: {
        summary: "Add a user to the case's team (its owner or a supervisor of its organisation)",
        tags: ['cases'],
        params: caseId,
        body: {
          type: 'object',
          required: ['username'],
          additionalProperties: false,
          properties: { username: { type: 'string', maxLength: 63 }, role: { type: 'string', enum: ['owner', 'member'] } },
        },
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      const body = request.body as { username: string; role?: 'owner' | 'member' };
      await addCaseMember(requestContext(request, deps), { caseId: (request.params as { id: string }).id, ...body });
      return reply.status(204).send();
    },
  );
}
