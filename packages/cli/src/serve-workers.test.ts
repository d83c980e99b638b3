import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, createContext, createDb, defaultConfig, hashToken, publishLive, type Store } from '@casegraph/core';
import { databaseUrl, freePort, withServer } from '@casegraph/core/testing';
import { readEventStream, WORKER_HEADER, type EventStreamReading } from '@casegraph/server';
import { runCli } from '../test/run-cli.js';

const BIN = fileURLToPath(new URL('../bin/casegraph.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const SERVER_URL = process.env.DATABASE_URL;

describe('serve --workers on the embedded store', () => {
  it('is refused at once, naming DATABASE_URL, before anything is opened', async () => {
    const data = mkdtempSync(join(tmpdir(), 'casegraph-workers-'));
    try {
      const run = await runCli(['serve', '--workers', '2', '--data', join(data, 'store'), '--port', '0']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/--workers 2 needs PostgreSQL.*DATABASE_URL/);
      expect(existsSync(join(data, 'store'))).toBe(false);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('refuses a worker count that is not a whole number above 0', async () => {
    const run = await runCli(['serve', '--workers', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/expected a whole number above 0/);
  });
});

/** Another database on the same PostgreSQL server. */
async function onServer(url: string, statement: string): Promise<void> {
  await withServer(url, (client) => client.query(statement));
}

/** GET on a connection of its own (a kept-alive one would stay with one worker): the status and the worker that answered. */
function getOnNewConnection(url: string): Promise<{ status: number; worker: string } | null> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false, timeout: 5000 }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, worker: String(response.headers[WORKER_HEADER] ?? '') }));
    });
    request.on('error', () => resolve(null));
    request.on('timeout', () => request.destroy());
  });
}

/** The process ids of a process's children. */
function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['--ppid', String(pid), '-o', 'pid='], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

