import { sql } from 'kysely';
import type { Ctx } from '../context/context.js';
import { assembleVisibleEntities, mergeEntities, shownId, type Entity } from '../entities/get-entity.js';
import { NotFound } from '../errors.js';
import { isSchema, getSchema } from '../model/ftm.js';
import type { ReadAccess } from '../access/read-access.js';
import type { GraphNode } from './types.js';
import { describeValueNodes, isValueId } from './value-nodes.js';

/** Records grouped into nodes: each record's canonical id, and each canonical id's records. */
export interface Clusters {
  canonical: Map<string, string>;
  members: Map<string, string[]>;
}

/** The canonical id of each record and the records of each cluster (a record in no cluster is its own). */
export async function clustersOf(tx: Ctx, ids: Iterable<string>): Promise<Clusters> {
  const all = [...new Set(ids)];
  const canonical = new Map<string, string>(all.map((id) => [id, id]));
  // Value nodes are in no cluster: each is its own.
  const wanted = all.filter((id) => !isValueId(id));
  const members = new Map<string, string[]>();
  if (wanted.length === 0) return { canonical, members };
  const mapped = await tx.db
    .selectFrom('entity_clusters')
    .select(['entity_id', 'cluster_id'])
    .where(sql<boolean>`entity_id = any(${sql.val(wanted)}::text[])`)
    .execute();
  for (const row of mapped) canonical.set(row.entity_id, row.cluster_id);
  const clusterIds = [...new Set(mapped.map((row) => row.cluster_id))];
  const rows =
    clusterIds.length === 0
      ? []
      : await tx.db
          .selectFrom('entity_clusters')
          .select(['entity_id', 'cluster_id'])
          .where(sql<boolean>`cluster_id = any(${sql.val(clusterIds)}::text[])`)
          .orderBy('entity_id')
          .execute();
  for (const row of rows) {
    const list = members.get(row.cluster_id) ?? [];
    members.set(row.cluster_id, list);
    list.push(row.entity_id);
  }
  for (const id of new Set(canonical.values())) if (!members.has(id)) members.set(id, [id]);
  return { canonical, members };
}

/** The nodes these records belong to, as the caller may see them; by record id and by canonical id. Records of hidden nodes are absent. */
export interface DescribedNodes {
  byRecord: Map<string, GraphNode>;
  byCanonical: Map<string, GraphNode>;
  clusters: Clusters;
}

/** Describes the nodes of these records: the cluster's records the caller may see (read where `access` says), merged, with a caption. */
export async function describeNodes(tx: Ctx, access: ReadAccess, recordIds: Iterable<string>): Promise<DescribedNodes> {
  const clusters = await clustersOf(tx, recordIds);
  const allMembers = [...new Set([...clusters.members.values()].flat())].filter((id) => !isValueId(id));
  const visible = new Map((await assembleVisibleEntities(tx, allMembers, { access })).map((entity) => [entity.id, entity]));
  const byCanonical = new Map<string, GraphNode>();
  for (const [canonical, members] of clusters.members) {
    const seen = members.map((id) => visible.get(id)).filter((entity): entity is Entity => entity !== undefined);
    if (seen.length === 0) continue;
    const id = shownId(canonical, seen);
    const merged = mergeEntities(id, seen);
    byCanonical.set(canonical, { id, schema: merged.schema, caption: captionOf(merged), ids: seen.map((m) => m.id).sort() });
  }
  const valueIds = [...clusters.canonical.keys()].filter(isValueId);
  if (valueIds.length > 0) for (const [id, node] of await describeValueNodes(access, valueIds)) byCanonical.set(id, node);
  const byRecord = new Map<string, GraphNode>();
  for (const [record, canonical] of clusters.canonical) {
    const node = byCanonical.get(canonical);
    if (node !== undefined) byRecord.set(record, node);
  }
  return { byRecord, byCanonical, clusters };
}

/** A node the caller asked for by id, with its cluster's records; unknown and hidden ids get the same answer. */
export async function requireNode(tx: Ctx, access: ReadAccess, id: string): Promise<{ node: GraphNode; canonical: string; members: string[] }> {
  const described = await describeNodes(tx, access, [id]);
  const node = described.byRecord.get(id);
  const canonical = described.clusters.canonical.get(id) ?? id;
  if (node === undefined) throw new NotFound(`entity ${id} not found`);
  return { node, canonical, members: described.clusters.members.get(canonical) ?? [id] };
}

const CAPTION_FALLBACK = ['name', 'title', 'registrationNumber', 'full', 'number', 'email', 'phone', 'date'];

/** What a node is called: its schema's caption properties first, as FtM shows entities. */
export function captionOf(entity: Entity): string {
  const properties = isSchema(entity.schema) ? [...getSchema(entity.schema).caption, ...CAPTION_FALLBACK] : CAPTION_FALLBACK;
  for (const property of properties) {
    const value = entity.properties[property]?.[0]?.value;
    if (value !== undefined) return value;
  }
  return entity.schema;
}
