import type { FastifyInstance } from 'fastify';
import { anomalyQueue, auditLogStatus, disclosuresOf, Invalid, signOffAnomaly, userActivity, whoLookedUp, type AccessRecord } from '@casegraph/core';
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

/** The least time between two full verifications of the audit log asked for over HTTP. */
const FULL_VERIFY_INTERVAL_MS = 60_000;

/** Oversight: who looked up a subject, disclosures, a user's activity, the review queue, and the audit log's verification. */
export function oversightRoutes(app: FastifyInstance, deps: AppDeps): void {
  // Reports state the oversight purpose (no case) and are themselves audited.
  const policy: RoutePolicy = { kind: 'signed-in', roles: ['oversight'], purpose: 'required' };
  const wrap = (rows: AccessRecord[]) => ({ records: rows });
  const fullVerification: { running: boolean; last: { at: Date; verified: boolean; events: number } | null } = { running: false, last: null };

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
        summary: 'The audit log\'s status: from the stored head and signed checkpoints, or with scope=full by recomputing the whole tree from every event',
        tags: ['oversight'],
        querystring: { type: 'object', additionalProperties: false, properties: { scope: { type: 'string', enum: ['head', 'full'] } } },
        response: {
          200: {
            type: 'object',
            required: ['scope', 'verified', 'checkedAt', 'events', 'root', 'checkpointsChecked', 'newestCheckpoint', 'eventsSinceCheckpoint', 'problems', 'summary'],
            properties: {
              scope: { type: 'string', enum: ['head', 'full'] },
              verified: { type: 'boolean' },
              checkedAt: { type: 'string', format: 'date-time' },
              events: { type: 'integer' },
              root: { type: 'string' },
              checkpointsChecked: { type: 'integer' },
              newestCheckpoint: {
                type: ['object', 'null'],
                required: ['treeSize', 'signedAt'],
                properties: { treeSize: { type: 'integer' }, signedAt: { type: 'string', format: 'date-time' } },
              },
              eventsSinceCheckpoint: { type: 'integer' },
              consistencyProofs: { type: 'integer' },
              inclusionProofs: { type: 'integer' },
              problems: { type: 'array', items: { type: 'object', properties: { kind: { type: 'string' }, message: { type: 'string' } } } },
              summary: { type: 'string' },
              lastFullVerification: {
                description: 'The last full verification this server ran, if any since it started',
                type: ['object', 'null'],
                required: ['at', 'verified', 'events'],
                properties: { at: { type: 'string', format: 'date-time' }, verified: { type: 'boolean' }, events: { type: 'integer' } },
              },
            },
          },
          429: { type: 'object', required: ['error', 'message'], properties: { error: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' } } },
        },
      },
    },
    async (request, reply) => {
      if (deps.keys === undefined) throw new Invalid('this server has no checkpoint key configured, so the audit log cannot be verified here');
      const scope = (request.query as { scope?: 'head' | 'full' }).scope ?? 'head';
      if (scope === 'full') {
        // Recomputing the tree reads every event: one at a time, and at most once a minute per server.
        const now = Date.now();
        if (fullVerification.running || (fullVerification.last !== null && now - fullVerification.last.at.getTime() < FULL_VERIFY_INTERVAL_MS)) {
          const last = fullVerification.last;
          const message = fullVerification.running
            ? 'a full verification of the audit log is already running; ask again when it has finished'
            : `the audit log was fully verified at ${last?.at.toISOString()} (${last?.verified === true ? 'no problem found' : 'problems found'}); a full verification may run once a minute, or use casegraph audit verify`;
          return reply.status(429).send({ error: 'too-many', message, requestId: request.id });
        }
        fullVerification.running = true;
        try {
          const status = await auditLogStatus(deps.store.db, { publicKey: deps.keys.signing.publicKey, scope });
          fullVerification.last = { at: status.checkedAt, verified: status.verified, events: status.events };
          return { ...status, lastFullVerification: fullVerification.last };
        } finally {
          fullVerification.running = false;
        }
      }
      const status = await auditLogStatus(deps.store.db, { publicKey: deps.keys.signing.publicKey, scope });
      return { ...status, lastFullVerification: fullVerification.last };
    },
  );
}
