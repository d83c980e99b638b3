import { sql, type RawBuilder } from 'kysely';
import { readableStatements, type ReadAccess } from '../access/read-access.js';
import type { Ctx } from '../context/context.js';
import { EDGE_SCHEMATA, EDGE_SPECS } from './edge-model.js';
import { PLANNED_WITH_VALUES } from '../store/prepared.js';
import { valueEdgeArms } from './value-nodes.js';

/** Which edges of a node: those leaving it, those reaching it, or both (undirected edges are both). */
export type Direction = 'out' | 'in' | 'both';

/** One edge at one of its ends, as the store gives it: entity ids, before clusters map them to nodes. */
export interface EdgeRow {
  /** The relationship entity's id, or `holder:property:target` for an entity-valued property. */
  edge: string;
  /** The record at the end being expanded. */
  self: string;
  /** The record at the other end. */
  other: string;
  type: string;
  /** Which way the edge runs as seen from `self`. */
  dir: 'out' | 'in';
  directed: boolean;
}

/** Which edges to read around a set of records. */
export interface EdgeQuery {
  members: readonly string[];
  direction: Direction;
  types?: readonly string[] | undefined;
}

/**
 * The edges around these records that exist for the caller, as one SQL subquery. Every statement
 * that makes an edge passes the caller's access conditions (source policy, markings, sensitive
 * categories), and the other end must be a node the caller may see: a record of its cluster with
 * at least one visible statement, not one of a person who may be under 18 (unless unlocked).
 * The access conditions come from the decision made on the primary (`access`), as literal values,
 * so the subquery may run on a read replica.
 */
function visibleEdgesSql(tx: Ctx, access: ReadAccess, query: EdgeQuery, page?: { limit: number; offset: number; ordered: boolean }): RawBuilder<EdgeRow> {
  const ordered = page?.ordered === true;
  const members = sql.val([...query.members]);
  const refs = () =>
    access.db
      .selectFrom('statements')
      .where('statements.prop_type', '=', 'entity')
      .where('statements.normalized', 'is not', null)
      .where(readableStatements(access));
  const edgeSchemata = [...EDGE_SCHEMATA];
  // An entity-valued property held by one of the records (a Person's addressEntity, an Event's involved).
  const held = refs()
    .where(sql<boolean>`statements.entity_id = any(${members}::text[])`)
    .where('statements.schema', 'not in', edgeSchemata)
    .select([
      sql<string>`statements.entity_id || ':' || statements.property || ':' || statements.normalized`.as('edge'),
      sql<string>`statements.entity_id`.as('self'),
      sql<string>`statements.normalized`.as('other'),
      sql<string>`statements.property`.as('type'),
      sql<string>`'out'`.as('dir'),
      sql<boolean>`true`.as('directed'),
    ]);
  // The same kind of property held by another record and pointing at one of these.
  const pointing = refs()
    .where(sql<boolean>`statements.normalized = any(${members}::text[])`)
    .where('statements.schema', 'not in', edgeSchemata)
    .select([
      sql<string>`statements.entity_id || ':' || statements.property || ':' || statements.normalized`.as('edge'),
      sql<string>`statements.normalized`.as('self'),
      sql<string>`statements.entity_id`.as('other'),
      sql<string>`statements.property`.as('type'),
      sql<string>`'in'`.as('dir'),
      sql<boolean>`true`.as('directed'),
    ]);
  // A relationship entity naming one of these at one end, and someone at the other.
  const edgeRefs = refs()
    .where(sql<boolean>`statements.normalized = any(${members}::text[])`)
    .where('statements.schema', 'in', edgeSchemata)
    .select([sql<string>`statements.entity_id`.as('edge'), 'statements.schema', 'statements.property', sql<string>`statements.normalized`.as('self')]);
  // Each relationship entity's other end, looked up by its id and property: one index probe per
  // entity, whatever the number of records asked about (a join over all of them turns into a scan).
  const ends = refs()
    .where('statements.schema', 'in', edgeSchemata)
    .where(sql<boolean>`statements.entity_id = r.edge`)
    .where(sql<boolean>`statements.property = spec.other_prop`)
    .select(['statements.normalized']);
  const spec = sql.join(
    [...EDGE_SPECS.values()].flatMap((s) => [
      sql`(${sql.lit(s.schema)}, ${sql.lit(s.source)}, ${sql.lit(s.target)}, ${sql.lit('out')}, ${sql.lit(s.directed)})`,
      sql`(${sql.lit(s.schema)}, ${sql.lit(s.target)}, ${sql.lit(s.source)}, ${sql.lit('in')}, ${sql.lit(s.directed)})`,
    ]),
  );
  const conditions: Array<RawBuilder<unknown>> = [sql`true`];
  if (query.direction !== 'both') conditions.push(sql`(i.dir = ${query.direction} or not i.directed)`);
  if (query.types !== undefined) conditions.push(sql`i.type = any(${sql.val([...query.types])}::text[])`);
  const visibleOther = sql`(c.other like 'value:%' or exists (select 1 from (select c.other as id union select c2.entity_id from entity_clusters c1 join entity_clusters c2 on c2.cluster_id = c1.cluster_id where c1.entity_id = c.other) m where ${visibleRecord(tx, access, sql.ref('m.id'))}))`;
  const valueArms = valueEdgeArms(access, query.members).map((arm) => sql`union ${arm}`);
  // The incident rows are cheap (index scans); whether the other end is a node the caller sees is
  // not (a probe per row). The rows are fenced (offset 0) so that check runs after the sort, on
  // rows as they are taken: a page of 50 checks 50-odd ends, not every edge of a busy node.
  // Planned with the records' ids every time, never prepared (a plan made without them is many times slower).
  return sql<EdgeRow>`(${sql.raw(PLANNED_WITH_VALUES)}
    with edge_refs as (${edgeRefs}),
    spec (schema, ref_prop, other_prop, dir, directed) as (values ${spec}),
    incident as (
      ${held}
      union
      ${pointing}
      union
      select r.edge, r.self, e.normalized as other, r.schema as type, spec.dir, spec.directed
      from edge_refs r
      join spec on spec.schema = r.schema and spec.ref_prop = r.property
      cross join lateral (${ends}) e
      ${sql.join(valueArms, sql` `)}
    )
    select c.*
    from (select i.edge, i.self, i.other, i.type, i.dir, i.directed${ordered ? sql.raw(`, ${SORT_KEYS.map((column, k) => `i.${column} ${C} as k${k}`).join(', ')}`) : sql``}
          from incident i where ${sql.join(conditions, sql` and `)} ${ordered ? sql`order by ${sortKeys('i', true)}` : sql``} offset 0) c
    where ${visibleOther}
    ${ordered ? sql`order by ${sortKeys('c')}` : sql``}
    ${page === undefined ? sql`` : sql`limit ${page.limit} offset ${page.offset}`}
  )`;
}

