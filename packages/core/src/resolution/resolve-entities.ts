import { sql } from 'kysely';
import { visibleStatements } from '../access/authorize.js';
import { sensitiveStatementsFilter, unlockedCategories } from '../access/sensitive.js';
import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { requireRole } from '../access/require-role.js';
import { Invalid } from '../errors.js';
import { publishLive } from '../live/live-events.js';
import { model } from '../model/ftm.js';
import { randomUUID } from 'node:crypto';
import { candidatePairs, clusterPairs, compareRecords, resolveRecords, termFrequencies, weighOutcomes, type FellegiSunterParameters, type PairJudgments, type ResolutionRecord, type ScoredIdPair, type ScoredPair } from './scoring/index.js';

/** What a resolution run did. */
export interface ResolveSummary {
  records: number;
  pairs: number;
  linked: number;
  clusters: number;
  /** Clusters of more than one record. */
  merged: number;
  skippedBlocks: number;
}

// Pairs below this are not worth a reviewer's look nor a row.
const KEEP_PAIRS_FROM = 0.05;
const DEFAULT_THRESHOLD = 0.5;
/** Schemata whose records describe people and organisations: the ones resolution compares. */
export const RESOLVED_SCHEMATA: readonly string[] = Object.values(model.schemata)
  .filter((schema) => schema !== undefined && schema.isA('LegalEntity') && !schema.abstract)
  .map((schema) => (schema as { name: string }).name);

const NAME_PROPERTIES = new Set(['name', 'alias', 'previousName', 'weakAlias']);

/**
 * The records of people and organisations the context may see, one per entity id, in the shape
 * resolution compares. Sources that may not be combined with others take no part.
 */
export async function loadResolutionRecords(tx: Ctx, options: { sources?: readonly string[] } = {}): Promise<ResolutionRecord[]> {
  const unlocked = await unlockedCategories(tx);
  let query = tx.db
    .selectFrom('statements')
    .innerJoin('sources', 'sources.id', 'statements.source_id')
    .select(['statements.entity_id', 'statements.schema', 'statements.source_id', 'statements.property', 'statements.prop_type', 'statements.value'])
    .where('statements.schema', 'in', RESOLVED_SCHEMATA)
    .where('sources.may_combine', '=', true)
    .where(visibleStatements(tx))
    .where(sensitiveStatementsFilter(unlocked));
  if (options.sources !== undefined && options.sources.length > 0) query = query.where('statements.source_id', 'in', [...options.sources]);
  const rows = await query.orderBy('statements.entity_id').execute();
  const records = new Map<string, ResolutionRecord & { givenNames: string[]; surnames: string[]; postcodes: string[] }>();
  for (const row of rows) {
    let record = records.get(row.entity_id);
    if (record === undefined) {
      record = { id: row.entity_id, schema: row.schema, source: row.source_id, names: [], givenNames: [], surnames: [], birthDates: [], identifiers: [], phones: [], emails: [], addresses: [], postcodes: [] };
      records.set(row.entity_id, record);
    }
    const add = (list: string[]) => {
      if (!list.includes(row.value)) list.push(row.value);
    };
    if (NAME_PROPERTIES.has(row.property)) add(record.names);
    else if (row.property === 'firstName') add(record.givenNames);
    else if (row.property === 'lastName') add(record.surnames);
    else if (row.property === 'birthDate' || row.property === 'incorporationDate') add(record.birthDates);
    else if (row.property === 'postalCode') add(record.postcodes);
    else if (row.prop_type === 'identifier') add(record.identifiers);
    else if (row.prop_type === 'phone') add(record.phones);
    else if (row.prop_type === 'email') add(record.emails);
    else if (row.prop_type === 'address') add(record.addresses);
  }
  // A record with no name cannot be compared as a person or company is.
  return [...records.values()].filter((r) => r.names.length > 0 || r.givenNames.length + r.surnames.length > 0);
}

