import type { FastifyInstance } from 'fastify';
import {
  addCaseMember,
  CASE_ROLES,
  CASE_STATUSES,
  changeCaseStatus,
  changeMemberRole,
  createCase,
  DISPOSITIONS,
  getCase,
  listCases,
  listCaseTemplates,
  removeCaseMember,
  rolesFor,
  type NewCase,
} from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext } from '../../plugins/route-policy.js';
import { WHOLE_NUMBER, wholeNumber } from '../query-params.js';

/** The pattern of a case number. */
export const CASE_ID_PATTERN = '^C-\\d{4}-\\d{4,}$';

const caseId = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: CASE_ID_PATTERN } } } as const;
const caseMember = {
  type: 'object',
  required: ['id', 'userId'],
  properties: { id: { type: 'string', pattern: CASE_ID_PATTERN }, userId: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;
const nullableDate = { type: ['string', 'null'], format: 'date-time' } as const;
const textMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

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
      items: {
        type: 'object',
        required: ['userId', 'username', 'role'],
        properties: { userId: { type: 'string' }, username: { type: 'string' }, displayName: { type: 'string' }, role: { type: 'string' } },
      },
    },
    disposition: { type: ['string', 'null'] },
    closedAt: nullableDate,
    closedBy: { type: ['string', 'null'] },
    template: { type: ['string', 'null'] },
    fields: textMap,
    summary: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const caseListItem = {
  type: 'object',
  required: ['id', 'title', 'status', 'ownerName', 'subjects', 'openTasks', 'overdueTasks', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'string' },
    disposition: { type: ['string', 'null'] },
    purpose: { type: 'string' },
    organisation: { type: 'string' },
    markings: { type: 'array', items: { type: 'string' } },
    ownerId: { type: 'string' },
    ownerName: { type: 'string' },
    template: { type: ['string', 'null'] },
    subjects: { type: 'integer' },
    openTasks: { type: 'integer' },
    overdueTasks: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const TEAM_ROLES = ['analyst', 'supervisor', 'administrator'] as const;

/** Cases: templates, list, open, read, workflow and team. */
export function casesRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/api/case-templates',
    {
      config: { policy: { kind: 'signed-in' } },
      schema: {
        summary: 'The built-in case templates: the fields each asks for and the tasks it starts with',
        tags: ['cases'],
        response: {
          200: {
            type: 'object',
            required: ['templates'],
            properties: {
              templates: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['id', 'name', 'description', 'fields', 'tasks'],
                  properties: {
                    id: { type: 'string' },
                    name: { type: 'string' },
                    description: { type: 'string' },
                    fields: { type: 'array', items: { type: 'object', required: ['key', 'label', 'required'], properties: { key: { type: 'string' }, label: { type: 'string' }, required: { type: 'boolean' } } } },
                    tasks: { type: 'array', items: { type: 'object', required: ['title', 'dueInDays'], properties: { title: { type: 'string' }, dueInDays: { type: 'integer' } } } },
                  },
                },
              },
            },
          },
        },
      },
    },
    async () => ({ templates: listCaseTemplates() }),
  );

  app.get(
    '/api/cases',
    {
      config: { policy: { kind: 'signed-in' } },
      schema: {
        summary: 'The cases the caller may see, newest first, closed and archived ones included',
        tags: ['cases'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { status: { type: 'string', enum: [...CASE_STATUSES] }, q: { type: 'string', maxLength: 300 }, limit: WHOLE_NUMBER },
        },
        response: { 200: { type: 'object', required: ['cases'], properties: { cases: { type: 'array', items: caseListItem } } } },
      },
    },
    async (request) => {
      const query = request.query as { status?: string; q?: string; limit?: string };
      return listCases(requestContext(request, deps), { status: query.status, q: query.q, limit: wholeNumber(query.limit, 'limit', { min: 1, max: 500, fallback: 50 }) });
    },
  );

  app.post(
    '/api/cases',
    {
      config: { policy: { kind: 'signed-in', roles: [...rolesFor('case.create')] } },
      schema: {
        summary: 'Open a case, from a template if given; the caller becomes its owner',
        tags: ['cases'],
        body: {
          type: 'object',
          required: ['title'],
          additionalProperties: false,
          properties: {
            title: { type: 'string', minLength: 1, maxLength: 300 },
            purpose: { type: 'string', maxLength: 63 },
            markings: { type: 'array', items: { type: 'string', maxLength: 63 }, maxItems: 20 },
            template: { type: 'string', maxLength: 63 },
            fields: { type: 'object', additionalProperties: { type: 'string', maxLength: 2000 }, maxProperties: 50 },
            summary: { type: 'string', maxLength: 10000 },
          },
        },
        response: {
          201: {
            type: 'object',
            required: ['id', 'title', 'status'],
            properties: { id: { type: 'string' }, title: { type: 'string' }, status: { type: 'string' }, template: { type: ['string', 'null'] }, tasks: { type: 'integer' }, fields: textMap },
          },
        },
      },
    },
    async (request, reply) => {
      const created = await createCase(requestContext(request, deps), request.body as NewCase);
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
    '/api/cases/:id/status',
    {
      config: { policy: { kind: 'signed-in' } },
      schema: {
        summary: 'Move a case along its workflow; closing (with a disposition), reopening and archiving are for its owner or a supervisor',
        tags: ['cases'],
        params: caseId,
        body: {
          type: 'object',
          required: ['status'],
          additionalProperties: false,
          properties: { status: { type: 'string', maxLength: 30 }, disposition: { type: 'string', enum: [...DISPOSITIONS] } },
        },
        response: {
          200: {
            type: 'object',
            required: ['caseId', 'from', 'status'],
            properties: { caseId: { type: 'string' }, from: { type: 'string' }, status: { type: 'string' }, disposition: { type: ['string', 'null'] }, closedAt: nullableDate, closedBy: { type: ['string', 'null'] } },
          },
        },
      },
    },
    async (request) => {
      const body = request.body as { status: string; disposition?: string };
      return changeCaseStatus(requestContext(request, deps), { caseId: (request.params as { id: string }).id, ...body });
    },
  );

  app.post(
    '/api/cases/:id/members',
    {
      config: { policy: { kind: 'signed-in', roles: [...TEAM_ROLES] } },
      schema: {
        summary: "Add a user to the case's team with a role (its owner or a supervisor of its organisation); an observer may only read",
        tags: ['cases'],
        params: caseId,
        body: {
          type: 'object',
          required: ['username'],
          additionalProperties: false,
          properties: { username: { type: 'string', maxLength: 63 }, role: { type: 'string', enum: [...CASE_ROLES] } },
        },
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      const body = request.body as { username: string; role?: (typeof CASE_ROLES)[number] };
      await addCaseMember(requestContext(request, deps), { caseId: (request.params as { id: string }).id, ...body });
      return reply.status(204).send();
    },
  );

  app.patch(
    '/api/cases/:id/members/:userId',
    {
      config: { policy: { kind: 'signed-in', roles: [...TEAM_ROLES] } },
      schema: {
        summary: "Change a team member's role (its owner or a supervisor of its organisation); the last owner keeps the role",
        tags: ['cases'],
        params: caseMember,
        body: { type: 'object', required: ['role'], additionalProperties: false, properties: { role: { type: 'string', enum: [...CASE_ROLES] } } },
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      const params = request.params as { id: string; userId: string };
      await changeMemberRole(requestContext(request, deps), { caseId: params.id, userId: params.userId, role: (request.body as { role: (typeof CASE_ROLES)[number] }).role });
      return reply.status(204).send();
    },
  );

  app.delete(
    '/api/cases/:id/members/:userId',
    {
      config: { policy: { kind: 'signed-in', roles: [...TEAM_ROLES] } },
      schema: {
        summary: "Take a user off the case's team (its owner or a supervisor of its organisation); the last owner stays",
        tags: ['cases'],
        params: caseMember,
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      const params = request.params as { id: string; userId: string };
      await removeCaseMember(requestContext(request, deps), { caseId: params.id, userId: params.userId });
      return reply.status(204).send();
    },
  );
}
