import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, createContext, defaultConfig, generateCheckpointKey, LOCAL_OPERATOR, registerSource, writeEntities, type Store } from '@casegraph/core';
import { dialects, openTestStore } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';
import { PURPOSE_HEADERS, SESSION_COOKIE } from './plugins/route-policy.js';
import { openSession } from './test-support/sessions.js';

describe.each(dialects())('the case file over HTTP on %s', (dialect) => {
  let store: Store;
  let app: FastifyInstance;
  let caseId: string;
  let hiddenCaseId: string;
  let headers: Record<string, string>;
  const digest = createHash('sha256').update('synthetic bank statement').digest('hex');

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const config = defaultConfig();
    const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config });
    await registerSource(operator, { id: 'registry', name: 'Company Registry', legalBasis: 'Public register', purposes: ['fraud-audit'] });
    const ana = randomUUID();
    const eli = randomUUID();
    for (const [id, username] of [
      [ana, 'ana'],
      [eli, 'eli'],
    ] as const) {
      await store.db.insertInto('users').values({ id, username, display_name: username, organisation: 'local', roles: ['analyst'], compartments: [], password_hash: null }).execute();
    }
    const actor = (userId: string) => ({ userId, sessionId: null, organisation: 'local', roles: ['analyst' as const], compartments: [] });
    caseId = (await createCase(createContext({ db: store.db, actor: actor(ana), config }), { title: 'Pier <script>x()</script> leases', purpose: 'fraud-audit' })).id;
    hiddenCaseId = (await createCase(createContext({ db: store.db, actor: actor(eli), config }), { title: 'Another unit', purpose: 'fraud-audit' })).id;
    await writeEntities(createContext({ db: store.db, actor: LOCAL_OPERATOR, config, purpose: { caseId, code: 'fraud-audit', justification: 'fixture' } }), {
      sourceId: 'registry',
      entities: [{ id: 'p-1', schema: 'Person', origin: 'R1', properties: { name: ['Katarina Vellacott'] } }],
    });
    const now = new Date();
    await store.db.insertInto('case_subjects').values({ case_id: caseId, entity_id: 'p-1', category: 'suspect', added_by: ana, added_at: now }).execute();
    const bytes = new TextEncoder().encode('synthetic bank statement');
    await store.db.insertInto('evidence_blobs').values({ sha256: digest, size: bytes.length, content: bytes, stored_at: now }).execute();
    await store.db.insertInto('evidence_files').values({ id: 'ev-1', case_id: caseId, sha256: digest, file_name: 'statement.txt', content_type: 'text/plain', size: bytes.length, uploaded_by: ana, uploaded_at: now }).execute();
    headers = {
      cookie: `${SESSION_COOKIE}=${await openSession(store, ana)}`,
      [PURPOSE_HEADERS.caseId]: caseId,
      [PURPOSE_HEADERS.code]: 'fraud-audit',
      [PURPOSE_HEADERS.justification]: encodeURIComponent('disclosure to the prosecutor'),
    };
    app = await buildApp({ store, config, keys: { signing: generateCheckpointKey('casegraph-test'), termsKey: randomBytes(32).toString('base64') } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const disclosures = async () => {
    const audit = await store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).where('category', '=', 'disclosure').executeTakeFirstOrThrow();
    const custody = await store.db.selectFrom('evidence_custody').select((eb) => eb.fn.countAll<string>().as('n')).where('event', '=', 'exported').executeTakeFirstOrThrow();
    return { audit: Number(audit.n), custody: Number(custody.n) };
  };

  it('POST /api/cases/:id/export answers the PDF as an attachment with its digest, and records the disclosure naming the recipient', async () => {
    const response = await app.inject({ method: 'POST', url: `/api/cases/${caseId}/export`, headers, payload: { format: 'pdf', recipient: 'District Prosecutor 4', reason: 'charging decision' } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="${caseId}-case-file.pdf"; filename*=UTF-8''${caseId}-case-file.pdf`);
    const body = response.rawPayload;
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    const sha256 = createHash('sha256').update(body).digest('hex');
    expect(response.headers['x-content-sha256']).toBe(sha256);
    const event = await store.db.selectFrom('audit_events').selectAll().where('action', '=', 'case.export').where('outcome', '=', 'success').executeTakeFirstOrThrow();
    expect(event).toMatchObject({ category: 'disclosure', case_id: caseId, subject_ids: ['p-1'] });
    expect(event.detail).toMatchObject({ recipient: 'District Prosecutor 4', format: 'pdf', sha256, reason: 'charging decision' });
    const custody = await store.db.selectFrom('evidence_custody').selectAll().where('evidence_id', '=', 'ev-1').execute();
    expect(custody).toMatchObject([{ event: 'exported', detail: 'exported to District Prosecutor 4' }]);
  });

  it('the HTML file is self-contained and escaped', async () => {
    const response = await app.inject({ method: 'POST', url: `/api/cases/${caseId}/export`, headers, payload: { format: 'html', recipient: 'Defence counsel' } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-disposition']).toContain(`filename="${caseId}-case-file.html"`);
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    const html = response.body;
    expect(html).toContain('Pier &lt;script&gt;x()&lt;/script&gt; leases');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('src="http');
    expect(html).toContain('Katarina Vellacott');
    expect(html).toContain(digest);
    expect(html).toContain('Disclosed to Defence counsel');
  });

  it('a missing or empty recipient, or an unknown format, is refused with the reason and records no disclosure', async () => {
    const before = await disclosures();
    for (const [payload, reason] of [
      [{ format: 'pdf' }, /recipient/],
      [{ format: 'pdf', recipient: '   ' }, /name the recipient/],
      [{ format: 'docx', recipient: 'Court' }, /format/],
      [{ format: 'pdf', recipient: 'x'.repeat(201) }, /recipient/],
    ] as const) {
      const response = await app.inject({ method: 'POST', url: `/api/cases/${caseId}/export`, headers, payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json<{ message: string }>().message).toMatch(reason);
    }
    expect(await disclosures()).toEqual(before);
  });

  it('a case the caller may not see answers exactly as one that does not exist; no purpose, no file', async () => {
    const hidden = await app.inject({ method: 'POST', url: `/api/cases/${hiddenCaseId}/export`, headers, payload: { format: 'pdf', recipient: 'Court' } });
    const missing = await app.inject({ method: 'POST', url: '/api/cases/C-2031-9999/export', headers, payload: { format: 'pdf', recipient: 'Court' } });
    expect(hidden.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    const strip = (body: string) => ({ ...(JSON.parse(body.replaceAll(hiddenCaseId, 'ID').replaceAll('C-2031-9999', 'ID')) as Record<string, unknown>), requestId: null });
    expect(strip(hidden.body)).toEqual(strip(missing.body));
    const noPurpose = await app.inject({ method: 'POST', url: `/api/cases/${caseId}/export`, headers: { cookie: headers.cookie ?? '' }, payload: { format: 'pdf', recipient: 'Court' } });
    expect(noPurpose.statusCode).toBe(400);
    expect(noPurpose.json<{ error: string }>().error).toBe('purpose-required');
  });
});
