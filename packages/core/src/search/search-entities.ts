import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { decideReads, readableStatements, type ReadAccess } from '../access/read-access.js';
import { unlockedCategories } from '../access/sensitive.js';
import type { Ctx } from '../context/context.js';
import { checkPurpose, runWithPurpose } from '../context/purpose.js';
import { assembleVisibleEntities, mergeEntities, shownId, type Entity } from '../entities/get-entity.js';
import { Forbidden, Invalid } from '../errors.js';
import { getSchema, isSchema } from '../model/index.js';
import { nameTokenTerms, type SearchGroup } from './index-terms.js';
import { nameTokens, normalizeAddress, normalizeEmail, normalizeIdentifier, normalizePhone } from './normalize/index.js';
import { parseQuery, type ParsedQuery, type QueryPart } from './query-syntax.js';
import { scoreValue, type MatchHow } from './score.js';

/** What to search for, and which page. */
export interface SearchInput {
  query: string;
  /** The `next` cursor of the previous page. */
  cursor?: string | null | undefined;
  /** Results per page (default 20, at most 100). */
  limit?: number | undefined;
  /** Where the page starts, for callers that page by number (yente's `offset`); a cursor wins. */
  offset?: number | undefined;
}

/** Why a result matched: which of its values met which part of the query, and how. */
export interface SearchMatch {
  /** The part of the query, as `name: jon smith` or `free: jon smith`. */
  part: string;
  property: string;
  value: string;
  source: string;
  how: MatchHow;
  score: number;
  detail: string;
}

/** One entity in the results, with its score and the matches that explain it. */
export interface SearchHit {
  id: string;
  schema: string;
  caption: string;
  score: number;
  sources: string[];
  /** The records (entity ids) of this result: more than one once resolution found them to be the same. */
  entities: string[];
  matches: SearchMatch[];
  /** Every value of the entity the caller may see, by property. */
  properties: Record<string, string[]>;
}

/** A facet value and how many results hold it. */
export interface FacetValue {
  value: string;
  count: number;
}

/** A page of results, the facets and total of all of them, and the cursor of the next page. */
export interface SearchResult {
  total: number;
  results: SearchHit[];
  facets: { schema: FacetValue[]; source: FacetValue[]; country: FacetValue[] };
  next: string | null;
  /** True when more values matched than were considered: the first are the strongest. */
  truncated: boolean;
  /** True when results go on past the window this caller may page through without a supervisor's approval. */
  moreNeedApproval: boolean;
}

/** Results past this many need a supervisor's approval: searches name someone, they do not list everyone. */
export const RESULT_WINDOW = 200;

const MAX_PAGE = 100;
// Values considered per group of a query part, strongest first, before scoring in full.
const CANDIDATES_PER_GROUP = 1500;
// Entities assembled to check what the caller may see of them.
const MAX_ENTITIES = 1000;
// Words too common in addresses to find one by: the house number, postcode and other words do.
const GENERIC_ADDRESS_WORDS = new Set(['street', 'road', 'avenue', 'lane', 'drive', 'court', 'place', 'square', 'boulevard', 'highway', 'parkway', 'crescent', 'terrace', 'way', 'close', 'the', 'of', 'and', 'flat', 'unit', 'apartment']);
// Country-type properties that may be faceted: nationality and citizenship never are.
const COUNTRY_FACETS = ['country', 'jurisdiction', 'mainCountry', 'registrationCountry', 'addressCountry'];

/** One part of the query put to one group of the index: the terms that find candidates and the key trigrams compare. */
interface Probe {
  part: QueryPart;
  group: SearchGroup;
  terms: string[];
  key: string | null;
}

/**
 * Consolidated search: one query across every record type, through the index by property-type
 * group. Candidates are found inside SQL under the caller's access conditions (source policy,
 * markings, sensitive categories), scored with explanations, grouped by entity, filtered
 * (schema, source, birth date), faceted and paged. Purpose-bound; the audit event carries the
 * sealed query and the entities shown.
 * @example const page = await searchEntities(ctx, { query: 'jon smith born:1978..1980' }, (t) => sealTerms(keys, t))
 */
