import type { FastifyInstance } from 'fastify';
import { getEntity, MATCHER, matchEntities, rolesFor, sealTerms, searchEntities, StoreUnavailable, type AuditKeys, type MatchExample } from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext } from '../../plugins/route-policy.js';
import { FRACTION, fraction, WHOLE_NUMBER, wholeNumber } from '../query-params.js';

/** Where tools that speak OpenSanctions yente find casegraph: give them this as the service's base URL. */
export const YENTE_BASE = '/api/yente';

const entityShape = {
  type: 'object',
  required: ['id', 'caption', 'schema', 'properties', 'datasets'],
  properties: {
    id: { type: 'string' },
    caption: { type: 'string' },
    schema: { type: 'string' },
    properties: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    datasets: { type: 'array', items: { type: 'string' } },
    referents: { type: 'array', items: { type: 'string' } },
    target: { type: 'boolean' },
    first_seen: { type: ['string', 'null'] },
    last_seen: { type: ['string', 'null'] },
    last_change: { type: ['string', 'null'] },
  },
} as const;

const matchResult = {
  ...entityShape,
  required: [...entityShape.required, 'score', 'features', 'match'],
  properties: { ...entityShape.properties, score: { type: 'number' }, features: { type: 'object', additionalProperties: { type: 'number' } }, match: { type: 'boolean' } },
} as const;

const total = { type: 'object', required: ['value', 'relation'], properties: { value: { type: 'integer' }, relation: { type: 'string' } } } as const;
const datasetParams = { type: 'object', required: ['dataset'], properties: { dataset: { type: 'string', maxLength: 63 } } } as const;
const policy = { kind: 'signed-in', roles: [...rolesFor('entity.read')], purpose: 'required' } as const;

/**
 * OpenSanctions yente's matching API over casegraph's store, so tools that speak yente can use
 * casegraph as their matching backend: `POST /match/{dataset}`, `GET /search/{dataset}` and
 * `GET /entities/{id}` under /api/yente. `default` is every source the caller may see; any
 * other dataset is a source id. Like every read, each call states a case and purpose (headers)
 * and lands on the audit log.
 */
