import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEntity } from '../entities/check-entity.js';
import { Invalid } from '../errors.js';
import { findProperty, findSchema } from '../model/ftm.js';
import { connectorContract } from '../test-support/connector-contract.js';
import { ConnectorFailure, type ConnectorCallOptions } from './connector.js';
import type { YenteConnectorDefinition } from './definitions.js';
import { createYenteConnector } from './yente-connector.js';

const API_KEY = 'yente-test-key-7c2e';

/** An entity as yente serves it: FtM id, schema and properties, plus yente's own keys. */
interface YenteEntity {
  id: string;
  schema: string;
  caption: string;
  properties: Record<string, unknown>;
  datasets: string[];
  referents: string[];
  target: boolean;
}

const entity = (id: string, schema: string, properties: Record<string, unknown>, referents: string[] = []): YenteEntity => ({
  id,
  schema,
  caption: valuesOfType({ schema, properties }, 'name')[0] ?? valuesOfType({ schema, properties }, 'address')[0] ?? id,
  properties,
  datasets: ['cg_test_watchlist'],
  referents,
  target: schema === 'Person' || schema === 'Company',
});

// Invented people and companies; the last two are what a careless upstream dataset might hold.
const ENTITIES: YenteEntity[] = [
  entity(
    'cg-person-0001',
    'Person',
    {
      name: ['Marguerite Okonkwo-Reyes'],
      alias: ['Maggie Okonkwo'],
      birthDate: ['1979-03-14'],
      nationality: ['gb'],
      idNumber: ['GB-88214073'],
      phone: ['+44 20 7946 0018'],
      email: ['m.okonkwo-reyes@example.org'],
      address: ['14 Larkspur Row, Tillbury Green TG4 9QX'],
      addressEntity: ['cg-address-0001'],
      topics: ['sanction'],
    },
    ['cg-merged-0001', 'cg-merged-0002'],
  ),
  entity('cg-person-0002', 'Person', { name: ['Marguerite Fennimore-Blythe'], birthDate: ['1985-11-02'], nationality: ['ie'], email: ['mfb@example.net'] }),
  entity('cg-company-0001', 'Company', {
    name: ['Larkspur Freight Holdings Ltd'],
    registrationNumber: ['TG-0047781'],
    jurisdiction: ['gb'],
    phone: ['+44 20 7946 0990'],
    email: ['office@larkspur-freight.example'],
    address: ['2 Dockside Lane, Tillbury Green TG1 1AA'],
  }),
  entity('cg-address-0001', 'Address', { full: ['14 Larkspur Row, Tillbury Green TG4 9QX'], city: ['Tillbury Green'], country: ['gb'] }),
  entity('cg-starship-0001', 'Starship', { name: ['Quillon Harrowgate'] }),
  entity('cg-person-0003', 'Person', {
    name: ['Quillon Harrowgate', ''],
    birthDate: ['sometime in spring', '1971-06-09'],
    nationality: ['gb', 'atlantis'],
    favouriteColour: ['teal'],
    email: ['q.harrowgate@example.org', 42],
    notes: 'not a list',
  }),
  // Schema names every JavaScript object answers to: a remote that serves them serves no schema the model has.
  ...['constructor', '__proto__', 'toString', 'hasOwnProperty'].map((schema, i) => entity(`cg-odd-schema-000${i + 1}`, schema, { name: ['Orsolya Vantongeren'] })),
];

const tokens = (text: string) => text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((token) => token !== '');
const NORMALIZE: Record<string, (value: string) => string> = {
  identifier: (value) => value.toUpperCase().replace(/[^A-Z0-9]/g, ''),
  phone: (value) => value.replace(/\D/g, '').slice(-10),
  email: (value) => value.trim().toLowerCase(),
};