/** The judgments in force between any of these ids. */
export async function judgmentsAmong(tx: Ctx, ids?: readonly string[]): Promise<PairJudgments> {
  let query = tx.db.selectFrom('judgments').select(['a_id', 'b_id', 'verdict']).where('undone_at', 'is', null);
  if (ids !== undefined) query = query.where('a_id', 'in', [...ids]).where('b_id', 'in', [...ids]);
  const rows = ids !== undefined && ids.length === 0 ? [] : await query.orderBy('judged_at').execute();
  // The latest judgment of a pair decides it.
  const latest = new Map<string, { pair: [string, string]; verdict: string }>();
  for (const row of rows) latest.set(`${row.a_id}\u0000${row.b_id}`, { pair: [row.a_id, row.b_id], verdict: row.verdict });
  const judgments: PairJudgments = { positive: [], negative: [] };
  for (const { pair, verdict } of latest.values()) {
    if (verdict === 'positive') judgments.positive.push(pair);
    else if (verdict === 'negative') judgments.negative.push(pair);
  }
  return judgments;
}

/** Writes the clusters of these ids: each id maps to its cluster's canonical id (its smallest member id). */
export async function writeClusters(tx: Ctx, clusters: readonly string[][]): Promise<void> {
  const entityIds: string[] = [];
  const clusterIds: string[] = [];
  for (const cluster of clusters) {
    const canonical = [...cluster].sort()[0];
    if (canonical === undefined) continue;
    for (const id of cluster) {
      entityIds.push(id);
      clusterIds.push(canonical);
    }
  }
  for (let i = 0; i < entityIds.length; i += 5000) {
    await sql`
      insert into entity_clusters (entity_id, cluster_id)
      select * from unnest(${entityIds.slice(i, i + 5000)}::text[], ${clusterIds.slice(i, i + 5000)}::text[])
      on conflict (entity_id) do update set cluster_id = excluded.cluster_id`.execute(tx.db);
  }
}

/**
 * Resolves the records of the given sources (all the caller may see by default) without labels:
 * blocking, comparisons, Fellegi-Sunter weights with m and u from EM and term frequencies, and
 * clusters that respect judgments. Records are never rewritten: the run stores its scored pairs
 * (with each comparison's weight) and each entity's cluster. A combination event, purpose-bound.
 * @example await resolveEntities(ctx, { sources: ['company-registry', 'vehicle-registry'], threshold: 0.5 })
 */
export async function resolveEntities(ctx: Ctx, input: { sources?: readonly string[]; threshold?: number } = {}): Promise<ResolveSummary> {
  const threshold = input.threshold ?? DEFAULT_THRESHOLD;
  if (!(threshold > 0 && threshold < 1)) throw new Invalid('the threshold is a match probability between 0 and 1, e.g. 0.5');
  const action = { action: 'resolve', category: 'combination' } as const;
  await requireRole(ctx, action, ['supervisor', 'administrator']);
  return runWithPurpose(ctx, action, async (tx) => {
    const records = await loadResolutionRecords(tx, { sources: input.sources });
    const judgments = await judgmentsAmong(tx);
    const run = resolveRecords(records, { threshold, judgments });
    const kept = run.pairs.filter((pair) => pair.probability >= KEEP_PAIRS_FROM);
    const ids = records.map((r) => r.id);
    for (let i = 0; i < ids.length; i += 5000) {
      const chunk = ids.slice(i, i + 5000);
      await tx.db.deleteFrom('candidate_pairs').where((eb) => eb.or([eb('a_id', 'in', chunk), eb('b_id', 'in', chunk)])).execute();
    }
    await storePairs(tx, kept, threshold);
    await writeClusters(tx, run.clusters);
    await tx.db.insertInto('resolution_models').values({ id: randomUUID(), fitted_at: tx.now(), threshold, parameters: JSON.stringify(run.parameters) }).execute();
    const summary: ResolveSummary = {
      records: records.length,
      pairs: run.pairs.length,
      linked: kept.filter((p) => p.probability >= threshold).length,
      clusters: run.clusters.length,
      merged: run.clusters.filter((c) => c.length > 1).length,
      skippedBlocks: run.skippedBlocks.length,
    };
    return { value: summary, detail: { ...summary, threshold, sources: input.sources ?? 'all' } };
  });
}

/** What matching newly arrived records did. */
export interface ArrivalsResolved {
  pairs: number;
  linked: number;
}

