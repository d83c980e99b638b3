import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../audit/record-event.js';
import type { Actor } from '../context/context.js';
import { Forbidden } from '../errors.js';
import type { Store } from '../store/create-db.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { getSource, listSources, registerSource } from './register-source.js';

const analyst: Actor = { userId: 'u-analyst', sessionId: 's1', organisation: 'Unit 1', roles: ['analyst'], compartments: [] };

describe.each(dialects())('sources on %s', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => {
    await store.close();
  });

  it('registers a source with its policy and records the change', async () => {
    const ctx = testContext(store);
    await registerSource(ctx, {
      id: 'vehicle-registry',
      name: 'Vehicle registry',
      owner: 'Roads agency',
      legalBasis: 'Road Traffic Act s.45',
      purposes: ['criminal-investigation', 'fraud-audit'],
      markings: ['LE-ONLY'],
      retentionDays: 3650,
      sensitiveCategories: ['minors'],
      mayCombine: false,
    });
    const stored = await getSource(store.db, 'vehicle-registry');
    expect(stored).toMatchObject({
      owner: 'Roads agency',
      legalBasis: 'Road Traffic Act s.45',
      purposes: ['criminal-investigation', 'fraud-audit'],
      markings: ['LE-ONLY'],
      retentionDays: 3650,
      sensitiveCategories: ['minors'],
      mayCombine: false,
      registeredBy: 'local-operator',
    });
    const events = await listEvents(store.db, { action: 'source.register' });
    expect(events.at(-1)).toMatchObject({ category: 'alteration', object_ids: ['vehicle-registry'], outcome: 'success' });
  });

  it('refuses a second registration of the same id and keeps the first', async () => {
    const ctx = testContext(store);
    await expect(
      registerSource(ctx, { id: 'vehicle-registry', name: 'Other', legalBasis: 'x', purposes: ['fraud-audit'] }),
    ).rejects.toThrow(/already registered/);
    expect((await getSource(store.db, 'vehicle-registry')).name).toBe('Vehicle registry');
  });

  it.each([
    [{ id: 'Bad Id', name: 'n', legalBasis: 'b', purposes: ['fraud-audit'] }, /id must be/],
    [{ id: 'ok-id', name: 'n', legalBasis: '', purposes: ['fraud-audit'] }, /legal basis is required/],
    [{ id: 'ok-id', name: 'n', legalBasis: 'b', purposes: [] }, /at least one allowed purpose/],
    [{ id: 'ok-id', name: 'n', legalBasis: 'b', purposes: ['marketing'] }, /unknown purpose "marketing"/],
    [{ id: 'ok-id', name: 'n', legalBasis: 'b', purposes: ['fraud-audit'], retentionDays: -4 }, /retention days/],
    [{ id: 'ok-id', name: 'n', legalBasis: 'b', purposes: ['fraud-audit'], sensitiveCategories: ['religion-scores'] }, /unknown sensitive category/],
  ])('refuses an invalid policy (%#) and stores nothing', async (input, message) => {
    await expect(registerSource(testContext(store), input)).rejects.toThrow(message);
    expect((await listSources(store.db)).map((s) => s.id)).toEqual(['vehicle-registry']);
  });

  it('only an administrator registers sources, and the refusal is recorded', async () => {
    const ctx = testContext(store, { actor: analyst });
    await expect(
      registerSource(ctx, { id: 'phones', name: 'Phones', legalBasis: 'b', purposes: ['fraud-audit'] }),
    ).rejects.toBeInstanceOf(Forbidden);
    const events = await listEvents(store.db, { action: 'source.register' });
    expect(events.at(-1)).toMatchObject({ category: 'denial', actor_id: 'u-analyst', outcome: 'denied' });
  });

  it('an unregistered source is named in the error', async () => {
    await expect(getSource(store.db, 'nowhere')).rejects.toThrow(/source nowhere is not registered/);
  });
});
