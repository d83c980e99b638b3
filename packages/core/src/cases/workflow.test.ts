import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../audit/record-event.js';
import type { Actor, Ctx, Role } from '../context/context.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../errors.js';
import type { Store } from '../store/create-db.js';
import { dialects, FIXED_NOW, openTestStore, testContext } from '../test-support/test-store.js';
import { changeCaseStatus } from './case-status.js';
import { createCase } from './create-case.js';
import { addCaseMember, getCase } from './get-case.js';
import { listCases } from './list-cases.js';
import { createTask, listTasks } from './tasks.js';
import { changeMemberRole, removeCaseMember } from './team.js';
import { listCaseTemplates } from './templates.js';

describe.each(dialects())('case workflow, templates and team on %s', (dialect) => {
  let store: Store;
  const actors = new Map<string, Actor>();
  const as = (name: string): Ctx => testContext(store, { actor: actors.get(name) });

  beforeAll(async () => {
    store = await openTestStore(dialect);
    await store.db.insertInto('organisations').values([{ id: 'fraud-unit', name: 'Fraud unit' }, { id: 'port-unit', name: 'Port unit' }]).execute();
    const people: Array<[string, Role, string]> = [
      ['olga', 'analyst', 'fraud-unit'],
      ['ivan', 'analyst', 'fraud-unit'],
      ['nora', 'analyst', 'fraud-unit'],
      ['sara', 'supervisor', 'fraud-unit'],
      ['piet', 'supervisor', 'port-unit'],
    ];
    for (const [name, role, organisation] of people) {
      const id = randomUUID();
      await store.db.insertInto('users').values({ id, username: name, display_name: `${name[0]?.toUpperCase() ?? ''}${name.slice(1)} Example`, organisation, roles: [role], compartments: [], password_hash: null }).execute();
      actors.set(name, { userId: id, sessionId: null, organisation, roles: [role], compartments: [] });
    }
  });
  afterAll(async () => {
    await store.close();
  });

  async function caseTeam(title: string): Promise<string> {
    const { id } = await createCase(as('olga'), { title, purpose: 'fraud-audit' });
    await addCaseMember(as('olga'), { caseId: id, username: 'ivan', role: 'analyst' });
    await addCaseMember(as('olga'), { caseId: id, username: 'nora', role: 'observer' });
    return id;
  }

  const statusOf = async (caseId: string) => (await store.db.selectFrom('cases').select(['status', 'disposition', 'closed_at', 'closed_by']).where('id', '=', caseId).executeTakeFirstOrThrow());

  it('a template asks for its fields and starts the case with its tasks, due from today', async () => {
    expect(listCaseTemplates().map((t) => t.id)).toEqual(['blank', 'fraud-referral', 'procurement-corruption', 'missing-funds']);
    const opened = await createCase(as('olga'), {
      title: 'Tender NG-14 kickbacks',
      purpose: 'fraud-audit',
      template: 'procurement-corruption',
      fields: { contractingAuthority: 'Northgate Council', tenderReference: 'NG-2026-14' },
      summary: 'Anonymous tip about the road-resurfacing tender.',
    });
    expect(opened).toMatchObject({ template: 'procurement-corruption', tasks: 3, fields: { contractingAuthority: 'Northgate Council', tenderReference: 'NG-2026-14' } });
    const tasks = await listTasks(as('olga'), opened.id);
    expect(tasks.map((t) => [t.title, t.dueDate, t.status])).toEqual([
      ['Obtain the tender file and evaluation reports', '2026-03-08', 'open'],
      ['Map the ownership and directors of every bidder', '2026-03-15', 'open'],
      ['Compare bidders for shared addresses, phones and officers', '2026-03-22', 'open'],
    ]);
    const view = await getCase(as('olga'), opened.id);
    expect(view).toMatchObject({ template: 'procurement-corruption', summary: 'Anonymous tip about the road-resurfacing tender.', disposition: null, closedAt: null, markings: [] });
    const events = await store.db.selectFrom('case_events').select(['kind', 'summary']).where('case_id', '=', opened.id).execute();
    expect(events).toEqual([{ kind: 'created', summary: 'case opened from the template Procurement corruption' }]);
  });

  it('refuses an unknown template, a missing required field and a field the template does not ask for, opening nothing', async () => {
    const before = await store.db.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    await expect(createCase(as('olga'), { title: 'X', template: 'tax-evasion' })).rejects.toThrow(/unknown case template "tax-evasion"/);
    await expect(createCase(as('olga'), { title: 'X', template: 'missing-funds', fields: { accountHolder: 'Harbour Trust' } })).rejects.toThrow(/needs "Amount missing" \(amount\)/);
    await expect(createCase(as('olga'), { title: 'X', template: 'missing-funds', fields: { accountHolder: 'Harbour Trust', amount: '40,000', colour: 'red' } })).rejects.toThrow(
      /unknown field "colour" for template missing-funds/,
    );
    await expect(createCase(as('olga'), { title: 'X', fields: { referrer: 'Bank' } })).rejects.toThrow(Invalid);
    const after = await store.db.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toEqual(before.n);
  });

  it('moves along the workflow; a forbidden move is a conflict naming the allowed moves and changes nothing', async () => {
    const caseId = await caseTeam('Harbour invoices');
    await expect(changeCaseStatus(as('ivan'), { caseId, status: 'active' })).resolves.toMatchObject({ from: 'open', status: 'active' });
    await expect(changeCaseStatus(as('ivan'), { caseId, status: 'open' })).rejects.toThrow(/cannot move from active to open \(allowed from active: pending, closed\)/);
    await expect(changeCaseStatus(as('ivan'), { caseId, status: 'archived' })).rejects.toThrow(Conflict);
    await expect(changeCaseStatus(as('ivan'), { caseId, status: 'finished' })).rejects.toThrow(/unknown case status "finished"/);
    expect((await statusOf(caseId)).status).toBe('active');
    await changeCaseStatus(as('ivan'), { caseId, status: 'pending' });
    const kinds = await store.db.selectFrom('case_events').select(['kind', 'summary']).where('case_id', '=', caseId).where('kind', '=', 'status').orderBy('id').execute();
    expect(kinds.map((k) => k.summary)).toEqual(['status open → active', 'status active → pending']);
    const audited = await listEvents(store.db, { action: 'case.change-status' });
    expect(audited.filter((e) => e.object_ids[0] === caseId && e.outcome === 'success')).toHaveLength(2);
  });

  it('a non-owner analyst may not close the case, an observer may not move it, and neither changes its status', async () => {
    const caseId = await caseTeam('Grant claims');
    await expect(changeCaseStatus(as('ivan'), { caseId, status: 'closed', disposition: 'referred' })).rejects.toThrow(Forbidden);
    await expect(changeCaseStatus(as('nora'), { caseId, status: 'active' })).rejects.toThrow(Forbidden);
    await expect(changeCaseStatus(as('piet'), { caseId, status: 'active' })).rejects.toThrow(NotFound);
    expect(await statusOf(caseId)).toMatchObject({ status: 'open', disposition: null, closed_at: null });
    const denials = (await listEvents(store.db, { action: 'case.change-status' })).filter((e) => e.outcome === 'denied');
    expect(denials.length).toBeGreaterThanOrEqual(2);
  });

  it('closing needs a disposition from the list and records who closed it and when; the owner reopens, a supervisor archives', async () => {
    const caseId = await caseTeam('Fleet leasing');
    await expect(changeCaseStatus(as('olga'), { caseId, status: 'closed' })).rejects.toThrow(/closing a case needs a disposition \(one of: charged, referred/);
    await expect(changeCaseStatus(as('olga'), { caseId, status: 'closed', disposition: 'shrug' })).rejects.toThrow(/unknown disposition "shrug"/);
    expect((await statusOf(caseId)).status).toBe('open');
    const closed = await changeCaseStatus(as('olga'), { caseId, status: 'closed', disposition: 'no-further-action' });
    expect(closed).toMatchObject({ status: 'closed', disposition: 'no-further-action', closedBy: actors.get('olga')?.userId, closedAt: FIXED_NOW });
    expect(await getCase(as('olga'), caseId)).toMatchObject({ status: 'closed', disposition: 'no-further-action', closedBy: actors.get('olga')?.userId });
    await changeCaseStatus(as('olga'), { caseId, status: 'active' });
    expect(await statusOf(caseId)).toMatchObject({ status: 'active', disposition: null, closed_at: null });
    await changeCaseStatus(as('sara'), { caseId, status: 'closed', disposition: 'referred' });
    await expect(changeCaseStatus(as('ivan'), { caseId, status: 'archived' })).rejects.toThrow(Forbidden);
    await changeCaseStatus(as('sara'), { caseId, status: 'archived' });
    await expect(changeCaseStatus(as('sara'), { caseId, status: 'active' })).rejects.toThrow(/allowed from archived: none/);
    await expect(createTask(as('olga'), { caseId, title: 'Late thought' })).rejects.toThrow(/archived and can no longer change/);
  });

  it('an observer reads the case but changes nothing; roles change and the last owner stays', async () => {
    const caseId = await caseTeam('Port levies');
    expect((await getCase(as('nora'), caseId)).members.map((m) => [m.username, m.role])).toEqual([
      ['ivan', 'analyst'],
      ['nora', 'observer'],
      ['olga', 'owner'],
    ]);
    await expect(createTask(as('nora'), { caseId, title: 'Check levies' })).rejects.toThrow(Forbidden);
    await expect(addCaseMember(as('olga'), { caseId, username: 'sara', role: 'boss' as never })).rejects.toThrow(/unknown case role "boss"/);
    const olga = actors.get('olga')?.userId ?? '';
    const ivan = actors.get('ivan')?.userId ?? '';
    await expect(removeCaseMember(as('olga'), { caseId, userId: olga })).rejects.toThrow(/needs at least one owner/);
    await expect(changeMemberRole(as('olga'), { caseId, userId: olga, role: 'investigator' })).rejects.toThrow(Conflict);
    await expect(changeMemberRole(as('ivan'), { caseId, userId: ivan, role: 'owner' })).rejects.toThrow(Forbidden);
    await changeMemberRole(as('olga'), { caseId, userId: ivan, role: 'owner' });
    await removeCaseMember(as('ivan'), { caseId, userId: olga });
    const view = await getCase(as('ivan'), caseId);
    expect(view.ownerId).toBe(ivan);
    expect(view.members.map((m) => m.username)).toEqual(['ivan', 'nora']);
    await expect(getCase(as('olga'), caseId)).rejects.toThrow(NotFound);
    const memberEvents = await store.db.selectFrom('case_events').select('summary').where('case_id', '=', caseId).where('kind', '=', 'member').orderBy('id').execute();
    expect(memberEvents.map((e) => e.summary)).toEqual(['ivan joined the team as analyst', 'nora joined the team as observer', 'ivan is now owner (was analyst)', 'olga left the team']);
  });

  it('lists the cases the caller may see, newest first, closed ones included, with owner, subjects and task counts', async () => {
    const caseId = await caseTeam('Quay overtime claims');
    await createTask(as('olga'), { caseId, title: 'Overdue call', dueDate: '2026-02-01' });
    await createTask(as('olga'), { caseId, title: 'Future call', dueDate: '2026-04-01' });
    const { cases } = await listCases(as('nora'));
    expect(cases[0]).toMatchObject({ id: caseId, title: 'Quay overtime claims', ownerName: 'Olga Example', status: 'open', subjects: 0, openTasks: 2, overdueTasks: 1 });
    // Closed and archived cases stay listed: nora observes the archived Fleet leasing case too.
    expect(cases.find((c) => c.title === 'Fleet leasing')).toMatchObject({ status: 'archived', disposition: 'referred' });
    expect((await listCases(as('sara'), { status: 'archived' })).cases.map((c) => c.title)).toEqual(['Fleet leasing']);
    expect((await listCases(as('sara'), { q: 'quay' })).cases.map((c) => c.id)).toEqual([caseId]);
    expect((await listCases(as('sara'), { q: '100%_' })).cases).toEqual([]);
    expect((await listCases(as('piet'))).cases).toEqual([]);
    await expect(listCases(as('sara'), { status: 'done' })).rejects.toThrow(/unknown case status "done"/);
  });
});