/** The values of one property type an entity holds (names only, for schemata the model does not know). */
function valuesOfType(held: { schema: string; properties: Record<string, unknown> }, type: string): string[] {
  const schema = findSchema(held.schema);
  return Object.entries(held.properties).flatMap(([name, values]) => {
    const propertyType = schema === undefined ? (name === 'name' ? 'name' : null) : findProperty(schema, name)?.type.name;
    return propertyType === type && Array.isArray(values) ? values.filter((value): value is string => typeof value === 'string') : [];
  });
}

function tokenOverlap(asked: string[], held: string[]): number {
  let best = 0;
  for (const a of asked) {
    for (const h of held) {
      const left = new Set(tokens(a));
      const right = new Set(tokens(h));
      const common = [...left].filter((token) => right.has(token)).length;
      if (left.size > 0 && right.size > 0) best = Math.max(best, common / Math.max(left.size, right.size));
    }
  }
  return best;
}

/** A rough stand-in for yente's scoring: the best of name and address overlap and exact identifier, phone or email matches. */
function score(example: { schema: string; properties: Record<string, unknown> }, candidate: YenteEntity): { score: number; features: Record<string, number> } {
  const features: Record<string, number> = {
    name_token_overlap: tokenOverlap(valuesOfType(example, 'name'), valuesOfType(candidate, 'name')),
    address_token_overlap: tokenOverlap(valuesOfType(example, 'address'), valuesOfType(candidate, 'address')),
  };
  for (const [type, normalize] of Object.entries(NORMALIZE)) {
    const held = new Set(valuesOfType(candidate, type).map(normalize));
    features[`${type}_match`] = valuesOfType(example, type).some((value) => normalize(value) !== '' && held.has(normalize(value))) ? 1 : 0;
  }
  return { score: Math.max(...Object.values(features)), features };
}

interface MatchRequest {
  url: URL;
  headers: IncomingHttpHeaders;
  body: unknown;
}

interface YenteService {
  url: string;
  matches: MatchRequest[];
  fetches: URL[];
  close(): Promise<void>;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function number(params: URLSearchParams, name: string, fallback: number): number {
  const value = params.get(name);
  return value === null ? fallback : Number(value);
}

/**
 * A small yente on 127.0.0.1: `POST /match/{dataset}` answers yente's response shape with scores
 * and `match` flags (default threshold 0.7 and cutoff 0.5, as yente's), `GET /entities/{id}`
 * redirects merged ids with 308 and answers 404 for unknown ones, and every route wants the API key.
 */
async function startYente(): Promise<YenteService> {
  const matches: MatchRequest[] = [];
  const fetches: URL[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (url.pathname.startsWith('/garbage/')) {
        response.writeHead(200, { 'content-type': 'text/html' });
        return response.end('<html><body>502 Bad Gateway</body></html>');
      }
      // Another search API's answer shape, where yente's is expected.
      if (url.pathname.startsWith('/not-yente/')) return sendJson(response, 200, { results: [], total: { value: 0 } });
      if (request.headers.authorization !== `ApiKey ${API_KEY}`) return sendJson(response, 401, { detail: 'Invalid API key' });
      const dataset = /^\/match\/([^/]+)$/.exec(url.pathname)?.[1];
      if (request.method === 'POST' && dataset !== undefined) {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return sendJson(response, 400, { detail: 'Invalid JSON' });
        }
        matches.push({ url, headers: request.headers, body });
        if (dataset !== 'cg_test_watchlist') return sendJson(response, 404, { detail: 'No such dataset.' });
        const queries = (body as { queries?: Record<string, { schema: string; properties: Record<string, unknown> }> }).queries ?? {};
        const limit = number(url.searchParams, 'limit', 5);
        const threshold = number(url.searchParams, 'threshold', 0.7);
        const cutoff = number(url.searchParams, 'cutoff', 0.5);
        const responses: Record<string, unknown> = {};
        for (const [key, example] of Object.entries(queries)) {
          const schema = findSchema(example.schema);
          // yente refuses examples it cannot parse: an unknown schema, or a property the schema lacks.
          if (schema === undefined || Object.keys(example.properties).some((name) => findProperty(schema, name) === undefined)) {
            return sendJson(response, 400, { detail: 'Cannot parse example entity' });
          }
          const scored = ENTITIES.filter((candidate) => {
            const held = findSchema(candidate.schema);
            // An upstream entity of a schema the model does not know is served as it is.
            return held === undefined || held.isA(schema) || schema.isA(held);
          })
            .map((candidate) => ({ ...candidate, ...score(example, candidate) }))
            .filter((result) => result.score >= cutoff)
            .sort((a, b) => b.score - a.score);
          responses[key] = {
            status: 200,
            results: scored.slice(0, limit).map((result) => ({ ...result, match: result.score >= threshold })),
            total: { value: scored.length, relation: 'eq' },
            query: example,
          };
        }
        return sendJson(response, 200, { responses, matcher: { name: 'cg-test-matcher' }, limit });
      }
      const id = /^\/entities\/([^/]+)$/.exec(url.pathname)?.[1];
      if (request.method === 'GET' && id !== undefined) {
        fetches.push(url);
        const wanted = decodeURIComponent(id);
        // A misbehaving service answers another entity than the one asked for.
        if (wanted === 'cg-misdirected-0001') return sendJson(response, 200, ENTITIES[1]);
        const found = ENTITIES.find((candidate) => candidate.id === wanted);
        if (found !== undefined) return sendJson(response, 200, found);
        const merged = ENTITIES.find((candidate) => candidate.referents.includes(wanted));
        if (merged !== undefined) {
          response.writeHead(308, { location: `/entities/${encodeURIComponent(merged.id)}${url.search}` });
          return response.end();
        }
        return sendJson(response, 404, { detail: 'No such entity!' });
      }
      return sendJson(response, 404, { detail: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    matches,
    fetches,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error === undefined ? resolve() : reject(error))));
    },
  };
}

