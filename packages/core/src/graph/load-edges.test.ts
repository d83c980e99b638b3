import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideReads } from '../access/read-access.js';
import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { writeEntities, type SourcedEntity } from '../entities/write-entities.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/index.js';
import { markedTeam } from '../test-support/marked-team.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { countEdges, loadEdgePage, loadEdgeRows, type Direction } from './load-edges.js';

const MARKING = 'LE-ONLY';
const HUB = 'c-hub';

// A company many made-up people own, direct, call and share a phone with. Some owners are
// children (hidden unless unlocked), some links come from a source the plain analyst may not see.
function registry(): SourcedEntity[] {
  const entities: SourcedEntity[] = [{ id: HUB, schema: 'Company', origin: 'H', properties: { name: ['Hub Trading Ltd'], phone: ['+44 20 7946 0999'] } }];
  for (let i = 0; i < 70; i++) {
    const child = i % 9 === 4;
    entities.push({ id: `p-${i}`, schema: 'Person', origin: `P${i}`, properties: { name: [`Owner Number ${i}`], birthDate: [child ? '2019-03-0' + ((i % 9) + 1) : `1970-01-${String((i % 28) + 1).padStart(2, '0')}`], ...(i % 5 === 0 ? { phone: ['+44 20 7946 0999'] } : {}) } });
    entities.push({ id: `own-${i}`, schema: 'Ownership', origin: `O${i}`, properties: { owner: [`p-${i}`], asset: [HUB], percentage: [String(i % 40)] } });
    if (i % 3 === 0) entities.push({ id: `dir-${i}`, schema: 'Directorship', origin: `D${i}`, properties: { director: [`p-${i}`], organization: [HUB] } });
    if (i % 4 === 1) entities.push({ id: `pay-${i}`, schema: 'Payment', origin: `Y${i}`, properties: { payer: [HUB], beneficiary: [`p-${i}`], amount: ['100'] } });
  }
  return entities;
}
const RESTRICTED: SourcedEntity[] = Array.from({ length: 12 }, (_, i) => ({ id: `own-x${i}`, schema: 'Ownership', origin: `X${i}`, properties: { owner: [`p-${i * 5 + 1}`], asset: [HUB] } }));

describe.each(dialects())('a page of edges read with its counts, on %s', (dialect) => {
  let store: Store;
  let plain: Ctx;
  let marked: Ctx;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const operator = testContext(store);
    const team = await markedTeam(store, { marking: MARKING, title: 'Hub', justification: 'who stands behind the hub' });
    ({ plain, marked } = team);
    const purpose = { caseId: team.caseId, code: 'fraud-audit', justification: 'who stands behind the hub' };
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Public register', purposes: ['fraud-audit'] });
    await registerSource(operator, { id: 'restricted', name: 'Restricted intelligence', legalBasis: 'Order 7', purposes: ['fraud-audit'], markings: [MARKING] });
    const writer = testContext(store, { purpose });
    await writeEntities(writer, { sourceId: 'registry', entities: registry() });
    await writeEntities(writer, { sourceId: 'restricted', entities: RESTRICTED });
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  /** The page and counts in one statement, and the same read as two. */
  async function bothWays(ctx: Ctx, query: { members: string[]; direction: Direction; types?: string[]; limit: number; offset: number }) {
    return runWithPurpose(ctx, { action: 'graph.expand', category: 'consultation', subjectIds: query.members }, async (tx) => {
      const access = await decideReads(tx);
      const together = await loadEdgePage(tx, access, query);
      const rows = await loadEdgeRows(tx, access, { ...query, ordered: true });
      const counts = await countEdges(tx, access, query);
      return { value: { together, apart: { rows, counts } } };
    });
  }

  it('gives the same page, in the same order, and the same counts as reading them apart', async () => {
    const queries: Array<{ direction: Direction; types?: string[] }> = [{ direction: 'both' }, { direction: 'in' }, { direction: 'out' }, { direction: 'both', types: ['Ownership', 'phone'] }];
    let compared = 0;
    for (const ctx of [plain, marked]) {
      for (const q of queries) {
        for (const [limit, offset] of [[1, 0], [20, 0], [20, 17], [50, 50], [500, 0], [30, 140], [10, 1000]] as const) {
          const { together, apart } = await bothWays(ctx, { members: [HUB], ...q, limit, offset });
          expect(together.rows).toEqual(apart.rows);
          expect(together.counts).toEqual(apart.counts);
          compared += together.rows.length;
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('leaves out what the caller may not see from the page and the counts alike', async () => {
    const all = { members: [HUB], direction: 'both' as const, limit: 500, offset: 0 };
    const seen = await bothWays(plain, all);
    const more = await bothWays(marked, all);
    // The marked analyst sees the twelve restricted ownerships as well (every end is an adult).
    const restrictedEnds = new Set(RESTRICTED.map((e) => String(e.properties.owner?.[0])));
    const adults = [...restrictedEnds].filter((id) => Number(id.slice(2)) % 9 !== 4).length;
    expect(more.together.counts.total - seen.together.counts.total).toBe(adults);
    expect(seen.together.rows.some((row) => row.edge.startsWith('own-x'))).toBe(false);
    // Children's edges are not there for either.
    const children = new Set(Array.from({ length: 70 }, (_, i) => i).filter((i) => i % 9 === 4).map((i) => `p-${i}`));
    expect(more.together.rows.some((row) => children.has(row.other))).toBe(false);
    expect(more.together.rows).toHaveLength(more.together.counts.total);
  });
});
