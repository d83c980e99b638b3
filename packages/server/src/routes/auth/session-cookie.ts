import type { FastifyReply } from 'fastify';
import { SESSION_COOKIE } from '../../plugins/route-policy.js';

/**
 * Sets (or, with an empty token and age 0, clears) the session cookie: HttpOnly, and SameSite=Lax,
 * so it travels on the redirect back from a single sign-on provider but never on a cross-site POST.
 */
export function setSessionCookie(reply: FastifyReply, token: string, maxAgeSeconds: number, secure: boolean): void {
  const parts = [`${SESSION_COOKIE}=${encodeURIComponent(token)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSeconds}`];
  if (secure) parts.push('Secure');
  void reply.header('set-cookie', parts.join('; '));
}