export async function searchEntities(ctx: Ctx, input: SearchInput, seal: (terms: string) => string): Promise<SearchResult> {
  const action = { action: 'search', category: 'consultation' } as const;
  await checkPurpose(ctx, action);
  const parsed = parseQuery(input.query);
  requireSubject(parsed);
  const limit = input.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new Invalid(`limit must be a whole number from 1 to ${MAX_PAGE}`);
  for (const schema of parsed.schemata) if (!isSchema(schema)) throw new Invalid(`unknown schema "${schema}"`);
  const fingerprint = createHash('sha256').update(input.query).digest('base64url').slice(0, 12);
  const offset = input.cursor ? readCursor(input.cursor, fingerprint) : (input.offset ?? 0);
  if (!Number.isInteger(offset) || offset < 0) throw new Invalid('offset must be a whole number from 0');
  const sealedTerms = seal(input.query);
  return runWithPurpose(ctx, action, async (tx) => {
    // Past the window a search lists rather than names: a supervisor unlocks that for one case, for a few hours.
    const window = (await unlockedCategories(tx)).has('bulk-results') ? MAX_ENTITIES : RESULT_WINDOW;
    if (offset + limit > window) {
      throw new Forbidden(`results past the first ${window} need a supervisor's approval (a bulk-results unlock for the case); narrow the search with a field, a source or born: instead`);
    }
    const { entities, countries, truncated } = await findEntities(tx, parsed);
    const total = entities.length;
    const page = entities.slice(offset, offset + limit);
    const end = offset + limit;
    const next = end < total && end < window ? writeCursor(end, fingerprint) : null;
    const result: SearchResult = { total, results: page, facets: facetsOf(entities, countries), next, truncated, moreNeedApproval: end < total && end >= window };
    return { value: result, subjectIds: page.map((hit) => hit.id), sealedTerms, detail: { total, offset, returned: page.length, truncated } };
  });
}

/** Searches name someone or something: a query of filters only, wildcards or single letters is refused. */
function requireSubject(parsed: ParsedQuery): void {
  const names = parsed.parts.some((part) => part.value.replace(/[^\p{L}\p{N}]/gu, '').length >= 2);
  if (!names) throw new Invalid('a search names someone or something: give a name, address, phone, email, identifier or words of at least two letters (filters such as schema:, source: and born: only narrow a search)');
}

function readCursor(cursor: string | null, fingerprint: string): number {
  if (cursor === null || cursor === '') return 0;
  const match = /^(\d{1,6})\.([A-Za-z0-9_-]{12})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null) throw new Invalid('the cursor is not one this search gave');
  if (match[2] !== fingerprint) throw new Invalid('the cursor belongs to another query: start again from the first page');
  return Number(match[1]);
}

function writeCursor(offset: number, fingerprint: string): string {
  return Buffer.from(`${offset}.${fingerprint}`, 'utf8').toString('base64url');
}

/** The groups of the index a part of the query is put to, with the terms that find candidates there. */
function probesOf(part: QueryPart): Probe[] {
  const probes: Probe[] = [];
  const value = part.value;
  const wants = (group: SearchGroup) => part.field === 'free' || part.field === group || (part.field === 'id' && group === 'identifier');
  if (wants('name')) {
    const tokens = nameTokens(value).filter((t) => t.length > 1);
    if (tokens.length > 0) probes.push({ part, group: 'name', terms: [...new Set(tokens.flatMap(nameTokenTerms))], key: tokens.slice().sort().join(' ') });
  }
  if (wants('address')) {
    const address = normalizeAddress(value);
    const terms = address.tokens.filter((t) => !GENERIC_ADDRESS_WORDS.has(t) && !/^\d+$/.test(t)).map((t) => `t:${t}`);
    if (address.postcode !== null) terms.push(`pc:${address.postcode}`);
    if (terms.length > 0) probes.push({ part, group: 'address', terms, key: address.normalized });
  }
  const digits = value.replace(/\D/g, '').length;
  if (wants('phone') && (part.field === 'phone' || digits >= 7)) {
    const phone = normalizePhone(value);
    if (phone !== null) probes.push({ part, group: 'phone', terms: [`x:${phone}`], key: null });
  }
  if (wants('email') && value.includes('@')) {
    const email = normalizeEmail(value);
    if (email !== null) probes.push({ part, group: 'email', terms: [`x:${email}`], key: null });
  }
  if (wants('identifier') && (part.field === 'id' || digits > 0)) {
    const id = normalizeIdentifier(value);
    if (id.length >= 2) probes.push({ part, group: 'identifier', terms: [`x:${id}`], key: null });
  }
  if (part.field === 'free') {
    const words = [...new Set(nameTokens(value).filter((w) => w.length >= 3))];
    if (words.length > 0) probes.push({ part, group: 'text', terms: words.map((w) => `t:${w}`), key: null });
  }
  return probes;
}

interface Candidate {
  statement_id: string;
  entity_id: string;
  property: string;
  value: string;
  source_id: string;
}