const C = 'collate "C"';
/**
 * The stable order of edge rows when paging: by type, then other end, edge and own end, bytewise.
 * Ordered rows carry these keys as columns k0..k3 (the ids themselves keep their collation, which
 * the indexes the checks probe are built in), so the order by over them is the one the fenced
 * rows were sorted in and the planner keeps it rather than sorting every row again.
 */
const SORT_KEYS = ['type', 'other', 'edge', 'self'] as const;

/** The sort keys of ordered rows, as columns k0..k3 of this alias, or the expressions that make them. */
function sortKeys(alias: string, expressions = false): RawBuilder<unknown> {
  return sql.raw(SORT_KEYS.map((column, k) => (expressions ? `${alias}.${column} ${C}` : `${alias}.k${k}`)).join(', '));
}

/** SQL: the record has a statement the caller may see, and is not one of a person who may be under 18 (unless unlocked). */
export function visibleRecord(tx: Ctx, access: ReadAccess, id: RawBuilder<unknown>): RawBuilder<boolean> {
  const statementsOf = () =>
    access.db
      .selectFrom('statements')
      .select(sql`1`.as('one'))
      .where(sql<boolean>`statements.entity_id = ${id}`)
      .where(readableStatements(access));
  if (access.unlocked.has('minors')) return sql<boolean>`exists (${statementsOf()})`;
  const cutoff = minorCutoff(tx.now());
  // The same rule as mayBeMinor: a date known only to the year or month counts to its end.
  const minor = statementsOf()
    .where('statements.property', '=', 'birthDate')
    .where(sql<boolean>`case when length(statements.value) < 10 then statements.value >= substr(${cutoff}, 1, length(statements.value)) else statements.value > ${cutoff} end`);
  return sql<boolean>`(exists (${statementsOf()}) and not exists (${minor}))`;
}

/** The birth date of someone who turns 18 on this day: later birth dates may be a minor's. */
function minorCutoff(now: Date): string {
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - 18);
  return cutoff.toISOString().slice(0, 10);
}

/**
 * The edges around these records that exist for the caller, in a stable order (by type, then
 * other end) when paging, or as found when only a bounded sample is needed (path search).
 */
export async function loadEdgeRows(tx: Ctx, access: ReadAccess, query: EdgeQuery & { limit: number; offset?: number; ordered?: boolean }): Promise<EdgeRow[]> {
  if (query.members.length === 0) return [];
  const ordered = query.ordered !== false;
  const edges = visibleEdgesSql(tx, access, query, { limit: query.limit, offset: query.offset ?? 0, ordered });
  const result = await sql<EdgeRow>`select vi.edge, vi.self, vi.other, vi.type, vi.dir, vi.directed from ${edges} vi ${ordered ? sql`order by ${sortKeys('vi')}` : sql``}`.execute(access.db);
  return result.rows;
}

