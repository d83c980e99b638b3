import { checkEntity } from '../entities/check-entity.js';
import type { FtmEntity } from '../ingest/ftm-entities.js';
import { findProperty, findSchema } from '../model/ftm.js';
import {
  CONNECTOR_QUERY_KINDS,
  ConnectorFailure,
  resultLimit,
  type Connector,
  type ConnectorEntity,
  type ConnectorQueryKind,
  type Provenance,
} from './connector.js';
import type { YenteConnectorDefinition } from './definitions.js';
import { describeJson, isJsonObject, queryValue, requestJson } from './http-connector.js';
import { matchesSchema } from './mapped-records.js';

// The key of the one example in each /match batch; yente answers under the same key.
const QUERY_KEY = 'q1';

// yente matches an example entity against its index: candidates come from every value by its
// property type's group (names, identifiers, phones, emails, addresses), and nomenklatura's
// scorers compare identifiers by type as well, so one identifier property would match any
// identifier of a result. The value is still sent under the properties yente's documentation
// names for organisations and people (registrationNumber, idNumber) and taxNumber, so that a
// service or scorer that compares property by property finds it too. Format-checked codes
// (leiCode, innCode, ogrnCode) are left out: a value that is not such a code would be dropped.
const KIND_PROPERTIES: Record<ConnectorQueryKind, readonly string[]> = {
  name: ['name'],
  identifier: ['registrationNumber', 'idNumber', 'taxNumber'],
  address: ['address'],
  phone: ['phone'],
  email: ['email'],
};

// LegalEntity is matchable in yente, and its matchable schemata include Person, Organization and
// Company, so one example finds people and companies alike; Person would miss every company,
// and Thing is not matchable (nor has it phones, emails or identifiers).
const DEFAULT_SCHEMA = 'LegalEntity';

/**
 * A client for OpenSanctions yente and services that speak its API: a query becomes an example
 * entity for `POST /match/{dataset}`, and fetch reads `GET /entities/{id}`. Results are checked
 * against the model; values and properties the model refuses are dropped, and a result whose
 * schema it does not know is skipped.
 */
