import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, defaultConfig, LOCAL_OPERATOR, registerSource, type Store } from '@casegraph/core';
import { openTestStore } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';
import { PURPOSE_HEADERS, SESSION_COOKIE } from './plugins/route-policy.js';
import { openSession } from './test-support/sessions.js';

const MAPPING = `
people:
  queries:
    - entities:
        person:
          schema: Person
          keys: [id]
          properties:
            name: { column: name }
            birthDate: { column: born }
`;

async function multipart(fields: Record<string, string | { name: string; content: string }>): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string') form.set(key, value);
    else form.set(key, new Blob([value.content]), value.name);
  }
  const encoded = new Response(form);
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type') ?? '' };
}

describe('imports over HTTP', () => {
  let store: Store;
  let app: FastifyInstance;
  let headers: Record<string, string>;

  beforeAll(async () => {
    store = await openTestStore('pglite');
    const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig() });
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Order 1', purposes: ['administration'] });
    const userId = randomUUID();
    await store.db.insertInto('users').values({ id: userId, username: 'adm', display_name: 'Adm', organisation: 'local', roles: ['administrator'], compartments: [], password_hash: null }).execute();
    const token = await openSession(store, userId);
    headers = {
      cookie: `${SESSION_COOKIE}=${token}`,
      [PURPOSE_HEADERS.code]: 'administration',
      [PURPOSE_HEADERS.justification]: encodeURIComponent('loading the registry extract'),
    };
    app = await buildApp({ store, config: defaultConfig(), bodyLimit: 64 * 2 ** 20 });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  async function upload(csv: string, mapping = MAPPING) {
    const form = await multipart({ source: 'registry', mapping: { name: 'people.yml', content: mapping }, data: { name: 'people.csv', content: csv } });
    return app.inject({ method: 'POST', url: '/api/imports', headers: { ...headers, 'content-type': form.contentType }, payload: form.body });
  }

  interface Job {
    status: string;
    rows: number;
    failedRows: number | null;
    failures: Array<{ row: number; column: string | null; reason: string }>;
    rowsPerSecond: number | null;
    fractionDone: number | null;
  }

  async function waitFor(id: string, done: (job: Job) => boolean): Promise<Job> {
    for (let i = 0; i < 200; i++) {
      const job = (await app.inject({ method: 'GET', url: `/api/imports/${id}`, headers })).json<Job>();
      if (done(job)) return job;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the import did not finish');
  }

  it('uploads a file with its mapping, and the job reports rows, rate and failed rows', async () => {
    const rows = ['id,name,born'];
    for (let i = 0; i < 3000; i++) rows.push(`P${i},Person ${i},${i === 7 ? 'not a date' : '1980-01-01'}`);
    rows.push('P-x,"broken');
    const response = await upload(rows.join('\n') + '\n');
    expect(response.statusCode, response.body).toBe(202);
    const job = await waitFor(response.json<{ id: string }>().id, (j) => j.status !== 'running');
    expect(job).toMatchObject({ status: 'done', rows: 3001, failedRows: 1 });
    expect(job.rowsPerSecond).toBeGreaterThan(0);
    expect(job.fractionDone).toBe(1);
    expect(job.failures.some((f) => f.row === 8 && f.column === 'born')).toBe(true);
  });

  it('a bad mapping is refused before any job starts, naming the property', async () => {
    const response = await upload('id,name,born\nP1,A,1980\n', MAPPING.replace('birthDate', 'birthday'));
    expect(response.statusCode).toBe(400);
    expect(response.json<{ message: string }>().message).toMatch(/people\.yml:\d+.*birthday/);
    expect(await store.db.selectFrom('import_jobs').select('id').where('status', '=', 'failed').execute()).toEqual([]);
  });

  it('a running import can be cancelled', async () => {
    const rows = ['id,name,born'];
    for (let i = 0; i < 60_000; i++) rows.push(`C${i},Person ${i},1980-01-01`);
    const response = await upload(rows.join('\n') + '\n');
    const id = response.json<{ id: string }>().id;
    const partway = await waitFor(id, (j) => j.rows > 0 || j.status !== 'running');
    // Part of the file is read, not all of it: the share follows the rows.
    if (partway.status === 'running') expect(partway.fractionDone).toBeGreaterThan(0);
    if (partway.status === 'running') expect(partway.fractionDone).toBeLessThan(1);
    const cancel = await app.inject({ method: 'DELETE', url: `/api/imports/${id}`, headers });
    expect(cancel.statusCode).toBe(202);
    const job = await waitFor(id, (j) => j.status !== 'running');
    expect(job.status).toBe('cancelled');
    expect(job.rows).toBeLessThan(60_000);
  });
});
