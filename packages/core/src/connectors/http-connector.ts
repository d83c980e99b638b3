import { Invalid } from '../errors.js';
import type { Mapping } from '../ingest/mapping.js';
import { jsonObjectToRow } from '../ingest/read-rows.js';
import { isSchema } from '../model/ftm.js';
import {
  CONNECTOR_QUERY_KINDS,
  ConnectorFailure,
  resultLimit,
  type Connector,
  type ConnectorCallOptions,
  type ConnectorEntity,
  type ConnectorQuery,
  type Provenance,
} from './connector.js';
import type { HttpConnectorDefinition } from './definitions.js';
import { entitiesOfRecord, mappingQueries, matchesSchema } from './mapped-records.js';
import { RecentRecords } from './recent-records.js';

/** The largest answer body a connector reads; a bigger one is a misconfigured endpoint, not records. */
export const MAX_ANSWER_BYTES = 10 * 1024 * 1024;

/** The longest query value a connector sends, in characters. */
export const MAX_QUERY_VALUE_CHARS = 500;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** One HTTP request to an external system that answers JSON. */
export interface JsonRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** A JSON text, sent with `content-type: application/json`. */
  body?: string | undefined;
  /** The connector's own bound on the call, on top of the caller's signal (0 or less: none). */
  timeoutMs: number;
  /** Answer null instead of failing when the system says 404 (the record is gone). */
  notFoundIsNull?: boolean | undefined;
}

/** A parsed JSON answer and when it arrived. */
export interface JsonAnswer {
  body: unknown;
  retrievedAt: Date;
}

/**
 * The value a query sends, trimmed; null when there is nothing to ask (the caller answers []).
 * Throws Invalid for values longer than MAX_QUERY_VALUE_CHARS.
 */
export function queryValue(query: ConnectorQuery): string | null {
  const value = query.value.trim();
  if (value === '') return null;
  // Counting code points costs a copy; UTF-16 length is never smaller, so most values skip it.
  if (value.length > MAX_QUERY_VALUE_CHARS && [...value].length > MAX_QUERY_VALUE_CHARS) {
    throw new Invalid(`a ${query.kind} to search for may have at most ${MAX_QUERY_VALUE_CHARS} characters`, { kind: query.kind });
  }
  return value;
}

/**
 * Sends one request and parses its JSON answer, turning every way the external system can fail
 * (unreachable, too slow, an error status, a body that is too large or not JSON) into a
 * ConnectorFailure. An aborted call signal rejects with the signal's own reason.
 */
export async function requestJson(connector: string, request: JsonRequest, options: ConnectorCallOptions): Promise<JsonAnswer | null> {
  options.signal.throwIfAborted();
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new ConnectorFailure(connector, 'the configured URL is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConnectorFailure(connector, `the configured URL must be http or https, not ${url.protocol.replace(/:$/, '')}`);
  }
  // Messages name only the host: paths and query strings carry the values investigators asked for.
  const host = url.host;
  const timeout = request.timeoutMs > 0 ? AbortSignal.timeout(request.timeoutMs) : null;
  const signal = timeout === null ? options.signal : AbortSignal.any([options.signal, timeout]);
  const headers = new Headers(request.headers);
  headers.set('accept', 'application/json');
  if (request.body !== undefined) headers.set('content-type', 'application/json');

  const failure = (error: unknown): unknown => {
    if (options.signal.aborted) return options.signal.reason ?? error;
    if (timeout?.aborted === true) return new ConnectorFailure(connector, `${host} did not answer within ${request.timeoutMs} ms`, { cause: error });
    return new ConnectorFailure(connector, `cannot reach ${host}: ${describeNetworkError(error)}`, { cause: error });
  };

  let response: Response;
  let method = request.method;
  let body = request.body;
  for (let redirects = 0; ; redirects += 1) {
    try {
      // Redirects are followed here, not by fetch: fetch would carry the connector's headers (an
      // API key, say) to whatever host a redirect names; only Authorization is dropped there.
      response = await fetch(url, { method, headers, body, signal, redirect: 'manual' });
    } catch (error) {
      throw failure(error);
    }
    const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
    if (location === null) break;
    await discard(response);
    const next = URL.canParse(location, url.href) ? new URL(location, url) : null;
    if (next === null) throw new ConnectorFailure(connector, `${host} redirected to an invalid URL`);
    // The same host, or the same host moved to https; anywhere else is refused.
    if (next.host !== url.host || (next.protocol !== url.protocol && next.protocol !== 'https:')) {
      throw new ConnectorFailure(connector, `${host} redirected to another host (${next.host}); not followed, so the connector's headers stay with ${host}`);
    }
    if (redirects >= MAX_REDIRECTS) throw new ConnectorFailure(connector, `${host} redirected more than ${MAX_REDIRECTS} times`);
    // As fetch does: 303, and 301 or 302 after a POST, continue as a GET without the body.
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      headers.delete('content-type');
    }
    url = next;
  }
  if (response.status === 404 && request.notFoundIsNull === true) {
    await discard(response);
    return null;
  }
  if (!response.ok) {
    await discard(response);
    const hint = response.status === 401 || response.status === 403 ? ' (check the credentials the connector sends)' : '';
    throw new ConnectorFailure(connector, `${host} answered ${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}${hint}`);
  }

  let bytes: Uint8Array | null;
  try {
    bytes = await readCapped(response, MAX_ANSWER_BYTES);
  } catch (error) {
    throw failure(error);
  }
  const retrievedAt = options.now();
  if (bytes === null) throw new ConnectorFailure(connector, `the answer from ${host} is larger than ${MAX_ANSWER_BYTES / (1024 * 1024)} MB`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ConnectorFailure(connector, `the answer from ${host} (${response.status}) is not UTF-8 text`);
  }
  if (text.trim() === '') throw new ConnectorFailure(connector, `the answer from ${host} (${response.status}) is empty; expected JSON`);
  try {
    return { body: JSON.parse(text) as unknown, retrievedAt };
  } catch (error) {
    const type = response.headers.get('content-type');
    throw new ConnectorFailure(connector, `the answer from ${host} (${response.status}${type === null ? '' : `, ${type}`}) is not JSON: ${(error as Error).message}`);
  }
}

