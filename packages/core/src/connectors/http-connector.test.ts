import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEntity } from '../entities/check-entity.js';
import { Invalid } from '../errors.js';
import { mapRow } from '../ingest/map-row.js';
import type { MappingQuery } from '../ingest/mapping.js';
import { parseMapping } from '../ingest/parse-mapping.js';
import { jsonObjectToRow } from '../ingest/read-rows.js';
import { connectorContract } from '../test-support/connector-contract.js';
import { ConnectorFailure, type ConnectorCallOptions } from './connector.js';
import type { HttpConnectorDefinition } from './definitions.js';
import { createHttpConnector } from './http-connector.js';

// One record of the API gives a person and the address the person lives at, linked by addressEntity.
const MAPPING = parseMapping(
  `
people_api:
  label: Synthetic people register
  queries:
    - json_url: https://people.example.org/api/people
      entities:
        person:
          schema: Person
          keys: [ref]
          properties:
            name:
              column: full_name
            phone:
              column: phone
            email:
              column: email
            birthDate:
              column: born
            nationality:
              column: nationality
            addressEntity:
              entity: home
        home:
          schema: Address
          key_literal: address
          keys: [street, city, postcode]
          properties:
            full:
              template: "{{street}}, {{city}} {{postcode}}"
            street:
              column: street
            city:
              column: city
            postalCode:
              column: postcode
`,
  { fileName: 'people-api.yml' },
);
const QUERY = MAPPING.datasets[0]?.queries[0] as MappingQuery;

const API_KEY = 'test-key-4b1d';

// Invented people; the register keys them by `ref`.
const PEOPLE: Array<Record<string, unknown>> = [
  {
    ref: 'P-1001',
    full_name: 'Marguerite Okonkwo-Reyes',
    phone: '+44 20 7946 0018',
    email: 'm.okonkwo-reyes@example.org',
    born: '1979-03-14',
    nationality: 'gb',
    street: '14 Larkspur Row',
    city: 'Tillbury Green',
    postcode: 'TG4 9QX',
    // Not mapped; here so that numbers, booleans, nulls and lists go through jsonObjectToRow.
    visits: 3,
    active: true,
    notes: null,
    tags: ['register-a'],
  },
  {
    ref: 'P-1002',
    full_name: 'Marguerite Fennimore-Blythe',
    phone: '+44 20 7946 0552',
    email: 'mfb@example.net',
    born: '1985-11-02',
    nationality: 'ie',
    street: '3 Quillon Yard',
    city: 'Harrowgate Sands',
    postcode: 'HS2 1AB',
  },
  {
    ref: 'P-1003',
    full_name: 'Teodor Vashchenko-Ilunga',
    phone: '+32 2 555 01 77',
    email: 'teodor.vi@example.com',
    born: '1968-07-30',
    nationality: 'be',
    street: '14 Larkspur Row',
    city: 'Tillbury Green',
    postcode: 'TG4 9QX',
  },
  {
    ref: 'P-1004',
    full_name: 'Ottoline Brakspear',
    phone: '+44 161 496 0734',
    email: 'o.brakspear@example.org',
    born: '1990-01-05',
    nationality: 'gb',
    street: '9 Wrenfield Close',
    city: 'Marlow Ashby',
    postcode: 'MA7 3DD',
  },
];
// Listed by searches but gone when asked for by ref, as a record deleted in between would be.
const GONE = new Set(['P-1004']);

const words = (text: string) => text.toLowerCase().split(/\s+/).filter((word) => word !== '');
// The register's phone rule: the last ten digits decide, so "+44 20 7946 0018" and "020 7946 0018" agree.
const phoneKey = (text: string) => text.replace(/\D/g, '').slice(-10);

/** Which people the register finds for one search parameter. */
function findPeople(params: URLSearchParams): Array<Record<string, unknown>> {
  const name = params.get('name');
  const phone = params.get('phone');
  const email = params.get('email');
  return PEOPLE.filter((person) => {
    if (name !== null) {
      // Every word asked must occur in the name, ignoring case.
      const asked = words(name);
      const held = String(person.full_name).toLowerCase();
      return asked.length > 0 && asked.every((word) => held.includes(word));
    }
    if (phone !== null) return phone.replace(/\D/g, '').length >= 7 && phoneKey(String(person.phone)) === phoneKey(phone);
    if (email !== null) return String(person.email).toLowerCase() === email.trim().toLowerCase();
    return false;
  });
}

interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

