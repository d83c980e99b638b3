import type { FastifyInstance } from 'fastify';
import { caseTimeline, entityTimeline, MAX_TIMELINE_ITEMS, rolesFor, type TimelineFilters } from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext, type RoutePolicy } from '../../plugins/route-policy.js';
import { WHOLE_NUMBER, wholeNumber } from '../query-params.js';

const filters = {
  type: 'object',
  additionalProperties: false,
  properties: {
    types: { type: 'string', maxLength: 500 },
    from: { type: 'string', maxLength: 10 },
    to: { type: 'string', maxLength: 10 },
    limit: WHOLE_NUMBER,
  },
} as const;

const timeline = {
  type: 'object',
  required: ['items', 'total', 'notShown', 'truncated'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['at', 'kind', 'schema', 'entityId', 'title', 'participants', 'sourceId', 'statementIds'],
        properties: {
          at: { type: 'string' },
          end: { type: 'string' },
          kind: { type: 'string' },
          schema: { type: ['string', 'null'] },
          entityId: { type: ['string', 'null'] },
          title: { type: 'string' },
          participants: { type: 'array', items: { type: 'object', required: ['id', 'caption'], properties: { id: { type: 'string' }, caption: { type: 'string' } } } },
          sourceId: { type: ['string', 'null'] },
          statementIds: { type: 'array', items: { type: 'string' } },
          caseEventKind: { type: 'string' },
        },
      },
    },
    total: { type: 'integer' },
    notShown: { type: 'integer' },
    truncated: { type: 'boolean' },
  },
} as const;

type Query = { types?: string; from?: string; to?: string; limit?: string };

/** The filters of a timeline request: kinds as a comma-separated list, days as YYYY-MM-DD. */
function filtersOf(query: Query): TimelineFilters {
  return {
    ...(query.types !== undefined ? { types: query.types.split(',').map((t) => t.trim()).filter((t) => t !== '') } : {}),
    ...(query.from !== undefined ? { from: query.from } : {}),
    ...(query.to !== undefined ? { to: query.to } : {}),
    limit: wholeNumber(query.limit, 'limit', { min: 1, max: MAX_TIMELINE_ITEMS, fallback: 500 }),
  };
}

/** Timelines of an entity (across its cluster) and of a case (its events and its subjects'). */
export function timelineRoutes(app: FastifyInstance, deps: AppDeps): void {
  const policy: RoutePolicy = { kind: 'signed-in', roles: [...rolesFor('entity.read')], purpose: 'required' };
  const summary = 'types: comma-separated kinds (case-event, date, payment, call, trip, event or another FtM schema in lower case); from and to: YYYY-MM-DD, inclusive; limit up to 2000, the rest counted in notShown';

  app.get(
    '/api/entities/:id/timeline',
    {
      config: { policy },
      schema: {
        summary: `An entity's dates and the payments, calls, trips and events it takes part in, across its cluster. ${summary}`,
        tags: ['entities'],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 200 } } },
        querystring: filters,
        response: { 200: timeline },
      },
    },
    async (request) => entityTimeline(requestContext(request, deps), { entityId: (request.params as { id: string }).id, ...filtersOf(request.query as Query) }),
  );

  app.get(
    '/api/cases/:id/timeline',
    {
      config: { policy },
      schema: {
        summary: `A case's own events and the timelines of its subjects. ${summary}`,
        tags: ['cases'],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^C-\\d{4}-\\d{4,}$' } } },
        querystring: filters,
        response: { 200: timeline },
      },
    },
    async (request) => caseTimeline(requestContext(request, deps), { caseId: (request.params as { id: string }).id, ...filtersOf(request.query as Query) }),
  );
}