/** The value at a dotted path ("" is the value itself), or undefined when some step is missing. */
export function valueAtPath(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current = value;
  for (const step of path.split('.')) {
    // Own properties only: a path must not reach into prototypes ("__proto__", "constructor").
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, step)) return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/** True for a parsed JSON object (not a list, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a JSON value is, for messages: "a list", "null", "an object", "a string"... */
export function describeJson(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/**
 * A connector to a REST API that answers JSON: each query kind has its own URL template, and every
 * record of an answer goes through the FtM mapping, so its entities get the ids an import of the
 * same record would give.
 */
export function createHttpConnector(definition: HttpConnectorDefinition, mapping: Mapping): Connector {
  const queries = mappingQueries(mapping);
  // FtM ids are hashes of a record's keys; fetch needs the record's own values to ask for it again.
  const recent = new RecentRecords<Record<string, string>>(definition.cacheSeconds * 1000);
  const answers = new Set(CONNECTOR_QUERY_KINDS.filter((kind) => (definition.search[kind] ?? '') !== ''));

  const entitiesOf = (row: Record<string, string>, provenance: Omit<Provenance, 'origin'>): ConnectorEntity[] =>
    queries.flatMap((query) => entitiesOfRecord(query, row, provenance));
  const get = (url: string, options: ConnectorCallOptions, notFoundIsNull: boolean) =>
    requestJson(definition.id, { url, method: 'GET', headers: definition.headers, timeoutMs: definition.timeoutMs, notFoundIsNull }, options);

  return {
    id: definition.id,
    kind: 'http',
    source: definition.source,
    answers,

    async search(query, options) {
      options.signal.throwIfAborted();
      const template = definition.search[query.kind];
      if (template === undefined || template === '') throw new Invalid(`connector ${definition.id} does not answer ${query.kind} queries`);
      const value = queryValue(query);
      if (value === null) return [];
      if (query.schema !== undefined && !isSchema(query.schema)) return [];
      const url = template.replaceAll('{value}', encodeURIComponent(value));
      const answer = await get(url, options, false);
      if (answer === null) return [];
      const list = valueAtPath(answer.body, definition.results);
      if (!Array.isArray(list)) {
        const where = definition.results === '' ? 'the answer' : `"${definition.results}" in the answer`;
        throw new ConnectorFailure(definition.id, `${where} is ${describeJson(list)}, not a list of records`);
      }
      const provenance = { source: definition.source, connector: definition.id, retrievedAt: answer.retrievedAt, url };
      const limit = resultLimit(query);
      const seen = new Set<string>();
      const results: ConnectorEntity[] = [];
      for (const item of list) {
        if (!isJsonObject(item)) continue;
        const row = jsonObjectToRow(item);
        for (const entity of entitiesOf(row, provenance)) {
          if (seen.has(entity.id) || !matchesSchema(entity, query)) continue;
          seen.add(entity.id);
          results.push(entity);
          recent.remember(entity.id, row, answer.retrievedAt);
          if (results.length >= limit) return results;
        }
      }
      return results;
    },

    async fetch(id, options) {
      options.signal.throwIfAborted();
      const row = recent.recall(id, options.now());
      if (row === undefined) return null;
      const url = fillRecordTemplate(definition, row);
      const answer = await get(url, options, true);
      if (answer === null) return null;
      const record = valueAtPath(answer.body, definition.record);
      // An API that answers `{"data": null}` is saying it has no such record.
      if (record === null) return null;
      if (!isJsonObject(record)) {
        const where = definition.record === '' ? 'the answer' : `"${definition.record}" in the answer`;
        throw new ConnectorFailure(definition.id, `${where} is ${describeJson(record)}, not a record`);
      }
      const fresh = jsonObjectToRow(record);
      const provenance = { source: definition.source, connector: definition.id, retrievedAt: answer.retrievedAt, url };
      // The record may have changed so that the mapping no longer makes this entity: then it is gone.
      const entity = entitiesOf(fresh, provenance).find((candidate) => candidate.id === id);
      if (entity === undefined) return null;
      recent.remember(id, fresh, answer.retrievedAt);
      return entity;
    },

    async close() {
      // fetch() shares Node's global connection pool; there is nothing of this connector's to release.
    },
  };
}

function fillRecordTemplate(definition: HttpConnectorDefinition, row: Record<string, string>): string {
  return definition.fetch.replace(/\{([^{}]+)\}/g, (_, column: string) => {
    const value = row[column];
    if (value === undefined) {
      throw new ConnectorFailure(definition.id, `the fetch URL names the column "${column}", which the record does not have`);
    }
    return encodeURIComponent(value);
  });
}

/** Reads the body, or null as soon as it grows past `limit` bytes (the rest is never read). */
async function readCapped(response: Response, limit: number): Promise<Uint8Array | null> {
  const declared = Number(response.headers.get('content-length') ?? '');
  if (Number.isFinite(declared) && declared > limit) {
    await discard(response);
    return null;
  }
  if (response.body === null) return new Uint8Array(0);
  // Node's fetch types its body as a stream of any; it is bytes.
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Drops an unread body so the connection goes back to the pool. */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

function describeNetworkError(error: unknown): string {
  // Node's fetch says only "fetch failed"; the cause names the real problem (ECONNREFUSED, a DNS failure...).
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}
