import type { FastifyInstance } from 'fastify';
import { expandNode, exportGraph, findPaths, getLinkChart, graphMeasures, graphNeighbourhood, listLinkCharts, rolesFor, saveLinkChart, type Direction, type GraphFormat } from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext } from '../../plugins/route-policy.js';
import { WHOLE_NUMBER } from '../query-params.js';

// Reading the graph is reading entities: the roles that search, under a stated case and purpose.
const policy = { kind: 'signed-in', roles: [...rolesFor('entity.read')], purpose: 'required' } as const;
// A saved chart may be large: up to 8 MB of JSON, which core checks and names.
const CHART_BODY_LIMIT = 9 * 1024 * 1024;

const node = {
  type: 'object',
  required: ['id', 'schema', 'caption', 'ids'],
  properties: { id: { type: 'string' }, schema: { type: 'string' }, caption: { type: 'string' }, ids: { type: 'array', items: { type: 'string' } } },
} as const;
const edge = {
  type: 'object',
  required: ['id', 'source', 'target', 'type', 'label', 'directed', 'properties'],
  properties: {
    id: { type: 'string' },
    source: { type: 'string' },
    target: { type: 'string' },
    type: { type: 'string' },
    label: { type: 'string' },
    directed: { type: 'boolean' },
    properties: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
  },
} as const;
const more = {
  type: 'object',
  required: ['notShown', 'byType'],
  properties: {
    notShown: { type: 'integer' },
    byType: { type: 'object', additionalProperties: { type: 'integer' } },
    nodesNotShown: { type: 'integer' },
    // Around a very busy node the counts stop at a cap: they are then lower bounds ("10,000+ more").
    capped: { type: 'boolean' },
  },
} as const;
const subgraph = {
  type: 'object',
  required: ['nodes', 'edges', 'more'],
  properties: { nodes: { type: 'array', items: node }, edges: { type: 'array', items: edge }, more },
} as const;
const types = { type: 'array', items: { type: 'string', maxLength: 100 }, maxItems: 100 } as const;
const neighbourhoodBody = {
  type: 'object',
  required: ['ids'],
  additionalProperties: false,
  properties: { ids: { type: 'array', items: { type: 'string', maxLength: 200 }, minItems: 1, maxItems: 1000 }, hops: { type: 'integer' }, types, limit: { type: 'integer' } },
} as const;
const caseParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^C-\\d{4}-\\d{4,}$' } } } as const;
const chartParams = { type: 'object', required: ['id', 'chartId'], properties: { id: caseParams.properties.id, chartId: { type: 'string', format: 'uuid' } } } as const;
const chartSummary = {
  type: 'object',
  required: ['id', 'name', 'nodes', 'edges', 'createdBy', 'createdAt', 'updatedAt'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, nodes: { type: 'integer' }, edges: { type: 'integer' }, createdBy: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' } },
} as const;
const chartBody = {
  type: 'object',
  required: ['name', 'chart'],
  additionalProperties: false,
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, chart: { type: 'object' } },
} as const;
const chartView = {
  type: 'object',
  required: ['id', 'caseId', 'name', 'chart', 'leftOut', 'createdBy', 'createdAt', 'updatedAt'],
  properties: {
    ...chartSummary.properties,
    caseId: { type: 'string' },
    chart: {
      type: 'object',
      required: ['nodes', 'edges', 'filters'],
      properties: {
        nodes: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'x', 'y', 'schema', 'caption'],
            properties: { id: { type: 'string' }, x: { type: 'number' }, y: { type: 'number' }, size: { type: 'number' }, color: { type: 'string' }, pinned: { type: 'boolean' }, schema: { type: 'string' }, caption: { type: 'string' } },
          },
        },
        edges: { type: 'array', items: edge },
        filters: { type: 'object', additionalProperties: true },
      },
    },
    leftOut: { type: 'object', required: ['nodes', 'edges'], properties: { nodes: { type: 'integer' }, edges: { type: 'integer' } } },
  },
} as const;

/** A list query parameter: comma-separated values. */
function listParam(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(',').map((part) => part.trim()).filter((part) => part !== '');
}

