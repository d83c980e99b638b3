import type { FastifyInstance } from 'fastify';
import { CONNECTOR_QUERY_KINDS, fetchFromConnector, rolesFor, sealTerms, searchConnectors, StoreUnavailable, type ConnectorQueryKind, type ConnectorSet } from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext } from '../../plugins/route-policy.js';

const entity = {
  type: 'object',
  required: ['id', 'schema', 'properties', 'provenance'],
  properties: {
    id: { type: 'string' },
    schema: { type: 'string' },
    properties: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    provenance: {
      type: 'object',
      required: ['source', 'connector', 'retrievedAt', 'origin'],
      properties: {
        source: { type: 'string' },
        connector: { type: 'string' },
        retrievedAt: { type: 'string', format: 'date-time' },
        origin: { type: 'array', items: { type: 'string' } },
        url: { type: 'string' },
      },
    },
  },
} as const;

const outcome = {
  type: 'object',
  required: ['connector', 'source', 'status', 'results', 'ms', 'message'],
  properties: {
    connector: { type: 'string' },
    source: { type: 'string' },
    status: { type: 'string', enum: ['ok', 'cached', 'failed', 'timeout', 'skipped'] },
    results: { type: 'integer' },
    ms: { type: 'integer' },
    message: { type: ['string', 'null'] },
  },
} as const;

/** Connectors: ask external systems live, in parallel, under the caller's case and purpose. */
export function connectorsRoutes(app: FastifyInstance, deps: AppDeps, connectors: ConnectorSet): void {
  const seal = (terms: string): string => {
    if (deps.keys === undefined) throw new StoreUnavailable('this server has no key to seal query terms with, so it cannot ask connectors');
    return sealTerms(deps.keys, terms);
  };
  app.get(
    '/api/connectors',
    {
      config: { policy: { kind: 'signed-in', roles: [...rolesFor('entity.read')] } },
      schema: {
        summary: 'The connectors of this deployment: their kind, source and the query kinds they answer',
        tags: ['connectors'],
        response: {
          200: {
            type: 'object',
            required: ['connectors'],
            properties: {
              connectors: {
                type: 'array',
                items: { type: 'object', required: ['id', 'kind', 'source', 'answers'], properties: { id: { type: 'string' }, kind: { type: 'string' }, source: { type: 'string' }, answers: { type: 'array', items: { type: 'string' } } } },
              },
            },
          },
        },
      },
    },
    async () => ({ connectors: connectors.connectors.map(({ connector }) => ({ id: connector.id, kind: connector.kind, source: connector.source, answers: [...connector.answers] })) }),
  );
  app.post(
    '/api/connectors/search',
    {
      config: { policy: { kind: 'signed-in', roles: [...rolesFor('entity.read')], purpose: 'required' } },
      schema: {
        summary: 'Ask every connector (or those named) in parallel; the answer says which failed or timed out',
        tags: ['connectors'],
        body: {
          type: 'object',
          required: ['kind', 'value'],
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: [...CONNECTOR_QUERY_KINDS] },
            value: { type: 'string', minLength: 1, maxLength: 500 },
            schema: { type: 'string', maxLength: 64 },
            limit: { type: 'integer', minimum: 1, maximum: 100 },
            connectors: { type: 'array', items: { type: 'string', maxLength: 63 }, maxItems: 50 },
          },
        },
        response: { 200: { type: 'object', required: ['entities', 'connectors'], properties: { entities: { type: 'array', items: entity }, connectors: { type: 'array', items: outcome } } } },
      },
    },
    async (request) => {
      const body = request.body as { kind: ConnectorQueryKind; value: string; schema?: string; limit?: number; connectors?: string[] };
      return searchConnectors(requestContext(request, deps), connectors, { query: { kind: body.kind, value: body.value, schema: body.schema, limit: body.limit }, only: body.connectors }, seal);
    },
  );
  app.get(
    '/api/connectors/:connector/entities/:id',
    {
      config: { policy: { kind: 'signed-in', roles: [...rolesFor('entity.read')], purpose: 'required' } },
      schema: {
        summary: 'Fetch one entity again from the connector that returned it',
        tags: ['connectors'],
        params: { type: 'object', required: ['connector', 'id'], properties: { connector: { type: 'string', maxLength: 63 }, id: { type: 'string', maxLength: 200 } } },
        response: { 200: entity },
      },
    },
    async (request) => {
      const params = request.params as { connector: string; id: string };
      return fetchFromConnector(requestContext(request, deps), connectors, { connector: params.connector, id: params.id });
    },
  );
}
