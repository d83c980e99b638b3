import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type Store } from '@casegraph/core';
import { openTestStore } from '@casegraph/core/testing';
import { createLiveHub, type LiveStream } from './live-hub.js';

const quiet = { info() {}, warn() {}, error() {} } as unknown as FastifyBaseLogger;

describe('keep-alives of many streams', () => {
  let store: Store;

  beforeAll(async () => {
    store = await openTestStore('pglite');
  });
  afterAll(async () => {
    await store.close();
  });

  it('go out a share at a time over the interval, each stream getting one, not all streams at one moment', async () => {
    // A 3 s interval goes out in three ticks of a second.
    const hub = createLiveHub({ store, config: defaultConfig(), log: quiet }, { keepAliveMs: 3_000, sessionCheckMs: 60_000 });
    const received = new Map<number, number[]>();
    const stream = (n: number): LiveStream => ({
      userId: `user-${n % 7}`,
      sessionId: null,
      roles: ['analyst'],
      write(chunk) {
        if (chunk.includes('keep-alive')) received.set(n, [...(received.get(n) ?? []), Date.now()]);
        return 0;
      },
      end() {},
    });
    try {
      for (let n = 0; n < 60; n++) await hub.add(stream(n));
      for (let waited = 0; received.size < 60 && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received.size).toBe(60);
      // Every stream got its first keep-alive within one round; the ticks each wrote about a third.
      const firstAt = [...received.values()].map((times) => times[0] ?? 0);
      const ticks = new Map<number, number>();
      for (const at of firstAt) ticks.set(at, (ticks.get(at) ?? 0) + 1);
      expect(ticks.size).toBeGreaterThanOrEqual(3);
      expect(Math.max(...ticks.values())).toBeLessThanOrEqual(20);
      expect(Math.max(...firstAt) - Math.min(...firstAt)).toBeGreaterThanOrEqual(1_500);
      expect([...received.values()].every((times) => times.length === 1)).toBe(true);
    } finally {
      await hub.close();
    }
  });
});
