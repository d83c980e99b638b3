import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../audit/record-event.js';
import { createCase } from '../cases/create-case.js';
import { defaultConfig, parseConfig } from '../config/config.js';
import type { Actor, Ctx } from '../context/context.js';
import type { Store } from '../store/create-db.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { annotateEvidence, recordEvidenceExport, transferEvidence } from './custody.js';
import { getEvidence, listEvidence, readEvidenceContent } from './read-evidence.js';
import { checkEvidenceContent, detectContentType, EVIDENCE_TYPES } from './signatures.js';
import { uploadEvidence } from './upload-evidence.js';

const bytes = (...parts: Array<string | number[]>) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));
const PDF = bytes('%PDF-1.7\n', [0xe2, 0xe3, 0xcf, 0xd3], '\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0, 0, 0, 13], 'IHDR', [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
const ELF = bytes([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], [0, 0, 0, 0, 0, 0, 0, 0]);
const MZ = bytes('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0]);

describe('evidence content signatures', () => {
  it('recognises each accepted format by its first bytes, and executables whatever they are declared as', () => {
    expect(detectContentType(PDF)).toBe('application/pdf');
    expect(detectContentType(PNG)).toBe('image/png');
    expect(detectContentType(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(detectContentType(bytes('GIF89a', [1, 0]))).toBe('image/gif');
    expect(detectContentType(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '))).toBe('image/webp');
    expect(detectContentType(bytes([0x50, 0x4b, 0x03, 0x04], [20, 0]))).toBe('application/zip');
    expect(detectContentType(bytes([0, 0, 0, 0x18], 'ftypmp42'))).toBe('video/mp4');
    expect(detectContentType(bytes('ID3', [3, 0, 0]))).toBe('audio/mpeg');
    expect(detectContentType(bytes([0xff, 0xfb, 0x90, 0x64]))).toBe('audio/mpeg');
    expect(detectContentType(ELF)).toBe('application/x-executable');
    expect(detectContentType(MZ)).toBe('application/x-msdownload');
    expect(detectContentType(bytes('#!/bin/sh\nrm -rf /\n'))).toBe('text/x-shellscript');
    expect(detectContentType(bytes('name,amount\nHarbour Ltd,12400\n'))).toBe('text (UTF-8)');
    const all = EVIDENCE_TYPES;
    checkEvidenceContent('application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes([0x50, 0x4b, 0x03, 0x04], [20, 0]), all);
    checkEvidenceContent('text/csv', new TextEncoder().encode('name,amount\nSøren Ålund,12400\n'), all);
    expect(() => checkEvidenceContent('text/csv', bytes('name,amount\nSøren Ålund,12400\n'), all)).toThrow(/declared as text\/csv but its content is unknown binary data/);
    expect(() => checkEvidenceContent('application/pdf', ELF, all)).toThrow(/declared as application\/pdf but its content is an executable \(application\/x-executable\)/);
    expect(() => checkEvidenceContent('application/pdf', PNG, all)).toThrow(/declared as application\/pdf but its content is image\/png/);
    expect(() => checkEvidenceContent('text/plain', bytes('abc', [0], 'def'), all)).toThrow(/declared as text\/plain but its content is unknown binary data/);
    expect(() => checkEvidenceContent('text/plain', bytes([0xc3, 0x28]), all)).toThrow(/UTF-8/);
    expect(() => checkEvidenceContent('application/x-msdownload', MZ, all)).toThrow(/content type "application\/x-msdownload" is not accepted/);
    expect(() => checkEvidenceContent('image/png', PNG, ['application/pdf'])).toThrow(/not accepted as evidence \(accepted: application\/pdf\)/);
  });

  it('reads the evidence settings of a config file, and refuses types it cannot check', () => {
    expect(defaultConfig().evidence.maxBytes).toBe(25 * 2 ** 20);
    expect(parseConfig({ evidence: { maxBytes: 1000, allowedTypes: ['application/pdf'] } }).evidence).toEqual({ maxBytes: 1000, allowedTypes: ['application/pdf'] });
    expect(() => parseConfig({ evidence: { maxBytes: 0 } })).toThrow(/evidence.maxBytes must be a whole number/);
    expect(() => parseConfig({ evidence: { allowedTypes: ['application/x-sh'] } })).toThrow(/"application\/x-sh" is not a type whose content casegraph can check/);
    expect(() => parseConfig({ evidence: { maxSize: 3 } })).toThrow(/unknown setting "evidence.maxSize"/);
  });
});

describe.each(dialects())('evidence files on %s', (dialect) => {
  let store: Store;
  let caseId: string;
  let otherCaseId: string;
  let ana: Ctx;
  let olaf: Ctx;
  const config = { ...defaultConfig(), evidence: { ...defaultConfig().evidence, maxBytes: 4096 } };

  const actor = (userId: string): Actor => ({ userId, sessionId: null, organisation: 'unit-1', roles: ['analyst'], compartments: [] });
  const counts = async () => {
    const n = async (table: 'evidence_blobs' | 'evidence_files' | 'evidence_custody') =>
      Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    return { blobs: await n('evidence_blobs'), files: await n('evidence_files'), custody: await n('evidence_custody') };
  };

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const ids = { ana: randomUUID(), olaf: randomUUID() };
    await store.db.insertInto('organisations').values({ id: 'unit-1', name: 'Unit 1' }).execute();
    await store.db
      .insertInto('users')
      .values([
        { id: ids.ana, username: 'ana', display_name: 'Ana Lindqvist', organisation: 'unit-1', roles: ['analyst'], compartments: [], password_hash: null },
        { id: ids.olaf, username: 'olaf', display_name: 'Olaf Brenner', organisation: 'unit-1', roles: ['analyst'], compartments: [], password_hash: null },
      ])
      .execute();
    caseId = (await createCase(testContext(store, { actor: actor(ids.ana) }), { title: 'Harbour payments', purpose: 'fraud-audit' })).id;
    otherCaseId = (await createCase(testContext(store, { actor: actor(ids.olaf) }), { title: 'Fleet leasing', purpose: 'fraud-audit' })).id;
    ana = testContext(store, { actor: actor(ids.ana), config, purpose: { caseId, code: 'fraud-audit', justification: 'invoice review' } });
    olaf = testContext(store, { actor: actor(ids.olaf), config, purpose: { caseId: otherCaseId, code: 'fraud-audit', justification: 'lease review' } });
  });
  afterAll(async () => {
    await store.close();
  });

  it('an upload, a listing, a read, a transfer and an annotation leave a custody trail in order, each audited', async () => {
    const stored = await uploadEvidence(ana, { caseId, fileName: 'scans/invoice-0042.pdf', contentType: 'application/pdf', content: PDF, description: 'Invoice from Harbour Ltd' });
    const sha256 = createHash('sha256').update(PDF).digest('hex');
    expect(stored).toEqual({ id: stored.id, sha256, size: PDF.byteLength, contentType: 'application/pdf', fileName: 'invoice-0042.pdf' });

    const read = await readEvidenceContent(ana, stored.id);
    expect(Buffer.from(read.content).equals(Buffer.from(PDF))).toBe(true);
    expect(read.sha256).toBe(sha256);
    await transferEvidence(ana, { id: stored.id, recipient: 'Regional forensic laboratory', reason: 'ink analysis of the signature' });
    const note = await annotateEvidence(ana, { id: stored.id, body: 'Signature differs from the 2023 contract', anchor: { page: 1, x: 10, y: 20, width: 100, height: 30 } });
    expect(note.anchor).toEqual({ page: 1, x: 10, y: 20, width: 100, height: 30 });

    const [listed] = await listEvidence(ana, caseId);
    expect(listed).toMatchObject({ id: stored.id, fileName: 'invoice-0042.pdf', sha256, size: PDF.byteLength, uploadedBy: { name: 'Ana Lindqvist' }, custodyEvents: 3, annotations: 1 });
    const detail = await getEvidence(ana, stored.id);
    expect(detail.custody.map((c) => [c.event, c.actor.name])).toEqual([
      ['collected', 'Ana Lindqvist'],
      ['viewed', 'Ana Lindqvist'],
      ['transferred', 'Ana Lindqvist'],
    ]);
    expect(detail.custody[2]?.detail).toBe('transferred to Regional forensic laboratory: ink analysis of the signature');
    expect(detail.annotationList).toMatchObject([{ body: 'Signature differs from the 2023 contract', author: { name: 'Ana Lindqvist' } }]);

    const event = await store.db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).where('kind', '=', 'evidence').orderBy('id').executeTakeFirstOrThrow();
    expect(event.summary).toBe(`Evidence "invoice-0042.pdf" collected (SHA-256 ${sha256.slice(0, 12)})`);
    const audited = await listEvents(store.db, {});
    const mine = audited.filter((e) => e.action.startsWith('evidence.') && e.object_ids.includes(stored.id));
    expect(mine.map((e) => [e.action, e.category])).toEqual(
      expect.arrayContaining([
        ['evidence.upload', 'collection'],
        ['evidence.read-content', 'consultation'],
        ['evidence.transfer', 'disclosure'],
        ['evidence.annotate', 'alteration'],
        ['evidence.view', 'consultation'],
      ]),
    );
  });

  it('the same bytes uploaded twice are two files sharing one stored blob', async () => {
    const content = bytes('name,amount\nHarbour Ltd,12400\n');
    const before = await counts();
    const first = await uploadEvidence(ana, { caseId, fileName: 'ledger.csv', contentType: 'text/csv', content });
    const second = await uploadEvidence(ana, { caseId, fileName: 'ledger-copy.csv', contentType: 'text/csv; charset=utf-8', content });
    expect(second.sha256).toBe(first.sha256);
    expect(second.id).not.toBe(first.id);
    expect(await counts()).toEqual({ blobs: before.blobs + 1, files: before.files + 2, custody: before.custody + 2 });
  });

  it('a file exactly at the size limit is stored; one byte more is refused before anything is stored', async () => {
    const at = new Uint8Array(4096).fill(0x61);
    const stored = await uploadEvidence(ana, { caseId, fileName: 'at-limit.txt', contentType: 'text/plain', content: at });
    expect(stored.size).toBe(4096);
    const before = await counts();
    const over = new Uint8Array(4097).fill(0x62);
    const refusal = uploadEvidence(ana, { caseId, fileName: 'over.txt', contentType: 'text/plain', content: over });
    await expect(refusal).rejects.toMatchObject({ code: 'too-large' });
    await expect(refusal).rejects.toThrow(/at most 4096 bytes/);
    expect(await counts()).toEqual(before);
  });

  it('an executable, or bytes that disagree with the declared type, are refused naming both types, with nothing stored', async () => {
    const before = await counts();
    const refused = async (fileName: string, contentType: string, content: Uint8Array, reason: RegExp) => {
      await expect(uploadEvidence(ana, { caseId, fileName, contentType, content })).rejects.toThrow(reason);
    };
    await refused('report.pdf', 'application/pdf', ELF, /declared as application\/pdf but its content is an executable \(application\/x-executable\)/);
    await refused('report.pdf', 'application/pdf', MZ, /executable \(application\/x-msdownload\)/);
    await refused('photo.pdf', 'application/pdf', PNG, /declared as application\/pdf but its content is image\/png/);
    await refused('tool.exe', 'application/x-msdownload', MZ, /not accepted as evidence/);
    await refused('empty.txt', 'text/plain', new Uint8Array(0), /empty/);
    await refused('', 'application/pdf', PDF, /needs a name/);
    expect(await counts()).toEqual(before);
  });

  it('evidence never changes: an UPDATE is refused by the store, even without the role limit by the trigger; annotations leave the file and its hash as they were', async () => {
    const stored = await uploadEvidence(ana, { caseId, fileName: 'photo.png', contentType: 'image/png', content: PNG });
    const before = await store.db.selectFrom('evidence_files').selectAll().where('id', '=', stored.id).executeTakeFirstOrThrow();
    await expect(store.db.updateTable('evidence_files').set({ file_name: 'renamed.png' }).where('id', '=', stored.id).execute()).rejects.toThrow(/permission denied/);
    await expect(sql`update evidence_blobs set stored_at = now() where sha256 = ${stored.sha256}`.execute(store.db)).rejects.toThrow(/permission denied/);
    // Past the application role (as the owner of the tables), the trigger still refuses.
    for (const statement of [sql`update evidence_files set file_name = 'renamed.png' where id = ${stored.id}`, sql`update evidence_blobs set content = '\\x00' where sha256 = ${stored.sha256}`]) {
      await expect(
        store.db.transaction().execute(async (trx) => {
          await sql`reset role`.execute(trx);
          await statement.execute(trx);
        }),
      ).rejects.toThrow(/evidence never changes after upload/);
    }
    await annotateEvidence(ana, { id: stored.id, body: 'Vehicle plate partly hidden', anchor: { text: 'KX 41' } });
    expect(await store.db.selectFrom('evidence_files').selectAll().where('id', '=', stored.id).executeTakeFirstOrThrow()).toEqual(before);
    const blob = await store.db.selectFrom('evidence_blobs').select('content').where('sha256', '=', stored.sha256).executeTakeFirstOrThrow();
    expect(createHash('sha256').update(blob.content).digest('hex')).toBe(stored.sha256);
    // The store still acts as the application role afterwards.
    await expect(store.db.updateTable('evidence_files').set({ file_name: 'x' }).where('id', '=', stored.id).execute()).rejects.toThrow(/permission denied/);
  });

  it('evidence of a case the caller may not see answers exactly as unknown evidence', async () => {
    const stored = await uploadEvidence(ana, { caseId, fileName: 'hidden.pdf', contentType: 'application/pdf', content: PDF });
    const unknown = randomUUID();
    for (const call of [
      (id: string) => getEvidence(olaf, id),
      (id: string) => readEvidenceContent(olaf, id),
      (id: string) => annotateEvidence(olaf, { id, body: 'looks forged' }),
      (id: string) => transferEvidence(olaf, { id, recipient: 'Press office', reason: 'publication' }),
    ]) {
      const hidden = await call(stored.id).then(() => new Error('answered'), (error: unknown) => error as Error);
      const missing = await call(unknown).then(() => new Error('answered'), (error: unknown) => error as Error);
      expect(hidden).toMatchObject({ code: 'not-found' });
      expect(hidden.message.replace(stored.id, 'ID')).toBe(missing.message.replace(unknown, 'ID'));
    }
    await expect(uploadEvidence(olaf, { caseId, fileName: 'planted.pdf', contentType: 'application/pdf', content: PDF })).rejects.toThrow(`case ${caseId} not found`);
    await expect(listEvidence(olaf, caseId)).rejects.toThrow(`case ${caseId} not found`);
    const custody = await store.db.selectFrom('evidence_custody').select('event').where('evidence_id', '=', stored.id).execute();
    expect(custody.map((c) => c.event)).toEqual(['collected']);
  });

  it('evidence is worked on under its own case: a purpose naming another case is refused', async () => {
    const stored = await uploadEvidence(ana, { caseId, fileName: 'memo.txt', contentType: 'text/plain', content: bytes('Meeting at the quay, 14:00') });
    await store.db.insertInto('case_members').values({ case_id: otherCaseId, user_id: ana.actor.userId, role: 'member', added_at: new Date(), added_by: olaf.actor.userId }).execute();
    const elsewhere = { ...ana, purpose: { caseId: otherCaseId, code: 'fraud-audit', justification: 'lease review' } };
    await expect(getEvidence(elsewhere, stored.id)).rejects.toThrow(`belongs to case ${caseId}: state that case`);
    await expect(uploadEvidence(elsewhere, { caseId, fileName: 'memo.txt', contentType: 'text/plain', content: bytes('x') })).rejects.toThrow(/state that case/);
  });

  it('stored content that no longer matches its digest is never served, and no view is recorded', async () => {
    const forged = 'f'.repeat(64);
    const id = randomUUID();
    await store.db.insertInto('evidence_blobs').values({ sha256: forged, size: 4, content: bytes('fake'), stored_at: new Date() }).execute();
    await store.db
      .insertInto('evidence_files')
      .values({ id, case_id: caseId, sha256: forged, file_name: 'fake.txt', content_type: 'text/plain', size: 4, uploaded_by: ana.actor.userId, uploaded_at: new Date() })
      .execute();
    await expect(readEvidenceContent(ana, id)).rejects.toThrow(/no longer matches its SHA-256/);
    expect(await store.db.selectFrom('evidence_custody').select('id').where('evidence_id', '=', id).execute()).toEqual([]);
  });

  it('a transfer needs a recipient and a reason, an annotation a text and a well-formed anchor', async () => {
    const stored = await uploadEvidence(ana, { caseId, fileName: 'notes.txt', contentType: 'text/plain', content: bytes('call log excerpt') });
    await expect(transferEvidence(ana, { id: stored.id, recipient: ' ', reason: 'lab' })).rejects.toThrow(/name the recipient/);
    await expect(transferEvidence(ana, { id: stored.id, recipient: 'Lab', reason: '' })).rejects.toThrow(/say why/);
    await expect(annotateEvidence(ana, { id: stored.id, body: '' })).rejects.toThrow(/needs a text/);
    await expect(annotateEvidence(ana, { id: stored.id, body: 'x', anchor: { page: 0 } })).rejects.toThrow(/anchor.page/);
    await expect(annotateEvidence(ana, { id: stored.id, body: 'x', anchor: { colour: 'red' } })).rejects.toThrow(/unknown anchor field "colour"/);
    await expect(annotateEvidence(ana, { id: stored.id, body: 'x', anchor: { width: -1 } })).rejects.toThrow(/anchor.width/);
    expect((await getEvidence(ana, stored.id)).custody.map((c) => c.event)).toEqual(['collected']);
  });

  it('an export inside the case-file transaction records who it went to on each file', async () => {
    const a = await uploadEvidence(ana, { caseId, fileName: 'a.txt', contentType: 'text/plain', content: bytes('first exhibit') });
    const b = await uploadEvidence(ana, { caseId, fileName: 'b.txt', contentType: 'text/plain', content: bytes('second exhibit') });
    const written = await store.db.transaction().execute((trx) => recordEvidenceExport({ ...ana, db: trx }, { evidenceIds: [a.id, b.id, a.id], recipient: 'Public prosecutor, district 4' }));
    expect(written).toBe(2);
    const trail = await getEvidence(ana, b.id);
    expect(trail.custody.map((c) => [c.event, c.detail])).toEqual([
      ['collected', 'uploaded as b.txt'],
      ['exported', 'exported to Public prosecutor, district 4'],
    ]);
    await expect(store.db.transaction().execute((trx) => recordEvidenceExport({ ...ana, db: trx }, { evidenceIds: ['nope'], recipient: 'X' }))).rejects.toThrow(/no evidence nope/);
  });
});
