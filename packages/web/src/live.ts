import { useEffect, useRef } from 'react';

/**
 * Live updates: one EventSource on `/api/live` per browser tab, shared by every screen that
 * listens. Events carry ids only; a screen that hears one reads again through the usual API.
 */

/** What the server says changed (ids only). `resync` means notices may have been missed: read everything again. */
export type LiveEvent =
  | { kind: 'case-changed'; caseId: string }
  | { kind: 'notification'; userId: string }
  | { kind: 'review-queue' }
  | { kind: 'resync' };

const KINDS = ['case-changed', 'notification', 'review-queue', 'resync'] as const;
/** After the stream is refused (signed out, server down), try again after this long, doubling up to the last. */
const FIRST_RETRY_MS = 2000;
const LAST_RETRY_MS = 60_000;

const listeners = new Set<(event: LiveEvent) => void>();
let source: EventSource | null = null;
let retry: ReturnType<typeof setTimeout> | null = null;
let retryMs = FIRST_RETRY_MS;

function parse(kind: (typeof KINDS)[number], data: string): LiveEvent | null {
  if (kind === 'resync') return { kind };
  try {
    const value = JSON.parse(data) as Record<string, unknown>;
    if (kind === 'case-changed' && typeof value.caseId === 'string') return { kind, caseId: value.caseId };
    if (kind === 'notification' && typeof value.userId === 'string') return { kind, userId: value.userId };
    if (kind === 'review-queue') return { kind };
  } catch {
    // Not an event this version knows: ignored.
  }
  return null;
}

function connect(): void {
  if (source !== null || listeners.size === 0 || typeof EventSource === 'undefined') return;
  const opened = new EventSource('/api/live');
  source = opened;
  for (const kind of KINDS) {
    opened.addEventListener(kind, (message) => {
      const event = parse(kind, (message as MessageEvent<string>).data);
      if (event !== null) for (const listener of [...listeners]) listener(event);
    });
  }
  opened.addEventListener('open', () => {
    retryMs = FIRST_RETRY_MS;
  });
  opened.addEventListener('error', () => {
    // The browser reconnects a dropped stream by itself; a refused one (401 after sign-out, a proxy's
    // error page) it gives up on, so it is opened again later, and screens read afresh once it is back.
    if (opened.readyState !== EventSource.CLOSED) return;
    disconnect();
    retry = setTimeout(() => {
      retry = null;
      connect();
      for (const listener of [...listeners]) listener({ kind: 'resync' });
    }, retryMs);
    retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
  });
}

function disconnect(): void {
  source?.close();
  source = null;
  if (retry !== null) clearTimeout(retry);
  retry = null;
}

/**
 * Calls `onEvent` for every live event while the component is mounted (the latest `onEvent`,
 * so it need not be stable). The stream opens with the first listener and closes with the last.
 * @example useLive((event) => { if (event.kind === 'review-queue') reload(); });
 */
export function useLive(onEvent: (event: LiveEvent) => void): void {
  const latest = useRef(onEvent);
  latest.current = onEvent;
  useEffect(() => {
    const listener = (event: LiveEvent) => latest.current(event);
    listeners.add(listener);
    connect();
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) disconnect();
    };
  }, []);
}

/** Calls `reload` when the case changes (or after missed notices). */
export function useLiveCase(caseId: string, reload: () => void): void {
  useLive((event) => {
    if ((event.kind === 'case-changed' && event.caseId === caseId) || event.kind === 'resync') reload();
  });
}

/** Calls `reload` when the user has a new notification (or after missed notices). */
export function useLiveNotifications(reload: () => void): void {
  useLive((event) => {
    if (event.kind === 'notification' || event.kind === 'resync') reload();
  });
}

/** Calls `reload` when a review queue gained or settled an item (or after missed notices). */
export function useLiveReviewQueue(reload: () => void): void {
  useLive((event) => {
    if (event.kind === 'review-queue' || event.kind === 'resync') reload();
  });
}
