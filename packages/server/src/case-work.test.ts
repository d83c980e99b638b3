import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, defaultConfig, generateCheckpointKey, LOCAL_OPERATOR, registerSource, writeEntities, type Store } from '@casegraph/core';
import { openTestStore } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';
import { PURPOSE_HEADERS, SESSION_COOKIE } from './plugins/route-policy.js';
import { openSession } from './test-support/sessions.js';

describe('case work over HTTP', () => {
  let store: Store;
  let app: FastifyInstance;
  const ids: Record<string, string> = {};
  const cookies: Record<string, string> = {};

  const headers = (user: string, caseId?: string): Record<string, string> => ({
    cookie: `${SESSION_COOKIE}=${cookies[user] ?? ''}`,
    ...(caseId === undefined
      ? {}
      : { [PURPOSE_HEADERS.caseId]: caseId, [PURPOSE_HEADERS.code]: 'fraud-audit', [PURPOSE_HEADERS.justification]: encodeURIComponent('harbour invoices review') }),
  });
  const call = (user: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, caseId?: string) =>
    app.inject({ method, url, headers: headers(user, caseId), ...(payload !== undefined ? { payload } : {}) });

  beforeAll(async () => {
    store = await openTestStore('pglite');
    const config = defaultConfig();
    await store.db.insertInto('organisations').values([{ id: 'fraud-unit', name: 'Fraud unit' }, { id: 'port-unit', name: 'Port unit' }]).execute();
    for (const [username, organisation] of [['olga', 'fraud-unit'], ['ivan', 'fraud-unit'], ['pavel', 'port-unit'], ['ines', 'port-unit']] as const) {
      ids[username] = randomUUID();
      await store.db.insertInto('users').values({ id: ids[username] ?? '', username, display_name: `${username} example`, organisation, roles: ['analyst'], compartments: [], password_hash: null }).execute();
      cookies[username] = await openSession(store, ids[username] ?? '');
    }
    const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config });
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Order 1', purposes: ['fraud-audit'] });
    app = await buildApp({ store, config, keys: { signing: generateCheckpointKey('casegraph-test'), termsKey: randomBytes(32).toString('base64') } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const countOf = async (table: 'cases' | 'case_subjects' | 'case_notes' | 'case_tasks') => Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

  it('opens a case from a template, refusing an unknown template or a missing field with a 400 that opens nothing', async () => {
    const templates = await call('olga', 'GET', '/api/case-templates');
    expect(templates.statusCode).toBe(200);
    expect(templates.json<{ templates: Array<{ id: string }> }>().templates.map((t) => t.id)).toContain('fraud-referral');
    const unknown = await call('olga', 'POST', '/api/cases', { title: 'Harbour invoices', template: 'tax-evasion' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ message: string }>().message).toMatch(/unknown case template "tax-evasion"/);
    const missing = await call('olga', 'POST', '/api/cases', { title: 'Harbour invoices', template: 'fraud-referral', fields: {} });
    expect(missing.statusCode).toBe(400);
    expect(missing.json<{ message: string }>().message).toMatch(/needs "Referred by"/);
    expect(await countOf('cases')).toBe(0);
    const opened = await call('olga', 'POST', '/api/cases', { title: 'Harbour invoices', purpose: 'fraud-audit', template: 'fraud-referral', fields: { referrer: 'Coastal Bank' }, summary: 'Bank report 7.' });
    expect(opened.statusCode, opened.body).toBe(201);
    expect(opened.json()).toMatchObject({ id: 'C-2026-0001', template: 'fraud-referral', tasks: 3 });
    const view = await call('olga', 'GET', '/api/cases/C-2026-0001');
    expect(view.json()).toMatchObject({ template: 'fraud-referral', fields: { referrer: 'Coastal Bank' }, summary: 'Bank report 7.', disposition: null, members: [{ username: 'olga', role: 'owner' }] });
    const list = await call('olga', 'GET', '/api/cases?status=open&q=harbour');
    expect(list.json()).toMatchObject({ cases: [{ id: 'C-2026-0001', ownerName: 'olga example', openTasks: 3, subjects: 0 }] });
    expect((await call('olga', 'GET', '/api/cases?status=done')).statusCode).toBe(400);
    expect((await call('olga', 'GET', '/api/cases?limit=many')).statusCode).toBe(400);
  });

  it('a forbidden status move is a 409 naming the allowed moves; closing without a disposition is a 400; a non-owner may not close', async () => {
    const add = await call('olga', 'POST', '/api/cases/C-2026-0001/members', { username: 'ivan', role: 'investigator' });
    expect(add.statusCode, add.body).toBe(204);
    expect((await call('olga', 'POST', '/api/cases/C-2026-0001/members', { username: 'ines', role: 'chief' })).statusCode).toBe(400);
    const archive = await call('olga', 'POST', '/api/cases/C-2026-0001/status', { status: 'archived' });
    expect(archive.statusCode).toBe(409);
    expect(archive.json<{ message: string }>().message).toMatch(/allowed from open: active, pending, closed/);
    const noDisposition = await call('olga', 'POST', '/api/cases/C-2026-0001/status', { status: 'closed' });
    expect(noDisposition.statusCode).toBe(400);
    expect((await call('olga', 'POST', '/api/cases/C-2026-0001/status', { status: 'closed', disposition: 'meh' })).statusCode).toBe(400);
    expect((await call('ivan', 'POST', '/api/cases/C-2026-0001/status', { status: 'closed', disposition: 'referred' })).statusCode).toBe(403);
    expect((await call('pavel', 'POST', '/api/cases/C-2026-0001/status', { status: 'active' })).statusCode).toBe(404);
    expect((await call('olga', 'GET', '/api/cases/C-2026-0001')).json()).toMatchObject({ status: 'open', disposition: null });
    const active = await call('ivan', 'POST', '/api/cases/C-2026-0001/status', { status: 'active' });
    expect(active.statusCode, active.body).toBe(200);
    expect(active.json()).toMatchObject({ from: 'open', status: 'active' });
    expect((await call('olga', 'DELETE', `/api/cases/C-2026-0001/members/${ids.olga ?? ''}`)).statusCode).toBe(409);
    expect((await call('olga', 'PATCH', `/api/cases/C-2026-0001/members/${ids.ivan ?? ''}`, { role: 'observer' })).statusCode).toBe(204);
    expect((await call('ivan', 'POST', '/api/cases/C-2026-0001/tasks', { title: 'Observers write nothing' })).statusCode).toBe(403);
    expect((await call('olga', 'PATCH', `/api/cases/C-2026-0001/members/${ids.ivan ?? ''}`, { role: 'analyst' })).statusCode).toBe(204);
  });

  it('an unknown entity as subject is a 404 and a subject without a purpose a 400; an oversized note is a 400 and stores nothing', async () => {
    const purpose = 'C-2026-0001';
    const unknown = await call('olga', 'POST', '/api/cases/C-2026-0001/subjects', { entityId: 'p-nobody', category: 'suspect' }, purpose);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<{ message: string }>().message).toBe('entity p-nobody not found');
    expect((await call('olga', 'POST', '/api/cases/C-2026-0001/subjects', { entityId: 'p-nobody', category: 'suspect' })).statusCode).toBe(400);
    expect((await call('olga', 'POST', '/api/cases/C-2026-0001/subjects', { entityId: 'p-nobody', category: 'villain' }, purpose)).statusCode).toBe(400);
    expect(await countOf('case_subjects')).toBe(0);
    const oversized = await call('olga', 'POST', '/api/cases/C-2026-0001/notes', { body: 'x'.repeat(100_001) }, purpose);
    expect(oversized.statusCode).toBe(400);
    const hidden = await call('olga', 'POST', '/api/cases/C-2026-0001/notes', { body: 'Met [someone](entity:p-ghost).' }, purpose);
    expect(hidden.statusCode).toBe(400);
    expect(hidden.json<{ message: string }>().message).toMatch(/entity:p-ghost/);
    expect(await countOf('case_notes')).toBe(0);
    const badTask = await call('olga', 'POST', '/api/cases/C-2026-0001/tasks', { title: 'Call the bank', dueDate: '2026-13-01' });
    expect(badTask.statusCode).toBe(400);
    const badAssignee = await call('olga', 'POST', '/api/cases/C-2026-0001/tasks', { title: 'Call the bank', assignee: 'pavel' });
    expect(badAssignee.statusCode).toBe(400);
    expect(await countOf('case_tasks')).toBe(3);
    const made = await call('olga', 'POST', '/api/cases/C-2026-0001/tasks', { title: 'Call the bank', assignee: 'ivan', dueDate: '2026-01-15' });
    expect(made.statusCode, made.body).toBe(201);
    const taskId = made.json<{ id: string }>().id;
    expect((await call('olga', 'PATCH', `/api/cases/C-2026-0001/tasks/${taskId}`, { status: 'finished' })).statusCode).toBe(400);
    expect((await call('olga', 'PATCH', `/api/cases/C-2026-0001/tasks/${taskId}`, {})).statusCode).toBe(400);
    const overdue = await call('ivan', 'GET', '/api/tasks/overdue?mine=true');
    expect(overdue.statusCode).toBe(200);
    expect(overdue.json<{ tasks: Array<{ id: string; caseTitle: string }> }>().tasks.map((t) => t.id)).toContain(taskId);
    expect((await call('olga', 'PATCH', `/api/cases/C-2026-0001/tasks/${taskId}`, { status: 'done' })).json()).toMatchObject({ status: 'done' });
  });

  it('an overlap shows the other case masked until its owner shares, then its title, subjects and team', async () => {
    await writeEntities(createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig(), purpose: { caseId: 'C-2026-0001', code: 'fraud-audit', justification: 'fixture' } }), {
      sourceId: 'registry',
      entities: [
        { id: 'p-mira', schema: 'Person', properties: { name: ['Mira Novak'] }, origin: 'R1' },
        { id: 'p-lena', schema: 'Person', properties: { name: ['Lena Horvat'] }, origin: 'R2' },
      ],
    });
    expect((await call('olga', 'POST', '/api/cases/C-2026-0001/subjects', { entityId: 'p-mira', category: 'suspect' }, 'C-2026-0001')).statusCode).toBe(201);
    expect((await call('olga', 'POST', '/api/cases/C-2026-0001/subjects', { entityId: 'p-mira', category: 'suspect' }, 'C-2026-0001')).statusCode).toBe(409);
    const port = (await call('pavel', 'POST', '/api/cases', { title: 'Quayside smuggling ring', purpose: 'fraud-audit' })).json<{ id: string }>().id;
    await call('pavel', 'POST', `/api/cases/${port}/members`, { username: 'ines' });
    await call('pavel', 'POST', `/api/cases/${port}/subjects`, { entityId: 'p-lena', category: 'suspect' }, port);
    const added = await call('pavel', 'POST', `/api/cases/${port}/subjects`, { entityId: 'p-mira', category: 'associate' }, port);
    expect(added.json()).toMatchObject({ overlaps: 1 });
    const told = await call('olga', 'GET', '/api/notifications');
    expect(told.json()).toMatchObject({ unread: 1, notifications: [{ kind: 'overlap', caseId: 'C-2026-0001' }] });
    expect(told.body).not.toContain(port);
    expect((await call('olga', 'GET', '/api/cases/C-2026-0001/overlaps')).statusCode).toBe(400);
    const masked = await call('olga', 'GET', '/api/cases/C-2026-0001/overlaps', undefined, 'C-2026-0001');
    expect(masked.statusCode, masked.body).toBe(200);
    expect(masked.json()).toMatchObject({ overlaps: [{ subject: { caption: 'Mira Novak' }, other: { masked: true, compartmented: false, organisation: 'port-unit', contact: { username: 'pavel' }, request: 'pending' } }] });
    for (const secret of [port, 'Quayside smuggling ring', 'Lena Horvat', 'ines']) expect(masked.body).not.toContain(secret);
    const overlapId = masked.json<{ overlaps: Array<{ id: string }> }>().overlaps[0]?.id ?? '';
    expect((await call('ines', 'POST', `/api/overlaps/${overlapId}/decision`, { share: true, reason: 'fine by me' }, port)).statusCode).toBe(403);
    expect((await call('pavel', 'POST', `/api/overlaps/${overlapId}/decision`, { share: true }, port)).statusCode).toBe(400);
    expect((await call('pavel', 'POST', `/api/overlaps/${randomUUID()}/decision`, { share: true, reason: 'joint interview' }, port)).statusCode).toBe(404);
    const shared = await call('pavel', 'POST', `/api/overlaps/${overlapId}/decision`, { share: true, reason: 'joint interview' }, port);
    expect(shared.statusCode, shared.body).toBe(200);
    const open = await call('olga', 'GET', '/api/cases/C-2026-0001/overlaps', undefined, 'C-2026-0001');
    for (const revealed of [port, 'Quayside smuggling ring', 'Lena Horvat', 'ines']) expect(open.body).toContain(revealed);
    const notificationId = (await call('olga', 'GET', '/api/notifications?unread=true')).json<{ notifications: Array<{ id: string }> }>().notifications[0]?.id ?? '';
    expect((await call('pavel', 'POST', `/api/notifications/${notificationId}/read`)).statusCode).toBe(404);
    expect((await call('olga', 'POST', `/api/notifications/${notificationId}/read`)).statusCode).toBe(204);
  });

  it('links cases and lists them both ways; a case the caller may not see is a 404 and a second link a 409', async () => {
    const port = 'C-2026-0002';
    expect((await call('olga', 'POST', '/api/cases/C-2026-0001/links', { linkedCaseId: port, relation: 'related' })).statusCode).toBe(404);
    const other = (await call('olga', 'POST', '/api/cases', { title: 'Harbour invoices 2019', purpose: 'fraud-audit' })).json<{ id: string }>().id;
    expect((await call('olga', 'POST', '/api/cases/C-2026-0001/links', { linkedCaseId: other, relation: 'cousin' })).statusCode).toBe(400);
    expect((await call('olga', 'POST', '/api/cases/C-2026-0001/links', { linkedCaseId: other, relation: 'follow-up' })).statusCode).toBe(204);
    expect((await call('olga', 'POST', `/api/cases/${other}/links`, { linkedCaseId: 'C-2026-0001', relation: 'related' })).statusCode).toBe(409);
    expect((await call('pavel', 'POST', `/api/cases/${port}/links`, { linkedCaseId: 'C-2026-0001', relation: 'related' })).statusCode).toBe(404);
    const links = await call('olga', 'GET', `/api/cases/${other}/links`);
    expect(links.json()).toMatchObject({ links: [{ caseId: 'C-2026-0001', direction: 'incoming', relation: 'follow-up' }], hidden: 0 });
    expect((await call('olga', 'DELETE', `/api/cases/${other}/links/C-2026-0001`)).statusCode).toBe(204);
    expect((await call('olga', 'DELETE', `/api/cases/${other}/links/C-2026-0001`)).statusCode).toBe(404);
  });
});
