import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, createContext, defaultConfig, generateCheckpointKey, registerSource, LOCAL_OPERATOR, type Store } from '@casegraph/core';
import { dialects, openTestStore } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';
import { PURPOSE_HEADERS, SESSION_COOKIE } from './plugins/route-policy.js';
import { openSession } from './test-support/sessions.js';

/** Requests the route fuzzer (route-fuzz.test.ts) found answered with a 500, kept as regular tests. */

describe.each(dialects())('requests the route fuzzer found on %s', (dialect) => {
  let store: Store;
  let app: FastifyInstance;
  let caseId: string;
  let analyst: string;
  let admin: string;

  const signedIn = async (userId: string, purpose: Record<string, string> | null = null) => ({
    cookie: `${SESSION_COOKIE}=${await openSession(store, userId)}`,
    ...(purpose ?? {}),
  });
  const purposeOf = (overrides: Partial<Record<'caseId' | 'code' | 'justification', string>> = {}) => ({
    [PURPOSE_HEADERS.caseId]: overrides.caseId ?? caseId,
    [PURPOSE_HEADERS.code]: overrides.code ?? 'fraud-audit',
    [PURPOSE_HEADERS.justification]: overrides.justification ?? encodeURIComponent('checking the bank report'),
  });
  const count = async (table: 'cases' | 'audit_events' | 'import_jobs' | 'case_tasks') => Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const expectRefused = (response: { statusCode: number; body: string }, status = 400) => {
    expect(response.statusCode, response.body).toBe(status);
    expect((JSON.parse(response.body) as { message: string }).message).toMatch(/\S/);
  };

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const config = defaultConfig();
    await store.db.insertInto('organisations').values({ id: 'unit-1', name: 'Unit 1' }).execute();
    analyst = randomUUID();
    admin = randomUUID();
    await store.db
      .insertInto('users')
      .values([
        { id: analyst, username: 'ana', display_name: 'Ana Lindqvist', organisation: 'unit-1', roles: ['analyst'], compartments: [], password_hash: null },
        { id: admin, username: 'adm', display_name: 'Ada Admin', organisation: 'unit-1', roles: ['administrator'], compartments: [], password_hash: null },
      ])
      .execute();
    caseId = (await createCase(createContext({ db: store.db, actor: { userId: analyst, sessionId: null, organisation: 'unit-1', roles: ['analyst'], compartments: [] }, config }), { title: 'Harbour payments', purpose: 'fraud-audit' })).id;
    await registerSource(createContext({ db: store.db, actor: LOCAL_OPERATOR, config }), { id: 'open-registry', name: 'Registry', legalBasis: 'Public register', purposes: ['fraud-audit'] });
    app = await buildApp({ store, config, keys: { signing: generateCheckpointKey('casegraph-test'), termsKey: randomBytes(32).toString('base64') } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('a NUL character in a stated purpose (the store cannot hold it) answers 400, not 500', async () => {
    for (const purpose of [purposeOf({ justification: 'a%00b' }), purposeOf({ caseId: '%2500', code: '%2500', justification: '%00' }), purposeOf({ code: 'fraud%00audit' })]) {
      expectRefused(await app.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: await signedIn(analyst, purpose) }));
      expectRefused(await app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: await signedIn(analyst, purpose) }));
    }
  });

  it('a NUL character in a JSON body, a query or a path answers 400 and stores nothing', async () => {
    const cases = await count('cases');
    expectRefused(await app.inject({ method: 'POST', url: '/api/cases', headers: await signedIn(analyst), payload: { title: 'Harbour\u0000payments', purpose: 'fraud-audit' } }));
    expect(await count('cases')).toBe(cases);
    const tasks = await count('case_tasks');
    expectRefused(await app.inject({ method: 'POST', url: `/api/cases/${caseId}/tasks`, headers: await signedIn(analyst, purposeOf()), payload: { title: 'Call the bank', description: 'ask for\u0000statements' } }));
    expect(await count('case_tasks')).toBe(tasks);
    expectRefused(await app.inject({ method: 'GET', url: '/api/search?q=mira%00novak', headers: await signedIn(analyst, purposeOf()) }));
    expectRefused(await app.inject({ method: 'GET', url: '/api/entities/a%00b', headers: await signedIn(analyst, purposeOf()) }));
  });

  it('a multipart form without a boundary, or cut off before its end, answers 400 on both upload routes and stores nothing', async () => {
    const part = (name: string, filename: string | null, body: string) => `--b\r\nContent-Disposition: form-data; name="${name}"${filename === null ? '' : `; filename="${filename}"`}\r\n\r\n${body}\r\n`;
    const jobs = await count('import_jobs');
    for (const url of ['/api/imports', `/api/cases/${caseId}/evidence`]) {
      for (const [contentType, payload] of [
        ['multipart/form-data', '--b--\r\n'],
        ['multipart/form-data; boundary=b', part('source', null, 'open-registry')],
        ['multipart/form-data; boundary=b', part('file', 'exhibit.txt', 'hello')],
      ] as const) {
        const headers = { ...(await signedIn(url === '/api/imports' ? admin : analyst, purposeOf())), 'content-type': contentType };
        expectRefused(await app.inject({ method: 'POST', url, headers, payload }));
      }
    }
    expect(await count('import_jobs')).toBe(jobs);
  });

  it('an import whose file names are too long, a folder, or hold control characters answers 400 and starts no job', async () => {
    const part = (name: string, filename: string | null, body: string) => `--b\r\nContent-Disposition: form-data; name="${name}"${filename === null ? '' : `; filename="${filename}"`}\r\n\r\n${body}\r\n`;
    const mapping = 'people:\n  queries:\n    - entities:\n        person:\n          schema: Person\n          keys: [id]\n          properties:\n            name: { column: name }\n';
    const jobs = await count('import_jobs');
    for (const [mappingName, dataName] of [
      ['people.yml', `${'x'.repeat(300)}.csv`],
      ['people.yml', '..'],
      ['people.yml', 'people\u0001.csv'],
      [`${'m'.repeat(300)}.yml`, 'people.csv'],
      ['map\u0000ping.yml', 'people.csv'],
    ]) {
      const payload = part('source', null, 'open-registry') + part('mapping', mappingName ?? '', mapping) + part('data', dataName ?? '', 'id,name\nP1,Mira Novak\n') + '--b--\r\n';
      const headers = { ...(await signedIn(admin, purposeOf())), 'content-type': 'multipart/form-data; boundary=b' };
      expectRefused(await app.inject({ method: 'POST', url: '/api/imports', headers, payload }));
    }
    expect(await count('import_jobs')).toBe(jobs);
  });

  it('text with a lone UTF-16 surrogate (no UTF-8 form; PostgreSQL refuses it in JSON) answers 400 and stores nothing', async () => {
    const tokens = async () => Number((await store.db.selectFrom('sessions').select((eb) => eb.fn.countAll<string>().as('n')).where('kind', '=', 'token').executeTakeFirstOrThrow()).n);
    const before = await tokens();
    for (const name of ['a\ud800', '\udfff\ud800', 'ok\udc00ok']) {
      expectRefused(await app.inject({ method: 'POST', url: '/api/auth/tokens', headers: await signedIn(admin), payload: { name } }));
    }
    expect(await tokens()).toBe(before);
    const cases = await count('cases');
    expectRefused(await app.inject({ method: 'POST', url: '/api/cases', headers: await signedIn(analyst), payload: { title: 'Harbour \ud83d payments', purpose: 'fraud-audit' } }));
    expect(await count('cases')).toBe(cases);
    // A pair is a character like any other.
    const paired = await app.inject({ method: 'POST', url: '/api/auth/tokens', headers: await signedIn(admin), payload: { name: 'laptop \ud83d\udcbb' } });
    expect(paired.statusCode, paired.body).toBe(201);
  });

  it('a NUL character in a multipart text field (evidence description, import source) answers 400 and stores nothing', async () => {
    const part = (name: string, filename: string | null, body: string) => `--b\r\nContent-Disposition: form-data; name="${name}"${filename === null ? '' : `; filename="${filename}"`}\r\n\r\n${body}\r\n`;
    const files = async () => Number((await store.db.selectFrom('evidence_files').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await files();
    const evidence = part('description', null, 'scan of\u0000the invoice') + part('file', 'notes.txt', 'hello') + '--b--\r\n';
    expectRefused(await app.inject({ method: 'POST', url: `/api/cases/${caseId}/evidence`, headers: { ...(await signedIn(analyst, purposeOf())), 'content-type': 'multipart/form-data; boundary=b' }, payload: evidence }));
    expect(await files()).toBe(before);
    const jobs = await count('import_jobs');
    const mapping = 'people:\n  queries:\n    - entities:\n        person:\n          schema: Person\n          keys: [id]\n          properties:\n            name: { column: name }\n';
    const payload = part('source', null, 'open\u0000registry') + part('mapping', 'people.yml', mapping) + part('data', 'people.csv', 'id,name\nP1,Mira Novak\n') + '--b--\r\n';
    expectRefused(await app.inject({ method: 'POST', url: '/api/imports', headers: { ...(await signedIn(admin, purposeOf())), 'content-type': 'multipart/form-data; boundary=b' }, payload }));
    expect(await count('import_jobs')).toBe(jobs);
  });

  // The 500s on POST /api/cases/{id}/evidence: the route fuzzer's seed 1679163520 shrank them to a
  // "file" part with a content type and no file name. The multipart parser takes such a part for a
  // file whose name is undefined, and the name check crashed on it with a TypeError.
  it('an evidence file part without a file name answers 400 and stores nothing', async () => {
    const files = async () => Number((await store.db.selectFrom('evidence_files').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await files();
    for (const [type, body] of [
      ['application/octet-stream', ''],
      ['application/pdf', '%PDF-1.7\n%%EOF\n'],
      ['text/plain', 'hello'],
    ] as const) {
      const payload = `--b\r\nContent-Disposition: form-data; name="file"\r\nContent-Type: ${type}\r\n\r\n${body}\r\n--b--\r\n`;
      const response = await app.inject({ method: 'POST', url: `/api/cases/${caseId}/evidence`, headers: { ...(await signedIn(analyst, purposeOf())), 'content-type': 'multipart/form-data; boundary=b' }, payload });
      expectRefused(response);
      expect(response.json<{ message: string }>().message).toMatch(/file name/);
    }
    expect(await files()).toBe(before);
  });
});

