import { useSyncExternalStore } from 'react';

/** The signed-in user, as `GET /api/auth/me` describes them. */
export interface Me {
  userId: string;
  username: string;
  displayName: string;
  sessionId: string | null;
  roles: string[];
  organisation: string;
  compartments: string[];
}

/** Where the sign-in stands: not yet known, signed out (with why, when a session ended), or signed in. */
export type SessionState =
  | { status: 'checking' }
  | { status: 'unreachable'; message: string }
  | { status: 'signed-out'; message?: string }
  | { status: 'signed-in'; me: Me };

let state: SessionState = { status: 'checking' };
const listeners = new Set<() => void>();

function set(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

/** The session state, re-rendering when it changes. */
export function useSession(): SessionState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
  );
}

/** Records a signed-in user. */
export function setSignedIn(me: Me): void {
  set({ status: 'signed-in', me });
}

/** Returns to the sign-in page, saying why when a session ended under the user. */
export function setSignedOut(message?: string): void {
  set({ status: 'signed-out', ...(message !== undefined ? { message } : {}) });
}

/** The server could not be asked whether a session exists. */
export function setUnreachable(message: string): void {
  set({ status: 'unreachable', message });
}

/** Back to "checking" while the session is asked for again. */
export function setChecking(): void {
  set({ status: 'checking' });
}

/** Any call that meets a 401 while signed in: the session ended (idle, expired, or revoked). */
export function sessionEnded(): void {
  if (state.status === 'signed-in') setSignedOut('Your session ended; sign in again. Your working context is kept.');
}

/** Whether the signed-in user holds a role. */
export function hasRole(session: SessionState, role: string): boolean {
  return session.status === 'signed-in' && session.me.roles.includes(role);
}
