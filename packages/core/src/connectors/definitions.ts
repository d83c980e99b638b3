import { Invalid } from '../errors.js';
import type { ConnectorQueryKind } from './connector.js';

/** Settings every connector has. */
interface CommonDefinition {
  /** Unique among the deployment's connectors (1-63 lower-case letters, digits, dashes). */
  id: string;
  /** The registered source whose policy governs what the connector returns. */
  source: string;
  /** How long one call may take before the fan-out gives up on it (default 5,000 ms). */
  timeoutMs: number;
  /**
   * How long answers, and the keys that fetch a returned record again, are kept in memory; never
   * longer than the source's retention (default 300 s). 0 keeps nothing, so fetch finds nothing again.
   */
  cacheSeconds: number;
}

/** A PostgreSQL database described by an FtM mapping file whose queries name its tables. */
export interface SqlConnectorDefinition extends CommonDefinition {
  kind: 'sql';
  /** Path of the FtM mapping file (queries with `database` and `tables`). */
  mapping: string;
  /** Connection URL; replaces the mapping's `database`, which is then only documentation. */
  url: string | null;
}

/** A REST API answering JSON, described by an FtM mapping applied to each record it returns. */
export interface HttpConnectorDefinition extends CommonDefinition {
  kind: 'http';
  /** Path of the FtM mapping file; each JSON record is a row, its keys the columns. */
  mapping: string;
  /**
   * One URL template per query kind the API answers; `{value}` is replaced by the URL-encoded
   * query value, e.g. `{ "name": "https://api.example.org/people?name={value}" }`.
   */
  search: Partial<Record<ConnectorQueryKind, string>>;
  /** URL template that fetches one record; `{column}` placeholders take the record's values for those columns. */
  fetch: string;
  /** Dotted path to the list of records in a search answer ("" when the answer is the list itself). */
  results: string;
  /** Dotted path to the record in a fetch answer ("" when the answer is the record itself). */
  record: string;
  /** Headers sent with every request (an API key, say). */
  headers: Record<string, string>;
}

/** A service that speaks OpenSanctions yente's `/match` and `/entities` API. */
export interface YenteConnectorDefinition extends CommonDefinition {
  kind: 'yente';
  /** Base URL, e.g. `https://yente.example.org`. */
  url: string;
  /** The dataset or collection to match against (`default` in yente). */
  dataset: string;
  /** Only matches scoring at least this are returned (yente's own threshold applies otherwise). */
  threshold: number | null;
  /** Sent as `Authorization: ApiKey ...` when set. */
  apiKey: string | null;
}

/** A connector as a deployment's config file declares it. */
export type ConnectorDefinition = SqlConnectorDefinition | HttpConnectorDefinition | YenteConnectorDefinition;

const CONNECTOR_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const KINDS: readonly string[] = ['name', 'identifier', 'address', 'phone', 'email'];

/**
 * Checks the `connectors` list of a config file and fills in defaults; every problem names the
 * connector and the setting.
 * @example parseConnectorDefinitions([{ kind: 'yente', id: 'sanctions', source: 'sanctions', url: 'https://yente.example.org' }], 'casegraph.config.json')
 */
