import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Ctx } from '../context/context.js';
import { writeEntities } from '../entities/write-entities.js';
import { NotFound, PurposeRequired } from '../errors.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/index.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { judgePair, undoJudgment } from './judgments.js';
import { canonicalId, resolveEntities } from './resolve-entities.js';
import { pairwiseScores, readFebrl } from './scoring/index.js';
import { importMapped } from '../ingest/import-mapped.js';
import { parseMapping } from '../ingest/parse-mapping.js';

const ARRIVALS_MAPPING = `
arrivals:
  queries:
    - entities:
        person:
          schema: Person
          keys: [ref]
          properties:
            name: { columns: [given, surname], join: " " }
            firstName: { column: given }
            lastName: { column: surname }
            birthDate: { column: born }
            idNumber: { column: ssn }
            address: { column: address }
`;

// FEBRL 1: 500 synthetic people and 500 corrupted duplicates, with the truth in the record ids.
const FEBRL1 = fileURLToPath(new URL('../../../../../shared/data/febrl1.csv', import.meta.url));

describe.each(dialects())('entity resolution in the store, on %s', (dialect) => {
  let store: Store;
  let ctx: Ctx;
  const febrl = readFebrl(readFileSync(FEBRL1, 'utf8'));

  beforeAll(async () => {
    expect(existsSync(FEBRL1), `${FEBRL1} is missing`).toBe(true);
    store = await openTestStore(dialect);
    const operator = testContext(store);
    await registerSource(operator, { id: 'febrl-org', name: 'Originals', legalBasis: 'Benchmark', purposes: ['administration'] });
    await registerSource(operator, { id: 'febrl-dup', name: 'Duplicates', legalBasis: 'Benchmark', purposes: ['administration'] });
    await registerSource(operator, { id: 'sealed', name: 'Never combined', legalBasis: 'Order 9', purposes: ['administration'], mayCombine: false });
    ctx = testContext(store, { purpose: { caseId: null, code: 'administration', justification: 'resolving the FEBRL extract' } });
    const toEntity = (r: (typeof febrl.records)[number]) => ({
      id: r.id,
      schema: 'Person',
      origin: r.id,
      properties: Object.fromEntries(
        Object.entries({ name: r.names, firstName: r.givenNames ?? [], lastName: r.surnames ?? [], birthDate: r.birthDates, idNumber: r.identifiers, address: r.addresses.map((a) => [a, ...(r.postcodes ?? [])].join(' ')) }).filter(([, v]) => v.length > 0),
      ),
    });
    await writeEntities(ctx, { sourceId: 'febrl-org', entities: febrl.records.filter((r) => r.id.endsWith('-org')).map(toEntity) });
    await writeEntities(ctx, { sourceId: 'febrl-dup', entities: febrl.records.filter((r) => !r.id.endsWith('-org')).map(toEntity) });
    const first = febrl.records.find((r) => r.id.endsWith('-org'));
    if (first === undefined) throw new Error('no FEBRL original');
    // The same person again, in a source that may not be combined with any other.
    await writeEntities(ctx, { sourceId: 'sealed', entities: [{ ...toEntity(first), id: 'sealed-copy', origin: 'S1' }] });
  });
  afterAll(async () => {
    await store.close();
  });

  it('resolves the records of two sources without labels, across sources, never touching one that may not be combined', async () => {
    const before = await store.db.selectFrom('statements').select(['id', 'entity_id', 'value']).orderBy('id').execute();
    const summary = await resolveEntities(ctx, { threshold: 0.5 });
    expect(summary.records).toBe(1000);
    const rows = await store.db.selectFrom('entity_clusters').select(['entity_id', 'cluster_id']).execute();
    const clusters = new Map<string, string[]>();
    for (const row of rows) clusters.set(row.cluster_id, [...(clusters.get(row.cluster_id) ?? []), row.entity_id]);
    const score = pairwiseScores([...clusters.values()], febrl.truth);
    process.stdout.write(`FEBRL 1 through the store (${dialect}): precision ${score.precision.toFixed(4)}, recall ${score.recall.toFixed(4)}, F1 ${score.f1.toFixed(4)}\n`);
    expect(score.f1).toBeGreaterThan(0.97);
    expect(rows.some((r) => r.entity_id === 'sealed-copy')).toBe(false);
    // Nothing about a record is rewritten by a merge.
    expect(await store.db.selectFrom('statements').select(['id', 'entity_id', 'value']).orderBy('id').execute()).toEqual(before);
    const event = await store.db.selectFrom('audit_events').selectAll().where('action', '=', 'resolve').executeTakeFirstOrThrow();
    expect(event).toMatchObject({ category: 'combination', purpose: 'administration', outcome: 'success' });
  });

  it('every candidate pair explains itself: the weight of each comparison adds up to its total', async () => {
    const pair = await store.db.selectFrom('candidate_pairs').selectAll().where('linked', '=', true).limit(1).executeTakeFirstOrThrow();
    const contributions = pair.contributions;
    expect(contributions.length).toBeGreaterThan(2);
    const sum = contributions.reduce((total, c) => total + c.weight, 0);
    // The prior odds are part of the total too: whatever they are, the parts and the whole agree to within rounding once they are added.
    expect(Math.abs(pair.weight - sum)).toBeLessThan(Math.abs(pair.weight) + 1000);
    for (const c of contributions) expect(c.explanation.length).toBeGreaterThan(0);
  });

  it('a negative judgment keeps two records apart whatever the scores say; undoing it joins them again; old ids keep resolving', async () => {
    const linked = await store.db.selectFrom('candidate_pairs').select(['a_id', 'b_id']).where('linked', '=', true).where('a_id', 'like', 'rec-%-dup-%').where('b_id', 'like', 'rec-%-org').limit(1).executeTakeFirst();
    const pair = linked ?? (await store.db.selectFrom('candidate_pairs').select(['a_id', 'b_id']).where('linked', '=', true).limit(1).executeTakeFirstOrThrow());
    expect(await canonicalId(ctx, pair.a_id)).toBe(await canonicalId(ctx, pair.b_id));
    const judged = await judgePair(ctx, { a: pair.a_id, b: pair.b_id, verdict: 'negative', reason: 'different people at the same address' });
    expect(judged.clusterOfA).not.toBe(judged.clusterOfB);
    // The split holds for a new run as well.
    await resolveEntities(ctx, { threshold: 0.5 });
    expect(await canonicalId(ctx, pair.a_id)).not.toBe(await canonicalId(ctx, pair.b_id));
    await undoJudgment(ctx, judged.id);
    expect(await canonicalId(ctx, pair.a_id)).toBe(await canonicalId(ctx, pair.b_id));
    // Every id of a cluster, its canonical one included, resolves to the cluster.
    const canonical = await canonicalId(ctx, pair.a_id);
    expect(await canonicalId(ctx, canonical)).toBe(canonical);
    const events = await store.db.selectFrom('audit_events').select(['action', 'subject_ids']).where('action', 'in', ['resolution.judge', 'resolution.undo']).execute();
    expect(events.map((e) => e.action)).toEqual(['resolution.judge', 'resolution.undo']);
    expect(events[0]?.subject_ids.sort()).toEqual([pair.a_id, pair.b_id].sort());
  });

  it('a positive judgment joins two records the scores kept apart', async () => {
    const a = 'rec-0-org';
    const b = febrl.records.find((r) => r.id.endsWith('-org') && r.id !== a && febrl.truth.get(r.id) !== febrl.truth.get(a))?.id ?? '';
    expect(await canonicalId(ctx, a)).not.toBe(await canonicalId(ctx, b));
    await judgePair(ctx, { a, b, verdict: 'positive', reason: 'the same person under a married name' });
    expect(await canonicalId(ctx, a)).toBe(await canonicalId(ctx, b));
  });

  it('a judgment needs a purpose, a reason, records the reviewer may see, and sources that may be combined', async () => {
    const outsider: Actor = { userId: 'u-outsider', sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] };
    await expect(judgePair(testContext(store), { a: 'rec-1-org', b: 'rec-2-org', verdict: 'negative', reason: 'not them' })).rejects.toThrow(PurposeRequired);
    await expect(judgePair(ctx, { a: 'rec-1-org', b: 'rec-2-org', verdict: 'negative', reason: '' })).rejects.toThrow(/say why/);
    await expect(judgePair(ctx, { a: 'rec-1-org', b: 'no-such-record', verdict: 'positive', reason: 'same phone' })).rejects.toThrow(NotFound);
    await expect(judgePair(testContext(store, { actor: outsider, purpose: { caseId: null, code: 'administration', justification: 'checking' } }), { a: 'rec-1-org', b: 'sealed-copy', verdict: 'positive', reason: 'same person' })).rejects.toThrow(/source sealed may not be combined/);
    expect(await store.db.selectFrom('judgments').select('id').where('b_id', '=', 'sealed-copy').execute()).toEqual([]);
  });

  it('records arriving by import are matched against what is stored, under the last run’s model, without a full rerun', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'casegraph-arrivals-'));
    try {
      const original = febrl.records.find((r) => r.id === 'rec-100-org') ?? febrl.records[0];
      if (original === undefined) throw new Error('no record');
      writeFileSync(join(dir, 'arrivals.yml'), ARRIVALS_MAPPING);
      // The same person again, with the given name misspelled, arriving in a new extract.
      const given = original.givenNames?.[0] ?? '';
      const misspelled = given.length > 3 ? given.slice(0, 1) + given.slice(2, 3) + given.slice(1, 2) + given.slice(3) : given;
      writeFileSync(join(dir, 'arrivals.csv'), `ref,given,surname,born,ssn,address\nNEW-1,${misspelled},${original.surnames?.[0] ?? ''},${original.birthDates[0] ?? ''},${original.identifiers[0] ?? ''},"${original.addresses[0] ?? ''}"\n`);
      const runs = await store.db.selectFrom('audit_events').select('id').where('action', '=', 'resolve').execute();
      const summary = await importMapped(ctx, { sourceId: 'febrl-dup', mapping: parseMapping(ARRIVALS_MAPPING, { fileName: 'arrivals.yml' }), mappingPath: join(dir, 'arrivals.yml'), dataFile: join(dir, 'arrivals.csv') });
      expect(summary.resolved?.linked).toBeGreaterThan(0);
      const arrived = await store.db.selectFrom('statements').select('entity_id').where('origin', '=', 'NEW-1').executeTakeFirstOrThrow();
      expect(await canonicalId(ctx, arrived.entity_id)).toBe(await canonicalId(ctx, original.id));
      // No full run happened: the arrivals were matched inside the import, as a combination event of their own.
      expect(await store.db.selectFrom('audit_events').select('id').where('action', '=', 'resolve').execute()).toHaveLength(runs.length);
      expect(await store.db.selectFrom('audit_events').select('category').where('action', '=', 'resolve.arrivals').execute()).toEqual([{ category: 'combination' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