describe.skipIf(SERVER_URL === undefined || SERVER_URL === '')('serve --workers 2 on PostgreSQL', () => {
  const name = `casegraph_workers_${randomBytes(5).toString('hex')}`;
  const url = SERVER_URL === undefined || SERVER_URL === '' ? '' : databaseUrl(SERVER_URL, name);
  const folder = mkdtempSync(join(tmpdir(), 'casegraph-workers-'));
  let child: ChildProcessWithoutNullStreams;
  let stdout = '';
  let stderr = '';
  let base = '';
  let store: Store;
  let caseId = '';
  const tokens: Record<'mira' | 'teo' | 'zoe', string> = { mira: '', teo: '', zoe: '' };
  const aborts: AbortController[] = [];

  async function openStream(user: keyof typeof tokens): Promise<{ worker: string; reading: EventStreamReading }> {
    const abort = new AbortController();
    aborts.push(abort);
    const response = await fetch(`${base}/api/live`, { headers: { authorization: `Bearer ${tokens[user]}` }, signal: abort.signal });
    expect(response.status).toBe(200);
    const reading = readEventStream(response);
    await reading.next((f) => f.event === 'comment' && f.data === 'connected');
    return { worker: response.headers.get(WORKER_HEADER) ?? '', reading };
  }

  /** Opens streams as `user` until some are on each worker (round robin makes that quick). */
  async function streamsOnBothWorkers(user: keyof typeof tokens): Promise<Array<{ worker: string; reading: EventStreamReading }>> {
    const streams: Array<{ worker: string; reading: EventStreamReading }> = [];
    while (new Set(streams.map((s) => s.worker)).size < 2) {
      if (streams.length >= 40) throw new Error(`40 streams of ${user}, all on worker ${streams[0]?.worker ?? '?'}`);
      streams.push(await openStream(user));
    }
    return streams;
  }

  beforeAll(async () => {
    if (!existsSync(BUILT)) throw new Error('this test runs the built CLI: run `npm run build` first');
    await onServer(SERVER_URL ?? '', `create database ${name}`);
    const port = await freePort();
    child = spawn(process.execPath, [BIN, 'serve', '--workers', '2', '--host', '127.0.0.1', '--port', String(port)], {
      cwd: folder,
      env: { ...process.env, DATABASE_URL: url, CASEGRAPH_DATA: '', CASEGRAPH_KEYS: join(folder, 'keys.json') },
      stdio: 'pipe',
    });
    child.stdin.end();
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    base = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const match = /casegraph is serving (\S+) with 2 workers/.exec(stdout);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      child.on('exit', (code) => reject(new Error(`serve ended with ${String(code)} before serving: ${stderr}`)));
    });
    // The primary migrated the new database; the test works on it as the workers do.
    store = await createDb({ databaseUrl: url, migrate: false, poolSize: 2 });
    const config = defaultConfig();
    await store.db.insertInto('organisations').values([{ id: 'harbour-unit', name: 'Harbour unit' }]).execute();
    const ids: Record<string, string> = {};
    for (const user of ['mira', 'teo', 'zoe'] as const) {
      ids[user] = randomUUID();
      await store.db.insertInto('users').values({ id: ids[user], username: user, display_name: `${user} example`, organisation: 'harbour-unit', roles: ['analyst'], compartments: [], password_hash: null }).execute();
      tokens[user] = randomBytes(24).toString('base64url');
      const now = new Date();
      await store.db.insertInto('sessions').values({ id: randomUUID(), token_hash: hashToken(tokens[user]), kind: 'token', user_id: ids[user], name: 'workers test', created_at: now, last_used_at: now, expires_at: null }).execute();
    }
    const mira = { userId: ids.mira ?? '', sessionId: null, organisation: 'harbour-unit', roles: ['analyst' as const], compartments: [] };
    caseId = (await createCase(createContext({ db: store.db, actor: mira, config }), { title: 'Harbour fuel thefts', purpose: 'fraud-audit' })).id;
    await store.db.insertInto('case_members').values({ case_id: caseId, user_id: ids.teo ?? '', role: 'investigator', added_at: new Date(), added_by: ids.mira ?? '' }).execute();
  }, 120_000);

  afterAll(async () => {
    for (const abort of aborts) abort.abort();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      for (const pid of childPids(child.pid ?? 0)) process.kill(pid, 'SIGKILL');
    }
    await store?.close();
    await onServer(SERVER_URL ?? '', `drop database if exists ${name} with (force)`);
    rmSync(folder, { recursive: true, force: true });
  });

  it('a case change made through one worker reaches every stream of the case team on both workers, and no outsider', async () => {
    const team = [...(await streamsOnBothWorkers('mira')), ...(await streamsOnBothWorkers('teo'))];
    const outsider = await streamsOnBothWorkers('zoe');
    const note = await fetch(`${base}/api/cases/${caseId}/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.teo}`, 'content-type': 'application/json', 'casegraph-case': caseId, 'casegraph-purpose': 'fraud-audit', 'casegraph-justification': 'fuel thefts' },
      body: JSON.stringify({ body: 'Tank 3 readings dropped twice overnight.' }),
    });
    expect(note.status).toBe(201);
    expect(['1', '2']).toContain(note.headers.get(WORKER_HEADER));
    for (const stream of team) {
      const frame = await stream.reading.next((f) => f.event === 'case-changed', 10_000);
      expect(JSON.parse(frame.data)).toEqual({ kind: 'case-changed', caseId });
    }
    // A notice every analyst hears, sent after the note: once the outsider's streams have it, the note's would be there too.
    await publishLive({ db: store.db }, { kind: 'review-queue' });
    for (const stream of outsider) await stream.reading.next((f) => f.event === 'review-queue', 10_000);
    expect(outsider.flatMap((s) => s.reading.frames).filter((f) => f.event === 'case-changed')).toEqual([]);
    expect(JSON.stringify(team.map((s) => s.reading.frames))).not.toMatch(/Tank 3|Harbour fuel/);
  }, 60_000);

  it('a worker killed with kill -9 is started again, and the port keeps answering meanwhile', async () => {
    const [victim] = childPids(child.pid ?? 0);
    expect(victim).toBeDefined();
    process.kill(victim ?? 0, 'SIGKILL');
    const killedAt = Date.now();
    const seen = new Set<string>();
    const deadline = Date.now() + 60_000;
    // Node's primary hands each new connection to a worker; one handed over in the instant before
    // it learns of the death is lost with the worker. Past that instant, nothing may fail.
    const failures: number[] = [];
    let answered = 0;
    while (Date.now() < deadline && !(stderr.includes('is serving again') && seen.size === 2)) {
      const sentAt = Date.now() - killedAt;
      const response = await getOnNewConnection(`${base}/api/health`);
      if (response?.status === 200) {
        answered++;
        if (stderr.includes('is serving again')) seen.add(response.worker);
      } else failures.push(sentAt);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(stderr).toMatch(/worker [12] \(pid \d+\) ended by SIGKILL; starting it again in 0\.5 s/);
    expect(stderr).toMatch(/worker [12] \(pid \d+\) is serving again/);
    expect(failures.filter((ms) => ms > 250), `${failures.length} of ${failures.length + answered} failed, sent ${failures.join(', ')} ms after the kill`).toEqual([]);
    expect(failures.length).toBeLessThanOrEqual(1);
    expect(seen).toEqual(new Set(['1', '2']));
    expect(childPids(child.pid ?? 0)).toHaveLength(2);
    expect(childPids(child.pid ?? 0)).not.toContain(victim);
  }, 90_000);

  it('SIGTERM stops every worker and the primary cleanly', async () => {
    const workers = childPids(child.pid ?? 0);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  }, 30_000);
});