function definitionFor(service: YenteService, changes: Partial<YenteConnectorDefinition> = {}): YenteConnectorDefinition {
  return {
    kind: 'yente',
    id: 'watchlist',
    source: 'watchlist',
    timeoutMs: 5000,
    cacheSeconds: 300,
    url: `${service.url}/`,
    dataset: 'cg_test_watchlist',
    threshold: 0.7,
    apiKey: API_KEY,
    ...changes,
  };
}

const call = (): ConnectorCallOptions => ({ signal: new AbortController().signal, now: () => new Date() });

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

connectorContract('yente', async () => {
  const service = await startYente();
  return {
    connector: createYenteConnector(definitionFor(service)),
    planted: {
      schema: 'Person',
      name: 'Marguerite Okonkwo-Reyes',
      values: {
        identifier: 'GB-88214073',
        address: '14 Larkspur Row, Tillbury Green TG4 9QX',
        phone: '+44 20 7946 0018',
        email: 'm.okonkwo-reyes@example.org',
      },
      variants: {
        name: 'marguerite okonkwo-reyes',
        identifier: 'gb 8821 4073',
        address: '14 larkspur row tillbury green tg4 9qx',
        phone: '020 7946 0018',
        email: 'M.Okonkwo-Reyes@Example.ORG',
      },
    },
    broken: createYenteConnector(definitionFor(service, { id: 'watchlist-broken', url: `${service.url}/garbage` })),
    close: () => service.close(),
  };
});

