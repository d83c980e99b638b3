// Live-update streams held open for the whole run, one per signed-in session: Server-Sent Events
// from GET /api/live, parsed just enough to count events by kind and case.
import http from 'node:http';
import type { LoadSession } from './sessions.js';

/** What one stream saw. */
interface Stream {
  session: LoadSession;
  request: http.ClientRequest;
  worker: string;
  open: boolean;
}

/** The streams, and what arrived on them. */
export interface LiveStreams {
  /** Streams open now, and how many were open at most. */
  held(): number;
  opened: number;
  failed: Map<string, number>;
  /** Streams the server ended or that broke before the run closed them. */
  dropped: number;
  /** Streams per worker, by the worker header of the answer. */
  byWorker: Map<string, number>;
  /** Events by kind. */
  events: Map<string, number>;
  /** Milliseconds from the start of the request that changed a case to each delivery of its event. */
  deliveryMs: number[];
  /** Case-changed events that arrived, and how many would have if every member's stream got each. */
  caseDeliveries: { received: number; expected: number };
  /** Tells the streams a case was changed by a request started at `at`. */
  caseChanged(caseId: string, at: number): void;
  /** The change told of by `caseChanged(caseId, at)` was refused or failed: no event is owed for it. */
  caseNotChanged(caseId: string, at: number): void;
  /** Stops counting expected deliveries (the run is over), so late events still count as received. */
  closeAll(): void;
}

const SSE_EVENT = /(?:^|\n)event: ?([^\n]*)\n(?:[^\n]*\n)*?data: ?([^\n]*)/;

/** Opens one stream per session, `parallel` at a time, and resolves once all have answered. */
export async function openLiveStreams(base: URL, sessions: LoadSession[], options: { parallel: number; agent: http.Agent }): Promise<LiveStreams> {
  const streams: Stream[] = [];
  const membersOpen = new Map<string, number>();
  const lastChange = new Map<string, number[]>();
  const live: LiveStreams = {
    held: () => streams.filter((s) => s.open).length,
    opened: 0,
    failed: new Map(),
    dropped: 0,
    byWorker: new Map(),
    events: new Map(),
    deliveryMs: [],
    caseDeliveries: { received: 0, expected: 0 },
    caseChanged(caseId, at) {
      live.caseDeliveries.expected += membersOpen.get(caseId) ?? 0;
      const list = lastChange.get(caseId) ?? [];
      list.push(at);
      if (list.length > 20) list.shift();
      lastChange.set(caseId, list);
    },
    caseNotChanged(caseId, at) {
      live.caseDeliveries.expected -= membersOpen.get(caseId) ?? 0;
      const list = lastChange.get(caseId) ?? [];
      const index = list.lastIndexOf(at);
      if (index >= 0) list.splice(index, 1);
    },
    closeAll() {
      for (const stream of streams) {
        stream.open = false;
        stream.request.destroy();
      }
    },
  };
  const fail = (reason: string) => live.failed.set(reason, (live.failed.get(reason) ?? 0) + 1);
  const onEvent = (kind: string, data: string) => {
    live.events.set(kind, (live.events.get(kind) ?? 0) + 1);
    if (kind !== 'case-changed') return;
    live.caseDeliveries.received++;
    let caseId: string | undefined;
    try {
      caseId = (JSON.parse(data) as { caseId?: string }).caseId;
    } catch {
      return;
    }
    const at = caseId === undefined ? undefined : lastChange.get(caseId)?.at(-1);
    if (at !== undefined) live.deliveryMs.push(performance.now() - at);
  };
  const openOne = (session: LoadSession) =>
    new Promise<void>((resolve) => {
      const request = http.get(
        new URL('/api/live', base),
        { agent: options.agent, headers: { cookie: `casegraph_session=${session.token}`, accept: 'text/event-stream' } },
        (response) => {
          if (response.statusCode !== 200) {
            fail(`status ${response.statusCode ?? 0}`);
            response.resume();
            resolve();
            return;
          }
          const worker = String(response.headers['x-casegraph-worker'] ?? '?');
          const stream: Stream = { session, request, worker, open: true };
          streams.push(stream);
          live.opened++;
          live.byWorker.set(worker, (live.byWorker.get(worker) ?? 0) + 1);
          membersOpen.set(session.caseId, (membersOpen.get(session.caseId) ?? 0) + 1);
          let buffer = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            buffer += chunk;
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const match = SSE_EVENT.exec(block);
              if (match !== null) onEvent(match[1] ?? '', match[2] ?? '');
            }
          });
          const ended = () => {
            if (stream.open) {
              stream.open = false;
              live.dropped++;
              membersOpen.set(session.caseId, (membersOpen.get(session.caseId) ?? 1) - 1);
            }
          };
          response.on('close', ended);
          response.on('error', ended);
          resolve();
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (!streams.some((s) => s.request === request)) {
          fail(error.code ?? error.message);
          resolve();
        }
      });
    });
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(options.parallel, sessions.length) }, async () => {
      while (next < sessions.length) {
        const session = sessions[next++];
        if (session !== undefined) await openOne(session);
      }
    }),
  );
  return live;
}