/** Edges counted exactly around one node or frontier; past this the counts are lower bounds, marked capped. */
export const COUNT_CAP = 10_000;

/**
 * How many edges of each type exist for the caller around these records, and how many distinct
 * records they reach: exact up to COUNT_CAP edges, lower bounds past it (`capped`), so a very
 * busy node is not re-checked edge by edge only to be counted.
 */
export async function countEdges(tx: Ctx, access: ReadAccess, query: EdgeQuery): Promise<EdgeCounts> {
  if (query.members.length === 0) return { byType: new Map(), total: 0, neighbours: 0, capped: false };
  const result = await sql<{ type: string | null; edges: number; neighbours: number }>`
    select vi.type, count(*)::int as edges, count(distinct vi.other)::int as neighbours
    from (select * from ${visibleEdgesSql(tx, access, query)} taken limit ${COUNT_CAP + 1}) vi group by rollup (vi.type)`.execute(access.db);
  return edgeCounts(result.rows);
}

/** A page of edges in the stable order, and the counts of all of them. */
export interface EdgePage {
  rows: EdgeRow[];
  counts: EdgeCounts;
}

/** Edges by type around a node or frontier, their total and the distinct records they reach (lower bounds when capped). */
export interface EdgeCounts {
  byType: Map<string, number>;
  total: number;
  neighbours: number;
  capped: boolean;
}

/**
 * A page of the edges around these records in the stable order, with the counts of all of them,
 * in one statement: the counts check every edge's other end up to COUNT_CAP anyway, so the page is
 * sorted from those checked edges rather than planned and read a second time. Past the cap the
 * checked edges are a sample, not all of them, so the page is read on its own (busy nodes only).
 */
export async function loadEdgePage(tx: Ctx, access: ReadAccess, query: EdgeQuery & { limit: number; offset: number }): Promise<EdgePage> {
  if (query.members.length === 0) return { rows: [], counts: { byType: new Map(), total: 0, neighbours: 0, capped: false } };
  type Row = EdgeRow & { edges: number | null; neighbours: number | null };
  const result = await sql<Row>`
    with taken as materialized (select * from ${visibleEdgesSql(tx, access, query)} vi limit ${COUNT_CAP + 1}),
    ranked as (select t.edge, t.self, t.other, t.type, t.dir, t.directed, row_number() over (order by ${sortKeys('t', true)}) as n from taken t)
    select null::text as edge, null::text as self, null::text as other, c.type, null::text as dir, null::boolean as directed, c.edges, c.neighbours, 0::bigint as n
    from (select t.type, count(*)::int as edges, count(distinct t.other)::int as neighbours from taken t group by rollup (t.type)) c
    union all
    select r.edge, r.self, r.other, r.type, r.dir, r.directed, null::int, null::int, r.n from ranked r where r.n > ${query.offset} and r.n <= ${query.offset + query.limit}
    order by n`.execute(access.db);
  const counts = edgeCounts(result.rows.filter((row) => row.edges !== null) as Array<{ type: string | null; edges: number; neighbours: number }>);
  if (counts.capped) return { rows: await loadEdgeRows(tx, access, { ...query, ordered: true }), counts };
  const rows = result.rows.filter((row) => row.edges === null).map(({ edge, self, other, type, dir, directed }) => ({ edge, self, other, type, dir, directed }));
  return { rows, counts };
}

/** Counts from rows of `group by rollup (type)`: the row without a type is the whole. */
function edgeCounts(rows: ReadonlyArray<{ type: string | null; edges: number; neighbours: number }>): EdgeCounts {
  const byType = new Map<string, number>();
  let total = 0;
  let neighbours = 0;
  for (const row of rows) {
    if (row.type === null) {
      total = row.edges;
      neighbours = row.neighbours;
    } else byType.set(row.type, row.edges);
  }
  return { byType, total, neighbours, capped: total > COUNT_CAP };
}

/** The visible values of relationship entities (dates, amounts, roles), by entity and property; entity-valued ones are left out, they are the edge's ends. */
export async function edgeProperties(access: ReadAccess, edgeIds: readonly string[]): Promise<Map<string, Record<string, string[]>>> {
  const byEdge = new Map<string, Record<string, string[]>>();
  if (edgeIds.length === 0) return byEdge;
  const rows = await access.db
    .selectFrom('statements')
    .select(['statements.entity_id', 'statements.property', 'statements.value'])
    .where(sql<boolean>`statements.entity_id = any(${sql.val([...edgeIds])}::text[])`)
    .where('statements.prop_type', '<>', 'entity')
    .where(readableStatements(access))
    .orderBy('statements.entity_id')
    .orderBy('statements.property')
    .orderBy('statements.value')
    .execute();
  for (const row of rows) {
    const properties = byEdge.get(row.entity_id) ?? {};
    byEdge.set(row.entity_id, properties);
    const values = (properties[row.property] ??= []);
    if (!values.includes(row.value)) values.push(row.value);
  }
  return byEdge;
}
