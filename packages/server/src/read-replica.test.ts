import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, createContext, createDb, defaultConfig, generateCheckpointKey, Invalid, LOCAL_OPERATOR, registerSource, writeEntities, type Ctx, type Store } from '@casegraph/core';
import { createPgCluster, findPgBin, type PgCluster } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';
import { PURPOSE_HEADERS, SESSION_COOKIE } from './plugins/route-policy.js';
import { openSession } from './test-support/sessions.js';

describe('a read replica needs a PostgreSQL primary', () => {
  it('the embedded store refuses a replica URL with a clear Invalid error, before opening anything', async () => {
    const opened = createDb({ memory: true, replicaUrl: 'postgres://casegraph:casegraph@127.0.0.1:1/casegraph' });
    await expect(opened).rejects.toBeInstanceOf(Invalid);
    await expect(opened).rejects.toThrow(/needs a PostgreSQL primary \(DATABASE_URL\)/);
  });
});

// A primary and a streaming replica of its own, made with the server's initdb and pg_basebackup:
// only where PostgreSQL is installed, as in CI.
const withPostgres = process.env.DATABASE_URL !== undefined && findPgBin() !== undefined;

describe.skipIf(!withPostgres)('with a read replica, search and graph reads go to it while access, audit and oversight stay on the primary', () => {
  let folder: string;
  let primary: PgCluster;
  let replica: PgCluster;
  let onPrimary: pg.Client;
  let onReplica: pg.Client;
  let store: Store;
  let app: FastifyInstance;
  let operator: Ctx;
  let caseId: string;
  let anaId: string;
  let analyst: Record<string, string>;
  let oversight: Record<string, string>;

  /** Waits until the replica has replayed everything the primary has written so far. */
  async function replayed(): Promise<void> {
    const { rows } = await onPrimary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
    const deadline = Date.now() + 15_000;
    for (;;) {
      const done = await onReplica.query<{ done: boolean }>('select pg_last_wal_replay_lsn() >= $1::pg_lsn as done', [rows[0]?.lsn]);
      if (done.rows[0]?.done === true) return;
      if (Date.now() > deadline) throw new Error('the replica did not catch up within 15 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function pauseReplay(): Promise<void> {
    await replayed();
    await onReplica.query('select pg_wal_replay_pause()');
    for (;;) {
      const { rows } = await onReplica.query<{ state: string }>('select pg_get_wal_replay_pause_state() as state');
      if (rows[0]?.state === 'paused') return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function resumeReplay(): Promise<void> {
    await onReplica.query('select pg_wal_replay_resume()');
    await replayed();
  }

  async function search(query: string, headers = analyst): Promise<string[]> {
    const response = await app.inject({ method: 'GET', url: `/api/search?q=${encodeURIComponent(query)}`, headers });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ results: Array<{ id: string }> }>().results.map((hit) => hit.id);
  }

  async function expand(id: string): Promise<{ total: number; nodes: string[] }> {
    const response = await app.inject({ method: 'GET', url: `/api/graph/expand?id=${id}`, headers: analyst });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{ total: number; nodes: Array<{ id: string }> }>();
    return { total: body.total, nodes: body.nodes.map((node) => node.id).sort() };
  }

  async function write(sourceId: string, entities: Parameters<typeof writeEntities>[1]['entities']): Promise<void> {
    await writeEntities({ ...operator, purpose: { caseId, code: 'fraud-audit', justification: 'replica fixture' } }, { sourceId, entities });
  }

  async function count(client: pg.Client, query: string, values: unknown[] = []): Promise<number> {
    const { rows } = await client.query<{ n: string }>(query, values);
    return Number(rows[0]?.n ?? 0);
  }

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'casegraph-replica-'));
    primary = await createPgCluster(join(folder, 'primary'));
    // The schema, the application role and the fixtures are made on the primary, then copied.
    const config = defaultConfig();
    const setup = await createDb({ databaseUrl: primary.url, poolSize: 2 });
    operator = createContext({ db: setup.db, actor: LOCAL_OPERATOR, config });
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Order 3', purposes: ['fraud-audit'] });
    await registerSource(operator, { id: 'watchlist', name: 'Watch list', legalBasis: 'Order 5', purposes: ['fraud-audit'] });
    await registerSource(operator, { id: 'restricted', name: 'Restricted', legalBasis: 'Order 7', purposes: ['fraud-audit'], markings: ['LE-ONLY'] });
    anaId = randomUUID();
    const overseerId = randomUUID();
    await setup.db
      .insertInto('users')
      .values([
        { id: anaId, username: 'ana', display_name: 'Ana', organisation: 'local', roles: ['analyst'], compartments: ['LE-ONLY'], password_hash: null },
        { id: overseerId, username: 'olu', display_name: 'Olu', organisation: 'local', roles: ['oversight'], compartments: [], password_hash: null },
      ])
      .execute();
    caseId = (await createCase(createContext({ db: setup.db, actor: { userId: anaId, sessionId: null, organisation: 'local', roles: ['analyst'], compartments: ['LE-ONLY'] }, config }), { title: 'Quay fraud', purpose: 'fraud-audit' })).id;
    await write('registry', [
      { id: 'p-1', schema: 'Person', origin: 'R1', properties: { name: ['Katarina Vellacott'], birthDate: ['1974-09-12'] } },
      { id: 'c-1', schema: 'Company', origin: 'R2', properties: { name: ['Vellacott Shipping Ltd'] } },
      { id: 'own-1', schema: 'Ownership', origin: 'R3', properties: { owner: ['p-1'], asset: ['c-1'] } },
    ]);
    await write('watchlist', [{ id: 'p-2', schema: 'Person', origin: 'W1', properties: { name: ['Oskar Brannigan'] } }]);
    await write('restricted', [{ id: 'p-3', schema: 'Person', origin: 'X1', properties: { name: ['Mirela Tanskanen'] } }]);
    const headers = (code: string, justification: string, withCase: boolean) => ({
      ...(withCase ? { [PURPOSE_HEADERS.caseId]: caseId } : {}),
      [PURPOSE_HEADERS.code]: code,
      [PURPOSE_HEADERS.justification]: encodeURIComponent(justification),
    });
    analyst = { cookie: `${SESSION_COOKIE}=${await openSession(setup, anaId)}`, ...headers('fraud-audit', 'screening the quay counterparties', true) };
    oversight = { cookie: `${SESSION_COOKIE}=${await openSession(setup, overseerId)}`, ...headers('oversight', 'quarterly review of lookups', false) };
    await setup.close();

    replica = await primary.replica(join(folder, 'replica'));
    await replica.start();
    onPrimary = new pg.Client({ connectionString: primary.url });
    onReplica = new pg.Client({ connectionString: replica.url });
    await onPrimary.connect();
    await onReplica.connect();
    store = await createDb({ databaseUrl: primary.url, replicaUrl: replica.url, poolSize: 4, migrate: false });
    operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config });
    app = await buildApp({ store, config, keys: { signing: generateCheckpointKey('casegraph-test'), termsKey: randomBytes(32).toString('base64') } });
    await app.ready();
    await replayed();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await store?.close();
    await onPrimary?.end().catch(() => undefined);
    await onReplica?.end().catch(() => undefined);
    await replica?.destroy();
    await primary?.destroy();
    rmSync(folder, { recursive: true, force: true });
  }, 60_000);

  it('the replica is a standby, and the store reads it through its own pool as the application role', async () => {
    expect(store.readDb).toBeDefined();
    expect((await onReplica.query<{ standby: boolean }>('select pg_is_in_recovery() as standby')).rows[0]?.standby).toBe(true);
    expect((await onPrimary.query<{ standby: boolean }>('select pg_is_in_recovery() as standby')).rows[0]?.standby).toBe(false);
    expect(await search('Katarina Vellacott')).toEqual(['p-1']);
  });

  it('a person added on the primary while replay is paused is found only once the replica has replayed it, and so is a new edge', async () => {
    expect(await expand('p-1')).toEqual({ total: 1, nodes: ['c-1', 'p-1'] });
    await pauseReplay();
    try {
      await write('registry', [
        { id: 'p-4', schema: 'Person', origin: 'R4', properties: { name: ['Teodor Quillfeather'] } },
        { id: 'c-2', schema: 'Company', origin: 'R5', properties: { name: ['Brightwater Freight'] } },
        { id: 'own-2', schema: 'Ownership', origin: 'R6', properties: { owner: ['p-1'], asset: ['c-2'] } },
      ]);
      expect(await count(onPrimary, `select count(*) as n from statements where entity_id = 'p-4'`)).toBeGreaterThan(0);
      expect(await search('Teodor Quillfeather')).toEqual([]);
      expect(await expand('p-1')).toEqual({ total: 1, nodes: ['c-1', 'p-1'] });
    } finally {
      await resumeReplay();
    }
    expect(await search('Teodor Quillfeather')).toEqual(['p-4']);
    expect(await expand('p-1')).toEqual({ total: 2, nodes: ['c-1', 'c-2', 'p-1'] });
  });

  it('a source policy changed or a compartment revoked on the primary counts at once, while the replica still holds the old ones', async () => {
    expect(await search('Oskar Brannigan')).toEqual(['p-2']);
    expect(await search('Mirela Tanskanen')).toEqual(['p-3']);
    await pauseReplay();
    try {
      await onPrimary.query(`update sources set allowed_purposes = '{administration}' where id = 'watchlist'`);
      await onPrimary.query(`update users set compartments = '{}' where id = $1`, [anaId]);
      // The replica has not replayed either change...
      expect(await count(onReplica, `select count(*) as n from sources where id = 'watchlist' and 'fraud-audit' = any(allowed_purposes)`)).toBe(1);
      expect(await count(onReplica, `select count(*) as n from users where id = $1 and compartments = '{LE-ONLY}'`, [anaId])).toBe(1);
      // ...and yet neither record is found any more.
      expect(await search('Oskar Brannigan')).toEqual([]);
      expect(await search('Mirela Tanskanen')).toEqual([]);
      expect(await search('Katarina Vellacott')).toEqual(['p-1']);
    } finally {
      await onPrimary.query(`update sources set allowed_purposes = '{fraud-audit}' where id = 'watchlist'`);
      await onPrimary.query(`update users set compartments = '{LE-ONLY}' where id = $1`, [anaId]);
      await resumeReplay();
    }
    expect(await search('Oskar Brannigan')).toEqual(['p-2']);
  });

  it('each search writes its audit event on the primary, never on the replica; oversight reports read the primary and show a search of a moment ago', async () => {
    await pauseReplay();
    try {
      const searchesOn = (client: pg.Client) => count(client, `select count(*) as n from audit_events where action = 'search' and actor_id = $1`, [anaId]);
      const before = { primary: await searchesOn(onPrimary), replica: await searchesOn(onReplica) };
      expect(before.replica).toBe(before.primary);
      expect(await search('Katarina Vellacott')).toEqual(['p-1']);
      expect(await search('Oskar Brannigan')).toEqual(['p-2']);
      expect(await searchesOn(onPrimary)).toBe(before.primary + 2);
      expect(await searchesOn(onReplica)).toBe(before.replica);
      const last = await onPrimary.query<{ seq: string; subjects: string[] }>(`select seq::text as seq, subject_ids as subjects from audit_events where action = 'search' order by audit_events.seq desc limit 1`);
      expect(last.rows[0]?.subjects).toEqual(['p-2']);
      // Who looked up p-1: the search made while replay is paused is in the report.
      const response = await app.inject({ method: 'GET', url: '/api/oversight/lookups?subject=p-1', headers: oversight });
      expect(response.statusCode, response.body).toBe(200);
      const records = response.json<{ records: Array<{ seq: string; action: string; username: string | null }> }>().records.filter((r) => r.action === 'search');
      const newest = records.at(-1);
      expect(newest?.username).toBe('ana');
      expect(await count(onReplica, 'select count(*) as n from audit_events where seq = $1', [newest?.seq])).toBe(0);
      expect(await count(onPrimary, 'select count(*) as n from audit_events where seq = $1', [newest?.seq])).toBe(1);
      // The replica took no write from the application: it is a standby throughout.
      expect((await onReplica.query<{ standby: boolean }>('select pg_is_in_recovery() as standby')).rows[0]?.standby).toBe(true);
    } finally {
      await resumeReplay();
    }
  });

  it('with the replica down, search and graph read the primary and health says so; once it is back, reads return to it', async () => {
    const health = async () => (await app.inject({ method: 'GET', url: '/api/health' })).json<{ status: string; reads?: string }>();
    expect(await health()).toMatchObject({ status: 'ok', reads: 'replica' });
    await onReplica.end();
    await replica.stop();
    // A person written while the replica is down can only be found on the primary.
    await write('registry', [{ id: 'p-4', schema: 'Person', origin: 'R4', properties: { name: ['Teodora Quillfeather'] } }]);
    // Connections the pool held to the stopped replica fail once, then reads move.
    await app.inject({ method: 'GET', url: `/api/search?q=${encodeURIComponent('Teodora Quillfeather')}`, headers: analyst });
    expect(await search('Teodora Quillfeather')).toEqual(['p-4']);
    expect((await expand('p-1')).nodes).toContain('c-1');
    expect(store.replicaState?.()).toMatchObject({ reading: 'primary' });
    expect(await health()).toMatchObject({ status: 'degraded', reads: 'primary' });
    await replica.start();
    onReplica = new pg.Client({ connectionString: replica.url });
    await onReplica.connect();
    await replayed();
    // The replica is tried again 10 s after it was left.
    const deadline = Date.now() + 30_000;
    while (store.replicaState?.().reading !== 'replica' && Date.now() < deadline) {
      await search('Teodora Quillfeather');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await health()).toMatchObject({ status: 'ok', reads: 'replica' });
    expect(await search('Teodora Quillfeather')).toEqual(['p-4']);
  }, 90_000);
});