/**
 * Candidate values of one probe, found and ordered inside SQL under the caller's access conditions
 * (decided on the primary; the query itself runs on the read replica when there is one).
 */
async function candidatesOf(access: ReadAccess, probe: Probe, sources: string[]): Promise<{ rows: Candidate[]; truncated: boolean }> {
  // Trigrams compare spellings: a key of digits only (a phone or registration number put to the
  // name group by a free search) is found by its exact tokens, not by every key with "000" in it.
  const trigram = probe.key !== null && probe.key.length >= 3 && /\p{L}/u.test(probe.key);
  // A value that shares no term with the probe ranks below every value that shares one: when the
  // terms alone fill the window, comparing trigrams (a scan of every key with trigrams in common,
  // whatever its group) cannot change it, so it is left out.
  if (trigram) {
    const byTerms = await candidateRows(access, probe, sources, false);
    if (byTerms.length > CANDIDATES_PER_GROUP) return { rows: byTerms.slice(0, CANDIDATES_PER_GROUP), truncated: true };
  }
  const rows = await candidateRows(access, probe, sources, trigram);
  return { rows: rows.slice(0, CANDIDATES_PER_GROUP), truncated: rows.length > CANDIDATES_PER_GROUP };
}

/** The first CANDIDATES_PER_GROUP + 1 values sharing a term with the probe (or, with `trigram`, a close key), strongest first. */
async function candidateRows(access: ReadAccess, probe: Probe, sources: string[], trigram: boolean): Promise<Candidate[]> {
  const keyed = probe.key !== null && probe.key.length >= 3;
  const terms = [...new Set(probe.terms)];
  let query = access.db
    .selectFrom('search_values')
    .innerJoin('statements', 'statements.id', 'search_values.statement_id')
    .select(['search_values.statement_id', 'search_values.entity_id', 'statements.property', 'statements.value', 'statements.source_id'])
    .where('search_values.grp', '=', probe.group)
    .where((eb) =>
      trigram
        ? eb.or([sql<boolean>`${eb.ref('search_values.terms')} && ${sql.val(terms)}::text[]`, sql<boolean>`${eb.ref('search_values.key')} % ${probe.key}`])
        : sql<boolean>`${eb.ref('search_values.terms')} && ${sql.val(terms)}::text[]`,
    )
    .where(readableStatements(access));
  if (sources.length > 0) query = query.where('statements.source_id', 'in', sources);
  // The strongest first: most shared terms (one containment test per term, cheaper than
  // intersecting the arrays row by row), then the closest key.
  const shared = sql.join(terms.map((term) => sql`(search_values.terms @> array[${term}]::text[])::int`), sql` + `);
  return query
    .orderBy(sql`(${shared})`, 'desc')
    .orderBy(keyed ? sql`similarity(search_values.key, ${probe.key})` : sql`1`, 'desc')
    .orderBy('search_values.statement_id')
    .limit(CANDIDATES_PER_GROUP + 1)
    .execute();
}

function describePart(part: QueryPart): string {
  return `${part.field}: ${part.value}`;
}

