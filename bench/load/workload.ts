// The open-loop workload: requests start at a fixed rate whatever the answers do (a slow answer
// does not hold the next request back), each as a random signed-in analyst under the case the
// analyst works on, and each timed from the moment it was due to start.
import http from 'node:http';
import type { LiveStreams } from './live.js';
import type { LoadSession, LoadTargets } from './sessions.js';

/** The operations of the mix. */
export const OPERATIONS = ['search', 'profile', 'expand', 'case update'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Shares of the mix, adding up to 1. */
export const MIX: Record<Operation, number> = { search: 0.5, profile: 0.25, expand: 0.15, 'case update': 0.1 };

/** The mix of one operation alone (`--only`), to measure what each costs. */
export function onlyMix(operation: string): Record<Operation, number> {
  if (!(OPERATIONS as readonly string[]).includes(operation)) throw new Error(`--only takes one of ${OPERATIONS.join(', ')}, not "${operation}"`);
  return Object.fromEntries(OPERATIONS.map((o) => [o, o === operation ? 1 : 0])) as Record<Operation, number>;
}

/** What one operation's requests did. */
export interface OperationFigures {
  latencies: number[];
  /** Answers that were not the expected success, by status (or network error code). */
  errors: Map<string, number>;
  /** Per answering worker, how many requests. */
  byWorker: Map<string, number>;
}

interface Request {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  ok: number;
  caseId?: string;
}

const JUSTIFICATION = encodeURIComponent('load benchmark: checking leads on the case');

function pick<T>(list: readonly T[]): T {
  const value = list[Math.floor(Math.random() * list.length)];
  if (value === undefined) throw new Error('nothing to pick from');
  return value;
}

function requestFor(operation: Operation, session: LoadSession, targets: LoadTargets, serial: number): Request {
  switch (operation) {
    case 'search': {
      const r = Math.random();
      const q = r < 0.6 ? pick(targets.names) : r < 0.85 ? pick(targets.phones) : pick(targets.companies);
      return { method: 'GET', path: `/api/search?q=${encodeURIComponent(q)}&limit=20`, ok: 200 };
    }
    case 'profile':
      return { method: 'GET', path: `/api/entities/${pick(targets.profiles)}`, ok: 200 };
    case 'expand':
      return { method: 'GET', path: `/api/graph/expand?id=${encodeURIComponent(pick(targets.expand))}&limit=50`, ok: 200 };
    case 'case update':
      return Math.random() < 0.7
        ? { method: 'POST', path: `/api/cases/${session.caseId}/notes`, body: JSON.stringify({ body: `Load note ${serial}: called the registry about [the subject](entity:${pick(targets.profiles)}).` }), ok: 201, caseId: session.caseId }
        : { method: 'POST', path: `/api/cases/${session.caseId}/tasks`, body: JSON.stringify({ title: `Load task ${serial}: check the filings` }), ok: 201, caseId: session.caseId };
  }
}

function operationAt(r: number, mix: Record<Operation, number>): Operation {
  let sum = 0;
  for (const operation of OPERATIONS) {
    sum += mix[operation];
    if (r < sum) return operation;
  }
  return 'case update';
}

/**
 * Runs the mix at `rate` requests a second for `seconds`; answers each operation's figures and
 * how many requests were still unanswered when the time was up (they are waited for, up to 30 s).
 */
export async function runWorkload(
  base: URL,
  sessions: LoadSession[],
  targets: LoadTargets,
  options: { rate: number; seconds: number; agent: http.Agent; live: LiveStreams | null; mix?: Record<Operation, number> },
): Promise<{ figures: Map<Operation, OperationFigures>; sent: number; lateStarts: number }> {
  const figures = new Map<Operation, OperationFigures>(OPERATIONS.map((o) => [o, { latencies: [], errors: new Map(), byWorker: new Map() }]));
  let inFlight = 0;
  let drained: () => void = () => undefined;
  let sent = 0;
  let lateStarts = 0;
  const send = (operation: Operation, due: number) => {
    const session = pick(sessions);
    const request = requestFor(operation, session, targets, sent);
    const f = figures.get(operation) as OperationFigures;
    const error = (reason: string) => f.errors.set(reason, (f.errors.get(reason) ?? 0) + 1);
    if (performance.now() - due > 5) lateStarts++;
    const done = new Promise<void>((resolve) => {
      const headers: http.OutgoingHttpHeaders = {
        cookie: `casegraph_session=${session.token}`,
        'casegraph-case': session.caseId,
        'casegraph-purpose': 'fraud-audit',
        'casegraph-justification': JUSTIFICATION,
      };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      if (request.caseId !== undefined) options.live?.caseChanged(request.caseId, due);
      const req = http.request(new URL(request.path, base), { method: request.method, agent: options.agent, headers }, (response) => {
        const worker = String(response.headers['x-casegraph-worker'] ?? '?');
        f.byWorker.set(worker, (f.byWorker.get(worker) ?? 0) + 1);
        response.resume();
        response.on('end', () => {
          f.latencies.push(performance.now() - due);
          if (response.statusCode !== request.ok) {
            error(String(response.statusCode));
            if (request.caseId !== undefined) options.live?.caseNotChanged(request.caseId, due);
          }
          resolve();
        });
        response.on('error', (e: NodeJS.ErrnoException) => {
          error(e.code ?? 'response error');
          resolve();
        });
      });
      req.setTimeout(30_000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
      req.on('error', (e: NodeJS.ErrnoException) => {
        error(e.code ?? e.message);
        resolve();
      });
      req.end(request.body);
    });
    inFlight++;
    void done.then(() => {
      inFlight--;
      if (inFlight === 0) drained();
    });
    sent++;
  };
  const started = performance.now();
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Every request due by now starts now, each timed from when it was due.
      while (sent < total && started + sent * interval <= now) send(operationAt(Math.random(), options.mix ?? MIX), started + sent * interval);
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(interval, started + sent * interval - performance.now())));
    };
    tick();
  });
  if (inFlight > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 30_000);
      drained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  return { figures, sent, lateStarts };
}

/** The p-th percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
