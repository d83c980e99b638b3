import type { FastifyInstance } from 'fastify';
import { anomalyQueue, disclosuresOf, Invalid, signOffAnomaly, userActivity, verifyAuditLog, whoLookedUp, type AccessRecord } from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext, type RoutePolicy } from '../../plugins/route-policy.js';

const accessRecord = {
  type: 'object',
  required: ['seq', 'at', 'actorId', 'action', 'category', 'outcome'],
  properties: {
    seq: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    actorId: { type: 'string' },
    username: { type: ['string', 'null'] },
    action: { type: 'string' },
    category: { type: 'string' },
    caseId: { type: ['string', 'null'] },
    purpose: { type: ['string', 'null'] },
    justification: { type: ['string', 'null'] },
    outcome: { type: 'string' },
    terms: { type: ['string', 'null'] },
  },
} as const;

const records = { type: 'object', required: ['records'], properties: { records: { type: 'array', items: accessRecord } } } as const;
const subjectQuery = { type: 'object', required: ['subject'], properties: { subject: { type: 'string', minLength: 1, maxLength: 200 } } } as const;

/** Oversight: who looked up a subject, disclosures, a user's activity, the review queue, and the audit log's verification. */
export function oversightRoutes(app: FastifyInstance, deps: AppDeps): void {
  // Reports state the oversight purpose (no case) and are themselves audited.
  const policy: RoutePolicy = { kind: 'signed-in', roles: ['oversight'], purpose: 'required' };
  const wrap = (rows: AccessRecord[]) => ({ records: rows });

  app.get(
    '/api/oversight/lookups',
    { config: { policy }, schema: { summary: 'Who looked up this subject, when, for which case and purpose, and why', tags: ['oversight'], querystring: subjectQuery, response: { 200: records } } },
    async (request) =>
      wrap(await whoLookedUp(requestContext(request, deps), { subjectId: (request.query as { subject: string }).subject, ...(deps.keys ? { keys: deps.keys } : {}) })),
  );
  app.get(
    '/api/oversight/disclosures',
    { config: { policy }, schema: { summary: 'Every disclosure of this subject', tags: ['oversight'], querystring: subjectQuery, response: { 200: records } } },
    async (request) => wrap(await disclosuresOf(requestContext(request, deps), { subjectId: (request.query as { subject: string }).subject })),
  );
  app.get(
    '/api/oversight/activity',
    {
      config: { policy },
      schema: {
        summary: "One user's activity in a period",
        tags: ['oversight'],
        querystring: {
          type: 'object',
          required: ['username'],
          properties: { username: { type: 'string', maxLength: 63 }, from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' } },
        },
        response: { 200: records },
      },
    },
    async (request) => {
      const query = request.query as { username: string; from?: string; to?: string };
      return wrap(
        await userActivity(requestContext(request, deps), {
          username: query.username,
          ...(deps.keys ? { keys: deps.keys } : {}),
          ...(query.from ? { from: new Date(query.from) } : {}),
          ...(query.to ? { to: new Date(query.to) } : {}),
        }),
      );
    },
  );
  app.get(
    '/api/oversight/review-queue',
    {
      config: { policy },
      schema: {
        summary: 'Volume spikes and after-hours bulk reads, with their sign-offs',
        tags: ['oversight'],
        response: {
          200: {
            type: 'object',
            required: ['anomalies'],
            properties: {
              anomalies: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['id', 'kind', 'actorId', 'hour', 'reads', 'detail'],
                  properties: {
                    id: { type: 'string' },
                    kind: { type: 'string' },
                    actorId: { type: 'string' },
                    username: { type: ['string', 'null'] },
                    caseId: { type: 'string' },
                    hour: { type: 'string', format: 'date-time' },
                    reads: { type: 'integer' },
                    detail: { type: 'string' },
                    signedOff: {
                      anyOf: [
                        { type: 'null' },
                        { type: 'object', properties: { by: { type: 'string' }, at: { type: 'string', format: 'date-time' }, note: { type: 'string' } } },
                      ],
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => ({ anomalies: await anomalyQueue(requestContext(request, deps)) }),
  );
  app.post(
    '/api/oversight/review-queue/sign-off',
    {
      config: { policy },
      schema: {
        summary: 'Sign off an item of the review queue with what the review found',
        tags: ['oversight'],
        body: {
          type: 'object',
          required: ['anomalyId', 'note'],
          additionalProperties: false,
          properties: { anomalyId: { type: 'string', maxLength: 300 }, note: { type: 'string', minLength: 5, maxLength: 2000 } },
        },
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      await signOffAnomaly(requestContext(request, deps), request.body as { anomalyId: string; note: string });
      return reply.status(204).send();
    },
  );
  app.get(
    '/api/oversight/audit-status',
    {
      config: { policy: { kind: 'signed-in', roles: ['oversight', 'administrator'] } },
      schema: {
        summary: 'Recompute the audit tree and check it against every signed checkpoint',
        tags: ['oversight'],
        response: {
          200: {
            type: 'object',
            required: ['verified', 'events', 'root', 'checkpointsChecked', 'problems'],
            properties: {
              verified: { type: 'boolean' },
              events: { type: 'integer' },
              root: { type: 'string' },
              checkpointsChecked: { type: 'integer' },
              problems: { type: 'array', items: { type: 'object', properties: { kind: { type: 'string' }, message: { type: 'string' } } } },
            },
          },
        },
      },
    },
    async () => {
      if (deps.keys === undefined) throw new Invalid('this server has no checkpoint key configured, so the audit log cannot be verified here');
      const report = await verifyAuditLog(deps.store.db, { publicKey: deps.keys.signing.publicKey });
      return { verified: report.problems.length === 0, ...report };
    },
  );
}