/** Whether a resolution run has fitted a model that arrivals can be matched under. */
export async function hasResolutionModel(ctx: Ctx): Promise<boolean> {
  return (await ctx.db.selectFrom('resolution_models').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** Stores scored pairs (ordered ids), each linked or not at the threshold; a pair already stored is left as it is. */
async function storePairs(tx: Ctx, pairs: readonly ScoredPair[], threshold: number): Promise<void> {
  const now = tx.now();
  for (let i = 0; i < pairs.length; i += 1000) {
    const batch = pairs.slice(i, i + 1000).map((pair) => {
      const [a, b] = pair.a < pair.b ? [pair.a, pair.b] : [pair.b, pair.a];
      return { a_id: a, b_id: b, probability: pair.probability, weight: pair.weight, contributions: JSON.stringify(pair.contributions), linked: pair.probability >= threshold, scored_at: now };
    });
    await tx.db.insertInto('candidate_pairs').values(batch).onConflict((oc) => oc.columns(['a_id', 'b_id']).doNothing()).execute();
  }
  if (pairs.length > 0) await publishLive(tx, { kind: 'review-queue' });
}

/**
 * Matches newly arrived records against everything stored, under the model the last resolution
 * run fitted (nothing happens before a first run): only pairs with a new record are scored, and
 * only the clusters around them change. Runs inside the caller's audited transaction (an import's
 * batch, say), whose purpose and access rules it shares.
 */
export async function resolveArrivals(tx: Ctx, entityIds: readonly string[]): Promise<ArrivalsResolved> {
  if (entityIds.length === 0) return { pairs: 0, linked: 0 };
  const model = await tx.db.selectFrom('resolution_models').select(['threshold', 'parameters']).orderBy('fitted_at', 'desc').limit(1).executeTakeFirst();
  if (model === undefined) return { pairs: 0, linked: 0 };
  const arrived = new Set(entityIds);
  const records = await loadResolutionRecords(tx);
  if (!records.some((r) => arrived.has(r.id))) return { pairs: 0, linked: 0 };
  const tf = termFrequencies(records);
  const parameters = model.parameters as FellegiSunterParameters;
  const scored: ScoredPair[] = [];
  for (const [i, j] of candidatePairs(records)) {
    const a = records[i];
    const b = records[j];
    if (a === undefined || b === undefined || (!arrived.has(a.id) && !arrived.has(b.id))) continue;
    const score = weighOutcomes(compareRecords(a, b), parameters, tf);
    if (score.probability >= KEEP_PAIRS_FROM) scored.push({ a: a.id, b: b.id, ...score });
  }
  await storePairs(tx, scored, model.threshold);
  const linked = scored.filter((p) => p.probability >= model.threshold);
  await reclusterAround(tx, [...new Set([...entityIds, ...linked.flatMap((p) => [p.a, p.b])])]);
  return { pairs: scored.length, linked: linked.length };
}

/**
 * Clusters again the records around these ids, from the pairs a run linked and the judgments in
 * force: after a judgment or its undoing, only the clusters it touches change.
 */
export async function reclusterAround(tx: Ctx, ids: readonly string[]): Promise<void> {
  const clusterIds = (await tx.db.selectFrom('entity_clusters').select('cluster_id').where('entity_id', 'in', [...ids]).execute()).map((r) => r.cluster_id);
  const members = new Set<string>(ids);
  if (clusterIds.length > 0) for (const row of await tx.db.selectFrom('entity_clusters').select('entity_id').where('cluster_id', 'in', clusterIds).execute()) members.add(row.entity_id);
  const all = [...members];
  const linked = await tx.db.selectFrom('candidate_pairs').select(['a_id', 'b_id', 'probability', 'weight']).where('linked', '=', true).where('a_id', 'in', all).where('b_id', 'in', all).execute();
  const pairs: ScoredIdPair[] = linked.map((p) => ({ a: p.a_id, b: p.b_id, probability: 1, weight: p.weight }));
  const clusters = clusterPairs(all, pairs, 0.5, await judgmentsAmong(tx, all));
  await writeClusters(tx, clusters);
}

/** The canonical id of an entity: its cluster's, or its own when it was never resolved. */
export async function canonicalId(tx: Ctx, id: string): Promise<string> {
  const row = await tx.db.selectFrom('entity_clusters').select('cluster_id').where('entity_id', '=', id).executeTakeFirst();
  return row?.cluster_id ?? id;
}
