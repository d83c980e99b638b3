import type { FastifyInstance, InjectOptions } from 'fastify';

/**
 * Injects a request whose answer may be an endless stream (Server-Sent Events): an accepted
 * answer is read no further than its status and headers, then the connection is ended; a refusal
 * is read whole.
 * @example const { statusCode } = await injectStreaming(app, { method: 'GET', url: '/api/live', headers });
 */
export async function injectStreaming(app: FastifyInstance, options: InjectOptions): Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }> {
  const response = await app.inject({ ...options, payloadAsStream: true });
  const raw = response as unknown as { raw: { res: { destroy(): void } }; stream(): AsyncIterable<Buffer> };
  if (response.statusCode < 400) {
    raw.raw.res.destroy();
    return { statusCode: response.statusCode, body: '', headers: response.headers };
  }
  let body = '';
  for await (const chunk of raw.stream()) body += chunk.toString();
  return { statusCode: response.statusCode, body, headers: response.headers };
}