describe('yente connector', () => {
  let service: YenteService;
  beforeAll(async () => {
    service = await startYente();
  });
  afterAll(async () => {
    await service.close();
  });

  const lastMatch = () => service.matches[service.matches.length - 1];

  it("sends yente's request shape: one example entity under queries, with the API key", async () => {
    const connector = createYenteConnector(definitionFor(service));
    const [found] = await connector.search({ kind: 'name', value: 'Marguerite Okonkwo-Reyes' }, call());
    expect(found?.id).toBe('cg-person-0001');
    expect(lastMatch()?.body).toEqual({ queries: { q1: { schema: 'LegalEntity', properties: { name: ['Marguerite Okonkwo-Reyes'] } } } });
    expect(lastMatch()?.headers.authorization).toBe(`ApiKey ${API_KEY}`);
    expect(lastMatch()?.headers['content-type']).toBe('application/json');
    expect(lastMatch()?.url.pathname).toBe('/match/cg_test_watchlist');
    expect(found?.provenance).toMatchObject({ source: 'watchlist', connector: 'watchlist', origin: ['cg-person-0001'] });
    expect(found?.provenance.url).toBe(`${service.url}/match/cg_test_watchlist?limit=20&threshold=0.7&cutoff=0.7`);

    const [company] = await connector.search({ kind: 'identifier', value: 'TG 0047781', schema: 'Company' }, call());
    expect(company?.id).toBe('cg-company-0001');
    expect(lastMatch()?.body).toEqual({
      queries: { q1: { schema: 'Company', properties: { registrationNumber: ['TG 0047781'], idNumber: ['TG 0047781'], taxNumber: ['TG 0047781'] } } },
    });
    for (const kind of ['address', 'phone', 'email'] as const) {
      await connector.search({ kind, value: 'x@example.org' }, call());
      expect(lastMatch()?.body).toEqual({ queries: { q1: { schema: 'LegalEntity', properties: { [kind]: ['x@example.org'] } } } });
    }
  });

  it('passes the threshold (also as the cutoff) and the limit as query parameters', async () => {
    const loose = createYenteConnector(definitionFor(service, { threshold: 0.3 }));
    const one = await loose.search({ kind: 'name', value: 'Marguerite', limit: 1 }, call());
    expect(Object.fromEntries(lastMatch()?.url.searchParams ?? [])).toEqual({ limit: '1', threshold: '0.3', cutoff: '0.3' });
    expect(one).toHaveLength(1);
    const both = await loose.search({ kind: 'name', value: 'Marguerite', limit: 500 }, call());
    expect(lastMatch()?.url.searchParams.get('limit')).toBe('100');
    expect(both.map((result) => result.id).sort()).toEqual(['cg-person-0001', 'cg-person-0002']);

    const yenteDefaults = createYenteConnector(definitionFor(service, { threshold: null }));
    // Scores 2/3: above yente's cutoff, so served, but below its threshold, so not a match.
    expect(await yenteDefaults.search({ kind: 'name', value: 'Marguerite Okonkwo' }, call())).toEqual([]);
    expect(Object.fromEntries(lastMatch()?.url.searchParams ?? [])).toEqual({ limit: '20' });
    expect(await yenteDefaults.search({ kind: 'name', value: 'Marguerite Okonkwo-Reyes' }, call())).toHaveLength(1);
  });

  it('skips a result of an unknown schema and drops the values and properties the model refuses', async () => {
    const connector = createYenteConnector(definitionFor(service));
    const results = await connector.search({ kind: 'name', value: 'Quillon Harrowgate' }, call());
    expect(results.map(({ id, schema, properties }) => ({ id, schema, properties }))).toEqual([
      {
        id: 'cg-person-0003',
        schema: 'Person',
        properties: { name: ['Quillon Harrowgate'], birthDate: ['1971-06-09'], nationality: ['gb'], email: ['q.harrowgate@example.org'] },
      },
    ]);
    expect(checkEntity(results[0] ?? { id: '', schema: '', properties: {} }).problems).toEqual([]);
  });

  it('skips results and fetched entities whose schema is a name every object answers to, and asks nothing for such a schema', async () => {
    const connector = createYenteConnector(definitionFor(service));
    const answered = service.matches.length;
    expect(await connector.search({ kind: 'name', value: 'Orsolya Vantongeren' }, call())).toEqual([]);
    // The remote did answer with those entities: the connector refused them.
    expect(service.matches.length).toBe(answered + 1);
    for (const i of [1, 2, 3, 4]) expect(await connector.fetch(`cg-odd-schema-000${i}`, call())).toBeNull();
    const before = service.matches.length;
    for (const schema of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(await connector.search({ kind: 'name', value: 'Orsolya Vantongeren', schema }, call())).toEqual([]);
    }
    expect(service.matches.length).toBe(before);
  });

  it('keeps only results of the schema asked for', async () => {
    // Two of the seven address words agree: 0.29.
    const connector = createYenteConnector(definitionFor(service, { threshold: 0.25 }));
    expect((await connector.search({ kind: 'address', value: 'Tillbury Green' }, call())).map((result) => result.id).sort()).toEqual([
      'cg-company-0001',
      'cg-person-0001',
    ]);
    expect((await connector.search({ kind: 'address', value: 'Tillbury Green', schema: 'Company' }, call())).map((result) => result.id)).toEqual(['cg-company-0001']);
    // Address entities hold no phones: yente would refuse the example, so nothing is asked.
    const before = service.matches.length;
    expect(await connector.search({ kind: 'phone', value: '+44 20 7946 0018', schema: 'Address' }, call())).toEqual([]);
    expect(await connector.search({ kind: 'name', value: 'Marguerite', schema: 'NoSuchSchema' }, call())).toEqual([]);
    expect(await connector.search({ kind: 'name', value: '   ' }, call())).toEqual([]);
    await expect(connector.search({ kind: 'name', value: 'x'.repeat(501) }, call())).rejects.toBeInstanceOf(Invalid);
    expect(service.matches.length).toBe(before);
  });

  it('fetches an entity without nested adjacent entities; a merged id gives the canonical entity; another entity is null', async () => {
    const connector = createYenteConnector(definitionFor(service));
    const fetched = await connector.fetch('cg-person-0001', call());
    expect(fetched?.properties.addressEntity).toEqual(['cg-address-0001']);
    expect(service.fetches[service.fetches.length - 1]?.searchParams.get('nested')).toBe('false');

    const merged = await connector.fetch('cg-merged-0002', call());
    expect(merged?.id).toBe('cg-person-0001');
    expect(merged?.provenance.origin).toEqual(['cg-person-0001']);
    expect(service.fetches.slice(-2).map((url) => url.pathname)).toEqual(['/entities/cg-merged-0002', '/entities/cg-person-0001']);

    expect(await connector.fetch('cg-misdirected-0001', call())).toBeNull();
    expect(await connector.fetch('cg-starship-0001', call())).toBeNull();
    expect(await connector.fetch('no such/entity', call())).toBeNull();
    expect(service.fetches[service.fetches.length - 1]?.pathname).toBe('/entities/no%20such%2Fentity');
  });

  it('a 401 is a ConnectorFailure naming the status', async () => {
    for (const apiKey of ['not-the-key', null]) {
      const connector = createYenteConnector(definitionFor(service, { apiKey }));
      const error = await failureOf(connector.search({ kind: 'name', value: 'Marguerite Okonkwo-Reyes' }, call()));
      expect(error).toBeInstanceOf(ConnectorFailure);
      expect((error as ConnectorFailure).message).toMatch(/answered 401/);
      expect(String(await failureOf(connector.fetch('cg-person-0001', call())))).toMatch(/answered 401/);
    }
  });

  it('an unknown dataset, a service that is down and an answer of the wrong shape are ConnectorFailures', async () => {
    const wrongDataset = createYenteConnector(definitionFor(service, { dataset: 'no_such_dataset' }));
    expect(String(await failureOf(wrongDataset.search({ kind: 'name', value: 'Marguerite' }, call())))).toMatch(/answered 404/);

    const down = await startYente();
    await down.close();
    const unreachable = createYenteConnector(definitionFor(down));
    const error = await failureOf(unreachable.search({ kind: 'name', value: 'Marguerite' }, call()));
    expect(error).toBeInstanceOf(ConnectorFailure);
    expect((error as ConnectorFailure).message).toMatch(/cannot reach/);

    const elsewhere = createYenteConnector(definitionFor(service, { url: `${service.url}/not-yente` }));
    expect(String(await failureOf(elsewhere.search({ kind: 'name', value: 'Marguerite' }, call())))).toMatch(/the match answer has no responses\.q1/);
  });
});
