import { sql, type RawBuilder } from 'kysely';
import { readableStatements, type ReadAccess } from '../access/read-access.js';
import { PLANNED_WITH_VALUES } from '../store/prepared.js';
import type { GraphNode } from './types.js';

/**
 * Values that connect records as nodes of their own, as FollowTheMoney's graph does: a phone
 * number, an address or an email address held by several records joins them, whatever their
 * schema and source. A value node's id is `value:<group>:<key>`, the key being the search index's
 * normalised form (E.164 for phones, expanded abbreviations for addresses), so variants written
 * differently by two sources meet in one node. Calls run between the phone numbers they name.
 */

/** The property-type groups whose values are nodes, and the pseudo-schema their nodes show. */
export const VALUE_GROUPS = { phone: 'Phone', address: 'Address', email: 'Email' } as const;

/** A group whose values are nodes. */
export type ValueGroup = keyof typeof VALUE_GROUPS;

/** Edge types of value links: a record holding a value, and a call between two numbers. */
export const VALUE_EDGE_TYPES: readonly string[] = [...Object.keys(VALUE_GROUPS), 'Call'];

/** Relationship entities that join values rather than entities (each is an edge with its own id and properties). */
export const VALUE_EDGE_SCHEMATA: ReadonlySet<string> = new Set(['Call']);

const PREFIX = 'value:';
// Longer keys (free-text addresses run on) make no useful node and no usable id.
const MAX_KEY = 180;

/** A value node's group and key, or null when the id names an entity. */
export function parseValueId(id: string): { grp: ValueGroup; key: string } | null {
  if (!id.startsWith(PREFIX)) return null;
  const rest = id.slice(PREFIX.length);
  const colon = rest.indexOf(':');
  const grp = rest.slice(0, colon);
  const key = rest.slice(colon + 1);
  if (colon < 0 || !(grp in VALUE_GROUPS) || key === '') return null;
  return { grp: grp as ValueGroup, key };
}

/** Whether an id names a value node. */
export function isValueId(id: string): boolean {
  return parseValueId(id) !== null;
}

/** SQL: the value node id of a search index row. */
function valueIdSql(alias: string): RawBuilder<string> {
  return sql<string>`${sql.lit(PREFIX)} || ${sql.ref(`${alias}.grp`)} || ':' || ${sql.ref(`${alias}.key`)}`;
}

/** Search index rows of value groups, with the statement behind each visible to the caller; sources that may not be combined take no part. */
function visibleValues(access: ReadAccess) {
  return access.db
    .selectFrom('search_values as sv')
    .innerJoin('statements', 'statements.id', 'sv.statement_id')
    .where('sv.grp', 'in', Object.keys(VALUE_GROUPS))
    // Planned with its values every time, never prepared: a plan made without them reads the whole index.
    .where(sql<boolean>`length(sv.key) between 1 and ${MAX_KEY} ${sql.raw(PLANNED_WITH_VALUES)}`)
    .where(readableStatements(access, { combinableOnly: true }));
}

/**
 * SQL arms of the incident-edge union for value nodes: the values these records hold, the records
 * holding these values, and the calls between these numbers. Columns: edge, self, other, type,
 * dir, directed, as the entity arms.
 */
export function valueEdgeArms(access: ReadAccess, members: readonly string[]): RawBuilder<unknown>[] {
  const records = members.filter((id) => !isValueId(id));
  const values = members.map(parseValueId).filter((v): v is { grp: ValueGroup; key: string } => v !== null);
  const arms: RawBuilder<unknown>[] = [];
  const notCalls = sql<boolean>`statements.schema not in (${sql.join([...VALUE_EDGE_SCHEMATA].map((s) => sql.lit(s)))})`;
  if (records.length > 0) {
    const held = visibleValues(access)
      .where(sql<boolean>`sv.entity_id = any(${sql.val(records)}::text[])`)
      .where(notCalls)
      .select([
        sql<string>`sv.entity_id || ':' || sv.grp || ':' || sv.key`.as('edge'),
        sql<string>`sv.entity_id`.as('self'),
        valueIdSql('sv').as('other'),
        sql<string>`sv.grp`.as('type'),
        sql<string>`'out'`.as('dir'),
        sql<boolean>`false`.as('directed'),
      ]);
    arms.push(sql`${held}`);
  }
  if (values.length > 0) {
    const pairs = sql.join(values.map((v) => sql`(${v.grp}, ${v.key})`));
    const holders = visibleValues(access)
      .where(sql<boolean>`(sv.grp, sv.key) in (${pairs})`)
      .where(notCalls)
      .select([
        sql<string>`sv.entity_id || ':' || sv.grp || ':' || sv.key`.as('edge'),
        valueIdSql('sv').as('self'),
        sql<string>`sv.entity_id`.as('other'),
        sql<string>`sv.grp`.as('type'),
        sql<string>`'in'`.as('dir'),
        sql<boolean>`false`.as('directed'),
      ]);
    arms.push(sql`${holders}`);
    const phones = values.filter((v) => v.grp === 'phone').map((v) => v.key);
    if (phones.length > 0) {
      // A call names its caller's and receiver's numbers: it is an edge between the two.
      const near = visibleValues(access)
        .where('sv.grp', '=', 'phone')
        .where(sql<boolean>`sv.key = any(${sql.val(phones)}::text[])`)
        .where('statements.schema', '=', 'Call')
        .where('statements.property', 'in', ['callerNumber', 'receiverNumber'])
        .select(['statements.entity_id as call', 'statements.property', 'sv.key']);
      const far = visibleValues(access)
        .where('sv.grp', '=', 'phone')
        .where('statements.schema', '=', 'Call')
        .where('statements.property', 'in', ['callerNumber', 'receiverNumber'])
        .select(['statements.entity_id as call', 'statements.property', 'sv.key']);
      arms.push(sql`
        select n.call as edge, ${sql.lit(PREFIX)} || 'phone:' || n.key as self, ${sql.lit(PREFIX)} || 'phone:' || f.key as other,
          'Call' as type, case when n.property = 'callerNumber' then 'out' else 'in' end as dir, true as directed
        from (${near}) n
        join lateral (${far.where(sql<boolean>`statements.entity_id = n.call and statements.property <> n.property`)}) f on true`);
    }
  }
  return arms;
}

/** Describes value nodes as the caller may see them: a value with no visible statement is no node. */
export async function describeValueNodes(access: ReadAccess, ids: Iterable<string>): Promise<Map<string, GraphNode>> {
  const values = [...new Set(ids)].map((id) => ({ id, value: parseValueId(id) })).filter((v): v is { id: string; value: { grp: ValueGroup; key: string } } => v.value !== null);
  const nodes = new Map<string, GraphNode>();
  if (values.length === 0) return nodes;
  const pairs = sql.join(values.map((v) => sql`(${v.value.grp}, ${v.value.key})`));
  const rows = await visibleValues(access)
    .where(sql<boolean>`(sv.grp, sv.key) in (${pairs})`)
    .select(['sv.grp', 'sv.key', sql<string>`min(statements.value)`.as('caption')])
    .groupBy(['sv.grp', 'sv.key'])
    .execute();
  for (const row of rows) {
    const id = `${PREFIX}${row.grp}:${row.key}`;
    nodes.set(id, { id, schema: VALUE_GROUPS[row.grp as ValueGroup], caption: row.caption, ids: [id] });
  }
  return nodes;
}