interface PeopleApi {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** A small REST register of people on 127.0.0.1, with routes that fail in every way a real API can. */
async function startPeopleApi(): Promise<PeopleApi> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    if (url.pathname.startsWith('/api/')) {
      if (request.headers['x-api-key'] !== API_KEY) return sendJson(response, 401, { error: 'an API key is required' });
      if (url.pathname === '/api/people') {
        const items = findPeople(url.searchParams);
        return sendJson(response, 200, { data: { items, total: items.length } });
      }
      const ref = decodeURIComponent(url.pathname.slice('/api/people/'.length));
      const person = PEOPLE.find((candidate) => candidate.ref === ref);
      if (person === undefined || GONE.has(ref) || !url.pathname.startsWith('/api/people/')) return sendJson(response, 404, { error: 'no such person' });
      return sendJson(response, 200, { data: person });
    }
    switch (url.pathname) {
      case '/maintenance':
        response.writeHead(200, { 'content-type': 'text/html' });
        return response.end('<html><body>Down for maintenance</body></html>');
      case '/moved':
        response.writeHead(301, { location: `/api/people${url.search}` });
        return response.end();
      case '/away':
        response.writeHead(302, { location: `${url.searchParams.get('to') ?? ''}/api/people?name=${encodeURIComponent(url.searchParams.get('name') ?? '')}` });
        return response.end();
      case '/fail':
        return sendJson(response, 500, { error: 'internal error' });
      case '/mixed':
        // Elements that are no records (text, a number, null, a list holding a record) among one that is.
        return sendJson(response, 200, { data: { items: ['P-1002', 7, null, [PEOPLE[1]], PEOPLE[0]] } });
      case '/not-a-list':
        return sendJson(response, 200, { data: { items: { count: 0 } } });
      case '/huge': {
        // Valid JSON, but past the 10 MB a connector reads.
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"data":{"items":[');
        const chunk = `"${'x'.repeat(1024 * 1024 - 3)}",`;
        for (let i = 0; i < 11; i += 1) response.write(chunk);
        return response.end('"x"]}}');
      }
      case '/slow':
        // Never answers: only the caller's signal or the connector's own timeout ends the call.
        return;
      default:
        return sendJson(response, 404, { error: 'no such route' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error === undefined ? resolve() : reject(error))));
    },
  };
}

function definitionFor(api: PeopleApi, changes: Partial<HttpConnectorDefinition> = {}): HttpConnectorDefinition {
  return {
    kind: 'http',
    id: 'people-register',
    source: 'people-register',
    timeoutMs: 5000,
    cacheSeconds: 300,
    mapping: 'people-api.yml',
    search: {
      name: `${api.url}/api/people?name={value}`,
      phone: `${api.url}/api/people?phone={value}`,
      email: `${api.url}/api/people?email={value}`,
    },
    fetch: `${api.url}/api/people/{ref}`,
    results: 'data.items',
    record: 'data',
    headers: { 'x-api-key': API_KEY },
    ...changes,
  };
}

const call = (signal: AbortSignal = new AbortController().signal): ConnectorCallOptions => ({ signal, now: () => new Date() });

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

connectorContract('http', async () => {
  const api = await startPeopleApi();
  return {
    connector: createHttpConnector(definitionFor(api), MAPPING),
    planted: {
      schema: 'Person',
      name: 'Marguerite Okonkwo-Reyes',
      values: { phone: '+44 20 7946 0018', email: 'm.okonkwo-reyes@example.org' },
      variants: { name: 'okonkwo-reyes marguerite', phone: '020 7946 0018', email: 'M.Okonkwo-Reyes@Example.ORG' },
    },
    broken: createHttpConnector(definitionFor(api, { id: 'people-register-broken', search: { name: `${api.url}/maintenance?name={value}` } }), MAPPING),
    close: () => api.close(),
  };
});

