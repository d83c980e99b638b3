import { fileURLToPath } from 'node:url';
import { defaultConfig } from '@casegraph/core';
import { openTestStore } from '@casegraph/core/testing';
import { startServer } from '../main.js';

/** The built web app, served by test servers. */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** A real server on a fresh embedded store, listening on a free loopback port. */
export async function startTestServer(options: { webRoot?: string } = {}): Promise<{ url: string; close(): Promise<void> }> {
  const store = await openTestStore('pglite');
  const server = await startServer({ store, config: defaultConfig(), host: '127.0.0.1', port: 0, webRoot: options.webRoot ?? WEB_DIST });
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}
