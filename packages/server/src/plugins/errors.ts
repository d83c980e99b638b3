import type { FastifyError, FastifyInstance } from 'fastify';
import { diskFullFrom, isCaseGraphError, storeUnavailableFrom, type ErrorCode } from '@casegraph/core';

const STATUS: Record<ErrorCode, number> = {
  invalid: 400,
  'purpose-required': 400,
  'not-found': 404,
  forbidden: 403,
  unauthenticated: 401,
  conflict: 409,
  'too-large': 413,
  'store-locked': 503,
  'store-unavailable': 503,
  'disk-full': 507,
};

/** The one shape every error answer has. */
export interface ErrorBody {
  error: string;
  message: string;
  requestId: string;
}

/**
 * The one error handler: deliberate errors are shown as they are; anything else is logged and
 * answered with a generic 500 that carries no stack trace, SQL or internal message.
 */
export function registerErrorHandler(app: FastifyInstance, options: { servesWebApp: boolean }): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isCaseGraphError(error)) {
      const body: ErrorBody = { error: error.code, message: error.message, requestId: request.id };
      return reply.status(STATUS[error.code]).send(body);
    }
    if (error.validation !== undefined) {
      return reply.status(400).send({ error: 'invalid', message: `invalid request: ${error.message}`, requestId: request.id });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send({ error: 'too-large', message: 'the request body is larger than this server accepts', requestId: request.id });
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own client errors (bad JSON, wrong content type) have safe messages.
      return reply.status(error.statusCode).send({ error: 'invalid', message: error.message, requestId: request.id });
    }
    const full = diskFullFrom(error);
    if (full !== undefined) {
      // PostgreSQL could not extend a table or write its log: a clear 507, never the file or SQL.
      request.log.error({ err: error }, 'disk full');
      return reply.status(507).send({ error: full.code, message: full.message, requestId: request.id });
    }
    const unavailable = storeUnavailableFrom(error);
    if (unavailable !== undefined) {
      // The database is down or restarting: a clear 503 the caller may retry, never a 500.
      request.log.warn({ err: error }, 'store unavailable');
      return reply.status(503).header('retry-after', '1').send({ error: unavailable.code, message: unavailable.message, requestId: request.id });
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.status(500).send({ error: 'internal', message: 'internal error; the server log has the details', requestId: request.id });
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // Client-side routes (/cases, /graph...) are pages of the single-page app.
    if (options.servesWebApp && request.method === 'GET' && !path.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(path)) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.status(404).send({ error: 'not-found', message: `no route ${request.method} ${path}`, requestId: request.id });
  });
}
