import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from './build-app.js';

/** A listening server. */
export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/**
 * Builds the app and listens: the only place that opens a port.
 * @example const server = await startServer({ store, config, host: '127.0.0.1', port: 8080 });
 */
export async function startServer(options: BuildAppOptions & { host: string; port: number }): Promise<RunningServer> {
  const app = await buildApp(options);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  return { app, url: `http://${host}:${port}`, close: () => app.close() };
}
