import type { Ctx } from '../context/context.js';
import { assembleVisibleEntities, mergeEntities, shownId, type Entity } from '../entities/get-entity.js';

/** Each id's canonical id right now: its cluster's, or its own. */
export async function canonicalIds(tx: Ctx, ids: readonly string[]): Promise<Map<string, string>> {
  const map = new Map(ids.map((id) => [id, id]));
  if (ids.length === 0) return map;
  const rows = await tx.db.selectFrom('entity_clusters').select(['entity_id', 'cluster_id']).where('entity_id', 'in', [...new Set(ids)]).execute();
  for (const row of rows) map.set(row.entity_id, row.cluster_id);
  return map;
}

/** The records behind each canonical id (the cluster's members, or the id alone). */
export async function clusterMembers(tx: Ctx, canonical: readonly string[]): Promise<Map<string, string[]>> {
  const map = new Map(canonical.map((id) => [id, [id]]));
  if (canonical.length === 0) return map;
  const rows = await tx.db.selectFrom('entity_clusters').select(['entity_id', 'cluster_id']).where('cluster_id', 'in', [...new Set(canonical)]).execute();
  for (const row of rows) {
    const list = map.get(row.cluster_id) ?? [];
    if (!list.includes(row.entity_id)) list.push(row.entity_id);
    map.set(row.cluster_id, list);
  }
  return map;
}

/**
 * The subjects (stored ids) as the caller may see them: each through its whole cluster, under an
 * id the caller may see; subjects with nothing visible are absent from the map.
 */
export async function visibleSubjects(tx: Ctx, storedIds: readonly string[]): Promise<Map<string, Entity>> {
  const canonical = await canonicalIds(tx, storedIds);
  const members = await clusterMembers(tx, [...new Set(canonical.values())]);
  const wanted = new Set<string>(storedIds);
  for (const list of members.values()) for (const id of list) wanted.add(id);
  const entities = new Map((await assembleVisibleEntities(tx, [...wanted])).map((e) => [e.id, e]));
  const seen = new Map<string, Entity>();
  for (const stored of storedIds) {
    const canon = canonical.get(stored) ?? stored;
    const ids = new Set([stored, ...(members.get(canon) ?? [])]);
    const visible = [...ids].map((id) => entities.get(id)).filter((e): e is Entity => e !== undefined);
    if (visible.length === 0) continue;
    seen.set(stored, visible.length === 1 && visible[0] !== undefined ? visible[0] : mergeEntities(shownId(canon, visible), visible));
  }
  return seen;
}