export function yenteRoutes(app: FastifyInstance, deps: AppDeps): void {
  const seal = (terms: string): string => {
    const keys: AuditKeys | undefined = deps.keys;
    if (keys === undefined) throw new StoreUnavailable('this server has no key to seal query terms with, so it cannot match');
    return sealTerms(keys, terms);
  };
  app.post(
    `${YENTE_BASE}/match/:dataset`,
    {
      config: { policy },
      schema: {
        summary: 'yente-compatible matching: score example entities against the store, with per-feature explanations',
        tags: ['yente'],
        params: datasetParams,
        querystring: {
          type: 'object',
          additionalProperties: true,
          properties: { limit: WHOLE_NUMBER, threshold: FRACTION, cutoff: FRACTION },
        },
        body: {
          type: 'object',
          required: ['queries'],
          properties: {
            queries: {
              type: 'object',
              maxProperties: 100,
              additionalProperties: {
                type: 'object',
                required: ['schema', 'properties'],
                properties: { schema: { type: 'string', maxLength: 64 }, properties: { type: 'object', additionalProperties: { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 1000 } } } },
              },
            },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['responses', 'matcher', 'limit'],
            properties: {
              responses: {
                type: 'object',
                additionalProperties: { type: 'object', required: ['status', 'results', 'total', 'query'], properties: { status: { type: 'integer' }, results: { type: 'array', items: matchResult }, total, query: { type: 'object', additionalProperties: true } } },
              },
              matcher: { type: 'object', additionalProperties: true },
              limit: { type: 'integer' },
            },
          },
        },
      },
    },
    async (request) => {
      const { dataset } = request.params as { dataset: string };
      const q = request.query as { limit?: string; threshold?: string; cutoff?: string };
      const limit = wholeNumber(q.limit, 'limit', { min: 1, max: 100, fallback: 5 });
      // yente's defaults: a match scores 0.7 or more; below 0.5 a result is not served at all.
      const threshold = fraction(q.threshold, 0.7);
      const body = request.body as { queries: Record<string, MatchExample> };
      const responses = await matchEntities(requestContext(request, deps), body.queries, { dataset, limit, threshold, cutoff: Math.min(fraction(q.cutoff, 0.5), threshold) }, seal);
      return { responses, matcher: MATCHER, limit };
    },
  );
  app.get(
    `${YENTE_BASE}/search/:dataset`,
    {
      config: { policy },
      schema: {
        summary: 'yente-compatible search: the query syntax of /api/search, answered in yente’s shape',
        tags: ['yente'],
        params: datasetParams,
        querystring: {
          type: 'object',
          required: ['q'],
          additionalProperties: true,
          properties: { q: { type: 'string', minLength: 1, maxLength: 1000 }, limit: WHOLE_NUMBER, offset: WHOLE_NUMBER, schema: { type: 'string', maxLength: 64 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['results', 'total', 'limit', 'offset', 'facets'],
            properties: {
              results: { type: 'array', items: { ...entityShape, properties: { ...entityShape.properties, score: { type: 'number' } } } },
              total,
              limit: { type: 'integer' },
              offset: { type: 'integer' },
              facets: { type: 'object', additionalProperties: true },
            },
          },
        },
      },
    },
    async (request) => {
      const { dataset } = request.params as { dataset: string };
      const raw = request.query as { q: string; limit?: string; offset?: string; schema?: string };
      const q = { ...raw, limit: wholeNumber(raw.limit, 'limit', { min: 1, max: 100, fallback: 10 }), offset: wholeNumber(raw.offset, 'offset', { min: 0, max: 10_000, fallback: 0 }) };
      const filters = [q.schema === undefined ? '' : ` schema:${q.schema}`, dataset === 'default' ? '' : ` source:${dataset}`].join('');
      const page = await searchEntities(requestContext(request, deps), { query: `${q.q}${filters}`, limit: q.limit, offset: q.offset }, seal);
      const facet = (values: Array<{ value: string; count: number }>) => ({ label: '', values: values.map((v) => ({ name: v.value, label: v.value, count: v.count })) });
      return {
        results: page.results.map((hit) => ({ id: hit.id, caption: hit.caption, schema: hit.schema, properties: hit.properties, datasets: hit.sources, referents: [], target: false, first_seen: null, last_seen: null, last_change: null, score: hit.score })),
        total: { value: page.total, relation: page.truncated ? 'gte' : 'eq' },
        limit: q.limit,
        offset: q.offset,
        facets: { datasets: facet(page.facets.source), schema: facet(page.facets.schema), countries: facet(page.facets.country) },
      };
    },
  );
  app.get(
    `${YENTE_BASE}/entities/:id`,
    {
      config: { policy },
      schema: { summary: 'yente-compatible entity: the entity as the caller may see it', tags: ['yente'], params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 200 } } }, response: { 200: entityShape } },
    },
    async (request) => {
      const entity = await getEntity(requestContext(request, deps), (request.params as { id: string }).id);
      const properties = Object.fromEntries(Object.entries(entity.properties).map(([name, values]) => [name, [...new Set(values.map((v) => v.value))]]));
      const seen = Object.values(entity.properties).flat();
      const first = seen.reduce<Date | null>((min, v) => (min === null || v.firstSeen < min ? v.firstSeen : min), null);
      const last = seen.reduce<Date | null>((max, v) => (max === null || v.lastSeen > max ? v.lastSeen : max), null);
      return { id: entity.id, caption: properties.name?.[0] ?? entity.id, schema: entity.schema, properties, datasets: entity.sources, referents: [], target: false, first_seen: first?.toISOString() ?? null, last_seen: last?.toISOString() ?? null, last_change: last?.toISOString() ?? null };
    },
  );
}
