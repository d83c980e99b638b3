import pg from 'pg';
import { Invalid } from '../errors.js';
import type { Mapping } from '../ingest/mapping.js';
import { compileSqlQuery, propertyColumns, requireColumn, selectRows, type CompiledSqlQuery } from '../ingest/sql-query.js';
import { ConnectorFailure, resultLimit, type Connector, type ConnectorCallOptions, type ConnectorEntity, type ConnectorQuery, type ConnectorQueryKind } from './connector.js';
import type { SqlConnectorDefinition } from './definitions.js';
import { entitiesOfRecord, mappingQueries, matchesSchema } from './mapped-records.js';
import { RecentRecords } from './recent-records.js';

/** What the SQL connector needs of a database: node-postgres' pool and PGlite both answer this. */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/** The FtM property type a query kind searches. */
const KIND_TYPES: Record<ConnectorQueryKind, string> = { name: 'name', identifier: 'identifier', address: 'address', phone: 'phone', email: 'email' };

/** What fetching an entity again needs: which query made it and the key cells of its row. */
interface Remembered {
  query: number;
  keys: Record<string, string>;
}

/**
 * Opens a pool on a PostgreSQL database for a connector: read-only transactions, and every
 * statement stopped by the server after the connector's timeout.
 */
export function openSqlClient(url: string, timeoutMs: number): SqlClient & { end(): Promise<void> } {
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: timeoutMs,
    options: `-c default_transaction_read_only=on -c statement_timeout=${Math.max(1, Math.floor(timeoutMs))}`,
  });
  // An idle connection the server drops must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * A connector over a SQL database described by an FtM mapping: searches the columns that feed
 * the properties of the asked type, maps each matching row as an import would, and fetches a
 * record again by the keys of the row it came from.
 * @example const connector = createSqlConnector(definition, parseMapping(yaml), openSqlClient(url, 5000))
 */
