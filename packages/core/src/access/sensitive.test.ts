import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../audit/record-event.js';
import { createCase } from '../cases/create-case.js';
import { addCaseMember } from '../cases/get-case.js';
import type { Actor, Ctx, Role } from '../context/context.js';
import { getEntity } from '../entities/get-entity.js';
import { writeEntities } from '../entities/write-entities.js';
import { Forbidden, NotFound } from '../errors.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/create-db.js';
import { dialects, FIXED_NOW, openTestStore, testContext } from '../test-support/test-store.js';
import { decideUnlock, expireUnlocks, mayBeMinor, requestUnlock } from './sensitive.js';

describe('mayBeMinor', () => {
  it('counts a person as a minor until their eighteenth birthday, and a year-only date until the year ends', () => {
    const at = new Date('2026-03-01T10:00:00Z');
    expect(mayBeMinor('2008-03-02', at)).toBe(true);
    expect(mayBeMinor('2008-03-01', at)).toBe(false);
    expect(mayBeMinor('2008', at)).toBe(true);
    expect(mayBeMinor('2007', at)).toBe(false);
    expect(mayBeMinor('1979-04-12', at)).toBe(false);
  });
});

describe.each(dialects())('sensitive categories on %s', (dialect) => {
  let store: Store;
  let caseId: string;
  const actors = new Map<string, Actor>();
  const as = (name: string, at = FIXED_NOW): Ctx => ({
    ...testContext(store, { actor: actors.get(name), purpose: { caseId, code: 'criminal-investigation', justification: 'witness statement 4' } }),
    now: () => at,
  });

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const operator = testContext(store);
    for (const [name, role] of [['ana', 'analyst'], ['sam', 'supervisor'], ['sue', 'supervisor']] as Array<[string, Role]>) {
      const id = randomUUID();
      await store.db.insertInto('users').values({ id, username: name, display_name: name, organisation: 'local', roles: [role], compartments: [], password_hash: null }).execute();
      actors.set(name, { userId: id, sessionId: null, organisation: 'local', roles: [role], compartments: [] });
    }
    caseId = (await createCase({ ...operator, actor: actors.get('ana') as Actor }, { title: 'Harbour assault', purpose: 'criminal-investigation' })).id;
    await addCaseMember({ ...operator, actor: actors.get('ana') as Actor }, { caseId, username: 'sam' });
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Order 1', purposes: ['criminal-investigation'] });
    await registerSource(operator, { id: 'witnesses', name: 'Witness statements', legalBasis: 'Order 2', purposes: ['criminal-investigation'], sensitiveCategories: ['witness-identity'] });
    const write = testContext(store, { purpose: { caseId, code: 'criminal-investigation', justification: 'fixture' } });
    await writeEntities(write, {
      sourceId: 'registry',
      entities: [
        { id: 'adult', schema: 'Person', properties: { name: ['Mira Novak'], religion: ['(held by the source)'], ethnicity: ['(held by the source)'] }, origin: 'R1' },
        { id: 'child', schema: 'Person', properties: { name: ['Lea Novak'], birthDate: ['2012-05-01'] }, origin: 'R2' },
      ],
    });
    await writeEntities(write, { sourceId: 'witnesses', entities: [{ id: 'witness', schema: 'Person', properties: { name: ['Ivo Petrov'] }, origin: 'W1' }] });
  });
  afterAll(async () => {
    await store.close();
  });

  it('hides special-category properties, minors and witness identities by default', async () => {
    const adult = await getEntity(as('ana'), 'adult');
    expect(Object.keys(adult.properties)).toEqual(['name']);
    await expect(getEntity(as('ana'), 'child')).rejects.toThrow(NotFound);
    await expect(getEntity(as('ana'), 'witness')).rejects.toThrow(NotFound);
  });

  it('the requester cannot approve their own unlock, nor can an analyst', async () => {
    const unlock = await requestUnlock(as('sam'), { caseId, categories: ['minors'], reason: 'the victim is a child of the suspect', hours: 2 });
    await expect(decideUnlock(as('sam'), { unlockId: unlock.id, approve: true })).rejects.toThrow(Forbidden);
    await expect(decideUnlock(as('ana'), { unlockId: unlock.id, approve: true })).rejects.toThrow(Forbidden);
  });

  it("another supervisor's approval shows the categories for that case until the unlock expires, and the expiry is recorded", async () => {
    const unlock = await requestUnlock(as('ana'), { caseId, categories: ['minors', 'special-category', 'witness-identity'], reason: 'the victim is a child of the suspect', hours: 2 });
    const approved = await decideUnlock(as('sue'), { unlockId: unlock.id, approve: true });
    expect(approved.expiresAt?.toISOString()).toBe(new Date(FIXED_NOW.getTime() + 2 * 3_600_000).toISOString());
    const inTime = new Date(FIXED_NOW.getTime() + 3_600_000);
    expect((await getEntity(as('ana', inTime), 'child')).properties.birthDate?.[0]?.value).toBe('2012-05-01');
    expect(Object.keys((await getEntity(as('ana', inTime), 'adult')).properties).sort()).toEqual(['ethnicity', 'name', 'religion']);
    expect((await getEntity(as('ana', inTime), 'witness')).properties.name?.[0]?.value).toBe('Ivo Petrov');
    const late = new Date(FIXED_NOW.getTime() + 3 * 3_600_000);
    await expect(getEntity(as('ana', late), 'child')).rejects.toThrow(NotFound);
    expect(await expireUnlocks(as('ana', late))).toBe(1);
    const events = await listEvents(store.db, { limit: 10_000 });
    expect(events.filter((e) => e.action === 'sensitive.approve' && e.outcome === 'success')).toHaveLength(1);
    expect(events.filter((e) => e.action === 'sensitive.approve' && e.outcome === 'denied')).toHaveLength(2);
    expect(events.filter((e) => e.action === 'sensitive.expire')).toHaveLength(1);
    expect(events.filter((e) => e.action === 'sensitive.request')).toHaveLength(2);
  });
});