describe('http connector', () => {
  let api: PeopleApi;
  beforeAll(async () => {
    api = await startPeopleApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('gives the ids an import of the same record gives, with references between the entities of one record', async () => {
    const connector = createHttpConnector(definitionFor(api), MAPPING);
    const results = await connector.search({ kind: 'name', value: 'Marguerite Okonkwo-Reyes' }, call());
    const [record] = PEOPLE;
    const { entities } = mapRow(QUERY, jsonObjectToRow(record as Record<string, unknown>));
    expect(entities.map((entity) => entity.schema).sort()).toEqual(['Address', 'Person']);
    expect(results.map(({ id, schema, properties }) => ({ id, schema, properties }))).toEqual(
      entities.map(({ id, schema, properties }) => ({ id, schema, properties })),
    );
    const person = results.find((entity) => entity.schema === 'Person');
    const home = results.find((entity) => entity.schema === 'Address');
    expect(person?.properties.addressEntity).toEqual([home?.id]);
    expect(person?.properties.nationality).toEqual(['gb']);
    expect(person?.provenance.origin).toEqual(['P-1001']);
    expect(home?.provenance.origin).toEqual(['14 Larkspur Row', 'Tillbury Green', 'TG4 9QX']);
    for (const entity of results) expect(checkEntity(entity).problems).toEqual([]);
  });

  it('sends the configured headers and JSON accept, and keeps them out of the provenance', async () => {
    const connector = createHttpConnector(definitionFor(api), MAPPING);
    const before = api.requests.length;
    const [first] = await connector.search({ kind: 'email', value: 'mfb@example.net' }, call());
    const received = api.requests.slice(before);
    expect(received).toHaveLength(1);
    expect(received[0]?.headers['x-api-key']).toBe(API_KEY);
    expect(received[0]?.headers.accept).toBe('application/json');
    expect(received[0]?.url).toBe('/api/people?email=mfb%40example.net');
    expect(first?.provenance.url).toBe(`${api.url}/api/people?email=mfb%40example.net`);
    expect(first?.provenance.url).not.toContain(API_KEY);
  });

  it('URL-encodes values so that they cannot change the request', async () => {
    const connector = createHttpConnector(definitionFor(api), MAPPING);
    const before = api.requests.length;
    expect(await connector.search({ kind: 'name', value: 'Marguerite&email=mfb@example.net' }, call())).toEqual([]);
    expect(api.requests[before]?.url).toBe('/api/people?name=Marguerite%26email%3Dmfb%40example.net');
  });

  it('fetches a record again through the fetch URL filled from its columns; a record gone since is null', async () => {
    const connector = createHttpConnector(definitionFor(api), MAPPING);
    const results = await connector.search({ kind: 'name', value: 'Ottoline', schema: 'Person' }, call());
    expect(results.map((entity) => entity.properties.name)).toEqual([['Ottoline Brakspear']]);
    const before = api.requests.length;
    expect(await connector.fetch(results[0]?.id ?? '', call())).toBeNull();
    expect(api.requests[before]?.url).toBe('/api/people/P-1004');

    const [home] = await connector.search({ kind: 'phone', value: '+32 2 555 01 77', schema: 'Address' }, call());
    const fetched = await connector.fetch(home?.id ?? '', call());
    expect(fetched?.schema).toBe('Address');
    expect(fetched?.provenance.url).toBe(`${api.url}/api/people/P-1003`);
  });

  it('follows redirects within the API, and refuses one to another host, where its headers must not go', async () => {
    const moved = createHttpConnector(definitionFor(api, { search: { name: `${api.url}/moved?name={value}` } }), MAPPING);
    const results = await moved.search({ kind: 'name', value: 'Teodor', schema: 'Person' }, call());
    expect(results.map((entity) => entity.properties.name)).toEqual([['Teodor Vashchenko-Ilunga']]);
    expect(api.requests[api.requests.length - 1]?.headers['x-api-key']).toBe(API_KEY);

    const other = await startPeopleApi();
    try {
      const away = createHttpConnector(definitionFor(api, { search: { name: `${api.url}/away?to=${encodeURIComponent(other.url)}&name={value}` } }), MAPPING);
      const error = await failureOf(away.search({ kind: 'name', value: 'Teodor' }, call()));
      expect(error).toBeInstanceOf(ConnectorFailure);
      expect((error as ConnectorFailure).message).toMatch(/redirected to another host .*not followed/);
      expect(other.requests).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('asks nothing for empty values and refuses values over 500 characters', async () => {
    const connector = createHttpConnector(definitionFor(api), MAPPING);
    const before = api.requests.length;
    expect(await connector.search({ kind: 'name', value: '' }, call())).toEqual([]);
    expect(await connector.search({ kind: 'name', value: ' \t\n ' }, call())).toEqual([]);
    await expect(connector.search({ kind: 'name', value: 'x'.repeat(501) }, call())).rejects.toBeInstanceOf(Invalid);
    await expect(connector.search({ kind: 'identifier', value: 'P-1001' }, call())).rejects.toBeInstanceOf(Invalid);
    expect(api.requests.length).toBe(before);
    expect([...connector.answers].sort()).toEqual(['email', 'name', 'phone']);
  });

  it('an error status is a ConnectorFailure naming the status', async () => {
    const connector = createHttpConnector(definitionFor(api, { search: { name: `${api.url}/fail?name={value}` } }), MAPPING);
    const error = await failureOf(connector.search({ kind: 'name', value: 'Marguerite' }, call()));
    expect(error).toBeInstanceOf(ConnectorFailure);
    expect((error as ConnectorFailure).message).toMatch(/answered 500/);

    const withoutKey = createHttpConnector(definitionFor(api, { headers: {} }), MAPPING);
    expect(String(await failureOf(withoutKey.search({ kind: 'name', value: 'Marguerite' }, call())))).toMatch(/answered 401/);
  });

  it('a body that is not JSON is a ConnectorFailure saying so', async () => {
    const connector = createHttpConnector(definitionFor(api, { search: { name: `${api.url}/maintenance?name={value}` } }), MAPPING);
    const error = await failureOf(connector.search({ kind: 'name', value: 'Marguerite' }, call()));
    expect(error).toBeInstanceOf(ConnectorFailure);
    expect((error as ConnectorFailure).message).toMatch(/is not JSON/);
  });

  it('a results path that does not lead to a list is a ConnectorFailure', async () => {
    const notAList = createHttpConnector(definitionFor(api, { search: { name: `${api.url}/not-a-list?name={value}` } }), MAPPING);
    expect(String(await failureOf(notAList.search({ kind: 'name', value: 'Marguerite' }, call())))).toMatch(/"data.items" in the answer is an object, not a list/);
    const wrongPath = createHttpConnector(definitionFor(api, { results: 'data.records' }), MAPPING);
    expect(String(await failureOf(wrongPath.search({ kind: 'name', value: 'Marguerite' }, call())))).toMatch(/"data.records" in the answer is missing/);
  });

  it('skips list elements that are not JSON objects', async () => {
    const connector = createHttpConnector(definitionFor(api, { search: { name: `${api.url}/mixed?name={value}` } }), MAPPING);
    const results = await connector.search({ kind: 'name', value: 'Marguerite', schema: 'Person' }, call());
    expect(results.map((entity) => entity.provenance.origin)).toEqual([['P-1001']]);
  });

  it('stops reading an answer past 10 MB', async () => {
    const connector = createHttpConnector(definitionFor(api, { search: { name: `${api.url}/huge?name={value}` } }), MAPPING);
    const error = await failureOf(connector.search({ kind: 'name', value: 'Marguerite' }, call()));
    expect(error).toBeInstanceOf(ConnectorFailure);
    expect((error as ConnectorFailure).message).toMatch(/larger than 10 MB/);
  });

  it('an unreachable API is a ConnectorFailure', async () => {
    const down = await startPeopleApi();
    await down.close();
    const connector = createHttpConnector(definitionFor(down), MAPPING);
    const error = await failureOf(connector.search({ kind: 'name', value: 'Marguerite' }, call()));
    expect(error).toBeInstanceOf(ConnectorFailure);
    expect((error as ConnectorFailure).message).toMatch(/cannot reach 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });

  it("a slow API rejects as soon as the caller's signal aborts, with the signal's reason", async () => {
    const connector = createHttpConnector(definitionFor(api, { search: { name: `${api.url}/slow?name={value}` } }), MAPPING);
    const started = Date.now();
    const error = await failureOf(connector.search({ kind: 'name', value: 'Marguerite' }, call(AbortSignal.timeout(100))));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('TimeoutError');
  });

  it("a slow API past the connector's own timeout is a ConnectorFailure", async () => {
    const connector = createHttpConnector(definitionFor(api, { timeoutMs: 150, search: { name: `${api.url}/slow?name={value}` } }), MAPPING);
    const started = Date.now();
    const error = await failureOf(connector.search({ kind: 'name', value: 'Marguerite' }, call()));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(ConnectorFailure);
    expect((error as ConnectorFailure).message).toMatch(/did not answer within 150 ms/);
  });

  it('answers the schema filter and the limit', async () => {
    const connector = createHttpConnector(definitionFor(api), MAPPING);
    const people = await connector.search({ kind: 'name', value: 'Marguerite', schema: 'Person' }, call());
    expect(people.map((entity) => entity.properties.name?.[0]).sort()).toEqual(['Marguerite Fennimore-Blythe', 'Marguerite Okonkwo-Reyes']);
    expect(await connector.search({ kind: 'name', value: 'Marguerite', schema: 'LegalEntity', limit: 1 }, call())).toHaveLength(1);
    // Two people at one address: the Address entity is given once.
    const homes = await connector.search({ kind: 'name', value: '-', schema: 'Address' }, call());
    expect(homes.map((entity) => entity.properties.full?.[0]).sort()).toEqual([
      '14 Larkspur Row, Tillbury Green TG4 9QX',
      '3 Quillon Yard, Harrowgate Sands HS2 1AB',
    ]);
    expect(await connector.search({ kind: 'name', value: 'Marguerite', schema: 'NoSuchSchema' }, call())).toEqual([]);
  });
});