export function createSqlConnector(definition: SqlConnectorDefinition, mapping: Mapping, client: SqlClient & { end?: () => Promise<void> }): Connector {
  const compiled = mappingQueries(mapping).map((query, index) => compileSqlQuery(`connector ${definition.id}`, query, index));
  const answers = new Set<ConnectorQueryKind>();
  for (const kind of Object.keys(KIND_TYPES) as ConnectorQueryKind[]) {
    if (compiled.some((c) => searchColumns(c, kind).length > 0)) answers.add(kind);
  }
  const recent = new RecentRecords<Remembered>(definition.cacheSeconds * 1000);

  async function run(sqlText: string, params: unknown[], signal: AbortSignal): Promise<Array<Record<string, unknown>>> {
    signal.throwIfAborted();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('the query was aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      // The server's statement timeout ends a query the caller stopped waiting for.
      const result = await Promise.race([client.query(sqlText, params), aborted]);
      return result.rows;
    } catch (error) {
      if (signal.aborted) throw error;
      throw new ConnectorFailure(definition.id, `the database failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  function toEntities(c: CompiledSqlQuery, rows: Array<Record<string, unknown>>, now: Date): ConnectorEntity[] {
    const out: ConnectorEntity[] = [];
    for (const raw of rows) {
      const row: Record<string, string> = {};
      // Every cell is selected as text; anything else would be a driver's surprise, kept as JSON.
      for (const [key, value] of Object.entries(raw)) if (value !== null && value !== undefined) row[key] = typeof value === 'string' ? value : JSON.stringify(value);
      // The row's key cells find it again, whichever of its entities is fetched.
      const keys: Record<string, string> = {};
      for (const column of c.keys) if (row[column] !== undefined) keys[column] = row[column];
      for (const entity of entitiesOfRecord(c.query, row, { source: definition.source, connector: definition.id, retrievedAt: now })) {
        recent.remember(entity.id, { query: c.index, keys }, now);
        out.push(entity);
      }
    }
    return out;
  }

  return {
    id: definition.id,
    kind: 'sql',
    source: definition.source,
    answers,
    async search(query: ConnectorQuery, options: ConnectorCallOptions): Promise<ConnectorEntity[]> {
      const condition = buildCondition(query);
      if (condition === null) return [];
      const limit = resultLimit(query);
      const seen = new Map<string, ConnectorEntity>();
      for (const c of compiled) {
        const columns = searchColumns(c, query.kind);
        if (columns.length === 0) continue;
        const params: unknown[] = [];
        const where = columns.map((expression) => condition(expression, params)).join(' or ');
        // Each row gives several entities (a person and their address, say): ask for a few rows more than needed.
        const rows = await run(selectRows(c, where, limit * 4), params, options.signal);
        for (const entity of toEntities(c, rows, options.now())) {
          if (matchesSchema(entity, query) && !seen.has(entity.id)) seen.set(entity.id, entity);
        }
        if (seen.size >= limit) break;
      }
      return [...seen.values()].slice(0, limit);
    },
    async fetch(id: string, options: ConnectorCallOptions): Promise<ConnectorEntity | null> {
      const remembered = recent.recall(id, options.now());
      const c = remembered === undefined ? undefined : compiled[remembered.query];
      if (remembered === undefined || c === undefined) return null;
      const params: unknown[] = [];
      const where = Object.entries(remembered.keys).map(([column, value]) => {
        params.push(value);
        return `(${requireColumn(c, column)})::text = $${params.length}`;
      });
      if (where.length === 0) return null;
      const rows = await run(selectRows(c, where.join(' and '), 10), params, options.signal);
      return toEntities(c, rows, options.now()).find((entity) => entity.id === id) ?? null;
    },
    async close(): Promise<void> {
      await client.end?.();
    },
  };
}

/** SQL expressions (one per property spec of the kind's type) that hold the values a query kind searches. */
function searchColumns(c: CompiledSqlQuery, kind: ConnectorQueryKind): string[] {
  const type = KIND_TYPES[kind];
  const expressions = new Set<string>();
  for (const spec of c.query.entities) {
    for (const property of spec.properties) {
      if (property.type !== type) continue;
      const columns = propertyColumns(property);
      if (columns.length === 0) continue;
      const refs = columns.map((column) => `(${requireColumn(c, column)})::text`);
      expressions.add(refs.length === 1 ? (refs[0] as string) : `concat_ws(' ', ${refs.join(', ')})`);
    }
  }
  return [...expressions];
}

/** Escapes LIKE's wildcards so a value is matched literally. */
function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * How a query kind compares a column expression with the asked value: names and addresses by
 * every word occurring (case-insensitively), identifiers by letters and digits, phones by their
 * last nine digits (so +44 20 7946 0018 finds 020 7946 0018), emails case-insensitively. Returns
 * null when the value holds nothing to search for.
 */
function buildCondition(query: ConnectorQuery): ((expression: string, params: unknown[]) => string) | null {
  // eslint-disable-next-line no-control-regex -- control characters are never part of a value
  const value = query.value.replace(/[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e]/g, ' ').trim();
  if (value.length > 500) throw new Invalid('a connector query value is at most 500 characters');
  const param = (params: unknown[], v: string) => {
    params.push(v);
    return `$${params.length}`;
  };
  switch (query.kind) {
    case 'name':
    case 'address': {
      const words = value.toLowerCase().split(/[\s,.;:()"']+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
      if (words.length === 0) return null;
      return (expression, params) => `(${words.map((w) => `lower(${expression}) like ${param(params, `%${likeLiteral(w)}%`)}`).join(' and ')})`;
    }
    case 'identifier': {
      const compact = value.replace(/[^\p{L}\p{N}]/gu, '').toUpperCase();
      if (compact === '') return null;
      return (expression, params) => `upper(regexp_replace(${expression}, '[^[:alnum:]]', '', 'g')) = ${param(params, compact)}`;
    }
    case 'phone': {
      const digits = value.replace(/\D/g, '');
      if (digits.length < 5) return null;
      const tail = digits.slice(-9);
      return (expression, params) => `right(regexp_replace(${expression}, '[^0-9]', '', 'g'), ${tail.length}) = ${param(params, tail)}`;
    }
    case 'email': {
      if (!value.includes('@')) return null;
      return (expression, params) => `lower(trim(${expression})) = ${param(params, value.toLowerCase())}`;
    }
  }
}

