import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createContext, createUser, defaultConfig, generateCheckpointKey, LOCAL_OPERATOR, type Role, type Store } from '@casegraph/core';
import { openTestStore } from '@casegraph/core/testing';
import { startServer } from '../main.js';

/** The built web app, served by test servers. */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** An account a test signs in with. */
export interface TestUser {
  username: string;
  password: string;
  role: Role;
  displayName: string;
}

/**
 * A real server on a fresh embedded store, listening on a free loopback port, with the users
 * asked for (each enrols its second factor at first sign-in) and a checkpoint key.
 */
export async function startTestServer(
  options: { webRoot?: string; users?: Array<{ username: string; role: Role }> } = {},
): Promise<{ url: string; store: Store; users: TestUser[]; close(): Promise<void> }> {
  const store = await openTestStore('pglite');
  const config = defaultConfig();
  const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config });
  const users: TestUser[] = [];
  for (const user of options.users ?? []) {
    const password = `pw-${randomBytes(9).toString('base64url')}`;
    const displayName = `Test ${user.role} ${user.username}`;
    await createUser(operator, { username: user.username, displayName, organisation: 'local', roles: [user.role], password });
    users.push({ ...user, password, displayName });
  }
  const keys = { signing: generateCheckpointKey('casegraph-test'), termsKey: randomBytes(32).toString('base64') };
  const server = await startServer({ store, config, host: '127.0.0.1', port: 0, webRoot: options.webRoot ?? WEB_DIST, keys });
  return {
    url: server.url,
    store,
    users,
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}
