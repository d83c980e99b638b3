import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../audit/record-event.js';
import { createCase } from '../cases/create-case.js';
import { defaultConfig } from '../config/config.js';
import { decideReads } from '../access/read-access.js';
import { getEntity } from '../entities/get-entity.js';
import { registerSource } from '../sources/register-source.js';
import { PurposeRequired } from '../errors.js';
import { runWithPurpose } from './purpose.js';
import type { Store } from '../store/create-db.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';

/** Records the tables every executed query touched, so a test can prove what did or did not run. */
class QueryRecorder implements KyselyPlugin {
  readonly queries: string[] = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.queries.push(describeNode(args.node));
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

function describeNode(node: RootOperationNode): string {
  const tables: string[] = [];
  JSON.stringify(node, (key, value: unknown) => {
    if (key === 'table' && typeof value === 'object' && value !== null) {
      const name = (value as { identifier?: { name?: string } }).identifier?.name;
      if (name !== undefined) tables.push(name);
    }
    return value;
  });
  if (node.kind === 'RawNode') {
    // Raw SQL names its tables in its text.
    const text = node.sqlFragments.join(' ');
    for (const match of text.matchAll(/\b(?:from|into|update|join)\s+([a-z_]+)|\b(audit_append)\(/g)) {
      const name = match[1] ?? match[2];
      if (name !== undefined) tables.push(name);
    }
  }
  return `${node.kind}:${[...new Set(tables)].join(',')}`;
}

// The store's audit_append locks the head, adds the event and moves the head in one statement.
const AUDIT_ONLY = ['RawNode:audit_append'];

describe.each(dialects())('purpose binding on %s', (dialect) => {
  let store: Store;
  let caseId: string;
  beforeAll(async () => {
    store = await openTestStore(dialect);
    caseId = (await createCase(testContext(store), { title: 'Harbour payments', purpose: 'fraud-audit' })).id;
  });
  afterAll(async () => {
    await store.close();
  });

  it('a read of personal data without a purpose is refused before any query runs', async () => {
    const recorder = new QueryRecorder();
    const ctx = { ...testContext(store), db: store.db.withPlugin(recorder) };
    await expect(getEntity(ctx, 'person-1')).rejects.toBeInstanceOf(PurposeRequired);
    // The only statements write the audit event recording the refusal (the event, and the audit
    // tree's head): nothing read statements or cases.
    expect(recorder.queries).toEqual(AUDIT_ONLY);
    const events = await listEvents(store.db, { action: 'entity.view' });
    expect(events.at(-1)).toMatchObject({ category: 'denial', outcome: 'denied', actor_id: 'local-operator' });
  });

  it('an unknown purpose code, a missing justification or a missing case are each refused by name', async () => {
    const cases: Array<[Parameters<typeof testContext>[1], RegExp]> = [
      [{ purpose: { caseId, code: 'curiosity', justification: 'just looking' } }, /unknown purpose "curiosity"/],
      [{ purpose: { caseId, code: 'fraud-audit', justification: ' ' } }, /justification is required/],
      [{ purpose: { caseId: null, code: 'fraud-audit', justification: 'lead from tip-off' } }, /needs a case/],
    ];
    for (const [options, message] of cases) {
      const recorder = new QueryRecorder();
      const ctx = { ...testContext(store, options), db: store.db.withPlugin(recorder) };
      await expect(getEntity(ctx, 'person-1')).rejects.toThrow(message);
      expect(recorder.queries).toEqual(AUDIT_ONLY);
    }
  });

  it('a read under a case checks the case, its unlocks and the sources of its purpose in one query, and decides as a fresh read does', async () => {
    const operator = testContext(store);
    await registerSource(operator, { id: 'ledger', name: 'Ledger', legalBasis: 'Order 3', purposes: ['fraud-audit'] });
    await registerSource(operator, { id: 'informants', name: 'Informants', legalBasis: 'Order 4', purposes: ['fraud-audit'], sensitiveCategories: ['informant-identity'] });
    await registerSource(operator, { id: 'permits', name: 'Permits', legalBasis: 'Order 5', purposes: ['administration'] });
    for (const [id, role] of [['analyst-1', 'analyst'], ['supervisor-1', 'supervisor']] as const) {
      await store.db.insertInto('users').values({ id, username: id, display_name: id, organisation: 'local', roles: [role], compartments: [], password_hash: null }).execute();
    }
    const purpose = { caseId, code: 'fraud-audit', justification: 'tip-off 14' };
    const decide = async (unlocks: string[][]) => {
      await store.db.deleteFrom('sensitive_unlocks').execute();
      for (const [i, categories] of unlocks.entries()) {
        const at = new Date();
        await store.db
          .insertInto('sensitive_unlocks')
          .values({ id: `U-${i}`, case_id: caseId, categories, reason: 'informant named in the tip-off', hours: 2, requested_by: 'analyst-1', requested_at: at, decided_by: 'supervisor-1', decided_at: at, status: 'approved', expires_at: new Date(at.getTime() + 3_600_000) })
          .execute();
      }
      const recorder = new QueryRecorder();
      const ctx = { ...testContext(store, { purpose }), db: store.db.withPlugin(recorder) };
      const inCase = await runWithPurpose(ctx, { action: 'test.read', category: 'consultation' }, async (tx) => ({ value: await decideReads(tx) }));
      // Outside a checked transaction the decision reads the unlocks and the sources itself.
      const fresh = await decideReads(testContext(store, { purpose }));
      return { queries: recorder.queries.filter((q) => !AUDIT_ONLY.includes(q)), inCase, fresh };
    };
    const locked = await decide([]);
    expect(locked.queries).toEqual(['SelectQueryNode:cases']);
    expect(locked.inCase.sources).toEqual(['ledger']);
    expect([...locked.inCase.unlocked]).toEqual([]);
    expect({ ...locked.inCase, db: null }).toEqual({ ...locked.fresh, db: null });
    const unlocked = await decide([['informant-identity'], ['minors', 'informant-identity']]);
    expect(unlocked.queries).toEqual(['SelectQueryNode:cases']);
    expect(unlocked.inCase.sources).toEqual(['informants', 'ledger']);
    expect([...unlocked.inCase.unlocked].sort()).toEqual(['informant-identity', 'minors']);
    expect({ ...unlocked.inCase, db: null }).toEqual({ ...unlocked.fresh, db: null });
    await store.db.deleteFrom('sensitive_unlocks').execute();
  });

  it('a purpose naming a case that does not exist is refused and recorded', async () => {
    const ctx = testContext(store, { purpose: { caseId: 'C-1999-0001', code: 'fraud-audit', justification: 'tip-off 14' } });
    await expect(getEntity(ctx, 'person-1')).rejects.toThrow(/case C-1999-0001 does not exist/);
    const events = await listEvents(store.db, { action: 'entity.view' });
    expect(events.at(-1)).toMatchObject({ category: 'denial', case_id: 'C-1999-0001', purpose: 'fraud-audit' });
  });

  it('a deployment can replace the list of purposes in its config', async () => {
    const config = defaultConfig();
    config.purposes = [{ code: 'sanctions-screening-review', label: 'Sanctions review', caseRequired: true }];
    const ctx = testContext(store, { config, purpose: { caseId, code: 'fraud-audit', justification: 'tip-off 14' } });
    await expect(getEntity(ctx, 'person-1')).rejects.toThrow(/unknown purpose "fraud-audit" \(this deployment accepts: sanctions-screening-review\)/);
  });

  it('a purpose-bound read that fails is still recorded as an attempt', async () => {
    const ctx = testContext(store, { purpose: { caseId, code: 'fraud-audit', justification: 'tip-off 14' } });
    await expect(getEntity(ctx, 'no-such-entity')).rejects.toThrow(/not found/);
    const events = await listEvents(store.db, { action: 'entity.view' });
    expect(events.at(-1)).toMatchObject({ category: 'consultation', outcome: 'failed', case_id: caseId, justification: 'tip-off 14' });
  });
});
