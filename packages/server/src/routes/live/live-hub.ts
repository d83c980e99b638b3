import type { FastifyBaseLogger } from 'fastify';
import { endedSessions, LIVE_CHANNEL, parseLiveEvent, REVIEW_QUEUE_ROLES, usersWhoMayReadCase, type LiveEvent, type Role, type Store } from '@casegraph/core';
import type { CoreConfig } from '@casegraph/core';

/** How often every open stream gets a keep-alive comment (proxies drop silent connections). */
export const KEEP_ALIVE_MS = 25_000;

/** The keep-alive interval is split into this many ticks (one a second by default), each writing to its share of the streams. */
const KEEP_ALIVE_SLICES = 25;

/** A reader whose stream has this much unsent is too slow to follow: its stream is ended, and it reconnects. */
const MOST_UNSENT_BYTES = 1024 * 1024;

/** One open event stream: whose it is, and how to write to it. */
export interface LiveStream {
  userId: string;
  sessionId: string | null;
  roles: readonly Role[];
  /** Writes a chunk; answers how many bytes are still waiting to be sent. */
  write(chunk: string): number;
  end(): void;
}

/** Timing of the hub; tests shorten it. */
export interface LiveHubOptions {
  /** Keep-alive comment interval, in ms (default 25 s). */
  keepAliveMs?: number;
  /** How often the sessions behind open streams are checked, in ms (default: every keep-alive). */
  sessionCheckMs?: number;
}

/** What the hub answers about itself (tests, the load generator's checks). */
export interface LiveHub {
  /** Registers a stream, listening on the store first if this is the process's first one. */
  add(stream: LiveStream): Promise<void>;
  remove(stream: LiveStream): void;
  /** Open streams in this process. */
  size(): number;
  close(): Promise<void>;
}

/** The event-stream frame of a live event: `event:` names its kind, `data:` carries its ids. */
export function liveFrame(event: LiveEvent | { kind: 'resync' }): string {
  return `event: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * The process's one listener on the live channel, fanning each notice out to the open streams of
 * the users it concerns: a case change to those who may read the case (one query per notice, none
 * per stream), a notification to its recipient, a review-queue change to reviewers and oversight.
 * One shared timer writes the keep-alive comments and ends the streams of sessions that ended.
 */
export function createLiveHub(deps: { store: Store; config: CoreConfig; log: FastifyBaseLogger }, options: LiveHubOptions = {}): LiveHub {
  const keepAliveMs = options.keepAliveMs ?? KEEP_ALIVE_MS;
  const sessionCheckMs = options.sessionCheckMs ?? keepAliveMs;
  const byUser = new Map<string, Set<LiveStream>>();
  let count = 0;
  let listening: Promise<() => Promise<void>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastSessionCheck = Date.now();
  let checking = false;
  let dispatching: Promise<void> = Promise.resolve();
  let lost = false;
  let closed = false;

  const send = (stream: LiveStream, chunk: string) => {
    if (stream.write(chunk) > MOST_UNSENT_BYTES) stream.end();
  };
  const everyStream = function* () {
    for (const streams of byUser.values()) yield* streams;
  };

  async function dispatch(event: LiveEvent): Promise<void> {
    if (count === 0) return;
    const frame = liveFrame(event);
    switch (event.kind) {
      case 'case-changed': {
        const readers = await usersWhoMayReadCase(deps.store.db, event.caseId);
        for (const userId of readers) for (const stream of byUser.get(userId) ?? []) send(stream, frame);
        return;
      }
      case 'notification':
        for (const stream of byUser.get(event.userId) ?? []) send(stream, frame);
        return;
      case 'review-queue':
        for (const stream of everyStream()) if (stream.roles.some((role) => REVIEW_QUEUE_ROLES.includes(role))) send(stream, frame);
        return;
    }
  }

  const onMessage = (payload: string) => {
    const event = parseLiveEvent(payload);
    if (event === null) return;
    dispatching = dispatching.then(() => dispatch(event)).catch((error: unknown) => deps.log.error({ err: error }, 'a live update could not be passed on'));
  };

  const onState = (state: { state: 'connected' } | { state: 'reconnecting'; error: unknown; retryInMs: number }) => {
    if (state.state === 'reconnecting') {
      if (!lost) deps.log.warn({ err: state.error }, `live updates: the listening connection was lost; retrying in ${state.retryInMs} ms`);
      lost = true;
      return;
    }
    deps.log.info('live updates: listening again');
    lost = false;
    // Notices sent while the connection was away are lost: every screen fetches again.
    const frame = liveFrame({ kind: 'resync' });
    for (const stream of everyStream()) send(stream, frame);
  };

  // The keep-alives go out a slice at a time, so that each stream gets one per interval without
  // one tick writing to every stream at once: 5,000 writes held a worker's requests for a quarter
  // of a second. A stream added mid-round is reached at the end of the round.
  const slices = Math.max(1, Math.min(KEEP_ALIVE_SLICES, Math.floor(keepAliveMs / 1000)));
  let round: Iterator<LiveStream> | undefined;
  let leftInRound = 0;

  function keepAliveSlice(): void {
    if (round === undefined || leftInRound === 0) {
      round = everyStream();
      leftInRound = slices;
    }
    // Each tick its share; the round's last tick whatever is left (streams added during the round).
    leftInRound--;
    let quota = leftInRound === 0 ? Number.POSITIVE_INFINITY : Math.ceil(count / slices);
    for (; quota > 0; quota--) {
      const next = round.next();
      if (next.done === true) break;
      send(next.value, ': keep-alive\n\n');
    }
  }

  async function tick(): Promise<void> {
    keepAliveSlice();
    if (checking || Date.now() - lastSessionCheck < sessionCheckMs) return;
    checking = true;
    lastSessionCheck = Date.now();
    try {
      const sessions = [...everyStream()].map((s) => s.sessionId).filter((id): id is string => id !== null);
      const ended = await endedSessions({ db: deps.store.db, now: () => new Date(), config: deps.config }, sessions);
      if (ended.size === 0) return;
      for (const stream of [...everyStream()]) if (stream.sessionId !== null && ended.has(stream.sessionId)) stream.end();
    } finally {
      checking = false;
    }
  }

  return {
    async add(stream) {
      if (closed) throw new Error('the server is stopping');
      listening ??= deps.store.listen(LIVE_CHANNEL, onMessage, onState);
      try {
        await listening;
      } catch (error) {
        listening = undefined;
        throw error;
      }
      let streams = byUser.get(stream.userId);
      if (streams === undefined) byUser.set(stream.userId, (streams = new Set()));
      if (streams.has(stream)) return;
      streams.add(stream);
      count++;
      if (timer === undefined) {
        lastSessionCheck = Date.now();
        timer = setInterval(() => {
          tick().catch((error: unknown) => deps.log.error({ err: error }, 'live updates: the session check failed'));
        }, keepAliveMs / slices);
        timer.unref();
      }
    },
    remove(stream) {
      const streams = byUser.get(stream.userId);
      if (streams === undefined || !streams.delete(stream)) return;
      count--;
      if (streams.size === 0) byUser.delete(stream.userId);
      if (count === 0 && timer !== undefined) {
        clearInterval(timer);
        timer = undefined;
      }
    },
    size: () => count,
    async close() {
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      for (const stream of [...everyStream()]) stream.end();
      byUser.clear();
      count = 0;
      const unlisten = await listening?.catch(() => undefined);
      await unlisten?.();
      await dispatching;
    },
  };
}
