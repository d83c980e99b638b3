import { visibleStatements } from '../access/authorize.js';
import type { Ctx } from '../context/context.js';
import { recordDenial, requirePurpose, runWithPurpose } from '../context/purpose.js';
import { assembleVisibleEntities } from '../entities/get-entity.js';
import { getSource } from '../sources/register-source.js';
import { formatFtmEntity } from './ftm-entities.js';

/** What an export wrote. */
export interface ExportSummary {
  entities: number;
}

const PAGE = 500;

/**
 * Writes the entities the context may see as an FtM entity stream (one JSON object a line,
 * properties sorted), optionally only from some sources. A disclosure: each page is one audit
 * event naming the entities it disclosed, so oversight can list every export of a subject.
 * @example await exportFtm(ctx, { write: (line) => out.write(line) })
 */
export async function exportFtm(
  ctx: Ctx,
  input: { sourceIds?: string[]; write: (line: string) => void | Promise<void>; onProgress?: (entities: number) => void },
): Promise<ExportSummary> {
  const action = { action: 'export.ftm', category: 'disclosure' } as const;
  try {
    requirePurpose(ctx);
  } catch (error) {
    await recordDenial(ctx, action, error);
    throw error;
  }
  for (const id of input.sourceIds ?? []) await getSource(ctx.db, id);
  let after = '';
  let written = 0;
  for (;;) {
    const page = await runWithPurpose(ctx, action, async (tx) => {
      // Keyset paging over entity ids that have a statement the caller may see.
      let ids = tx.db
        .selectFrom('statements')
        .innerJoin('sources', 'sources.id', 'statements.source_id')
        .select('statements.entity_id')
        .distinct()
        .where('statements.entity_id', '>', after)
        .where(visibleStatements(tx))
        .orderBy('statements.entity_id')
        .limit(PAGE);
      if (input.sourceIds !== undefined) ids = ids.where('statements.source_id', 'in', input.sourceIds);
      const entityIds = (await ids.execute()).map((row) => row.entity_id);
      const entities = await assembleVisibleEntities(tx, entityIds, input.sourceIds !== undefined ? { sourceIds: input.sourceIds } : {});
      return {
        value: { entities, last: entityIds.at(-1) },
        subjectIds: entities.map((e) => e.id),
        detail: { format: 'ftm', entities: entities.length, ...(input.sourceIds ? { sources: input.sourceIds } : {}) },
      };
    });
    for (const entity of page.entities) {
      const properties: Record<string, string[]> = {};
      for (const [name, values] of Object.entries(entity.properties)) properties[name] = [...new Set(values.map((v) => v.value))].sort();
      await input.write(formatFtmEntity({ id: entity.id, schema: entity.schema, properties }) + '\n');
      written++;
    }
    input.onProgress?.(written);
    if (page.last === undefined) break;
    after = page.last;
  }
  return { entities: written };
}
