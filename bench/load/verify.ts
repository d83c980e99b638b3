// Checks a filled load store against the product's own code: the normalised values and search
// rows of sampled records equal what the write path would have stored, and the real use cases
// find a person by name and by phone, show a profile and expand a relationship.
import { randomBytes } from 'node:crypto';
import { checkValue, createContext, createDb, defaultConfig, expandNode, getEntity, indexValue, sealTerms, searchEntities, type Ctx } from '@casegraph/core';
import type { LoadShape } from './fill.js';

function sameTerms(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((t) => right.has(t));
}

/** Throws with every difference found; answers a line saying what was checked. */
export async function verifyLoadStore(target: string, shape: LoadShape): Promise<string> {
  const store = await createDb({ databaseUrl: target, migrate: false });
  const problems: string[] = [];
  try {
    const ids = [
      ...Array.from({ length: 40 }, (_, n) => `lp${1 + Math.floor(((n * 2654435761) % 4294967296) / 4294967296 * shape.people)}`),
      ...Array.from({ length: 10 }, (_, n) => `lc${1 + Math.floor(((n * 40503 + 17) % 65536) / 65536 * shape.companies)}`),
    ];
    const rows = await store.db
      .selectFrom('statements')
      .leftJoin('search_values', 'search_values.statement_id', 'statements.id')
      .select(['statements.entity_id', 'statements.property', 'statements.prop_type', 'statements.value', 'statements.normalized', 'search_values.key', 'search_values.terms', 'search_values.grp'])
      .where('statements.entity_id', 'in', ids)
      .execute();
    if (new Set(rows.map((r) => r.entity_id)).size !== new Set(ids).size) problems.push(`sampled ${new Set(ids).size} entities, found ${new Set(rows.map((r) => r.entity_id)).size}`);
    for (const row of rows) {
      const where = `${row.entity_id} ${row.property} "${row.value}"`;
      const checked = checkValue(row.prop_type, row.value);
      if (!checked.ok || checked.normalized !== row.normalized) problems.push(`${where}: normalized "${row.normalized}", the write path gives "${checked.ok ? checked.normalized : checked.reason}"`);
      const indexed = indexValue(row.property, row.prop_type, row.value);
      if (indexed === null) {
        if (row.key !== null) problems.push(`${where}: indexed, but the index keeps no such value`);
      } else if (row.key === null || row.terms === null) problems.push(`${where}: missing from the search index`);
      else if (indexed.grp !== row.grp || indexed.key !== row.key || !sameTerms(indexed.terms, row.terms)) {
        problems.push(`${where}: index ${row.grp} "${row.key}" [${row.terms.join(' ')}], the index code gives ${indexed.grp} "${indexed.key}" [${indexed.terms.join(' ')}]`);
      }
    }
    const member = await store.db
      .selectFrom('case_members')
      .select(['case_members.user_id', 'case_members.case_id'])
      .where('case_members.role', '=', 'investigator')
      .limit(1)
      .executeTakeFirstOrThrow();
    const user = await store.db.selectFrom('users').selectAll().where('id', '=', member.user_id).executeTakeFirstOrThrow();
    const ctx: Ctx = createContext({
      db: store.db,
      actor: { userId: user.id, sessionId: null, organisation: user.organisation, roles: ['analyst'], compartments: [] },
      config: defaultConfig(),
      purpose: { caseId: member.case_id, code: 'fraud-audit', justification: 'load benchmark check' },
    });
    const keys = { termsKey: randomBytes(32).toString('base64') };
    const person = ids[0] ?? 'lp1';
    const values = Object.fromEntries(rows.filter((r) => r.entity_id === person).map((r) => [r.property, r.value]));
    const timings: string[] = [];
    const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const value = await work();
      timings.push(`${label} ${Math.round(performance.now() - started)} ms`);
      return value;
    };
    const byName = await timed('name search', () => searchEntities(ctx, { query: values.name ?? '', limit: 100 }, (t) => sealTerms(keys, t)));
    if (!byName.results.some((hit) => hit.id === person)) problems.push(`searching "${values.name}" does not find ${person} (${byName.total} results)`);
    const byPhone = await timed('phone search', () => searchEntities(ctx, { query: values.phone ?? '' }, (t) => sealTerms(keys, t)));
    if (byPhone.results[0]?.id !== person) problems.push(`searching "${values.phone}" answers ${byPhone.results[0]?.id ?? 'nothing'} first, not ${person}`);
    const profile = await timed('profile', () => getEntity(ctx, person));
    if (Object.keys(profile.properties).length < 4) problems.push(`the profile of ${person} shows ${Object.keys(profile.properties).join(', ')}`);
    const owner = await store.db.selectFrom('statements').select('value').where('entity_id', '=', 'lr3').where('property', '=', 'owner').executeTakeFirst();
    if (owner === undefined) problems.push('relationship lr3 has no owner');
    else {
      const expanded = await timed('expand', () => expandNode(ctx, { id: owner.value, limit: 50 }));
      if (expanded.total < 1) problems.push(`expanding ${owner.value} (owner in lr3) finds no edge`);
    }
    if (problems.length > 0) throw new Error(`the load store is not what the product would have written:\n  ${problems.join('\n  ')}`);
    return `checked ${rows.length} statements of ${ids.length} records against the write path and the search index; name search ${byName.total} results, phone search finds the person first; ${timings.join(', ')}`;
  } finally {
    await store.close();
  }
}
