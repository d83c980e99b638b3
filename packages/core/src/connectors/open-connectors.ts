import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { Invalid } from '../errors.js';
import { parseMapping } from '../ingest/parse-mapping.js';
import type { Mapping } from '../ingest/mapping.js';
import { getSource } from '../sources/register-source.js';
import type { Database } from '../store/schema.js';
import type { Connector } from './connector.js';
import { ConnectorCache } from './connector-cache.js';
import type { ConnectorDefinition } from './definitions.js';
import { createHttpConnector } from './http-connector.js';
import { createSqlConnector, openSqlClient } from './sql-connector.js';
import { createYenteConnector } from './yente-connector.js';

/** A connector ready to be asked, with how long the fan-out waits for it and keeps its answers. */
export interface OpenConnector {
  connector: Connector;
  timeoutMs: number;
  /** The connector's cache time, capped at its source's retention. */
  cacheSeconds: number;
}

/** A deployment's connectors and the cache of their answers. */
export interface ConnectorSet {
  connectors: OpenConnector[];
  cache: ConnectorCache;
  close(): Promise<void>;
}

/** A set with no connectors, for deployments that declare none. */
export function noConnectors(): ConnectorSet {
  return { connectors: [], cache: new ConnectorCache(), close: async () => undefined };
}

/**
 * Opens the connectors a config declares: each must answer for a registered source, and its
 * mapping file (relative to `baseDir`) must be valid. Answers are cached no longer than the
 * source's retention. Fails with the connector's name and the reason, before anything is asked.
 * @example const set = await openConnectors(store.db, config.connectors, { baseDir: dirname(configPath) })
 */
export async function openConnectors(db: Kysely<Database>, definitions: readonly ConnectorDefinition[], options: { baseDir: string }): Promise<ConnectorSet> {
  const opened: OpenConnector[] = [];
  const close = async () => {
    await Promise.allSettled(opened.map((o) => o.connector.close()));
  };
  try {
    for (const definition of definitions) {
      const source = await getSource(db, definition.source).catch(() => {
        throw new Invalid(`connector ${definition.id}: source ${definition.source} is not registered; register it with its policy first (casegraph source register)`);
      });
      const retentionSeconds = source.retentionDays === null ? Infinity : source.retentionDays * 86_400;
      const capped = { ...definition, cacheSeconds: Math.min(definition.cacheSeconds, retentionSeconds) };
      opened.push({ connector: createConnector(capped, options.baseDir), timeoutMs: definition.timeoutMs, cacheSeconds: capped.cacheSeconds });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { connectors: opened, cache: new ConnectorCache(), close };
}

function createConnector(definition: ConnectorDefinition, baseDir: string): Connector {
  switch (definition.kind) {
    case 'sql': {
      const mapping = readMapping(definition.id, resolve(baseDir, definition.mapping));
      const url = definition.url ?? mapping.datasets.flatMap((d) => d.queries).find((q) => q.source.database !== null)?.source.database ?? null;
      if (url === null) throw new Invalid(`connector ${definition.id}: give the database URL (url) or a \`database:\` in the mapping`);
      return createSqlConnector(definition, mapping, openSqlClient(url, definition.timeoutMs));
    }
    case 'http':
      return createHttpConnector(definition, readMapping(definition.id, resolve(baseDir, definition.mapping)));
    case 'yente':
      return createYenteConnector(definition);
  }
}

function readMapping(connector: string, path: string): Mapping {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Invalid(`connector ${connector}: cannot read the mapping ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseMapping(text, { fileName: path });
}
