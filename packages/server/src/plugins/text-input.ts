import type { FastifyInstance } from 'fastify';
import { Invalid } from '@casegraph/core';

/** How deep a request's JSON is searched; the body limit bounds its size, this bounds the walk. */
const MAX_DEPTH = 64;

// U+0000, and UTF-16 surrogates without their other half: text the store cannot hold (PostgreSQL
// refuses NUL in text and lone surrogates in JSON), so it could only end in a failed query.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function findUnstorable(value: unknown, path: string, depth: number): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : null;
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], `${path}[${i}]`, depth + 1);
      if (found !== null) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const found = UNSTORABLE.test(key) ? `${path}.${key}` : findUnstorable(item, `${path}.${key}`, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Refuses a request whose path, query or JSON body holds text no store can keep (the NUL
 * character, a lone UTF-16 surrogate) before any route runs, with a 400 naming where it is.
 */
export function registerTextInputCheck(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [where, value] of [['path', request.params], ['query', request.query], ['body', request.body]] as const) {
      const found = findUnstorable(value, where, 0);
      if (found !== null) throw new Invalid(`invalid request: ${found.slice(0, 200)} holds the NUL character or half of a UTF-16 surrogate pair, which text may not contain`);
    }
  });
}
