import type { FastifyInstance, FastifyRequest } from 'fastify';

/** API requests one process answers at once by default; more are refused at once as busy. */
export const DEFAULT_MAX_IN_FLIGHT = 64;

// Long-lived streams and the health check are never refused: a stream is open, not being answered,
// and a load balancer must still hear the server is up.
const ALWAYS = ['/api/live', '/api/health'];

const admitted = new WeakSet<FastifyRequest>();

/**
 * Admission control: at most `limit` API requests of this process are being answered at a time.
 * Past that, a request is answered at once with 503 `busy` and Retry-After: 1, so an overloaded
 * server says so in a millisecond instead of queueing every caller for tens of seconds; nothing of
 * the refused request has run. The web app's files are not counted.
 */
export function registerAdmission(app: FastifyInstance, options: { limit: number }): void {
  if (!Number.isInteger(options.limit) || options.limit < 1) throw new Error(`the limit of requests at once must be a whole number of at least 1, not ${options.limit}`);
  let active = 0;
  const release = (request: FastifyRequest) => {
    if (!admitted.has(request)) return;
    admitted.delete(request);
    active--;
  };
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/') || ALWAYS.some((p) => path === p || path.startsWith(`${p}/`))) return;
    if (active >= options.limit) {
      return reply
        .status(503)
        .header('retry-after', '1')
        .send({ error: 'busy', message: `this server is answering ${options.limit} requests already: try again in a second`, requestId: request.id });
    }
    active++;
    admitted.add(request);
    // Whichever comes first: the answer sent, or the caller gone.
    reply.raw.once('close', () => release(request));
    return undefined;
  });
  app.addHook('onResponse', async (request) => release(request));
}
