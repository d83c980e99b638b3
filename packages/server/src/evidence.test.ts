import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, createContext, defaultConfig, generateCheckpointKey, type Store } from '@casegraph/core';
import { dialects, openTestStore } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';
import { PURPOSE_HEADERS, SESSION_COOKIE } from './plugins/route-policy.js';
import { openSession } from './test-support/sessions.js';

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]), Buffer.from('\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n')]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0]);
const LIMIT = 25 * 2 ** 20;

/** A multipart body as a browser sends it. */
async function form(file: { name: string; type: string; bytes: Uint8Array } | null, fields: Record<string, string> = {}) {
  const data = new FormData();
  if (file !== null) data.set('file', new Blob([file.bytes], { type: file.type }), file.name);
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  const encoded = new Response(data);
  return { payload: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type') ?? '' };
}

interface Custody {
  event: string;
  actor: { name: string };
  detail: string;
}

describe.each(dialects())('evidence over HTTP on %s', (dialect) => {
  let store: Store;
  let app: FastifyInstance;
  let caseId: string;
  let ana: Record<string, string>;
  let olaf: Record<string, string>;

  const upload = async (headers: Record<string, string>, file: { name: string; type: string; bytes: Uint8Array } | null, fields: Record<string, string> = {}, target = caseId) => {
    const body = await form(file, fields);
    return app.inject({ method: 'POST', url: `/api/cases/${target}/evidence`, headers: { ...headers, 'content-type': body.contentType }, payload: body.payload });
  };
  const stored = async () => ({
    files: Number((await store.db.selectFrom('evidence_files').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n),
    blobs: Number((await store.db.selectFrom('evidence_blobs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n),
  });

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const config = defaultConfig();
    await store.db.insertInto('organisations').values({ id: 'unit-1', name: 'Unit 1' }).execute();
    const ids = { ana: randomUUID(), olaf: randomUUID() };
    for (const [id, username, name] of [[ids.ana, 'ana', 'Ana Lindqvist'], [ids.olaf, 'olaf', 'Olaf Brenner']] as const) {
      await store.db.insertInto('users').values({ id, username, display_name: name, organisation: 'unit-1', roles: ['analyst'], compartments: [], password_hash: null }).execute();
    }
    const actor = (userId: string) => ({ userId, sessionId: null, organisation: 'unit-1', roles: ['analyst' as const], compartments: [] });
    caseId = (await createCase(createContext({ db: store.db, actor: actor(ids.ana), config }), { title: 'Quay invoices', purpose: 'fraud-audit' })).id;
    const olafCase = (await createCase(createContext({ db: store.db, actor: actor(ids.olaf), config }), { title: 'Fleet leasing', purpose: 'fraud-audit' })).id;
    const headers = async (userId: string, forCase: string) => ({
      cookie: `${SESSION_COOKIE}=${await openSession(store, userId)}`,
      [PURPOSE_HEADERS.caseId]: forCase,
      [PURPOSE_HEADERS.code]: 'fraud-audit',
      [PURPOSE_HEADERS.justification]: encodeURIComponent('checking the quay invoices'),
    });
    ana = await headers(ids.ana, caseId);
    olaf = await headers(ids.olaf, olafCase);
    app = await buildApp({ store, config, keys: { signing: generateCheckpointKey('casegraph-test'), termsKey: randomBytes(32).toString('base64') } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('upload, list, read, transfer and annotate: the custody trail records each step in order', async () => {
    const created = await upload(ana, { name: 'invoice-0042.pdf', type: 'application/pdf', bytes: PDF }, { description: 'Invoice from Harbour Ltd' });
    expect(created.statusCode, created.body).toBe(201);
    const sha256 = createHash('sha256').update(PDF).digest('hex');
    const { id } = created.json<{ id: string }>();
    expect(created.json()).toEqual({ id, sha256, size: PDF.byteLength, contentType: 'application/pdf', fileName: 'invoice-0042.pdf' });

    const content = await app.inject({ method: 'GET', url: `/api/evidence/${id}/content`, headers: ana });
    expect(content.statusCode).toBe(200);
    expect(content.rawPayload.equals(PDF)).toBe(true);
    expect(content.headers['content-type']).toBe('application/pdf');
    expect(content.headers['content-disposition']).toBe(`attachment; filename="invoice-0042.pdf"; filename*=UTF-8''invoice-0042.pdf`);
    expect(content.headers['x-content-sha256']).toBe(sha256);
    expect(content.headers.digest).toBe(`sha-256=${createHash('sha256').update(PDF).digest('base64')}`);

    const transfer = await app.inject({ method: 'POST', url: `/api/evidence/${id}/transfer`, headers: ana, payload: { recipient: 'Regional forensic laboratory', reason: 'ink analysis' } });
    expect(transfer.statusCode, transfer.body).toBe(201);
    const note = await app.inject({ method: 'POST', url: `/api/evidence/${id}/annotations`, headers: ana, payload: { body: 'Signature differs from the 2023 contract', anchor: { page: 1, text: 'J. Harbour' } } });
    expect(note.statusCode, note.body).toBe(201);
    expect(note.json()).toMatchObject({ anchor: { page: 1, text: 'J. Harbour' }, author: { name: 'Ana Lindqvist' } });

    const list = await app.inject({ method: 'GET', url: `/api/cases/${caseId}/evidence`, headers: ana });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ evidence: unknown[] }>().evidence).toMatchObject([
      { id, fileName: 'invoice-0042.pdf', sha256, size: PDF.byteLength, description: 'Invoice from Harbour Ltd', uploadedBy: { name: 'Ana Lindqvist' }, custodyEvents: 3, annotations: 1 },
    ]);
    const detail = await app.inject({ method: 'GET', url: `/api/evidence/${id}`, headers: ana });
    expect(detail.statusCode).toBe(200);
    const body = detail.json<{ custody: Custody[]; annotationList: Array<{ body: string }> }>();
    expect(body.custody.map((c) => c.event)).toEqual(['collected', 'viewed', 'transferred']);
    expect(body.custody[2]).toMatchObject({ actor: { name: 'Ana Lindqvist' }, detail: 'transferred to Regional forensic laboratory: ink analysis' });
    expect(body.annotationList.map((a) => a.body)).toEqual(['Signature differs from the 2023 contract']);
  });

  it(`a file of exactly ${LIMIT} bytes is stored; one byte more answers 413 naming the limit, and nothing is stored`, async () => {
    const at = await upload(ana, { name: 'dump.txt', type: 'text/plain', bytes: new Uint8Array(LIMIT).fill(0x61) });
    expect(at.statusCode, at.body).toBe(201);
    expect(at.json<{ size: number }>().size).toBe(LIMIT);
    const before = await stored();
    const over = await upload(ana, { name: 'dump2.txt', type: 'text/plain', bytes: new Uint8Array(LIMIT + 1).fill(0x62) });
    expect(over.statusCode).toBe(413);
    expect(over.json()).toMatchObject({ error: 'too-large', message: `an evidence file may be at most ${LIMIT} bytes (25 MiB)` });
    expect(await stored()).toEqual(before);
  }, 120_000);

  it('an executable or a file whose bytes disagree with its declared type is refused naming both, with nothing stored', async () => {
    const before = await stored();
    for (const [file, reason] of [
      [{ name: 'report.pdf', type: 'application/pdf', bytes: ELF }, /declared as application\/pdf but its content is an executable \(application\/x-executable\)/],
      [{ name: 'photo.pdf', type: 'application/pdf', bytes: PNG }, /declared as application\/pdf but its content is image\/png/],
      [{ name: 'tool.bin', type: 'application/octet-stream', bytes: ELF }, /content type "application\/octet-stream" is not accepted/],
    ] as const) {
      const refused = await upload(ana, file);
      expect(refused.statusCode, file.name).toBe(400);
      expect(refused.json<{ message: string }>().message).toMatch(reason);
    }
    const none = await upload(ana, null, { description: 'no file' });
    expect(none.statusCode).toBe(400);
    expect(none.json<{ message: string }>().message).toMatch(/field "file"/);
    const json = await app.inject({ method: 'POST', url: `/api/cases/${caseId}/evidence`, headers: ana, payload: { file: 'x' } });
    expect(json.statusCode).toBe(400);
    expect(await stored()).toEqual(before);
  });

  it('bad transfers and annotations are refused with the reason, and the trail stays as it was', async () => {
    const { id } = (await upload(ana, { name: 'memo.txt', type: 'text/plain', bytes: Buffer.from('Meeting at the quay, 14:00') })).json<{ id: string }>();
    for (const [url, payload, reason] of [
      [`/api/evidence/${id}/transfer`, { recipient: '   ', reason: 'lab work' }, /name the recipient/],
      [`/api/evidence/${id}/transfer`, { recipient: 'Lab' }, /reason/],
      [`/api/evidence/${id}/annotations`, { body: 'x', anchor: { page: 0 } }, /page/],
      [`/api/evidence/${id}/annotations`, { body: 'x', anchor: { colour: 'red' } }, /additional properties|colour/],
    ] as const) {
      const refused = await app.inject({ method: 'POST', url, headers: ana, payload });
      expect(refused.statusCode, JSON.stringify(payload)).toBe(400);
      expect(refused.json<{ message: string }>().message).toMatch(reason);
    }
    const detail = (await app.inject({ method: 'GET', url: `/api/evidence/${id}`, headers: ana })).json<{ custody: Custody[]; annotations: number }>();
    expect(detail.custody.map((c) => c.event)).toEqual(['collected']);
    expect(detail.annotations).toBe(0);
  });

  it("evidence of a case the caller may not see answers exactly as unknown evidence, and the caller's upload to it as an unknown case", async () => {
    const { id } = (await upload(ana, { name: 'hidden.pdf', type: 'application/pdf', bytes: PDF })).json<{ id: string }>();
    const unknown = randomUUID();
    for (const [method, path, payload] of [
      ['GET', '', undefined],
      ['GET', '/content', undefined],
      ['POST', '/transfer', { recipient: 'Press office', reason: 'publication' }],
      ['POST', '/annotations', { body: 'looks forged' }],
    ] as const) {
      const hidden = await app.inject({ method, url: `/api/evidence/${id}${path}`, headers: olaf, ...(payload ? { payload } : {}) });
      const missing = await app.inject({ method, url: `/api/evidence/${unknown}${path}`, headers: olaf, ...(payload ? { payload } : {}) });
      expect(hidden.statusCode, path).toBe(404);
      const strip = (body: string, value: string) => ({ ...(JSON.parse(body.replaceAll(value, 'ID')) as Record<string, unknown>), requestId: null });
      expect(strip(hidden.body, id)).toEqual(strip(missing.body, unknown));
    }
    const planted = await upload({ ...olaf, [PURPOSE_HEADERS.caseId]: caseId }, { name: 'planted.pdf', type: 'application/pdf', bytes: PDF });
    expect(planted.statusCode).toBe(400);
    expect(planted.json<{ error: string }>().error).toBe('purpose-required');
    const custody = await store.db.selectFrom('evidence_custody').select('event').where('evidence_id', '=', id).execute();
    expect(custody.map((c) => c.event)).toEqual(['collected']);
  });
});
