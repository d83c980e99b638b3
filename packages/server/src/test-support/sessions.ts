import { randomBytes, randomUUID } from 'node:crypto';
import { hashToken, type Store } from '@casegraph/core';

/** Opens a browser session for a user straight in the store (tests that are not about sign-in), and returns its secret. */
export async function openSession(store: Store, userId: string): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  const now = new Date();
  await store.db
    .insertInto('sessions')
    .values({ id: randomUUID(), token_hash: hashToken(token), kind: 'session', user_id: userId, name: null, created_at: now, last_used_at: now, expires_at: new Date(now.getTime() + 3_600_000), banner_acknowledged_at: now })
    .execute();
  return token;
}
