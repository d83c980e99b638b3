import type { FastifyInstance } from 'fastify';
import { applyRetention, checkpointAuditLog, createContext, expireUnlocks, LOCAL_OPERATOR, tidySearchWords, type AuditKeys } from '@casegraph/core';
import { buildApp, type BuildAppOptions } from './build-app.js';

/** A listening server. */
export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** How often housekeeping runs: expire unlocks, apply retention once a day, sign a checkpoint of the audit log when it grew. */
const HOUSEKEEPING_MS = 60_000;
/** How often the words of names kept for close spellings lose repeats and words no name holds. */
const TIDY_WORDS_MS = 3_600_000;

/**
 * Builds the app and listens: the only place that opens a port. Housekeeping expires unlocks and
 * cached connector answers every minute, tidies the words of names hourly and applies retention daily; with `keys`, the server also signs a checkpoint of
 * the audit log every minute in which it grew, and on close.
 * @example const server = await startServer({ store, config, host: '127.0.0.1', port: 8080 });
 */
export async function startServer(options: BuildAppOptions & { host: string; port: number; keys?: AuditKeys; housekeeping?: boolean }): Promise<RunningServer> {
  const app = await buildApp(options);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  const ctx = createContext({
    db: options.store.db,
    actor: LOCAL_OPERATOR,
    config: options.config,
    purpose: { caseId: null, code: 'administration', justification: 'housekeeping' },
  });
  let signedSize = -1;
  let retainedOn = '';
  // The first tidying an hour after start: at 10 million records it reads the name index for a few seconds.
  let wordsTidiedAt = Date.now();
  const housekeeping = async () => {
    await expireUnlocks(ctx);
    // Connector answers leave memory once their source's rules no longer allow keeping them.
    options.connectors?.cache.purgeExpired(new Date());
    const today = new Date().toISOString().slice(0, 10);
    if (retainedOn !== today) {
      await applyRetention(ctx);
      retainedOn = today;
    }
    if (Date.now() - wordsTidiedAt >= TIDY_WORDS_MS) {
      wordsTidiedAt = Date.now();
      await tidySearchWords(options.store.db);
    }
    if (options.keys === undefined) return;
    const head = await options.store.db.selectFrom('audit_head').select('size').where('id', '=', 1).executeTakeFirst();
    if (head !== undefined && Number(head.size) !== signedSize) signedSize = (await checkpointAuditLog(ctx, options.keys)).treeSize;
  };
  // Of several workers on one store, one runs housekeeping (`housekeeping: false` on the others).
  const runsHousekeeping = options.housekeeping !== false;
  const timer = setInterval(() => {
    if (runsHousekeeping) housekeeping().catch((error: unknown) => app.log.error({ err: error }, 'housekeeping failed'));
  }, HOUSEKEEPING_MS);
  timer.unref();
  return {
    app,
    url: `http://${host}:${port}`,
    close: async () => {
      clearInterval(timer);
      await app.close();
      if (runsHousekeeping) await housekeeping().catch((error: unknown) => app.log.error({ err: error }, 'final checkpoint failed'));
    },
  };
}
