import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../audit/record-event.js';
import type { Actor, Ctx, Role } from '../context/context.js';
import { writeEntities } from '../entities/write-entities.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../errors.js';
import { applyRetention } from '../retention/apply-retention.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/create-db.js';
import { dialects, FIXED_NOW, openTestStore, testContext } from '../test-support/test-store.js';
import { changeCaseStatus } from './case-status.js';
import { createCase } from './create-case.js';
import { addCaseMember } from './get-case.js';
import { linkCases, listCaseLinks, unlinkCases } from './links.js';
import { addCaseNote, listCaseNotes, noteReferences } from './notes.js';
import { addCaseSubject } from './subjects.js';
import { createTask, listTasks, overdueTasks, updateTask } from './tasks.js';

const SECRET = 'SECRET-X';
const DAY = 86_400_000;

describe.each(dialects())('tasks, notes and case links on %s', (dialect) => {
  let store: Store;
  const actors = new Map<string, Actor>();
  const cases: Record<'harbour' | 'port' | 'secret' | 'old', string> = { harbour: '', port: '', secret: '', old: '' };
  const as = (name: string, options: { caseId?: string; at?: Date } = {}): Ctx => ({
    ...testContext(store, { actor: actors.get(name), purpose: { caseId: options.caseId ?? cases.harbour, code: 'fraud-audit', justification: 'working the harbour case' } }),
    now: () => options.at ?? FIXED_NOW,
  });

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const operator = testContext(store);
    await store.db.insertInto('organisations').values([{ id: 'fraud-unit', name: 'Fraud unit' }]).execute();
    const people: Array<[string, Role, string[]]> = [
      ['olga', 'analyst', []],
      ['ivan', 'analyst', []],
      ['nora', 'analyst', []],
      ['kai', 'analyst', [SECRET]],
    ];
    for (const [name, role, compartments] of people) {
      const id = randomUUID();
      await store.db.insertInto('users').values({ id, username: name, display_name: `${name} example`, organisation: 'fraud-unit', roles: [role], compartments, password_hash: null }).execute();
      actors.set(name, { userId: id, sessionId: null, organisation: 'fraud-unit', roles: [role], compartments });
    }
    cases.harbour = (await createCase(as('olga'), { title: 'Harbour invoices', purpose: 'fraud-audit' })).id;
    await addCaseMember(as('olga'), { caseId: cases.harbour, username: 'ivan' });
    await addCaseMember(as('olga'), { caseId: cases.harbour, username: 'nora', role: 'observer' });
    await addCaseMember(as('olga'), { caseId: cases.harbour, username: 'kai' });
    cases.port = (await createCase(as('olga'), { title: 'Quay overtime', purpose: 'fraud-audit' })).id;
    cases.secret = (await createCase(as('kai'), { title: 'Operation Heron', purpose: 'fraud-audit', markings: [SECRET] })).id;
    cases.old = (await createCase(as('olga'), { title: 'Harbour invoices 2019', purpose: 'fraud-audit' })).id;
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Order 1', purposes: ['fraud-audit'] });
    await registerSource(operator, { id: 'intel', name: 'Intelligence', legalBasis: 'Order 2', purposes: ['fraud-audit'], markings: [SECRET] });
    const write = testContext(store, { purpose: { caseId: cases.harbour, code: 'fraud-audit', justification: 'fixture' } });
    await writeEntities(write, { sourceId: 'registry', entities: [{ id: 'p-mira', schema: 'Person', properties: { name: ['Mira Novak'] }, origin: 'R1' }] });
    await writeEntities(write, { sourceId: 'intel', entities: [{ id: 'p-tomas', schema: 'Person', properties: { name: ['Tomas Berg'] }, origin: 'X1' }] });
  });
  afterAll(async () => {
    await store.close();
  });

  it('tasks go to team members only, on real days; done records when, and every change is a case event', async () => {
    await expect(createTask(as('olga'), { caseId: cases.harbour, title: 'Call the bank', assignee: 'kimberly' })).rejects.toThrow(/kimberly is not on the team/);
    await expect(createTask(as('olga'), { caseId: cases.harbour, title: 'Call the bank', dueDate: '2026-02-30' })).rejects.toThrow(/not a day written YYYY-MM-DD/);
    await expect(createTask(as('olga'), { caseId: cases.harbour, title: ' ' })).rejects.toThrow(/needs a title/);
    await expect(createTask(as('nora'), { caseId: cases.harbour, title: 'Observe' })).rejects.toThrow(Forbidden);
    expect(await listTasks(as('olga'), cases.harbour)).toEqual([]);
    const task = await createTask(as('olga'), { caseId: cases.harbour, title: 'Call the bank', assignee: 'ivan', dueDate: '2026-03-05', description: 'Ask for the March statements.' });
    expect(task).toMatchObject({ title: 'Call the bank', assignee: 'ivan', dueDate: '2026-03-05', status: 'open', createdBy: 'olga', completedAt: null });
    await expect(updateTask(as('ivan'), { taskId: task.id, status: 'finished' })).rejects.toThrow(/unknown task status/);
    await expect(updateTask(as('ivan'), { taskId: task.id, caseId: cases.port })).rejects.toThrow(NotFound);
    await expect(updateTask(as('kai', { caseId: cases.secret }), { taskId: randomUUID(), status: 'done' })).rejects.toThrow(/not found/);
    await updateTask(as('ivan'), { taskId: task.id, status: 'in-progress' });
    const done = await updateTask(as('ivan', { at: new Date(FIXED_NOW.getTime() + DAY) }), { taskId: task.id, status: 'done' });
    expect(done).toMatchObject({ status: 'done', completedAt: new Date(FIXED_NOW.getTime() + DAY) });
    const events = await store.db.selectFrom('case_events').select('summary').where('case_id', '=', cases.harbour).where('kind', '=', 'task').orderBy('id').execute();
    expect(events.map((e) => e.summary)).toEqual(['task created: Call the bank', 'task in-progress: Call the bank', 'task done: Call the bank']);
  });

  it('overdue tasks are the open ones past their day across visible cases, oldest first, and mine are those given to me', async () => {
    const early = await createTask(as('olga'), { caseId: cases.port, title: 'Chase the payroll export', assignee: 'olga', dueDate: '2026-03-02' });
    const later = await createTask(as('olga'), { caseId: cases.harbour, title: 'Visit the quay office', assignee: 'ivan', dueDate: '2026-03-04' });
    await createTask(as('kai', { caseId: cases.secret }), { caseId: cases.secret, title: 'Meet the source', dueDate: '2026-03-01' });
    expect(await overdueTasks(as('olga'))).toEqual([]);
    const week = new Date(FIXED_NOW.getTime() + 7 * DAY);
    const overdue = await overdueTasks(as('olga', { at: week }));
    expect(overdue.map((t) => [t.title, t.caseTitle, t.daysOverdue])).toEqual([
      ['Chase the payroll export', 'Quay overtime', 6],
      ['Visit the quay office', 'Harbour invoices', 4],
    ]);
    expect((await overdueTasks(as('olga', { at: week }), { mine: true })).map((t) => t.id)).toEqual([early.id]);
    expect((await overdueTasks(as('kai', { at: week }))).map((t) => t.title)).toEqual(['Meet the source', 'Visit the quay office']);
    await updateTask(as('ivan'), { taskId: later.id, status: 'cancelled' });
    expect((await overdueTasks(as('olga', { at: week }))).map((t) => t.id)).toEqual([early.id]);
  });

  it('notes keep their references; one pointing at a hidden or unknown entity or statement is refused naming it, and nothing is stored', async () => {
    expect(noteReferences('Saw [Mira](entity:p-mira) and [her address](statement:abc) and [a site](https://example.org)')).toEqual({ entityIds: ['p-mira'], statementIds: ['abc'] });
    const statement = await store.db.selectFrom('statements').select('id').where('entity_id', '=', 'p-mira').executeTakeFirstOrThrow();
    const hiddenStatement = await store.db.selectFrom('statements').select('id').where('entity_id', '=', 'p-tomas').executeTakeFirstOrThrow();
    await expect(addCaseNote(as('olga'), { caseId: cases.harbour, body: 'Met [Tomas](entity:p-tomas) at the quay.' })).rejects.toThrow(/entity:p-tomas, which does not exist or which you may not see/);
    await expect(addCaseNote(as('olga'), { caseId: cases.harbour, body: 'Met [someone](entity:p-ghost).' })).rejects.toThrow(/entity:p-ghost/);
    await expect(addCaseNote(as('olga'), { caseId: cases.harbour, body: `See [this](statement:${hiddenStatement.id}).` })).rejects.toThrow(new RegExp(`statement:${hiddenStatement.id}`));
    await expect(addCaseNote(as('olga'), { caseId: cases.harbour, body: 'x'.repeat(100_001) })).rejects.toThrow(/at most 100000 characters/);
    await expect(addCaseNote(as('olga'), { caseId: cases.harbour, body: '   ' })).rejects.toThrow(Invalid);
    await expect(addCaseNote(as('nora'), { caseId: cases.harbour, body: 'An observer writes nothing.' })).rejects.toThrow(Forbidden);
    expect(await listCaseNotes(as('olga'), cases.harbour)).toEqual([]);
    const note = await addCaseNote(as('olga'), { caseId: cases.harbour, body: `## Interview\n\n[Mira Novak](entity:p-mira) confirmed [her address](statement:${statement.id}).` });
    expect(note).toMatchObject({ entityIds: ['p-mira'], statementIds: [statement.id], author: 'olga', authorName: 'olga example' });
    // Kai holds the marking, so may point at Tomas Berg.
    await addCaseNote(as('kai', { at: new Date(FIXED_NOW.getTime() + 60_000) }), { caseId: cases.harbour, body: 'Cross-check [Tomas](entity:p-tomas).' });
    const notes = await listCaseNotes(as('nora'), cases.harbour);
    expect(notes.map((n) => n.author)).toEqual(['olga', 'kai']);
    const audit = (await listEvents(store.db, { action: 'case.add-note' })).filter((e) => e.outcome === 'success');
    expect(audit[0]?.subject_ids).toEqual(['p-mira']);
  });

  it('links cases both ways, closed ones included; a case the caller may not see is missing, and shows only as a count', async () => {
    await changeCaseStatus(as('olga'), { caseId: cases.old, status: 'closed', disposition: 'charged' });
    await linkCases(as('olga'), { caseId: cases.harbour, linkedCaseId: cases.old, relation: 'follow-up', note: 'same invoices, new year' });
    await expect(linkCases(as('olga'), { caseId: cases.old, linkedCaseId: cases.harbour, relation: 'related' })).rejects.toThrow(Conflict);
    await expect(linkCases(as('olga'), { caseId: cases.harbour, linkedCaseId: cases.harbour, relation: 'related' })).rejects.toThrow(/itself/);
    await expect(linkCases(as('olga'), { caseId: cases.harbour, linkedCaseId: cases.secret, relation: 'related' })).rejects.toThrow(NotFound);
    await expect(linkCases(as('olga'), { caseId: cases.harbour, linkedCaseId: cases.port, relation: 'cousin' })).rejects.toThrow(/unknown link relation/);
    await expect(linkCases(as('nora'), { caseId: cases.harbour, linkedCaseId: cases.port, relation: 'related' })).rejects.toThrow(Forbidden);
    await linkCases(as('kai', { caseId: cases.secret }), { caseId: cases.secret, linkedCaseId: cases.harbour, relation: 'parent' });
    const seen = await listCaseLinks(as('olga'), cases.harbour);
    expect(seen.links).toEqual([{ caseId: cases.old, title: 'Harbour invoices 2019', status: 'closed', relation: 'follow-up', direction: 'outgoing', note: 'same invoices, new year', createdAt: FIXED_NOW }]);
    expect(seen.hidden).toBe(1);
    expect(JSON.stringify(seen)).not.toContain(cases.secret);
    const fromOld = await listCaseLinks(as('olga'), cases.old);
    expect(fromOld.links.map((l) => [l.caseId, l.direction])).toEqual([[cases.harbour, 'incoming']]);
    // Kai is on the harbour team but not on the 2019 case's: that one is only counted.
    expect(await listCaseLinks(as('kai', { caseId: cases.secret }), cases.harbour)).toMatchObject({ links: [{ caseId: cases.secret, direction: 'incoming', relation: 'parent' }], hidden: 1 });
    const oldTimeline = await store.db.selectFrom('case_events').select('summary').where('case_id', '=', cases.harbour).where('kind', '=', 'link').orderBy('id').execute();
    expect(oldTimeline.map((e) => e.summary)).toEqual([`linked to ${cases.old} (follow-up)`, 'another case linked to this one (parent)']);
    await unlinkCases(as('olga'), { caseId: cases.old, linkedCaseId: cases.harbour });
    await expect(unlinkCases(as('olga'), { caseId: cases.old, linkedCaseId: cases.harbour })).rejects.toThrow(/are not linked/);
    expect((await listCaseLinks(as('olga'), cases.harbour)).links).toEqual([]);
  });

  it('erasing a case past retention erases its subjects, tasks, notes, links, overlaps, events, charts, notifications and evidence', async () => {
    const doomed = (await createCase(as('olga'), { title: 'Expired lead', purpose: 'fraud-audit', template: 'fraud-referral', fields: { referrer: 'Bank' } })).id;
    const ctx = as('olga', { caseId: doomed });
    await addCaseSubject(ctx, { caseId: doomed, entityId: 'p-mira', category: 'suspect' });
    await addCaseSubject(as('olga'), { caseId: cases.harbour, entityId: 'p-mira', category: 'suspect' });
    await addCaseNote(ctx, { caseId: doomed, body: 'About [Mira](entity:p-mira).' });
    await linkCases(ctx, { caseId: doomed, linkedCaseId: cases.harbour, relation: 'related' });
    await store.db.insertInto('link_charts').values({ id: randomUUID(), case_id: doomed, name: 'Chart', chart: '{}', created_by: 'olga', created_at: FIXED_NOW, updated_at: FIXED_NOW }).execute();
    const sha = 'a'.repeat(64);
    const shared = 'b'.repeat(64);
    await store.db.insertInto('evidence_blobs').values([{ sha256: sha, size: 3, content: new Uint8Array([1, 2, 3]), stored_at: FIXED_NOW }, { sha256: shared, size: 1, content: new Uint8Array([9]), stored_at: FIXED_NOW }]).execute();
    const files = [
      { id: randomUUID(), case_id: doomed, sha256: sha },
      { id: randomUUID(), case_id: doomed, sha256: shared },
      { id: randomUUID(), case_id: cases.harbour, sha256: shared },
    ];
    await store.db.insertInto('evidence_files').values(files.map((f) => ({ ...f, file_name: 'invoice.pdf', content_type: 'application/pdf', size: 3, uploaded_by: 'olga', uploaded_at: FIXED_NOW }))).execute();
    await store.db.insertInto('evidence_custody').values({ evidence_id: files[0]?.id ?? '', event: 'collected', actor_id: 'olga', at: FIXED_NOW }).execute();
    await store.db.insertInto('evidence_annotations').values({ id: randomUUID(), evidence_id: files[0]?.id ?? '', body: 'Signature page', author_id: 'olga', created_at: FIXED_NOW }).execute();
    expect(await store.db.selectFrom('case_overlaps').select('id').where('case_b', '=', doomed).execute()).toHaveLength(1);
    await store.db.updateTable('cases').set({ retention_until: '2026-03-02' }).where('id', '=', doomed).execute();
    const result = await applyRetention({ ...testContext(store), now: () => new Date(FIXED_NOW.getTime() + 10 * DAY) });
    expect(result.cases).toBe(1);
    for (const table of ['case_subjects', 'case_tasks', 'case_notes', 'case_events', 'link_charts', 'evidence_files', 'case_members'] as const) {
      expect(await store.db.selectFrom(table).select('case_id').where('case_id', '=', doomed).execute(), table).toEqual([]);
    }
    expect(await store.db.selectFrom('case_links').select('case_id').where((eb) => eb.or([eb('case_id', '=', doomed), eb('linked_case_id', '=', doomed)])).execute()).toEqual([]);
    expect(await store.db.selectFrom('case_overlaps').select('id').where((eb) => eb.or([eb('case_a', '=', doomed), eb('case_b', '=', doomed)])).execute()).toEqual([]);
    expect(await store.db.selectFrom('notifications').select('id').where('kind', 'like', 'overlap%').execute()).toEqual([]);
    expect((await store.db.selectFrom('evidence_blobs').select('sha256').execute()).map((b) => b.sha256)).toEqual([shared]);
    expect(await store.db.selectFrom('evidence_custody').select('id').execute()).toEqual([]);
    expect(await store.db.selectFrom('cases').select('id').where('id', '=', doomed).execute()).toEqual([]);
  });
});
