import { createHash, randomUUID } from 'node:crypto';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Ctx } from '../context/context.js';
import { createCase } from '../cases/create-case.js';
import { writeEntities } from '../entities/write-entities.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/create-db.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { exportCaseFile } from './export-case-file.js';

const MARKING = 'LE-ONLY';
const PURPOSE = 'fraud-audit';

/** Inserts a user straight into the store and returns them as an actor. */
async function insertUser(store: Store, username: string, roles: Actor['roles'], compartments: string[] = []): Promise<Actor> {
  const id = randomUUID();
  await store.db.insertInto('users').values({ id, username, display_name: username.replace('.', ' '), organisation: 'unit-1', roles, compartments, password_hash: null }).execute();
  return { userId: id, sessionId: null, organisation: 'unit-1', roles, compartments };
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

async function pdfTextOf(bytes: Uint8Array): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
  return text;
}

describe.each(dialects())('case file export on %s', (dialect) => {
  let store: Store;
  let caseId: string;
  let otherCaseId: string;
  let linkedCaseId: string;
  let owner: Actor;
  let marked: Actor;
  let observer: Actor;
  let outsider: Actor;
  const files = [
    { id: 'ev-invoice', name: 'invoice-0042.pdf', type: 'application/pdf', content: '%PDF-1.4 synthetic invoice' },
    { id: 'ev-ledger', name: 'ledger.csv', type: 'text/csv', content: 'date,amount\n2026-01-03,1200\n' },
  ];

  const as = (actor: Actor, caseFor = caseId): Ctx => testContext(store, { actor, purpose: { caseId: caseFor, code: PURPOSE, justification: 'disclosure before the first hearing' } });

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const operator = testContext(store);
    await store.db.insertInto('organisations').values({ id: 'unit-1', name: 'Unit 1' }).onConflict((oc) => oc.column('id').doNothing()).execute();
    owner = await insertUser(store, 'ana.lind', ['analyst']);
    marked = await insertUser(store, 'mo.keane', ['analyst'], [MARKING]);
    observer = await insertUser(store, 'oz.watts', ['analyst']);
    outsider = await insertUser(store, 'ed.frost', ['analyst']);
    caseId = (await createCase(testContext(store, { actor: owner }), { title: 'Quayside invoices <script>alert(1)</script>', purpose: PURPOSE })).id;
    otherCaseId = (await createCase(testContext(store, { actor: outsider }), { title: 'Tender rigging at the port', purpose: PURPOSE })).id;
    linkedCaseId = (await createCase(testContext(store, { actor: owner }), { title: 'Harbour fuel cards', purpose: PURPOSE })).id;
    const now = new Date('2026-02-01T09:00:00Z');
    await store.db
      .insertInto('case_members')
      .values([
        { case_id: caseId, user_id: marked.userId, role: 'investigator', added_at: now, added_by: owner.userId },
        { case_id: caseId, user_id: observer.userId, role: 'observer', added_at: now, added_by: owner.userId },
      ])
      .execute();
    await store.db.updateTable('cases').set({ summary: 'Invoices paid **twice** to a shell company.', template: 'fraud', fields: JSON.stringify({ 'Bank reference': 'SAR-2291' }) }).where('id', '=', caseId).execute();

    await registerSource(operator, { id: 'registry', name: 'Company Registry', legalBasis: 'Public register', purposes: [PURPOSE] });
    await registerSource(operator, { id: 'population', name: 'Population Extract', legalBasis: 'Data sharing order 4', purposes: [PURPOSE] });
    await registerSource(operator, { id: 'restricted', name: 'Restricted Intelligence', legalBasis: 'Order 7', purposes: [PURPOSE], markings: [MARKING] });
    const write = (sourceId: string, entities: Parameters<typeof writeEntities>[1]['entities']) => writeEntities({ ...operator, purpose: { caseId, code: PURPOSE, justification: 'fixture' } }, { sourceId, entities });
    await write('registry', [
      { id: 'p-marit', schema: 'Person', origin: 'R1', properties: { name: ['Marit Olsgaard'], nationality: ['no'] } },
      { id: 'p-lev', schema: 'Person', origin: 'R2', properties: { name: ['Lev Dragomir'] } },
      { id: 'c-holdings', schema: 'Company', origin: 'R3', properties: { name: ['Olsgaard Holdings'] } },
      { id: 'own-1', schema: 'Ownership', origin: 'R4', properties: { owner: ['p-marit'], asset: ['c-holdings'] } },
    ]);
    await write('population', [{ id: 'pay-1', schema: 'Payment', origin: 'B1', properties: { payer: ['c-holdings'], beneficiary: ['p-marit'], amount: ['1200'], currency: ['EUR'], date: ['2026-01-03'] } }]);
    await write('population', [{ id: 'p-marit', schema: 'Person', origin: 'P1', properties: { birthDate: ['1971-04-02'] } }]);
    await write('restricted', [{ id: 'p-marit', schema: 'Person', origin: 'X1', properties: { alias: ['Nightjar Nine'] } }]);

    await store.db
      .insertInto('case_subjects')
      .values([
        { case_id: caseId, entity_id: 'p-marit', category: 'suspect', note: 'signed both invoices <script>steal()</script>', added_by: owner.userId, added_at: now },
        { case_id: caseId, entity_id: 'p-lev', category: 'witness', note: '', added_by: owner.userId, added_at: now },
      ])
      .execute();
    await store.db
      .insertInto('case_tasks')
      .values({ id: randomUUID(), case_id: caseId, title: 'Ask the bank for statements', description: 'Both accounts', assignee_id: marked.userId, due_date: '2026-03-15', status: 'open', created_by: owner.userId, created_at: now, updated_at: now })
      .execute();
    await store.db.insertInto('case_notes').values({ id: randomUUID(), case_id: caseId, body: '## Payments\n\n- first on **3 Jan**\n- second on 17 Jan', author_id: owner.userId, created_at: now }).execute();
    await store.db.insertInto('case_events').values({ case_id: caseId, at: now, kind: 'note', actor_id: owner.userId, summary: 'Bank confirmed the second payment' }).execute();
    await store.db
      .insertInto('case_links')
      .values([
        { case_id: caseId, linked_case_id: otherCaseId, relation: 'related', note: 'same port', created_by: outsider.userId, created_at: now },
        { case_id: linkedCaseId, linked_case_id: caseId, relation: 'parent', note: 'same director', created_by: owner.userId, created_at: now },
      ])
      .execute();
    for (const file of files) {
      const digest = sha(file.content);
      const bytes = new TextEncoder().encode(file.content);
      await store.db.insertInto('evidence_blobs').values({ sha256: digest, size: bytes.length, content: bytes, stored_at: now }).execute();
      await store.db.insertInto('evidence_files').values({ id: file.id, case_id: caseId, sha256: digest, file_name: file.name, content_type: file.type, size: bytes.length, uploaded_by: owner.userId, uploaded_at: now }).execute();
      await store.db.insertInto('evidence_custody').values({ evidence_id: file.id, event: 'collected', actor_id: owner.userId, at: now, detail: 'from the finance office' }).execute();
    }
  });
  afterAll(async () => {
    await store.close();
  });

  const counts = async () => {
    const disclosures = await store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).where('category', '=', 'disclosure').executeTakeFirstOrThrow();
    const exported = await store.db.selectFrom('evidence_custody').select((eb) => eb.fn.countAll<string>().as('n')).where('event', '=', 'exported').executeTakeFirstOrThrow();
    const events = await store.db.selectFrom('case_events').select((eb) => eb.fn.countAll<string>().as('n')).where('kind', '=', 'export').executeTakeFirstOrThrow();
    return { disclosures: Number(disclosures.n), exported: Number(exported.n), events: Number(events.n) };
  };

  it('a PDF case file holds the case, its subjects with their sources, timeline, tasks, evidence digests, audit trail and recipient; marked statements only for holders of the marking', async () => {
    const before = await counts();
    const file = await exportCaseFile(as(owner), { caseId, format: 'pdf', recipient: 'Regional Prosecution Office', reason: 'first hearing' });
    expect(file.fileName).toBe(`${caseId}-case-file.pdf`);
    expect(file.contentType).toBe('application/pdf');
    expect(file.sha256).toBe(createHash('sha256').update(file.bytes).digest('hex'));
    const text = await pdfTextOf(file.bytes);
    for (const expected of [
      caseId,
      'Quayside invoices <script>alert(1)</script>',
      'Marit Olsgaard',
      'suspect',
      'Lev Dragomir',
      'witness',
      'Company Registry',
      'Population Extract',
      '1971-04-02',
      'Bank confirmed the second payment',
      // A dated record about a subject, from the subjects' timeline.
      '2026-01-03',
      'Payment',
      'Ask the bank for statements',
      'first on 3 Jan',
      'Olsgaard Holdings',
      linkedCaseId,
      'Harbour fuel cards',
      'SAR-2291',
      'case.create',
      'entities.write',
      'Disclosed to Regional Prosecution Office',
      'oz.watts',
      ...files.map((f) => sha(f.content)),
    ]) {
      expect(text, expected).toContain(expected);
    }
    expect(text).not.toContain('Nightjar Nine');
    expect(text).not.toContain('Restricted Intelligence');
    // A linked case the exporter may not see is left out.
    expect(text).not.toContain(otherCaseId);
    expect(text).not.toContain('Tender rigging');

    // The disclosure is audited under the case, names the recipient, format and digest, and is about every subject.
    const event = await store.db.selectFrom('audit_events').selectAll().where('action', '=', 'case.export').where('outcome', '=', 'success').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(event).toMatchObject({ category: 'disclosure', case_id: caseId, actor_id: owner.userId, purpose: PURPOSE });
    expect(event.detail).toMatchObject({ recipient: 'Regional Prosecution Office', format: 'pdf', sha256: file.sha256, reason: 'first hearing' });
    expect([...event.subject_ids].sort()).toEqual(['p-lev', 'p-marit']);
    const custody = await store.db.selectFrom('evidence_custody').selectAll().where('event', '=', 'exported').execute();
    expect(custody.map((c) => c.evidence_id).sort()).toEqual(files.map((f) => f.id).sort());
    expect(custody.every((c) => c.detail.includes('Regional Prosecution Office') && c.actor_id === owner.userId)).toBe(true);
    const timeline = await store.db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).where('kind', '=', 'export').execute();
    expect(timeline).toHaveLength(1);
    expect(timeline[0]?.detail).toMatchObject({ recipient: 'Regional Prosecution Office', format: 'pdf', sha256: file.sha256 });
    expect(await counts()).toEqual({ disclosures: before.disclosures + 1, exported: before.exported + 2, events: before.events + 1 });

    // An investigator holding the marking sees the restricted source's statements too.
    const withMarking = await pdfTextOf((await exportCaseFile(as(marked), { caseId, format: 'pdf', recipient: 'Regional Prosecution Office' })).bytes);
    expect(withMarking).toContain('Nightjar Nine');
    expect(withMarking).toContain('Restricted Intelligence');
  });

  it('an HTML case file is one self-contained page with every value escaped; the link chart is inline SVG', async () => {
    const file = await exportCaseFile(as(owner), { caseId, format: 'html', recipient: 'Defence counsel <Ivo & Partners>' });
    expect(file.contentType).toBe('text/html; charset=utf-8');
    expect(file.fileName).toBe(`${caseId}-case-file.html`);
    const html = new TextDecoder().decode(file.bytes);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('Quayside invoices &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('signed both invoices &lt;script&gt;steal()&lt;/script&gt;');
    expect(html).toContain('Disclosed to Defence counsel &lt;Ivo &amp; Partners&gt;');
    expect(html).not.toMatch(/src="http|href="http|<link |@import|url\(/i);
    expect(html).toContain('<svg viewBox');
    // The neighbourhood drawn for the file: the ownership links the suspect to the company.
    expect(html).toMatch(/<text[^>]*>Olsgaard Holdings<\/text>/);
    expect(html).not.toContain('Nightjar Nine');
    expect(html).toContain('<strong>3 Jan</strong>');
  });

  it('a saved link chart is drawn instead of the neighbourhood, with only the nodes and links the exporter may see now', async () => {
    const now = new Date('2026-02-02T09:00:00Z');
    await store.db
      .insertInto('link_charts')
      .values({
        id: randomUUID(),
        case_id: caseId,
        name: 'Ownership web',
        chart: JSON.stringify({ nodes: [{ id: 'p-marit', x: 0, y: 0 }, { id: 'c-holdings', x: 10, y: 5 }, { id: 'nobody-here', x: 3, y: 3 }], edges: [{ id: 'own-1', source: 'p-marit', target: 'c-holdings', type: 'Ownership' }] }),
        created_by: owner.userId,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const html = new TextDecoder().decode((await exportCaseFile(as(owner), { caseId, format: 'html', recipient: 'Regional Prosecution Office' })).bytes);
    expect(html).toContain('Saved chart: Ownership web');
    expect(html).toContain('(2 nodes, 1 links');
    expect(html).toMatch(/<text[^>]*>owns<\/text>/);
  });

  it('a missing recipient or an unknown format is refused before anything is recorded', async () => {
    const before = await counts();
    const audited = await store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    await expect(exportCaseFile(as(owner), { caseId, format: 'pdf', recipient: '   ' })).rejects.toThrow(/name the recipient/);
    await expect(exportCaseFile(as(owner), { caseId, format: 'docx', recipient: 'Court' })).rejects.toThrow(/unknown case file format "docx"/);
    await expect(exportCaseFile(as(owner), { caseId, format: 'pdf', recipient: 'x'.repeat(201) })).rejects.toThrow(/at most 200/);
    expect(await counts()).toEqual(before);
    const after = await store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(audited.n);
  });

  it('a hidden case answers exactly as a missing one; an observer may not disclose; no purpose, no export', async () => {
    const before = await counts();
    const hidden = await exportCaseFile(as(owner, caseId), { caseId: otherCaseId, format: 'pdf', recipient: 'Court' }).catch((error: Error) => error);
    const missing = await exportCaseFile(as(owner, caseId), { caseId: 'C-2031-9999', format: 'pdf', recipient: 'Court' }).catch((error: Error) => error);
    expect(hidden).toMatchObject({ code: 'not-found' });
    expect(missing).toMatchObject({ code: 'not-found' });
    expect((hidden as Error).message.replace(otherCaseId, 'ID')).toBe((missing as Error).message.replace('C-2031-9999', 'ID'));
    await expect(exportCaseFile(as(observer), { caseId, format: 'pdf', recipient: 'Court' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(exportCaseFile(testContext(store, { actor: owner }), { caseId, format: 'pdf', recipient: 'Court' })).rejects.toMatchObject({ code: 'purpose-required' });
    // Under another case's purpose the file is not made: a disclosure belongs to its case's own trail.
    await expect(exportCaseFile(as(outsider, otherCaseId), { caseId, format: 'pdf', recipient: 'Court' })).rejects.toMatchObject({ code: 'not-found' });
    expect(await counts()).toMatchObject({ exported: before.exported, events: before.events });
    const successes = await store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).where('action', '=', 'case.export').where('outcome', '=', 'success').executeTakeFirstOrThrow();
    expect(Number(successes.n)).toBe(4);
  });
});
