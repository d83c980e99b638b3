import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { visibleStatements } from '../access/authorize.js';

/** One record of a cluster: the cluster's canonical id, the record's source, and the key values of the row it came from. */
export interface ClusterRow {
  clusterId: string;
  source: string;
  recordId: string;
}

/**
 * Every resolved record the context may see with its cluster, as `cluster_id,source,record_id`
 * rows where record_id is the key value(s) of the source row (joined by `|`), so any ground
 * truth can score the result. A disclosure of resolution results, audited.
 */
export async function exportClusters(ctx: Ctx): Promise<ClusterRow[]> {
  return runWithPurpose(ctx, { action: 'export.clusters', category: 'disclosure' }, async (tx) => {
    const rows = await tx.db
      .selectFrom('entity_clusters')
      .innerJoin('statements', 'statements.entity_id', 'entity_clusters.entity_id')
      .innerJoin('sources', 'sources.id', 'statements.source_id')
      .select(['entity_clusters.cluster_id', 'statements.source_id', 'statements.origin'])
      .where(visibleStatements(tx))
      .distinct()
      .orderBy('entity_clusters.cluster_id')
      .orderBy('statements.source_id')
      .orderBy('statements.origin')
      .execute();
    const value = rows.map((r) => ({ clusterId: r.cluster_id, source: r.source_id, recordId: r.origin }));
    return { value, detail: { rows: value.length } };
  });
}
