import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app-deps.js';
import { createLiveHub, type LiveHub, type LiveHubOptions, type LiveStream } from './live-hub.js';

/** The header that names the worker process that answered (1 when the server is not clustered). */
export const WORKER_HEADER = 'x-casegraph-worker';

/** How long a browser waits before reconnecting a dropped stream, in ms (the stream's `retry:` hint). */
const RETRY_MS = 3000;

/** Options of the live routes: which worker this process is, and the hub's timing. */
export interface LiveRouteOptions extends LiveHubOptions {
  /** This process's worker number (1 when not clustered). */
  worker?: number;
}

/**
 * GET /api/live: a Server-Sent Events stream of what changed for the signed-in user (`case-changed`,
 * `notification`, `review-queue`, and `resync` after the server lost its database connection for a
 * while). Events carry ids only, so no purpose is stated here: the browser then reads the change
 * through the usual routes, which check access and audit the read. Also stamps every answer with
 * the worker that gave it.
 */
export function liveRoutes(app: FastifyInstance, deps: AppDeps, options: LiveRouteOptions = {}): void {
  const worker = String(options.worker ?? 1);
  const hub = createLiveHub({ store: deps.store, config: deps.config, log: app.log }, options);
  app.decorate('liveHub', hub);
  app.addHook('onSend', async (_request, reply) => {
    reply.header(WORKER_HEADER, worker);
  });
  // Before the server waits for its connections to end: open streams never would on their own.
  app.addHook('preClose', async () => hub.close());

  app.get(
    '/api/live',
    {
      // A HEAD would hold a stream open with nothing to say.
      exposeHeadRoute: false,
      config: { policy: { kind: 'signed-in' } },
      schema: {
        summary: 'Live updates: a Server-Sent Events stream of ids of what changed for the caller',
        tags: ['live'],
        response: { 200: { description: 'text/event-stream: `event: case-changed|notification|review-queue|resync`, `data: {"kind":…,"caseId"|"userId":…}`', content: { 'text/event-stream': { schema: { type: 'string' } } } } },
      },
    },
    async (request, reply) => {
      const res = reply.raw;
      const stream: LiveStream = {
        userId: request.actor.userId,
        sessionId: request.actor.sessionId,
        roles: request.actor.roles,
        write: (chunk) => {
          if (!res.writableEnded && !res.destroyed) res.write(chunk);
          return res.writableLength;
        },
        end: () => {
          if (!res.writableEnded) res.end();
        },
      };
      // Listening starts with the process's first stream; a failure there is an ordinary error answer.
      await hub.add(stream);
      reply.hijack();
      res.on('close', () => hub.remove(stream));
      if (res.destroyed) {
        hub.remove(stream);
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        [WORKER_HEADER]: worker,
      });
      res.write(`retry: ${RETRY_MS}\n: connected\n\n`);
    },
  );
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The process's live-update hub. */
    liveHub: LiveHub;
  }
}
