import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createCase, createContext, createDb, defaultConfig, DISK_RESERVE_BYTES, generateCheckpointKey, type Store } from '@casegraph/core';
import { createPgCluster, dialects, mountSmallDisk, smallDiskSupport, type PgCluster, type SmallDisk } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';
import { PURPOSE_HEADERS, SESSION_COOKIE } from './plugins/route-policy.js';
import { openSession } from './test-support/sessions.js';

const MB = 2 ** 20;
const support = smallDiskSupport();
const skipped = support.ok ? '' : ` (skipped: ${support.reason})`;
const withPostgres = dialects().includes('postgres');

/** A signed-in analyst with a case, over a real app on the given store. */
async function serve(store: Store): Promise<{ app: FastifyInstance; headers: Record<string, string>; notesUrl: string }> {
  const config = defaultConfig();
  const userId = randomUUID();
  await store.db.insertInto('users').values({ id: userId, username: 'ines', display_name: 'Ines Example', organisation: 'local', roles: ['analyst'], compartments: [], password_hash: null }).execute();
  const actor = { userId, sessionId: null, organisation: 'local', roles: ['analyst' as const], compartments: [] };
  const caseId = (await createCase(createContext({ db: store.db, actor, config }), { title: 'Harbour invoices', purpose: 'fraud-audit' })).id;
  const headers = {
    cookie: `${SESSION_COOKIE}=${await openSession(store, userId)}`,
    [PURPOSE_HEADERS.caseId]: caseId,
    [PURPOSE_HEADERS.code]: 'fraud-audit',
    [PURPOSE_HEADERS.justification]: encodeURIComponent('working the harbour case'),
  };
  const app = await buildApp({ store, config, keys: { signing: generateCheckpointKey('casegraph-test'), termsKey: randomBytes(32).toString('base64') } });
  await app.ready();
  return { app, headers, notesUrl: `/api/cases/${caseId}/notes` };
}

/** The 507 answer: its code, a message saying what to free, and nothing of the internals. */
function expectClearDiskFull(response: { statusCode: number; body: string }, message: string): void {
  expect(response.statusCode, response.body).toBe(507);
  const body = JSON.parse(response.body) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error', 'message', 'requestId']);
  expect(body).toMatchObject({ error: 'disk-full', message });
  expect(response.body).not.toMatch(/\bat .+:\d+:\d+|\b(insert|select|update)\b|could not extend|pg_wal|base\/\d+|No space left/i);
}

describe('a full disk over HTTP', () => {
  let app: FastifyInstance | undefined;
  let store: Store | undefined;
  let cluster: PgCluster | undefined;
  let disk: SmallDisk | undefined;
  afterEach(async () => {
    await app?.close();
    await store?.close().catch(() => undefined);
    await cluster?.destroy().catch(() => undefined);
    disk?.destroy();
    app = undefined;
    store = undefined;
    cluster = undefined;
    disk = undefined;
  });

  it.skipIf(!support.ok)(`on the embedded store a write answers 507 saying which folder to free, and succeeds once space is freed${skipped}`, async () => {
    disk = mountSmallDisk(128);
    const folder = join(disk.dir, 'store');
    store = await createDb({ dataDir: folder });
    const served = await serve(store);
    app = served.app;
    disk.fill(DISK_RESERVE_BYTES - 4 * MB);
    const refused = await app.inject({ method: 'POST', url: served.notesUrl, headers: served.headers, payload: { body: 'Met the harbour clerk.' } });
    expectClearDiskFull(refused, `the store's disk is full: free space in ${folder} and retry`);
    disk.unfill();
    const written = await app.inject({ method: 'POST', url: served.notesUrl, headers: served.headers, payload: { body: 'Met the harbour clerk.' } });
    expect(written.statusCode, written.body).toBe(201);
  }, 120_000);

  it.skipIf(!support.ok || !withPostgres)(`on PostgreSQL a table that cannot grow answers 507 without the file or SQL, and writing resumes once space is freed${support.ok && withPostgres ? '' : support.ok ? ' (skipped: DATABASE_URL is not set)' : skipped}`, async () => {
    disk = mountSmallDisk(256);
    cluster = await createPgCluster(join(disk.dir, 'pg'), { settings: { min_wal_size: "'32MB'", max_wal_size: "'128MB'" } });
    store = await createDb({ databaseUrl: cluster.url, poolSize: 2 });
    const served = await serve(store);
    app = served.app;
    // Log segments to spare, so the tables fill before the log does (a full log stops the server).
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    await client.query('create table log_padding (n int)');
    for (let i = 0; i < 4; i++) {
      await client.query('insert into log_padding values ($1)', [i]);
      await client.query('select pg_switch_wal()');
    }
    await client.query('checkpoint');
    await client.query('drop table log_padding');
    await client.end();
    disk.fill(2 * MB);
    const body = `Transcript of the harbour interview. ${randomBytes(30_000).toString('base64')}`;
    let refused: { statusCode: number; body: string } | undefined;
    for (let i = 0; i < 200 && refused === undefined; i++) {
      const response = await app.inject({ method: 'POST', url: served.notesUrl, headers: served.headers, payload: { body } });
      if (response.statusCode !== 201) refused = response;
    }
    if (refused === undefined) throw new Error('the disk never filled');
    expectClearDiskFull(refused, "the store's disk is full: free space in the database server's data folder and retry");
    disk.unfill();
    const written = await app.inject({ method: 'POST', url: served.notesUrl, headers: served.headers, payload: { body: 'Met the harbour clerk.' } });
    expect(written.statusCode, written.body).toBe(201);
  }, 120_000);
});
