import pg from 'pg';

/** How the listening connection is doing, for whoever wants to show or log it. */
export type ListenerState = { state: 'connected' } | { state: 'reconnecting'; error: unknown; retryInMs: number };

/** Stops one subscription; the connection closes with its store, not here. */
export type Unlisten = () => Promise<void>;

/** A store's listening side: subscriptions by channel over one connection. */
export interface StoreListener {
  listen(channel: string, onMessage: (payload: string) => void, onState?: (state: ListenerState) => void): Promise<Unlisten>;
  close(): Promise<void>;
}

const FIRST_RETRY_MS = 250;
const LAST_RETRY_MS = 10_000;

/**
 * One dedicated PostgreSQL connection (not a pool connection: LISTEN belongs to a session) that
 * every subscription of the store shares. After an error it reconnects with a growing delay and
 * listens again on every channel; it logs nothing, and tells `onState` instead. Notices sent while
 * it was away are lost, which `connected` after a `reconnecting` tells each subscriber.
 * @example const listener = postgresListener(url); const stop = await listener.listen('casegraph_live', console.log);
 */
export function postgresListener(url: string): StoreListener {
  const channels = new Map<string, Set<(payload: string) => void>>();
  const watchers = new Set<(state: ListenerState) => void>();
  const onState = (state: ListenerState) => {
    for (const watcher of watchers) watcher(state);
  };
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;
  let retryMs = FIRST_RETRY_MS;
  let retryTimer: NodeJS.Timeout | undefined;

  const quote = (channel: string) => `"${channel.replaceAll('"', '""')}"`;

  const connect = (): Promise<pg.Client> => {
    connecting ??= (async () => {
      const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, keepAlive: true });
      next.on('error', (error) => lost(next, error));
      next.on('end', () => lost(next, new Error('the listening connection ended')));
      next.on('notification', (message) => {
        if (message.payload === undefined) return;
        for (const callback of channels.get(message.channel) ?? []) callback(message.payload);
      });
      try {
        await next.connect();
        for (const channel of channels.keys()) await next.query(`listen ${quote(channel)}`);
      } catch (error) {
        next.removeAllListeners('end');
        await next.end().catch(() => undefined);
        throw error;
      }
      client = next;
      retryMs = FIRST_RETRY_MS;
      return next;
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  function lost(which: pg.Client, error: unknown): void {
    if (closed || which !== client) return;
    client = undefined;
    which.removeAllListeners('end');
    which.end().catch(() => undefined);
    scheduleRetry(error);
  }

  function scheduleRetry(error: unknown): void {
    if (closed || retryTimer !== undefined) return;
    const wait = retryMs;
    retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
    onState({ state: 'reconnecting', error, retryInMs: wait });
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (closed) return;
      connect().then(
        () => onState({ state: 'connected' }),
        (failure: unknown) => scheduleRetry(failure),
      );
    }, wait);
    retryTimer.unref();
  }

  return {
    async listen(channel, onMessage, watcher) {
      if (closed) throw new Error('the store is closed');
      let callbacks = channels.get(channel);
      const fresh = callbacks === undefined;
      callbacks ??= new Set();
      callbacks.add(onMessage);
      channels.set(channel, callbacks);
      try {
        if (client === undefined && retryTimer === undefined) {
          // The first subscription opens the connection (which listens on every channel known).
          await connect();
        } else if (client !== undefined && fresh) {
          await client.query(`listen ${quote(channel)}`);
        }
      } catch (error) {
        callbacks.delete(onMessage);
        if (callbacks.size === 0) channels.delete(channel);
        throw error;
      }
      if (watcher !== undefined) watchers.add(watcher);
      return async () => {
        if (watcher !== undefined) watchers.delete(watcher);
        const current = channels.get(channel);
        if (current === undefined || !current.delete(onMessage) || current.size > 0) return;
        channels.delete(channel);
        await client?.query(`unlisten ${quote(channel)}`).catch(() => undefined);
      };
    },
    async close() {
      closed = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      await connecting?.catch(() => undefined);
      const last = client;
      client = undefined;
      channels.clear();
      watchers.clear();
      if (last !== undefined) {
        last.removeAllListeners('end');
        await last.end().catch(() => undefined);
      }
    },
  };
}
