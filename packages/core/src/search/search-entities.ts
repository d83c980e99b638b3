import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { decideReads, readableStatements, type ReadAccess } from '../access/read-access.js';
import type { Ctx } from '../context/context.js';
import { checkStatedPurpose, runWithPurpose } from '../context/purpose.js';
import { assembleVisibleEntities, mergeEntities, shownId, type Entity } from '../entities/get-entity.js';
import { Forbidden, Invalid } from '../errors.js';
import { getSchema, isSchema } from '../model/index.js';
import { nameTokenTerms, SEARCH_GROUPS, type SearchGroup } from './index-terms.js';
import { nameTokens, normalizeAddress, normalizeEmail, normalizeIdentifier, normalizePhone } from './normalize/index.js';
import { parseQuery, type ParsedQuery, type QueryPart } from './query-syntax.js';
import { scoreValue, type MatchHow } from './score.js';
import { PLANNED_WITH_VALUES } from '../store/prepared.js';
import { closeSpellings } from './search-words.js';

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
// Values one tier of the candidate search reads before ranking them: past this, which it reads is the index's order.
const SCAN_LIMIT = 5000;
// Values close in spelling are looked for only when the words and their sounds found fewer candidates than this.
const FUZZY_BELOW = 1;
// Entities assembled to check what the caller may see of them.
const MAX_ENTITIES = 1000;
// Words too common in addresses to find one by: the house number, postcode and other words do.
const GENERIC_ADDRESS_WORDS = new Set(['street', 'road', 'avenue', 'lane', 'drive', 'court', 'place', 'square', 'boulevard', 'highway', 'parkway', 'crescent', 'terrace', 'way', 'close', 'the', 'of', 'and', 'flat', 'unit', 'apartment']);
// Country-type properties that may be faceted: nationality and citizenship never are.
const COUNTRY_FACETS = ['country', 'jurisdiction', 'mainCountry', 'registrationCountry', 'addressCountry'];

/**
 * One tier of the candidate search: a value must hold a term of every set (or of every set but
 * `spare` of them), or with `any` a term of any set. `sure` tiers meet each word by itself, its
 * sound, a given name it stands for or its consonants; what they find decides whether spellings
 * are compared too.
 */
interface Tier {
  sets: string[][];
  spare: number;
  any: boolean;
  sure: boolean;
}