function numberParam(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

/** A content-disposition header for a download: a plain fallback name and the exact one in UTF-8. */
function attachment(fileName: string): string {
  return `attachment; filename="${fileName.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** The link graph: expand, paths, neighbourhood, measures, export, saved link charts. */
export function graphRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/api/graph/expand',
    {
      config: { policy },
      schema: {
        summary: 'The edges of one entity, a page at a time, with how many more there are by type',
        tags: ['graph'],
        querystring: {
          type: 'object',
          required: ['id'],
          additionalProperties: false,
          properties: { id: { type: 'string', minLength: 1, maxLength: 200 }, types: { type: 'string', maxLength: 2000 }, direction: { type: 'string', enum: ['out', 'in', 'both'] }, limit: WHOLE_NUMBER, offset: WHOLE_NUMBER },
        },
        response: { 200: { ...subgraph, required: [...subgraph.required, 'node', 'total', 'neighbours'], properties: { ...subgraph.properties, node, total: { type: 'integer' }, neighbours: { type: 'integer' } } } },
      },
    },
    async (request) => {
      const query = request.query as { id: string; types?: string; direction?: Direction; limit?: string; offset?: string };
      return expandNode(requestContext(request, deps), { id: query.id, types: listParam(query.types), direction: query.direction, limit: numberParam(query.limit), offset: numberParam(query.offset) });
    },
  );

  app.get(
    '/api/graph/paths',
    {
      config: { policy },
      schema: {
        summary: 'The shortest paths between two entities (up to 6 hops), shortest first',
        tags: ['graph'],
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: { from: { type: 'string', minLength: 1, maxLength: 200 }, to: { type: 'string', minLength: 1, maxLength: 200 }, maxHops: WHOLE_NUMBER, limit: WHOLE_NUMBER, types: { type: 'string', maxLength: 2000 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['paths', 'hops', 'capped'],
            properties: {
              paths: { type: 'array', items: { type: 'object', required: ['nodes', 'edges'], properties: { nodes: { type: 'array', items: node }, edges: { type: 'array', items: edge } } } },
              hops: { type: ['integer', 'null'] },
              capped: { type: 'boolean' },
            },
          },
        },
      },
    },
    async (request) => {
      const query = request.query as { from: string; to: string; maxHops?: string; limit?: string; types?: string };
      return findPaths(requestContext(request, deps), { from: query.from, to: query.to, maxHops: numberParam(query.maxHops), limit: numberParam(query.limit), types: listParam(query.types) });
    },
  );

  app.post(
    '/api/graph/neighbourhood',
    {
      config: { policy },
      schema: { summary: 'The entities within some hops of these, and the edges between them, with "N more" by type', tags: ['graph'], body: neighbourhoodBody, response: { 200: subgraph } },
    },
    async (request) => graphNeighbourhood(requestContext(request, deps), request.body as { ids: string[]; hops?: number; types?: string[]; limit?: number }),
  );

  app.post(
    '/api/graph/measures',
    {
      config: { policy },
      schema: {
        summary: 'A neighbourhood with the degree, betweenness, PageRank and Louvain community of each node',
        tags: ['graph'],
        body: neighbourhoodBody,
        response: {
          200: {
            type: 'object',
            required: ['subgraph', 'measures'],
            properties: {
              subgraph,
              measures: {
                type: 'object',
                required: ['nodes', 'communities'],
                properties: {
                  communities: { type: 'integer' },
                  nodes: {
                    type: 'object',
                    additionalProperties: {
                      type: 'object',
                      required: ['degree', 'betweenness', 'pagerank', 'community'],
                      properties: { degree: { type: 'integer' }, betweenness: { type: 'number' }, pagerank: { type: 'number' }, community: { type: 'integer' } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => graphMeasures(requestContext(request, deps), request.body as { ids: string[]; hops?: number; types?: string[]; limit?: number }),
  );

  app.post(
    '/api/graph/export',
    {
      config: { policy },
      schema: {
        summary: 'Download a neighbourhood as GraphML or GEXF; recorded as a disclosure to the named recipient',
        tags: ['graph'],
        body: {
          type: 'object',
          required: ['ids', 'format', 'recipient', 'reason'],
          additionalProperties: false,
          properties: { ...neighbourhoodBody.properties, format: { type: 'string', enum: ['graphml', 'gexf'] }, recipient: { type: 'string', maxLength: 300 }, reason: { type: 'string', maxLength: 2000 } },
        },
        response: { 200: { type: 'string' } },
      },
    },
    async (request, reply) => {
      const body = request.body as { ids: string[]; hops?: number; types?: string[]; limit?: number; format: GraphFormat; recipient: string; reason: string };
      const file = await exportGraph(requestContext(request, deps), body);
      return reply.header('content-type', `${file.contentType}; charset=utf-8`).header('content-disposition', attachment(file.fileName)).send(file.text);
    },
  );

  app.get(
    '/api/cases/:id/charts',
    { config: { policy }, schema: { summary: 'The saved link charts of a case', tags: ['graph'], params: caseParams, response: { 200: { type: 'array', items: chartSummary } } } },
    async (request) => listLinkCharts(requestContext(request, deps), (request.params as { id: string }).id),
  );

  app.post(
    '/api/cases/:id/charts',
    {
      config: { policy },
      bodyLimit: CHART_BODY_LIMIT,
      schema: { summary: 'Save a link chart in a case (node ids and positions, edges, filters)', tags: ['graph'], params: caseParams, body: chartBody, response: { 201: chartSummary } },
    },
    async (request, reply) => {
      const body = request.body as { name: string; chart: unknown };
      const saved = await saveLinkChart(requestContext(request, deps), { caseId: (request.params as { id: string }).id, name: body.name, chart: body.chart });
      return reply.status(201).send(saved);
    },
  );

  app.get(
    '/api/cases/:id/charts/:chartId',
    {
      config: { policy },
      schema: { summary: 'A saved link chart, without the nodes and edges the reader may not see now', tags: ['graph'], params: chartParams, response: { 200: chartView } },
    },
    async (request) => {
      const params = request.params as { id: string; chartId: string };
      return getLinkChart(requestContext(request, deps), { caseId: params.id, chartId: params.chartId });
    },
  );

  app.put(
    '/api/cases/:id/charts/:chartId',
    {
      config: { policy },
      bodyLimit: CHART_BODY_LIMIT,
      schema: { summary: 'Save a new version of a link chart', tags: ['graph'], params: chartParams, body: chartBody, response: { 200: chartSummary } },
    },
    async (request) => {
      const params = request.params as { id: string; chartId: string };
      const body = request.body as { name: string; chart: unknown };
      return saveLinkChart(requestContext(request, deps), { caseId: params.id, id: params.chartId, name: body.name, chart: body.chart });
    },
  );
}