/** Every entity that meets each part of the query, scored and explained, strongest first (inside the caller's audited transaction). */
export async function findEntities(tx: Ctx, parsed: ParsedQuery): Promise<{ entities: SearchHit[]; countries: Map<string, string[]>; truncated: boolean; assembled: Map<string, Entity> }> {
  // Who may read what is decided here, on the primary; candidates and statements are read on the replica if any.
  const access = await decideReads(tx, { replica: true });
  // Per entity, per part: the matches found.
  const found = new Map<string, Map<string, SearchMatch[]>>();
  const statementOf = new Map<SearchMatch, string>();
  let truncated = false;
  for (const part of parsed.parts) {
    for (const probe of probesOf(part)) {
      const { rows, truncated: cut } = await candidatesOf(access, probe, parsed.sources);
      truncated ||= cut;
      for (const row of rows) {
        const scored = scoreValue(probe.group, part.value, row.value, row.property);
        if (scored === null) continue;
        const match: SearchMatch = { part: describePart(part), property: row.property, value: row.value, source: row.source_id, ...scored };
        statementOf.set(match, row.statement_id);
        const parts = found.get(row.entity_id) ?? new Map<string, SearchMatch[]>();
        found.set(row.entity_id, parts);
        const list = parts.get(match.part) ?? [];
        parts.set(match.part, list);
        list.push(match);
      }
    }
  }
  // Every part of the query must be met; the score is the mean of each part's best match.
  const wanted = parsed.parts.map(describePart);
  const ranked = [...found.entries()]
    .filter(([, parts]) => wanted.every((p) => parts.has(p)))
    .map(([id, parts]) => ({ id, parts, score: wanted.reduce((sum, p) => sum + Math.max(...(parts.get(p) ?? []).map((m) => m.score)), 0) / wanted.length }))
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  if (ranked.length > MAX_ENTITIES) truncated = true;
  const considered = ranked.slice(0, MAX_ENTITIES);
  // What the caller sees of each entity decides what shows: sources that may not be combined,
  // people who may be minors, and the entity's schema and caption.
  const visibleEntities = new Map((await assembleVisibleEntities(tx, considered.map((e) => e.id), { access })).map((entity) => [entity.id, entity]));
  // Records resolution found to describe the same person or company are one result, under the cluster's canonical id.
  const clusterOf = await clustersOf(tx, [...visibleEntities.keys()]);
  const groups = new Map<string, { members: Entity[]; matches: SearchMatch[] }>();
  for (const candidate of considered) {
    const entity = visibleEntities.get(candidate.id);
    if (entity === undefined) continue;
    const visible = new Set(Object.values(entity.properties).flatMap((values) => values.map((v) => v.statementId)));
    const matches = [...candidate.parts.values()].flatMap((list) => list.filter((m) => visible.has(statementOf.get(m) ?? '')));
    const key = clusterOf.get(entity.id) ?? entity.id;
    const group = groups.get(key) ?? { members: [], matches: [] };
    groups.set(key, group);
    group.members.push(entity);
    group.matches.push(...matches);
  }
  const hits: SearchHit[] = [];
  const countries = new Map<string, string[]>();
  const assembled = new Map<string, Entity>();
  for (const [key, group] of groups) {
    const id = shownId(key, group.members);
    const entity = mergeEntities(id, group.members);
    if (!passesFilters(entity, parsed) || !wanted.every((p) => group.matches.some((m) => m.part === p))) continue;
    const score = wanted.reduce((sum, p) => sum + Math.max(...group.matches.filter((m) => m.part === p).map((m) => m.score)), 0) / wanted.length;
    const matches = group.matches.sort((a, b) => b.score - a.score).slice(0, 6);
    assembled.set(id, entity);
    hits.push({
      id,
      schema: entity.schema,
      caption: captionOf(entity),
      score: Math.round(score * 1000) / 1000,
      sources: entity.sources,
      entities: group.members.map((m) => m.id).sort(),
      matches,
      properties: Object.fromEntries(Object.entries(entity.properties).map(([name, values]) => [name, [...new Set(values.map((v) => v.value))]])),
    });
    countries.set(id, [...new Set(COUNTRY_FACETS.flatMap((property) => (entity.properties[property] ?? []).map((v) => v.value.toLowerCase())))]);
  }
  hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  return { entities: hits, countries, truncated, assembled };
}

/** The canonical id of every resolved entity among these. */
async function clustersOf(tx: Ctx, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.db.selectFrom('entity_clusters').select(['entity_id', 'cluster_id']).where('entity_id', 'in', [...ids]).execute();
  return new Map(rows.map((row) => [row.entity_id, row.cluster_id]));
}

function passesFilters(entity: Entity, parsed: ParsedQuery): boolean {
  if (parsed.schemata.length > 0 && !parsed.schemata.some((schema) => getSchema(entity.schema).isA(schema))) return false;
  if (parsed.sources.length > 0 && !entity.sources.some((source) => parsed.sources.includes(source))) return false;
  if (parsed.born !== null) {
    const { from, to } = parsed.born;
    const dates = (entity.properties.birthDate ?? []).map((v) => v.value);
    // A date is in the range when it agrees with it to the precision both give.
    const within = (date: string) => (from === null || date.slice(0, from.length) >= from) && (to === null || date.slice(0, to.length) <= to);
    if (!dates.some(within)) return false;
  }
  return true;
}

function captionOf(entity: Entity): string {
  for (const property of ['name', 'title', 'registrationNumber', 'full', 'number', 'email', 'phone']) {
    const value = entity.properties[property]?.[0]?.value;
    if (value !== undefined) return value;
  }
  return entity.id;
}

function facetsOf(hits: SearchHit[], countries: Map<string, string[]>): SearchResult['facets'] {
  const count = (values: Iterable<string>) => {
    const counts = new Map<string, number>();
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
    return [...counts].map(([value, n]) => ({ value, count: n })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  };
  return {
    schema: count(hits.map((h) => h.schema)),
    source: count(hits.flatMap((h) => h.sources)),
    country: count(hits.flatMap((h) => countries.get(h.id) ?? [])),
  };
}