export function parseConnectorDefinitions(raw: unknown, origin: string): ConnectorDefinition[] {
  if (!Array.isArray(raw)) throw new Invalid(`${origin}: "connectors" must be a list`);
  const seen = new Set<string>();
  return raw.map((entry: unknown, i) => {
    const where = `${origin}: connectors[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new Invalid(`${where} must be an object with kind, id and source`);
    const e = entry as Record<string, unknown>;
    const text = (key: string, required: boolean): string | null => {
      const value = e[key];
      if (value === undefined || value === null) {
        if (required) throw new Invalid(`${where}.${key} is required`);
        return null;
      }
      if (typeof value !== 'string' || value.trim() === '') throw new Invalid(`${where}.${key} must be a non-empty string`);
      return value;
    };
    const url = (key: string, required: boolean): string | null => {
      const value = text(key, required);
      if (value === null) return null;
      let parsed: URL;
      try {
        parsed = new URL(value.replace(/\{[^}]*\}/g, 'x'));
      } catch {
        throw new Invalid(`${where}.${key} must be a URL`);
      }
      const schemes = key === 'url' && e.kind === 'sql' ? ['postgres:', 'postgresql:'] : ['http:', 'https:'];
      if (!schemes.includes(parsed.protocol)) throw new Invalid(`${where}.${key} must be a ${schemes.join(' or ')} URL`);
      return value;
    };
    const number = (key: string, fallback: number, min: number, max: number): number => {
      const value = e[key];
      if (value === undefined) return fallback;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) throw new Invalid(`${where}.${key} must be a number from ${min} to ${max}`);
      return value;
    };
    const id = text('id', true) as string;
    if (!CONNECTOR_ID.test(id)) throw new Invalid(`${where}.id must be 1-63 lower-case letters, digits, dashes or underscores`);
    if (seen.has(id)) throw new Invalid(`${where}: connector "${id}" is listed twice`);
    seen.add(id);
    const common = { id, source: text('source', true) as string, timeoutMs: number('timeoutMs', 5000, 100, 120_000), cacheSeconds: number('cacheSeconds', 300, 0, 86_400) };
    const allowed = (keys: string[]) => {
      for (const key of Object.keys(e)) if (!['kind', 'id', 'source', 'timeoutMs', 'cacheSeconds', ...keys].includes(key)) throw new Invalid(`${where}: unknown setting "${key}" for a ${String(e.kind)} connector (known: ${keys.join(', ')})`);
    };
    switch (e.kind) {
      case 'sql':
        allowed(['mapping', 'url']);
        return { kind: 'sql', ...common, mapping: text('mapping', true) as string, url: url('url', false) };
      case 'http': {
        allowed(['mapping', 'search', 'fetch', 'results', 'record', 'headers']);
        const search = e.search;
        if (typeof search !== 'object' || search === null || Array.isArray(search) || Object.keys(search).length === 0) throw new Invalid(`${where}.search must map query kinds (${KINDS.join(', ')}) to URL templates`);
        const templates: Partial<Record<ConnectorQueryKind, string>> = {};
        for (const [kind, template] of Object.entries(search)) {
          if (!KINDS.includes(kind)) throw new Invalid(`${where}.search: unknown query kind "${kind}" (known: ${KINDS.join(', ')})`);
          if (typeof template !== 'string' || !template.includes('{value}')) throw new Invalid(`${where}.search.${kind} must be a URL template holding {value}`);
          try {
            if (!['http:', 'https:'].includes(new URL(template.replace(/\{[^}]*\}/g, 'x')).protocol)) throw new Error('scheme');
          } catch {
            throw new Invalid(`${where}.search.${kind} must be an http or https URL template`);
          }
          templates[kind as ConnectorQueryKind] = template;
        }
        const headers = e.headers ?? {};
        if (typeof headers !== 'object' || headers === null || Array.isArray(headers) || Object.values(headers).some((v) => typeof v !== 'string')) throw new Invalid(`${where}.headers must map header names to text`);
        const path = (key: string) => {
          const value = e[key] ?? '';
          if (typeof value !== 'string') throw new Invalid(`${where}.${key} must be a dotted path ("" for the answer itself)`);
          return value;
        };
        return { kind: 'http', ...common, mapping: text('mapping', true) as string, search: templates, fetch: url('fetch', true) as string, results: path('results'), record: path('record'), headers: headers as Record<string, string> };
      }
      case 'yente': {
        allowed(['url', 'dataset', 'threshold', 'apiKey']);
        const threshold = e.threshold === undefined || e.threshold === null ? null : number('threshold', 0, 0, 1);
        return { kind: 'yente', ...common, url: (url('url', true) as string).replace(/\/+$/, ''), dataset: text('dataset', false) ?? 'default', threshold, apiKey: text('apiKey', false) };
      }
      default:
        throw new Invalid(`${where}.kind must be sql, http or yente`);
    }
  });
}
