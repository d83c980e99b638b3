import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../audit/record-event.js';
import { createCase } from '../cases/create-case.js';
import type { Ctx } from '../context/context.js';
import { Invalid } from '../errors.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/create-db.js';
import { dialects, FIXED_NOW, openTestStore, testContext } from '../test-support/test-store.js';
import { getEntity } from './get-entity.js';
import { writeEntities, type SourcedEntity } from './write-entities.js';

const person: SourcedEntity = {
  id: 'person-ana',
  schema: 'Person',
  properties: { name: ['Ana Kovač'], birthDate: ['1979-04-12'], nationality: ['hr'], email: ['Ana.K@example.org'] },
  origin: 'P-0001',
};

async function countStatements(store: Store): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*)::text as n from statements`.execute(store.db);
  return Number(rows[0]?.n);
}

describe.each(dialects())('statements on %s', (dialect) => {
  let store: Store;
  let ctx: Ctx;
  beforeAll(async () => {
    store = await openTestStore(dialect);
    const admin = testContext(store);
    await registerSource(admin, {
      id: 'registry',
      name: 'Civil registry extract',
      legalBasis: 'Production order 2026/14',
      purposes: ['fraud-audit', 'administration'],
      markings: ['LE-ONLY'],
      retentionDays: 30,
    });
    const { id } = await createCase(admin, { title: 'Harbour payments', purpose: 'fraud-audit' });
    ctx = testContext(store, { purpose: { caseId: id, code: 'fraud-audit', justification: 'lead 3 from the bank report' } });
  });
  afterAll(async () => {
    await store.close();
  });

  it('writes an entity as statements and assembles it again with the source of every value', async () => {
    const summary = await writeEntities(ctx, { sourceId: 'registry', entities: [person] });
    expect(summary).toEqual({ entities: 1, statements: 4, inserted: 4 });
    const entity = await getEntity(ctx, 'person-ana');
    expect(entity.schema).toBe('Person');
    expect(entity.sources).toEqual(['registry']);
    expect(entity.properties.name?.[0]).toMatchObject({ value: 'Ana Kovač', source: 'registry', origin: 'P-0001' });
    expect(entity.properties.birthDate?.map((v) => v.value)).toEqual(['1979-04-12']);
    const row = await store.db.selectFrom('statements').selectAll().where('property', '=', 'email').executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      prop_type: 'email',
      normalized: 'ana.k@example.org',
      markings: ['LE-ONLY'],
      retention_until: '2026-03-31',
      source_id: 'registry',
    });
    expect(row.first_seen.toISOString()).toBe(FIXED_NOW.toISOString());
  });

  it('writing the same record again adds no statement and only moves last-seen', async () => {
    const later = new Date(FIXED_NOW.getTime() + 86_400_000);
    const summary = await writeEntities({ ...ctx, now: () => later }, { sourceId: 'registry', entities: [person] });
    expect(summary.inserted).toBe(0);
    expect(await countStatements(store)).toBe(4);
    const row = await store.db.selectFrom('statements').selectAll().where('property', '=', 'name').executeTakeFirstOrThrow();
    expect(row.first_seen.toISOString()).toBe(FIXED_NOW.toISOString());
    expect(row.last_seen.toISOString()).toBe(later.toISOString());
  });

  it('records the write and the read with case, purpose and subject', async () => {
    const events = await listEvents(store.db);
    const write = events.find((e) => e.action === 'entities.write');
    const view = events.find((e) => e.action === 'entity.view' && e.outcome === 'success');
    expect(write).toMatchObject({ category: 'collection', subject_ids: ['person-ana'], purpose: 'fraud-audit', justification: 'lead 3 from the bank report' });
    expect(view).toMatchObject({ category: 'consultation', subject_ids: ['person-ana'] });
  });

  it.each([
    [{ ...person, id: 'x1', schema: 'Persn' }, /entity x1: unknown schema "Persn"/],
    [{ ...person, id: 'x2', schema: 'Thing' }, /entity x2: schema Thing is abstract/],
    [{ ...person, id: 'x3', properties: { shoeSize: ['44'] } }, /entity x3, property Person:shoeSize: schema Person has no property "shoeSize"/],
    [{ ...person, id: 'x4', properties: { birthDate: ['31/02/1980'] } }, /entity x4, property Person:birthDate, value "31\/02\/1980"/],
    [{ ...person, id: 'x5', properties: { email: ['not-an-email'] } }, /entity x5, property Person:email, value "not-an-email"/],
    [{ ...person, id: 'x6', properties: { name: [42 as unknown as string] } }, /entity x6, property Person:name, value "42": expected text/],
  ])('rejects a bad entity (%#) with an error naming entity, property and value, storing nothing', async (bad, message) => {
    const before = await countStatements(store);
    const good: SourcedEntity = { id: 'person-ok', schema: 'Person', properties: { name: ['Ok Person'] }, origin: 'P-9' };
    const error = await writeEntities(ctx, { sourceId: 'registry', entities: [good, bad] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Invalid);
    expect((error as Error).message).toMatch(message);
    expect(await countStatements(store)).toBe(before);
  });

  it('refuses a write from an unregistered source and stores nothing', async () => {
    const before = await countStatements(store);
    await expect(writeEntities(ctx, { sourceId: 'leaked-dump', entities: [person] })).rejects.toThrow(/source leaked-dump is not registered/);
    expect(await countStatements(store)).toBe(before);
  });

  it('an entity is assembled from the statements of every source that holds it', async () => {
    await registerSource(testContext(store), { id: 'phones', name: 'Phones', legalBasis: 'order', purposes: ['fraud-audit'] });
    await writeEntities(ctx, {
      sourceId: 'phones',
      entities: [{ id: 'person-ana', schema: 'Person', properties: { phone: ['+385 91 555 0101'] }, origin: 'S-77' }],
    });
    const entity = await getEntity(ctx, 'person-ana');
    expect(entity.sources).toEqual(['phones', 'registry']);
    expect(entity.properties.phone?.[0]).toMatchObject({ source: 'phones', origin: 'S-77' });
  });
});
