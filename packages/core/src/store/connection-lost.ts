import { StoreUnavailable } from '../errors.js';

/**
 * PostgreSQL's codes for a server that went away or is not back yet (administrator or crash
 * shutdown, starting up or recovering, class 08 connection exceptions), and the socket errors of
 * a server that is not there.
 */
const GONE_CODES = new Set(['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
const GONE_MESSAGES = /connection terminated|not queryable|terminating connection|server closed the connection|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)|timeout exceeded when trying to connect/i;

function isConnectionLost(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 3) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (GONE_CODES.has(code) || code.startsWith('08'))) return true;
  if (error instanceof AggregateError && error.errors.some((inner) => isConnectionLost(inner, depth + 1))) return true;
  if (GONE_MESSAGES.test(error.message)) return true;
  return error.cause !== undefined && isConnectionLost(error.cause, depth + 1);
}

/**
 * The StoreUnavailable an error of a lost or refused database connection stands for (the server
 * is down or restarting), or undefined for any other error. Its message names no internals, so
 * it can be shown to the caller, who may try again once the database is back.
 * @example const unavailable = storeUnavailableFrom(error); if (unavailable) reply.status(503);
 */
export function storeUnavailableFrom(error: unknown): StoreUnavailable | undefined {
  if (!isConnectionLost(error)) return undefined;
  return new StoreUnavailable('the database cannot be reached at the moment (it may be restarting); try again shortly');
}
