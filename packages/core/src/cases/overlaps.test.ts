import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../audit/record-event.js';
import type { Actor, Ctx, Role } from '../context/context.js';
import { writeEntities } from '../entities/write-entities.js';
import { Conflict, Forbidden, Invalid, NotFound, PurposeRequired } from '../errors.js';
import { writeClusters } from '../resolution/resolve-entities.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/create-db.js';
import { dialects, FIXED_NOW, openTestStore, testContext } from '../test-support/test-store.js';
import { createCase } from './create-case.js';
import { addCaseMember } from './get-case.js';
import { listNotifications, markNotificationRead } from './notifications.js';
import { decideOverlap, listCaseOverlaps } from './overlaps.js';
import { addCaseSubject, changeSubjectCategory, listCaseSubjects, removeCaseSubject } from './subjects.js';

const SECRET = 'SECRET-X';

describe.each(dialects())('case subjects and deconfliction on %s', (dialect) => {
  let store: Store;
  const actors = new Map<string, Actor>();
  const cases: Record<'harbour' | 'port' | 'secret', string> = { harbour: '', port: '', secret: '' };
  // A clock that moves on a second at each reading, so what was added later lists later.
  let tick = 0;
  const clock = () => new Date(FIXED_NOW.getTime() + tick++ * 1000);
  const as = (name: string, caseId: string): Ctx => ({
    ...testContext(store, { actor: actors.get(name), purpose: { caseId, code: 'fraud-audit', justification: 'tip from the bank report' } }),
    now: clock,
  });
  const olga = () => as('olga', cases.harbour);
  const pavel = () => as('pavel', cases.port);
  const kai = () => as('kai', cases.secret);

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const operator = testContext(store);
    await store.db.insertInto('organisations').values([{ id: 'fraud-unit', name: 'Fraud unit' }, { id: 'port-unit', name: 'Port unit' }, { id: 'intel-unit', name: 'Intelligence unit' }]).execute();
    const people: Array<[string, Role, string, string[]]> = [
      ['olga', 'analyst', 'fraud-unit', []],
      ['pavel', 'analyst', 'port-unit', []],
      ['ines', 'analyst', 'port-unit', []],
      ['kai', 'analyst', 'intel-unit', [SECRET]],
      ['kimberly', 'analyst', 'intel-unit', [SECRET]],
    ];
    for (const [name, role, organisation, compartments] of people) {
      const id = randomUUID();
      await store.db.insertInto('users').values({ id, username: name, display_name: `${name[0]?.toUpperCase() ?? ''}${name.slice(1)} Example`, organisation, roles: [role], compartments, password_hash: null }).execute();
      actors.set(name, { userId: id, sessionId: null, organisation, roles: [role], compartments });
    }
    cases.harbour = (await createCase(testContext(store, { actor: actors.get('olga') }), { title: 'Harbour invoices', purpose: 'fraud-audit' })).id;
    cases.port = (await createCase(testContext(store, { actor: actors.get('pavel') }), { title: 'Quayside smuggling ring', purpose: 'fraud-audit' })).id;
    await addCaseMember(testContext(store, { actor: actors.get('pavel') }), { caseId: cases.port, username: 'ines' });
    cases.secret = (await createCase(testContext(store, { actor: actors.get('kai') }), { title: 'Operation Heron', purpose: 'fraud-audit', markings: [SECRET] })).id;
    await addCaseMember(testContext(store, { actor: actors.get('kai') }), { caseId: cases.secret, username: 'kimberly' });
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Order 1', purposes: ['fraud-audit'] });
    await registerSource(operator, { id: 'intel', name: 'Intelligence', legalBasis: 'Order 2', purposes: ['fraud-audit'], markings: [SECRET] });
    const write = testContext(store, { purpose: { caseId: cases.harbour, code: 'fraud-audit', justification: 'fixture' } });
    await writeEntities(write, {
      sourceId: 'registry',
      entities: [
        { id: 'p-mira', schema: 'Person', properties: { name: ['Mira Novak'] }, origin: 'R1' },
        { id: 'p-lena', schema: 'Person', properties: { name: ['Lena Horvat'] }, origin: 'R2' },
        { id: 'p-ivo-1', schema: 'Person', properties: { name: ['Ivo Petrov'] }, origin: 'R3' },
        { id: 'p-ivo-2', schema: 'Person', properties: { name: ['Ivo Petrov'], birthDate: ['1979-04-12'] }, origin: 'R4' },
      ],
    });
    await writeEntities(write, { sourceId: 'intel', entities: [{ id: 'p-tomas', schema: 'Person', properties: { name: ['Tomas Berg'] }, origin: 'X1' }] });
  });
  afterAll(async () => {
    await store.close();
  });

  it('adds a visible entity as a subject under its canonical id; an unknown or hidden one is not found, a second time is a conflict', async () => {
    await expect(addCaseSubject(olga(), { caseId: cases.harbour, entityId: 'p-nobody', category: 'suspect' })).rejects.toThrow(/entity p-nobody not found/);
    await expect(addCaseSubject(olga(), { caseId: cases.harbour, entityId: 'p-tomas', category: 'suspect' })).rejects.toThrow(/entity p-tomas not found/);
    await expect(addCaseSubject(olga(), { caseId: cases.harbour, entityId: 'p-mira', category: 'villain' })).rejects.toThrow(Invalid);
    await expect(addCaseSubject({ ...olga(), purpose: null }, { caseId: cases.harbour, entityId: 'p-mira', category: 'suspect' })).rejects.toThrow(PurposeRequired);
    const added = await addCaseSubject(olga(), { caseId: cases.harbour, entityId: 'p-mira', category: 'suspect', note: 'signed the invoices' });
    expect(added).toMatchObject({ entityId: 'p-mira', caption: 'Mira Novak', schema: 'Person', category: 'suspect', overlaps: 0 });
    await expect(addCaseSubject(olga(), { caseId: cases.harbour, entityId: 'p-mira', category: 'victim' })).rejects.toThrow(Conflict);
    await addCaseSubject(olga(), { caseId: cases.harbour, entityId: 'p-ivo-1', category: 'associate' });
    const { subjects, hidden } = await listCaseSubjects(olga(), cases.harbour);
    expect(subjects.map((s) => [s.entityId, s.caption, s.category])).toEqual([
      ['p-mira', 'Mira Novak', 'suspect'],
      ['p-ivo-1', 'Ivo Petrov', 'associate'],
    ]);
    expect(hidden).toBe(0);
    const event = (await listEvents(store.db, { action: 'case.add-subject' })).filter((e) => e.outcome === 'success')[0];
    expect(event?.subject_ids).toEqual(['p-mira']);
    const rows = await store.db.selectFrom('case_events').select(['kind', 'entity_ids']).where('case_id', '=', cases.harbour).where('kind', '=', 'subject').orderBy('id').execute();
    expect(rows).toEqual([
      { kind: 'subject', entity_ids: ['p-mira'] },
      { kind: 'subject', entity_ids: ['p-ivo-1'] },
    ]);
  });

  it('a second case with the same subject makes an overlap, masked until its owner shares; both owners are told only of their own case', async () => {
    await addCaseSubject(pavel(), { caseId: cases.port, entityId: 'p-lena', category: 'suspect' });
    const added = await addCaseSubject(pavel(), { caseId: cases.port, entityId: 'p-mira', category: 'associate' });
    expect(added.overlaps).toBe(1);
    const olgaTold = await listNotifications(testContext(store, { actor: actors.get('olga') }));
    expect(olgaTold.unread).toBe(1);
    expect(olgaTold.notifications[0]).toMatchObject({ kind: 'overlap', caseId: cases.harbour });
    expect(JSON.stringify(olgaTold)).not.toContain(cases.port);
    const pavelTold = await listNotifications(testContext(store, { actor: actors.get('pavel') }));
    expect(pavelTold.notifications[0]?.caseId).toBe(cases.port);
    expect(JSON.stringify(pavelTold)).not.toContain(cases.harbour);

    const [masked] = await listCaseOverlaps(olga(), cases.harbour);
    expect(masked).toMatchObject({
      subject: { entityId: 'p-mira', caption: 'Mira Novak' },
      decision: { decision: null },
      other: { masked: true, compartmented: false, organisation: 'port-unit', contact: { username: 'pavel', displayName: 'Pavel Example' }, request: 'pending' },
    });
    const before = JSON.stringify(masked);
    for (const secret of [cases.port, 'Quayside smuggling ring', 'Lena Horvat', 'ines']) expect(before).not.toContain(secret);

    await expect(decideOverlap(as('ines', cases.port), { overlapId: masked?.id ?? '', share: true, reason: 'happy to help' })).rejects.toThrow(Forbidden);
    await expect(decideOverlap(pavel(), { overlapId: masked?.id ?? '', share: true, reason: '' })).rejects.toThrow(/needs a reason/);
    await expect(decideOverlap(as('kai', cases.secret), { overlapId: masked?.id ?? '', share: true, reason: 'not mine' })).rejects.toThrow(NotFound);
    await decideOverlap(pavel(), { overlapId: masked?.id ?? '', share: false, reason: 'surveillance under way' });
    expect((await listCaseOverlaps(olga(), cases.harbour))[0]?.other).toMatchObject({ masked: true, request: 'declined' });
    const shared = await decideOverlap(pavel(), { overlapId: masked?.id ?? '', share: true, reason: 'joint interview planned' });
    expect(shared).toMatchObject({ caseId: cases.port, decision: 'shared' });

    const [open] = await listCaseOverlaps(olga(), cases.harbour);
    expect(open?.other).toMatchObject({ masked: false, caseId: cases.port, title: 'Quayside smuggling ring', status: 'open', hiddenSubjects: 0 });
    const after = JSON.stringify(open);
    for (const revealed of [cases.port, 'Quayside smuggling ring', 'Lena Horvat', 'ines']) expect(after).toContain(revealed);
    // Sharing is one-sided: Pavel still sees Olga's case masked.
    expect((await listCaseOverlaps(pavel(), cases.port))[0]?.other).toMatchObject({ masked: true, contact: { username: 'olga' } });
    const disclosure = (await listEvents(store.db, { action: 'case.decide-overlap' })).filter((e) => e.outcome === 'success');
    expect(disclosure.map((e) => e.category)).toEqual(['alteration', 'disclosure']);
    expect(disclosure[1]?.subject_ids).toContain('p-mira');
    const decided = await listNotifications(testContext(store, { actor: actors.get('olga') }), { unreadOnly: true });
    expect(decided.notifications.map((n) => n.kind)).toEqual(['overlap-decision', 'overlap-decision', 'overlap']);
    await markNotificationRead(testContext(store, { actor: actors.get('olga') }), decided.notifications[0]?.id ?? '');
    await expect(markNotificationRead(testContext(store, { actor: actors.get('pavel') }), decided.notifications[1]?.id ?? '')).rejects.toThrow(NotFound);
    expect((await listNotifications(testContext(store, { actor: actors.get('olga') }))).unread).toBe(2);
  });

  it('across compartments only the fact and whom to contact show, even once shared', async () => {
    await addCaseSubject(kai(), { caseId: cases.secret, entityId: 'p-tomas', category: 'suspect' });
    await addCaseSubject(kai(), { caseId: cases.secret, entityId: 'p-mira', category: 'witness' });
    const theirs = await listCaseOverlaps(kai(), cases.secret);
    expect(theirs).toHaveLength(2);
    for (const overlap of theirs) await decideOverlap(kai(), { overlapId: overlap.id, share: true, reason: 'share with the other units' });
    const ours = await listCaseOverlaps(olga(), cases.harbour);
    const compartmented = ours.filter((o) => o.other.masked && 'compartmented' in o.other && o.other.compartmented);
    expect(compartmented).toHaveLength(1);
    expect(compartmented[0]?.other).toEqual({ masked: true, compartmented: true, contact: { displayName: 'Kai Example', username: 'kai' } });
    const json = JSON.stringify(compartmented);
    for (const secret of [cases.secret, 'Operation Heron', 'Tomas Berg', 'kimberly', 'intel-unit', 'open']) expect(json).not.toContain(secret);
    // Kai holds every marking of the harbour case, so sees its organisation while it is not shared.
    const fromKai = (await listCaseOverlaps(kai(), cases.secret)).find((o) => 'organisation' in o.other && o.other.organisation === 'fraud-unit');
    expect(fromKai?.other).toMatchObject({ masked: true, compartmented: false, request: 'pending' });
  });

  it('a cluster formed after both subjects were added counts when overlaps are listed', async () => {
    await addCaseSubject(pavel(), { caseId: cases.port, entityId: 'p-ivo-2', category: 'suspect' });
    const before = await listCaseOverlaps(olga(), cases.harbour);
    expect(before.map((o) => o.subject.entityId)).not.toContain('p-ivo-1');
    await store.db.transaction().execute((trx) => writeClusters({ ...testContext(store), db: trx }, [['p-ivo-1', 'p-ivo-2']]));
    const after = await listCaseOverlaps(olga(), cases.harbour);
    expect(after.filter((o) => o.subject.entityId === 'p-ivo-1')).toHaveLength(1);
    const row = await store.db.selectFrom('case_overlaps').selectAll().where('entity_id', '=', 'p-ivo-1').executeTakeFirstOrThrow();
    expect([row.case_a < row.case_b, row.entity_a, row.entity_b].sort()).toEqual([true, 'p-ivo-1', 'p-ivo-2'].sort());
    // The same canonical subject cannot be added twice through another record of its cluster.
    await expect(addCaseSubject(olga(), { caseId: cases.harbour, entityId: 'p-ivo-2', category: 'suspect' })).rejects.toThrow(Conflict);
  });

  it('changes and removes a subject by any id of its cluster; a case the caller may not see answers as missing', async () => {
    await changeSubjectCategory(olga(), { caseId: cases.harbour, entityId: 'p-ivo-2', category: 'witness' });
    expect((await listCaseSubjects(olga(), cases.harbour)).subjects.find((s) => s.entityId === 'p-ivo-1')?.category).toBe('witness');
    await expect(removeCaseSubject(olga(), { caseId: cases.harbour, entityId: 'p-lena' })).rejects.toThrow(/not a subject/);
    await removeCaseSubject(olga(), { caseId: cases.harbour, entityId: 'p-ivo-1' });
    expect((await listCaseSubjects(olga(), cases.harbour)).subjects.map((s) => s.entityId)).toEqual(['p-mira']);
    // Kimberly sees Tomas Berg; an analyst of the port case without the marking sees the subject list of her own case only.
    const secretList = await listCaseSubjects(as('kimberly', cases.secret), cases.secret);
    expect(secretList.subjects.map((s) => s.caption)).toEqual(['Tomas Berg', 'Mira Novak']);
    await expect(listCaseSubjects(pavel(), cases.secret)).rejects.toThrow(NotFound);
  });
});
