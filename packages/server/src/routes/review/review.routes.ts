import type { FastifyInstance } from 'fastify';
import { judgePair, resolveEntities, reviewQueue, rolesFor, undoJudgment, type Verdict } from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext } from '../../plugins/route-policy.js';
import { WHOLE_NUMBER, wholeNumber } from '../query-params.js';

const value = {
  type: 'object',
  required: ['value', 'source', 'origin', 'firstSeen', 'lastSeen', 'statementId'],
  properties: { value: { type: 'string' }, source: { type: 'string' }, origin: { type: 'string' }, firstSeen: { type: 'string', format: 'date-time' }, lastSeen: { type: 'string', format: 'date-time' }, statementId: { type: 'string' } },
} as const;
const entity = {
  type: 'object',
  required: ['id', 'schema', 'sources', 'properties'],
  properties: { id: { type: 'string' }, schema: { type: 'string' }, sources: { type: 'array', items: { type: 'string' } }, properties: { type: 'object', additionalProperties: { type: 'array', items: value } } },
} as const;
const judgment = {
  type: 'object',
  required: ['id', 'a', 'b', 'verdict', 'reason', 'judgedBy', 'judgedAt', 'undoneAt'],
  properties: {
    id: { type: 'string' },
    a: { type: 'string' },
    b: { type: 'string' },
    verdict: { type: 'string' },
    reason: { type: 'string' },
    judgedBy: { type: 'string' },
    judgedAt: { type: 'string', format: 'date-time' },
    undoneAt: { type: ['string', 'null'], format: 'date-time' },
    clusterOfA: { type: 'string' },
    clusterOfB: { type: 'string' },
  },
} as const;
const reviewer = { kind: 'signed-in', roles: [...rolesFor('entity.read')], purpose: 'required' } as const;

/** Resolution: run it, review the uncertain pairs side by side, judge them and undo judgments. */
export function reviewRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/api/review/pairs',
    {
      config: { policy: reviewer },
      schema: {
        summary: 'Candidate pairs to review, most uncertain first, with both records and the weight each comparison contributed',
        tags: ['resolution'],
        querystring: { type: 'object', additionalProperties: false, properties: { limit: WHOLE_NUMBER } },
        response: {
          200: {
            type: 'object',
            required: ['pairs', 'total'],
            properties: {
              total: { type: 'integer' },
              pairs: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['a', 'b', 'probability', 'weight', 'contributions'],
                  properties: {
                    a: entity,
                    b: entity,
                    probability: { type: 'number' },
                    weight: { type: 'number' },
                    contributions: { type: 'array', items: { type: 'object', required: ['comparison', 'level', 'weight', 'explanation'], properties: { comparison: { type: 'string' }, level: { type: 'string' }, weight: { type: 'number' }, explanation: { type: 'string' } } } },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => reviewQueue(requestContext(request, deps), { limit: wholeNumber((request.query as { limit?: string }).limit, 'limit', { min: 1, max: 100, fallback: 20 }) }),
  );
  app.post(
    '/api/review/judgments',
    {
      config: { policy: reviewer },
      schema: {
        summary: 'Judge whether two records describe the same person or organisation; the clusters around them follow',
        tags: ['resolution'],
        body: {
          type: 'object',
          required: ['a', 'b', 'verdict', 'reason'],
          additionalProperties: false,
          properties: { a: { type: 'string', maxLength: 200 }, b: { type: 'string', maxLength: 200 }, verdict: { type: 'string', enum: ['positive', 'negative', 'unsure'] }, reason: { type: 'string', maxLength: 2000 } },
        },
        response: { 201: judgment },
      },
    },
    async (request, reply) => reply.status(201).send(await judgePair(requestContext(request, deps), request.body as { a: string; b: string; verdict: Verdict; reason: string })),
  );
  app.post(
    '/api/review/judgments/:id/undo',
    {
      config: { policy: reviewer },
      schema: { summary: 'Undo a judgment: it stays on record, marked undone, and a merge it made splits again', tags: ['resolution'], params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } }, response: { 200: judgment } },
    },
    async (request) => undoJudgment(requestContext(request, deps), (request.params as { id: string }).id),
  );
  app.post(
    '/api/resolve',
    {
      config: { policy: { kind: 'signed-in', roles: ['supervisor', 'administrator'], purpose: 'required' } },
      schema: {
        summary: 'Resolve the records the caller may see (or of the sources named) without labels',
        tags: ['resolution'],
        body: { type: 'object', additionalProperties: false, properties: { threshold: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, sources: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 63 } } } },
        response: {
          200: { type: 'object', required: ['records', 'pairs', 'linked', 'clusters', 'merged', 'skippedBlocks'], properties: { records: { type: 'integer' }, pairs: { type: 'integer' }, linked: { type: 'integer' }, clusters: { type: 'integer' }, merged: { type: 'integer' }, skippedBlocks: { type: 'integer' } } },
        },
      },
    },
    async (request) => {
      const body = (request.body ?? {}) as { threshold?: number; sources?: string[] };
      return resolveEntities(requestContext(request, deps), body);
    },
  );
}
