import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerAdmission } from './admission.js';

/** A server whose slow route holds each request until it is let go. */
async function slowServer(limit: number): Promise<{ app: FastifyInstance; url: string; letGo: () => void; started: () => number }> {
  const app = Fastify();
  registerAdmission(app, { limit });
  let waiting: Array<() => void> = [];
  let count = 0;
  const hold = async () => {
    count++;
    await new Promise<void>((resolve) => waiting.push(resolve));
    return { ok: true };
  };
  app.get('/api/slow', hold);
  app.get('/api/live', hold);
  app.get('/api/health', async () => ({ status: 'ok' }));
  app.get('/index.html', async () => 'page');
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url,
    letGo: () => {
      for (const resolve of waiting) resolve();
      waiting = [];
    },
    started: () => count,
  };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('admission control', () => {
  let server: Awaited<ReturnType<typeof slowServer>> | undefined;
  afterEach(async () => {
    server?.letGo();
    await server?.app.close();
  });

  it('past the limit a request is refused at once as busy, without running; streams, health and pages always pass; a slot frees when an answer ends', async () => {
    server = await slowServer(2);
    const { url } = server;
    const held = [fetch(`${url}/api/slow`), fetch(`${url}/api/slow`)];
    await until(() => server?.started() === 2);
    const started = performance.now();
    const refused = await fetch(`${url}/api/slow`);
    expect(refused.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ error: 'busy', message: expect.stringContaining('2 requests') as string });
    expect(server.started()).toBe(2);
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    expect((await fetch(`${url}/index.html`)).status).toBe(200);
    const stream = fetch(`${url}/api/live`);
    await until(() => server?.started() === 3);
    server.letGo();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    expect((await stream).status).toBe(200);
    const again = fetch(`${url}/api/slow`);
    await until(() => server?.started() === 4);
    server.letGo();
    expect((await again).status).toBe(200);
  });

  it('a caller who goes away gives its slot back', async () => {
    server = await slowServer(1);
    const { url } = server;
    const abort = new AbortController();
    const gone = fetch(`${url}/api/slow`, { signal: abort.signal }).catch(() => null);
    await until(() => server?.started() === 1);
    abort.abort();
    await gone;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const next = fetch(`${url}/api/slow`);
    await until(() => server?.started() === 2);
    server.letGo();
    expect((await next).status).toBe(200);
  });

  it('refuses a limit that is not a whole number of at least 1', () => {
    expect(() => registerAdmission(Fastify(), { limit: 0 })).toThrow(/at least 1/);
  });
});
