import type { FastifyInstance } from 'fastify';
import { applyRetention, releaseAccount, rolesFor, setAccountDisabled } from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext, type RoutePolicy } from '../../plugins/route-policy.js';

const username = { type: 'object', required: ['username'], properties: { username: { type: 'string', maxLength: 63 } } } as const;

/** Account administration: release a locked account, disable or enable one. */
export function usersRoutes(app: FastifyInstance, deps: AppDeps): void {
  const policy: RoutePolicy = { kind: 'signed-in', roles: rolesFor('user.manage') };
  app.post(
    '/api/users/:username/release',
    { config: { policy }, schema: { summary: 'Release a locked account', tags: ['users'], params: username, response: { 204: { type: 'null' } } } },
    async (request, reply) => {
      await releaseAccount(requestContext(request, deps), (request.params as { username: string }).username);
      return reply.status(204).send();
    },
  );
  for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
    app.post(
      `/api/users/:username/${verb}`,
      {
        config: { policy },
        schema: { summary: disabled ? 'Disable an account; its sessions and tokens end at once' : 'Enable an account', tags: ['users'], params: username, response: { 204: { type: 'null' } } },
      },
      async (request, reply) => {
        await setAccountDisabled(requestContext(request, deps), (request.params as { username: string }).username, disabled);
        return reply.status(204).send();
      },
    );
  }
}

/** Retention: erase what has passed its date (administrators; the server also runs it daily). */
export function retentionRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post(
    '/api/retention/apply',
    {
      config: { policy: { kind: 'signed-in', roles: ['administrator'] } },
      schema: {
        summary: 'Erase statements and cases past their retention date, unless a legal hold applies',
        tags: ['users'],
        response: {
          200: {
            type: 'object',
            required: ['statements', 'cases', 'heldStatements', 'heldCases'],
            properties: { statements: { type: 'integer' }, cases: { type: 'integer' }, heldStatements: { type: 'integer' }, heldCases: { type: 'integer' } },
          },
        },
      },
    },
    async (request) => applyRetention(requestContext(request, deps)),
  );
}
