import type { FastifyInstance } from 'fastify';
import { rolesFor, sealTerms, searchEntities, StoreUnavailable } from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext } from '../../plugins/route-policy.js';
import { WHOLE_NUMBER, wholeNumber } from '../query-params.js';

const facet = { type: 'array', items: { type: 'object', required: ['value', 'count'], properties: { value: { type: 'string' }, count: { type: 'integer' } } } } as const;

const hit = {
  type: 'object',
  required: ['id', 'schema', 'caption', 'score', 'sources', 'entities', 'matches'],
  properties: {
    id: { type: 'string' },
    entities: { type: 'array', items: { type: 'string' } },
    schema: { type: 'string' },
    caption: { type: 'string' },
    score: { type: 'number' },
    sources: { type: 'array', items: { type: 'string' } },
    matches: {
      type: 'array',
      items: {
        type: 'object',
        required: ['part', 'property', 'value', 'source', 'how', 'score', 'detail'],
        properties: {
          part: { type: 'string' },
          property: { type: 'string' },
          value: { type: 'string' },
          source: { type: 'string' },
          how: { type: 'string' },
          score: { type: 'number' },
          detail: { type: 'string' },
        },
      },
    },
  },
} as const;

/** Consolidated search over every record type, under the caller's case and purpose. */
export function searchRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/api/search',
    {
      config: { policy: { kind: 'signed-in', roles: [...rolesFor('entity.read')], purpose: 'required' } },
      schema: {
        summary: 'Search every record type at once: free text plus name:, address:, phone:, email:, id:, schema:, source: and born: fields',
        tags: ['search'],
        querystring: {
          type: 'object',
          required: ['q'],
          additionalProperties: false,
          properties: { q: { type: 'string', minLength: 1, maxLength: 1000 }, cursor: { type: 'string', maxLength: 64 }, limit: WHOLE_NUMBER },
        },
        response: {
          200: {
            type: 'object',
            required: ['total', 'results', 'facets', 'next', 'truncated', 'moreNeedApproval'],
            properties: {
              total: { type: 'integer' },
              results: { type: 'array', items: hit },
              facets: { type: 'object', required: ['schema', 'source', 'country'], properties: { schema: facet, source: facet, country: facet } },
              next: { type: ['string', 'null'] },
              truncated: { type: 'boolean' },
              moreNeedApproval: { type: 'boolean' },
            },
          },
        },
      },
    },
    async (request) => {
      const query = request.query as { q: string; cursor?: string; limit?: string };
      const keys = deps.keys;
      if (keys === undefined) throw new StoreUnavailable('this server has no key to seal query terms with, so it cannot search');
      return searchEntities(requestContext(request, deps), { query: query.q, cursor: query.cursor, limit: wholeNumber(query.limit, 'limit', { min: 1, max: 100, fallback: 20 }) }, (terms) => sealTerms(keys, terms));
    },
  );
}
