import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../audit/record-event.js';
import { createCase } from '../cases/create-case.js';
import { defaultConfig } from '../config/config.js';
import { getEntity } from '../entities/get-entity.js';
import { PurposeRequired } from '../errors.js';
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
    for (const match of text.matchAll(/\b(?:from|into|update|join)\s+([a-z_]+)/g)) if (match[1] !== undefined) tables.push(match[1]);
  }
  return `${node.kind}:${[...new Set(tables)].join(',')}`;
}

/** What recording one audit event runs: lock the tree's head, add the event, move the head. */
const AUDIT_ONLY = ['RawNode:audit_head', 'InsertQueryNode:audit_events', 'UpdateQueryNode:audit_head'];

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