export function createYenteConnector(definition: YenteConnectorDefinition): Connector {
  const base = definition.url.replace(/\/+$/, '');
  const headers: Record<string, string> = definition.apiKey === null ? {} : { authorization: `ApiKey ${definition.apiKey}` };
  const provenanceOf = (entity: FtmEntity, retrievedAt: Date, url: string): Provenance => ({
    source: definition.source,
    connector: definition.id,
    retrievedAt,
    origin: [entity.id],
    url,
  });

  return {
    id: definition.id,
    kind: 'yente',
    source: definition.source,
    answers: new Set(CONNECTOR_QUERY_KINDS),

    async search(query, options) {
      options.signal.throwIfAborted();
      const value = queryValue(query);
      if (value === null) return [];
      const schemaName = query.schema ?? DEFAULT_SCHEMA;
      const schema = findSchema(schemaName);
      if (schema === undefined) return [];
      // yente refuses an example with properties its schema lacks; a schema that cannot hold the value matches nothing.
      const names = KIND_PROPERTIES[query.kind].filter((name) => findProperty(schema, name) !== undefined);
      if (names.length === 0) return [];
      const limit = resultLimit(query);
      const params = new URLSearchParams({ limit: String(limit) });
      if (definition.threshold !== null) {
        // yente's threshold only sets each result's `match` flag; results between its cutoff and
        // the threshold are still served. The cutoff makes it serve exactly the results scoring at
        // least the threshold, so a threshold below yente's default cutoff lets weaker matches in too.
        params.set('threshold', String(definition.threshold));
        params.set('cutoff', String(definition.threshold));
      }
      const url = `${base}/match/${encodeURIComponent(definition.dataset)}?${params.toString()}`;
      const example = { schema: schemaName, properties: Object.fromEntries(names.map((name) => [name, [value]])) };
      const answer = await requestJson(
        definition.id,
        { url, method: 'POST', headers, body: JSON.stringify({ queries: { [QUERY_KEY]: example } }), timeoutMs: definition.timeoutMs },
        options,
      );
      if (answer === null) return [];

      const responses: unknown = isJsonObject(answer.body) ? answer.body.responses : undefined;
      const response: unknown = isJsonObject(responses) ? responses[QUERY_KEY] : undefined;
      if (!isJsonObject(response)) throw new ConnectorFailure(definition.id, `the match answer has no responses.${QUERY_KEY}; is ${base} a yente service?`);
      if (typeof response.status === 'number' && response.status !== 200) {
        throw new ConnectorFailure(definition.id, `the match query answered status ${response.status}`);
      }
      if (!Array.isArray(response.results)) {
        throw new ConnectorFailure(definition.id, `responses.${QUERY_KEY}.results in the match answer is ${describeJson(response.results)}, not a list`);
      }
      const seen = new Set<string>();
      const results: ConnectorEntity[] = [];
      for (const result of response.results) {
        if (!isJsonObject(result) || !isMatch(result, definition.threshold)) continue;
        const entity = cleanEntity(result);
        if (entity === null || seen.has(entity.id) || !matchesSchema(entity, query)) continue;
        seen.add(entity.id);
        // The score stays behind: the connector interface has no place for it yet.
        results.push({ ...entity, provenance: provenanceOf(entity, answer.retrievedAt, url) });
        if (results.length >= limit) break;
      }
      return results;
    },

    async fetch(id, options) {
      options.signal.throwIfAborted();
      // nested=false: by default yente inlines adjacent entities and adds reverse properties
      // (ownershipOwner, sanctions...), so the entity would differ from the one /match returned.
      const url = `${base}/entities/${encodeURIComponent(id)}?nested=false`;
      const answer = await requestJson(definition.id, { url, method: 'GET', headers, timeoutMs: definition.timeoutMs, notFoundIsNull: true }, options);
      if (answer === null) return null;
      if (!isJsonObject(answer.body)) throw new ConnectorFailure(definition.id, `the entity answer is ${describeJson(answer.body)}, not an entity`);
      // Like a search result the model cannot hold, such an entity is not one casegraph can have.
      const entity = cleanEntity(answer.body);
      if (entity === null) return null;
      if (entity.id !== id) {
        // yente redirects an id merged into another entity to the canonical one, which lists the
        // merged ids as referents. That entity is the answer, under its own id: renaming it to the
        // id asked would invent an entity yente does not have. Any other entity is not the one asked.
        const referents = answer.body.referents;
        if (!Array.isArray(referents) || !referents.includes(id)) return null;
      }
      return { ...entity, provenance: provenanceOf(entity, answer.retrievedAt, url) };
    },

    async close() {
      // fetch() shares Node's global connection pool; there is nothing of this connector's to release.
    },
  };
}

/** Whether yente counts a result as a match: its `match` flag, and the configured threshold when the service ignored it. */
function isMatch(result: Record<string, unknown>, threshold: number | null): boolean {
  if (result.match === false) return false;
  if (threshold !== null && typeof result.score === 'number' && result.score < threshold) return false;
  return true;
}

/**
 * A yente entity as an FtM entity casegraph can hold: id, schema and the property values the model
 * accepts (caption, datasets, score and the like are left behind), or null when its id or schema
 * is unusable.
 */
function cleanEntity(raw: Record<string, unknown>): FtmEntity | null {
  if (typeof raw.id !== 'string' || typeof raw.schema !== 'string') return null;
  const schema = findSchema(raw.schema);
  if (schema === undefined) return null;
  const given = isJsonObject(raw.properties) ? raw.properties : {};
  const properties: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(given)) {
    if (!Array.isArray(values)) continue;
    const isReference = findProperty(schema, name)?.type.name === 'entity';
    // A nested answer gives referenced entities inline; the reference itself is their id.
    properties[name] = values.map((value: unknown) => (isReference && isJsonObject(value) && typeof value.id === 'string' ? value.id : value)) as string[];
  }
  const { values, problems } = checkEntity({ id: raw.id, schema: raw.schema, properties });
  // Problems without a property are about the entity itself (its id, an abstract schema).
  if (problems.some((problem) => problem.property === null)) return null;
  const kept: Record<string, string[]> = {};
  for (const checked of values) {
    const list = (kept[checked.property] ??= []);
    if (!list.includes(checked.value)) list.push(checked.value);
  }
  return { id: raw.id, schema: raw.schema, properties: kept };
}
