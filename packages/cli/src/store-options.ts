import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { createDb, parseConfig, Invalid, type CoreConfig, type Store, type StoreOptions } from '@casegraph/core';

/** Flags every command that opens the store accepts. */
export interface StoreFlags {
  data?: string;
  databaseUrl?: string;
  databaseReplicaUrl?: string;
  config?: string;
}

/**
 * Explicit flags win over the environment: --data, then --database-url, then DATABASE_URL,
 * then CASEGRAPH_DATA, then ./data. A read replica (--database-replica-url, then
 * DATABASE_REPLICA_URL) goes with any of them; the store refuses it without a PostgreSQL primary.
 */
export function resolveStoreOptions(flags: StoreFlags, env: NodeJS.ProcessEnv = process.env): StoreOptions {
  const replicaUrl = flags.databaseReplicaUrl ?? env.DATABASE_REPLICA_URL;
  const replica = replicaUrl !== undefined && replicaUrl !== '' ? { replicaUrl } : {};
  if (flags.data !== undefined) return { dataDir: resolve(flags.data), ...replica };
  const url = flags.databaseUrl ?? env.DATABASE_URL;
  if (url !== undefined && url !== '') return { databaseUrl: url, ...replica };
  return { dataDir: resolve(env.CASEGRAPH_DATA ?? './data'), ...replica };
}

function configPath(flags: StoreFlags, env: NodeJS.ProcessEnv): string | undefined {
  const explicit = flags.config ?? env.CASEGRAPH_CONFIG;
  return explicit ?? (existsSync('casegraph.config.json') ? 'casegraph.config.json' : undefined);
}

/** The folder files named in the config (connector mappings) are relative to: the config file's own. */
export function configBaseDir(flags: StoreFlags, env: NodeJS.ProcessEnv = process.env): string {
  const path = configPath(flags, env);
  return path === undefined ? process.cwd() : dirname(resolve(path));
}

/** Reads the deployment's config file: --config, CASEGRAPH_CONFIG, or ./casegraph.config.json if present. */
export function loadConfig(flags: StoreFlags, env: NodeJS.ProcessEnv = process.env): CoreConfig {
  const path = configPath(flags, env);
  if (path === undefined) return parseConfig(undefined);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Invalid(`cannot read the config file ${path}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Invalid(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseConfig(raw, path);
}

/** Opens the store the flags name. */
export async function openStore(flags: StoreFlags): Promise<Store> {
  return createDb(resolveStoreOptions(flags));
}

/**
 * Where the deployment's keys file (checkpoint signing key, query-term key) lives: --keys, then
 * CASEGRAPH_KEYS, then beside an embedded store's data, then ./casegraph-keys.json.
 */
export function resolveKeysPath(flags: StoreFlags & { keys?: string }, env: NodeJS.ProcessEnv = process.env): string {
  if (flags.keys !== undefined) return resolve(flags.keys);
  if (env.CASEGRAPH_KEYS !== undefined && env.CASEGRAPH_KEYS !== '') return resolve(env.CASEGRAPH_KEYS);
  const options = resolveStoreOptions(flags, env);
  return options.dataDir !== undefined ? join(options.dataDir, 'casegraph-keys.json') : resolve('casegraph-keys.json');
}

/** The store flags commands share. */
export function storeFlags(command: Command): Command {
  return command
    .addOption(new Option('--data <dir>', 'data folder of the embedded store (default: $CASEGRAPH_DATA or ./data)'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL connection string (default: $DATABASE_URL)'))
    .addOption(new Option('--database-replica-url <url>', 'PostgreSQL read replica for search and graph reads (default: $DATABASE_REPLICA_URL)'))
    .addOption(new Option('--config <file>', 'deployment config file (default: $CASEGRAPH_CONFIG or ./casegraph.config.json)'));
}