/** One part of the query put to one group of the index: its tiers, every term (values sharing more rank first) and the key trigrams compare. */
interface Probe {
  part: QueryPart;
  group: SearchGroup;
  terms: string[];
  tiers: Tier[];
  /** The words of a name probe, each with its own terms (for close spellings to join). */
  words?: Array<{ word: string; terms: string[] }>;
  key: string | null;
  /** Whether keys close in spelling (letter trigrams) are candidates when the sure tiers find nothing. */
  spelled: boolean;
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
  const action = { action: 'search', category: 'consultation', readsOnly: true } as const;
  await checkStatedPurpose(ctx, action);
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
    // Who may read what is decided here, on the primary; candidates and statements are read on the replica if any.
    const access = await decideReads(tx, { replica: true });
    // Past the window a search lists rather than names: a supervisor unlocks that for one case, for a few hours.
    const window = access.unlocked.has('bulk-results') ? MAX_ENTITIES : RESULT_WINDOW;
    if (offset + limit > window) {
      throw new Forbidden(`results past the first ${window} need a supervisor's approval (a bulk-results unlock for the case); narrow the search with a field, a source or born: instead`);
    }
    const { entities, countries, truncated } = await findEntities(tx, parsed, access);
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

// A name of this many words still matches with one of them unmet (score.ts: three of four words score above the threshold).
const SPARE_WORD_FROM = 4;

const every = (sets: string[][], spare = 0): Tier => ({ sets, spare, any: false, sure: true });

/** The groups of the index a part of the query is put to, with the tiers that find candidates there. */
function probesOf(part: QueryPart): Probe[] {
  const probes: Probe[] = [];
  const value = part.value;
  const wants = (group: SearchGroup) => part.field === 'free' || part.field === group || (part.field === 'id' && group === 'identifier');
  const single = (group: SearchGroup, term: string): Probe => ({ part, group, terms: [term], tiers: [every([[term]])], key: null, spelled: false });
  if (wants('name')) {
    const tokens = [...new Set(nameTokens(value).filter((t) => t.length > 1))];
    if (tokens.length > 0) {
      const spare = tokens.length >= SPARE_WORD_FROM ? 1 : 0;
      // A word is met by itself, its sound, its consonants, or a given name it stands for, stored as a word of its own ("Greg" is "Gregory").
      const alike = tokens.map((token) => nameTokenTerms(token).flatMap((term) => (term.startsWith('g:') ? [term, `t:${term.slice(2)}`] : [term])));
      // A value holding only a word's initial meets it too (score.ts counts "A Marshall" for "Ava Marshall").
      const initials = tokens.map((token, i) => [...(alike[i] ?? []), `t:${token.charAt(0)}`]);
      probes.push({
        part,
        group: 'name',
        terms: [...new Set(initials.flat())],
        tiers: [every(tokens.map((t) => [`t:${t}`]), spare), every(alike, spare), { sets: initials, spare, any: false, sure: false }],
        words: tokens.map((word, i) => ({ word, terms: alike[i] ?? [] })),
        key: tokens.slice().sort().join(' '),
        spelled: true,
      });
    }
  }
  if (wants('address')) {
    const address = normalizeAddress(value);
    const terms = [...new Set(address.tokens.filter((t) => !GENERIC_ADDRESS_WORDS.has(t) && !/^\d+$/.test(t)).map((t) => `t:${t}`))];
    if (address.postcode !== null) terms.push(`pc:${address.postcode}`);
    const sets = terms.map((t) => [t]);
    // Three words or more: one may be missing or spelled another way (a town left out, a street abbreviated).
    const tiers = [every(sets), every(sets, sets.length >= 3 ? 1 : 0)];
    // What the user named as an address may share a single word or the postcode with the one stored.
    if (part.field === 'address') tiers.push({ sets, spare: 0, any: true, sure: false });
    // Spellings of an address are compared when the user named it as one, or it has a number (a house or a postcode): a name put to the address group by a free search is not.
    const spelled = part.field === 'address' || /\d/.test(value);
    if (terms.length > 0) probes.push({ part, group: 'address', terms, tiers, key: address.normalized, spelled });
  }
  const digits = value.replace(/\D/g, '').length;
  if (wants('phone') && (part.field === 'phone' || digits >= 7)) {
    const phone = normalizePhone(value);
    if (phone !== null) probes.push(single('phone', `x:${phone}`));
  }
  if (wants('email') && value.includes('@')) {
    const email = normalizeEmail(value);
    if (email !== null) probes.push(single('email', `x:${email}`));
  }
  if (wants('identifier') && (part.field === 'id' || digits > 0)) {
    const id = normalizeIdentifier(value);
    if (id.length >= 2) probes.push(single('identifier', `x:${id}`));
  }
  if (part.field === 'free') {
    const words = [...new Set(nameTokens(value).filter((w) => w.length >= 3))];
    const sets = words.map((w) => [`t:${w}`]);
    if (words.length > 0) probes.push({ part, group: 'text', terms: words.map((w) => `t:${w}`), tiers: [every(sets), { sets, spare: 0, any: true, sure: false }], key: null, spelled: false });
  }
  return probes;
}

interface Candidate {
  statement_id: string;
  entity_id: string;
  property: string;
  value: string;
  source_id: string;
  terms: string[];
}

/** A probe's tiers, each once: tiers that come to the same condition (a one-word address, a name whose words have no other terms) run once. */
function distinctTiers(probe: Probe): Tier[] {
  const seen = new Set<string>();
  return probe.tiers.filter((tier) => {
    const text = JSON.stringify([tier.sets, tier.any || tier.sets.length - tier.spare <= 1 ? -1 : tier.spare]);
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}

/**
 * The loosest tier of every probe of a query part, in one statement (one round trip rather than
 * one per group of the index). The tiers are nested: each looser one holds every value of the
 * stricter ones, so when the loosest read every value it meets (the usual case) the stricter ones
 * could add nothing. Its values rank by the strictest tier each meets, as if the tiers had run one
 * after another. Null for a probe without tiers.
 */
async function loosestRows(access: ReadAccess, probes: readonly Probe[], sources: string[]): Promise<Array<TierRows | null>> {
  const arms = probes.map((probe, i) => {
    const tiers = distinctTiers(probe);
    const loosest = tiers.at(-1);
    return loosest === undefined ? null : { i, query: tierQuery(access, probe, sources, meets(loosest), tiers.slice(0, -1)) };
  });
  const asked = arms.filter((arm): arm is NonNullable<typeof arm> => arm !== null);
  const answers = new Map<number, TierRows>();
  if (asked.length > 0) {
    // Each arm numbers its rows as its ranking delivers them (a window without an order of its
    // own keeps its input's), so the order survives the union whatever order the arms come in.
    const rows = await sql<TierRow & { probe: number; rank: string }>`${sql.join(
      asked.map((arm) => sql`select ${sql.lit(arm.i)}::int as probe, row_number() over () as rank, t.* from ${arm.query} as t`),
      sql` union all `,
    )}`.execute(access.db);
    for (const arm of asked) {
      const own = rows.rows.filter((row) => row.probe === arm.i).sort((a, b) => Number(a.rank) - Number(b.rank));
      answers.set(arm.i, tierAnswer(own.map(({ probe: _, rank: __, ...row }) => row)));
    }
  }
  return probes.map((_, i) => answers.get(i) ?? null);
}

/**
 * Candidate values of one probe, strongest first, found inside SQL under the caller's access
 * conditions (decided on the primary; the queries run on the read replica when there is one).
 *
 * Candidates come in tiers, each looser than the one before, and rank by the strictest tier they
 * meet: every word of the query as written; every word by its sound, a given name or its
 * consonants; every word by a stored word spelled like it; every word or its initial; and (for
 * what the user named as an address, and free text) any one term. Only when the sure tiers found
 * fewer than FUZZY_BELOW are spellings compared by letter trigrams, which reads far more of the
 * index. A tier reads at most SCAN_LIMIT rows before ranking them, so a word held by a million
 * values costs what one held by five thousand does, and the answer says it was cut short.
 */
async function candidatesOf(access: ReadAccess, probe: Probe, sources: string[], broad: TierRows | null): Promise<{ rows: Candidate[]; truncated: boolean }> {
  const found = new Map<string, Candidate>();
  let truncated = false;
  const add = (tier: { rows: Candidate[]; cut: boolean }) => {
    truncated ||= tier.cut;
    for (const row of tier.rows) if (!found.has(row.statement_id)) found.set(row.statement_id, row);
    return found.size > CANDIDATES_PER_GROUP;
  };
  const tiers = distinctTiers(probe);
  if (broad === null) return { rows: [], truncated: false };
  if (broad.scanned > SCAN_LIMIT) {
    for (const tier of tiers.slice(0, -1)) {
      if (add(await tierRows(access, probe, sources, meets(tier)))) return { rows: [...found.values()].slice(0, CANDIDATES_PER_GROUP), truncated: true };
    }
  }
  if (add(broad)) return { rows: [...found.values()].slice(0, CANDIDATES_PER_GROUP), truncated: true };
  // Values that meet every word surely (as written, by sound, consonants, nickname or spelling; not by an initial or one term).
  const sureTier = tiers.filter((tier) => tier.sure).at(-1);
  const sure = sureTier === undefined ? 0 : [...found.values()].filter((row) => holds(sureTier, row.terms)).length;
  // Trigrams compare spellings: a key of digits only (a phone or registration number put to the
  // name group by a free search) is found by its exact tokens, not by every key with "000" in it.
  const key = probe.key;
  if (key !== null && key.length >= 3 && /\p{L}/u.test(key) && probe.spelled && sure < FUZZY_BELOW) {
    if (add(await tierRows(access, probe, sources, sql<boolean>`search_values.key % ${key}`))) truncated = true;
  }
  return { rows: [...found.values()].slice(0, CANDIDATES_PER_GROUP), truncated };
}

/** Whether a value's terms meet a tier, as `meets` asks it in SQL. */
function holds(tier: Tier, terms: readonly string[]): boolean {
  const held = new Set(terms);
  const met = tier.sets.filter((set) => set.some((term) => held.has(term))).length;
  if (tier.any) return met > 0;
  return met >= (tier.spare === 0 || tier.sets.length <= 1 ? tier.sets.length : tier.sets.length - 1);
}

/**
 * Name probes gain a tier for words spelled like the query's ("Amita" meets "Amira"), looked up in
 * the table of name words rather than by comparing every name, and the initials tier takes them too.
 */
async function withCloseSpellings(access: ReadAccess, probes: Probe[]): Promise<Probe[]> {
  const words = probes.flatMap((probe) => probe.words?.map((w) => w.word) ?? []);
  if (words.length === 0) return probes;
  const spellings = await closeSpellings(access.db, words);
  if (spellings.size === 0) return probes;
  return probes.map((probe) => {
    if (probe.words === undefined || !probe.words.some((w) => spellings.has(w.word))) return probe;
    const sets = probe.words.map(({ word, terms }) => [...terms, ...(spellings.get(word) ?? []).map((other) => `t:${other}`)]);
    const spare = probe.tiers[0]?.spare ?? 0;
    const initials = sets.map((set, i) => [...set, `t:${probe.words?.[i]?.word.charAt(0) ?? ''}`]);
    const [exact, alike] = probe.tiers;
    if (exact === undefined || alike === undefined) return probe;
    return { ...probe, terms: [...new Set([...probe.terms, ...initials.flat()])], tiers: [exact, alike, every(sets, spare), { sets: initials, spare, any: false, sure: false }] };
  });
}

/** SQL: the value meets the tier's term sets. */
function meets(tier: Tier, column = 'search_values.terms'): RawBuilder<boolean> {
  const holds = (set: string[]) => sql<boolean>`${sql.ref(column)} && ${sql.val(set)}::text[]`;
  if (tier.any) return holds([...new Set(tier.sets.flat())]);
  const all = (list: string[][]) => sql<boolean>`(${sql.join(list.map(holds), sql` and `)})`;
  if (tier.spare === 0 || tier.sets.length <= 1) return all(tier.sets);
  return sql<boolean>`(${sql.join(
    tier.sets.map((_, skipped) => all(tier.sets.filter((__, i) => i !== skipped))),
    sql` or `,
  )})`;
}

/**
 * One tier: at most SCAN_LIMIT + 1 readable values meeting `condition` in the probe's group (its
 * own partial index), then the strongest CANDIDATES_PER_GROUP + 1 of them: those meeting the
 * `stricter` tiers first (in order), then most shared terms (one containment test per term,
 * cheaper than intersecting arrays row by row), then the closest key.
 */
async function tierRows(access: ReadAccess, probe: Probe, sources: string[], condition: RawBuilder<boolean>, stricter: readonly Tier[] = []): Promise<TierRows> {
  return tierAnswer(await tierQuery(access, probe, sources, condition, stricter).execute());
}

interface TierRow extends Candidate {
  scanned: string;
}

interface TierRows {
  rows: Candidate[];
  scanned: number;
  cut: boolean;
}

function tierQuery(access: ReadAccess, probe: Probe, sources: string[], condition: RawBuilder<boolean>, stricter: readonly Tier[] = []) {
  // A literal group, so the planner can choose the group's partial index (it is one of SEARCH_GROUPS, never input).
  if (!SEARCH_GROUPS.includes(probe.group)) throw new Error(`no search group "${probe.group}"`);
  let scan = access.db
    .selectFrom('search_values')
    .innerJoin('statements', 'statements.id', 'search_values.statement_id')
    .select(['search_values.statement_id', 'search_values.entity_id', 'search_values.key', 'search_values.terms', 'statements.property', 'statements.value', 'statements.source_id'])
    // Which plan is best depends on the terms: planned with them every time, never prepared.
    .where(sql<boolean>`search_values.grp = ${sql.lit(probe.group)} ${sql.raw(PLANNED_WITH_VALUES)}`)
    .where(condition)
    .where(readableStatements(access));
  if (sources.length > 0) scan = scan.where('statements.source_id', 'in', sources);
  const shared = sql.join(probe.terms.map((term) => sql`(c.terms @> array[${term}]::text[])::int`), sql` + `);
  const keyed = probe.key !== null && probe.key.length >= 3;
  const ranking = sql.join([
    ...stricter.map((tier) => sql`(${meets(tier, 'c.terms')})::int desc`),
    sql`(${shared}) desc`,
    keyed ? sql`similarity(c.key, ${probe.key}) desc` : sql`1`,
    sql`c.statement_id`,
  ]);
  return (
    access.db
      .selectFrom(scan.limit(SCAN_LIMIT + 1).as('c'))
      .select(['c.statement_id', 'c.entity_id', 'c.property', 'c.value', 'c.source_id', 'c.terms', sql<string>`count(*) over ()`.as('scanned')])
      .orderBy(sql`${ranking}`)
      .limit(CANDIDATES_PER_GROUP + 1)
  );
}

function tierAnswer(rows: TierRow[]): TierRows {
  const scanned = Number(rows[0]?.scanned ?? 0);
  return { rows: rows.map(({ scanned: _, ...row }) => row), scanned, cut: scanned > SCAN_LIMIT || rows.length > CANDIDATES_PER_GROUP };
}

function describePart(part: QueryPart): string {
  return `${part.field}: ${part.value}`;
}

/** Every entity that meets each part of the query, scored and explained, strongest first (inside the caller's audited transaction). */
export async function findEntities(
  tx: Ctx,
  parsed: ParsedQuery,
  // Who may read what, decided on the primary in this transaction (the caller's, when it has it already); candidates and statements are read on the replica if any.
  decided?: ReadAccess,
): Promise<{ entities: SearchHit[]; countries: Map<string, string[]>; truncated: boolean; assembled: Map<string, Entity> }> {
  const access = decided ?? (await decideReads(tx, { replica: true }));
  // Per entity, per part: the matches found.
  const found = new Map<string, Map<string, SearchMatch[]>>();
  const statementOf = new Map<SearchMatch, string>();
  let truncated = false;
  for (const part of parsed.parts) {
    const probes = await withCloseSpellings(access, probesOf(part));
    const loosest = await loosestRows(access, probes, parsed.sources);
    for (const [i, probe] of probes.entries()) {
      const { rows, truncated: cut } = await candidatesOf(access, probe, parsed.sources, loosest[i] ?? null);
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
