import { InvalidArgumentError, type Command } from 'commander';
import { CONNECTOR_QUERY_KINDS, createContext, LOCAL_OPERATOR, loadOrCreateKeys, openConnectors, sealTerms, searchConnectors, type ConnectorEntity, type ConnectorQueryKind } from '@casegraph/core';
import { configBaseDir, loadConfig, openStore, resolveKeysPath, storeFlags, type StoreFlags } from '../store-options.js';
import { positiveInteger } from './parse.js';

interface SearchFlags extends StoreFlags {
  kind: ConnectorQueryKind;
  schema?: string;
  limit?: number;
  connector?: string[];
  case?: string;
  purpose: string;
  justification: string;
  format: 'text' | 'jsonl';
  keys?: string;
}

function queryKind(value: string): ConnectorQueryKind {
  if (!(CONNECTOR_QUERY_KINDS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${CONNECTOR_QUERY_KINDS.join(', ')}`);
  return value as ConnectorQueryKind;
}

function caption(entity: ConnectorEntity): string {
  const p = entity.properties;
  return (p.name ?? p.registrationNumber ?? p.full ?? p.number ?? p.email ?? p.phone ?? [entity.id])[0] ?? entity.id;
}

/** `casegraph connectors`: list the deployment's connectors, and ask them live. */
export function registerConnectorCommands(program: Command): void {
  const connectors = program.command('connectors').description("ask external systems live, through the connectors the config file declares");
  storeFlags(connectors.command('list').description('the connectors the config declares, with their source and the query kinds they answer')).action(async (flags: StoreFlags) => {
    const config = loadConfig(flags);
    const store = await openStore(flags);
    try {
      const set = await openConnectors(store.db, config.connectors, { baseDir: configBaseDir(flags) });
      for (const { connector, timeoutMs, cacheSeconds } of set.connectors) {
        process.stdout.write(`${connector.id}  ${connector.kind}  source ${connector.source}  answers ${[...connector.answers].join(', ')}  timeout ${timeoutMs} ms  cache ${cacheSeconds} s\n`);
      }
      if (set.connectors.length === 0) process.stderr.write('no connectors: declare them under "connectors" in the config file\n');
      await set.close();
    } finally {
      await store.close();
    }
  });
  storeFlags(
    connectors
      .command('search')
      .description('ask every connector (or those named) in parallel; prints the entities, and on stderr how each connector answered')
      .argument('<value>', 'the name, identifier, address, phone or email to ask for')
      .option('--kind <kind>', `what the value is: ${CONNECTOR_QUERY_KINDS.join(', ')}`, queryKind, 'name' as ConnectorQueryKind)
      .option('--schema <schema>', 'only entities of this FtM schema')
      .option('--limit <n>', 'at most this many entities per connector', positiveInteger)
      .option('--connector <id...>', 'only these connectors')
      .option('--case <id>', 'the case the search is for')
      .requiredOption('--purpose <code>', 'the purpose of the search')
      .requiredOption('--justification <text>', 'why the search is needed (recorded in the audit log)')
      .option('--format <format>', 'text or jsonl', 'text')
      .option('--keys <file>', 'keys file, whose key seals the query terms in the audit log'),
  ).action(async (value: string, flags: SearchFlags) => {
    if (flags.format !== 'text' && flags.format !== 'jsonl') throw new InvalidArgumentError('--format is text or jsonl');
    const config = loadConfig(flags);
    const store = await openStore(flags);
    try {
      const keys = loadOrCreateKeys(resolveKeysPath(flags), 'casegraph');
      const set = await openConnectors(store.db, config.connectors, { baseDir: configBaseDir(flags) });
      try {
        const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config, purpose: { caseId: flags.case ?? null, code: flags.purpose, justification: flags.justification } });
        const answer = await searchConnectors(ctx, set, { query: { kind: flags.kind, value, schema: flags.schema, limit: flags.limit }, only: flags.connector }, (terms) => sealTerms(keys, terms));
        for (const entity of answer.entities) {
          if (flags.format === 'jsonl') process.stdout.write(JSON.stringify({ id: entity.id, schema: entity.schema, properties: entity.properties, provenance: entity.provenance }) + '\n');
          else process.stdout.write(`${entity.schema.padEnd(14)} ${caption(entity)}  [${entity.provenance.connector}, ${entity.provenance.retrievedAt.toISOString()}]  ${entity.id}\n`);
        }
        for (const o of answer.connectors) process.stderr.write(`${o.connector}: ${o.status}${o.status === 'ok' || o.status === 'cached' ? `, ${o.results} result(s) in ${o.ms} ms` : ''}${o.message ? ` (${o.message})` : ''}\n`);
        const asked = answer.connectors.filter((o) => o.status !== 'skipped');
        if (asked.length > 0 && asked.every((o) => o.status === 'failed' || o.status === 'timeout')) throw new Error('no connector answered');
      } finally {
        await set.close();
      }
    } finally {
      await store.close();
    }
  });
}
