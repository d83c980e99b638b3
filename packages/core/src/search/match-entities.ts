import type { Ctx } from '../context/context.js';
import { checkPurpose, runWithPurpose } from '../context/purpose.js';
import type { Entity } from '../entities/get-entity.js';
import { Invalid } from '../errors.js';
import { isSchema } from '../model/index.js';
import { normalizeIdentifier } from './normalize/index.js';
import type { ParsedQuery, QueryPart } from './query-syntax.js';
import { findEntities, type SearchHit } from './search-entities.js';

/** One example entity to match, as OpenSanctions yente's `/match` takes it. */
export interface MatchExample {
  schema: string;
  properties: Record<string, string[]>;
}

/** How matching runs: yente's `limit`, `threshold` and `cutoff`, and the dataset (a source id, or every source for `default`). */
export interface MatchOptions {
  dataset: string;
  limit: number;
  threshold: number;
  cutoff: number;
}

/** An entity in yente's shape, with its score, the features that made it and whether it counts as a match. */
export interface MatchResult {
  id: string;
  caption: string;
  schema: string;
  properties: Record<string, string[]>;
  datasets: string[];
  referents: string[];
  target: boolean;
  first_seen: string | null;
  last_seen: string | null;
  last_change: string | null;
  score: number;
  features: Record<string, number>;
  match: boolean;
}

/** One query's answer, as yente gives it. */
export interface MatchResponse {
  status: number;
  results: MatchResult[];
  total: { value: number; relation: 'eq' | 'gte' };
  query: MatchExample;
}

/** What the features weigh, documented in the answer's `matcher` as yente documents its own. */
export const MATCHER = {
  name: 'casegraph-match-v1',
  description: 'The best name match (typos, nicknames, initials, token order, other scripts), with a bonus for an equal birth date or identifier and a penalty for birth years that disagree.',
  features: {
    name_match: { description: 'Score of the best matching name', coefficient: 0.8 },
    dob_match: { description: 'A birth date agrees to the precision both give', coefficient: 0.15 },
    identifier_match: { description: 'An identifier is equal once normalised', coefficient: 0.2 },
    dob_year_disjoint: { description: 'Birth years are known on both sides and differ', coefficient: -0.2 },
  },
} as const;

const MAX_QUERIES = 100;
const IDENTIFIER_PROPERTIES = ['idNumber', 'registrationNumber', 'taxNumber', 'passportNumber', 'vatCode', 'leiCode', 'innCode', 'ogrnCode', 'swiftBic', 'imoNumber'];

/**
 * Matches example entities against the store, yente-style: candidates by name (or identifier),
 * each scored from features, `match` where the score reaches the threshold. One purpose-bound,
 * audited operation for the whole batch: the examples are the sealed terms, the entities
 * returned its subjects.
 * @example await matchEntities(ctx, { q1: { schema: 'Person', properties: { name: ['Jon Smith'] } } }, { dataset: 'default', limit: 5, threshold: 0.7, cutoff: 0.5 }, seal)
 */
export async function matchEntities(ctx: Ctx, queries: Record<string, MatchExample>, options: MatchOptions, seal: (terms: string) => string): Promise<Record<string, MatchResponse>> {
  const action = { action: 'match', category: 'consultation' } as const;
  await checkPurpose(ctx, action);
  const entries = Object.entries(queries);
  if (entries.length === 0) throw new Invalid('send at least one query under "queries"');
  if (entries.length > MAX_QUERIES) throw new Invalid(`at most ${MAX_QUERIES} queries at once`);
  for (const [key, example] of entries) checkExample(key, example);
  const sealedTerms = seal(JSON.stringify(queries));
  return runWithPurpose(ctx, action, async (tx) => {
    const responses: Record<string, MatchResponse> = {};
    const subjects = new Set<string>();
    for (const [key, example] of entries) {
      const parsed = parsedExample(example, options.dataset);
      if (parsed.parts.length === 0) {
        responses[key] = { status: 200, results: [], total: { value: 0, relation: 'eq' }, query: example };
        continue;
      }
      const { entities, assembled } = await findEntities(tx, parsed);
      const scored = entities
        .map((hit) => scoreCandidate(hit, assembled.get(hit.id), example, options))
        .filter((r): r is MatchResult => r !== null && r.score >= options.cutoff)
        .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
      const results = scored.slice(0, options.limit);
      for (const r of results) subjects.add(r.id);
      responses[key] = { status: 200, results, total: { value: scored.length, relation: 'eq' }, query: example };
    }
    return { value: responses, subjectIds: [...subjects], sealedTerms, detail: { queries: entries.length, dataset: options.dataset } };
  });
}

function checkExample(key: string, example: MatchExample): void {
  if (typeof example !== 'object' || example === null) throw new Invalid(`query ${key}: expected { schema, properties }`);
  if (typeof example.schema !== 'string' || !isSchema(example.schema)) throw new Invalid(`query ${key}: unknown schema "${String(example.schema)}"`);
  if (typeof example.properties !== 'object' || example.properties === null) throw new Invalid(`query ${key}: properties must map property names to lists of values`);
  for (const [name, values] of Object.entries(example.properties)) {
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) throw new Invalid(`query ${key}: properties.${name} must be a list of text values`);
  }
}

/** The example as a casegraph query: its names (or else its identifiers) find candidates, its schema filters them. */
function parsedExample(example: MatchExample, dataset: string): ParsedQuery {
  const name = (example.properties.name ?? []).find((n) => n.trim() !== '');
  const identifier = IDENTIFIER_PROPERTIES.flatMap((p) => example.properties[p] ?? []).find((v) => normalizeIdentifier(v).length >= 4);
  // The first name finds the candidates (the others still count in no feature: a known limit);
  // without a name, an identifier does.
  const parts: QueryPart[] = name !== undefined ? [{ field: 'name', value: name }] : identifier !== undefined ? [{ field: 'id', value: identifier }] : [];
  return {
    parts,
    // A LegalEntity example meets people and companies alike: both are legal entities.
    schemata: example.schema === 'Thing' ? [] : [example.schema],
    sources: dataset === 'default' ? [] : [dataset],
    born: null,
  };
}

function scoreCandidate(hit: SearchHit, entity: Entity | undefined, example: MatchExample, options: MatchOptions): MatchResult | null {
  if (entity === undefined) return null;
  const properties: Record<string, string[]> = {};
  let firstSeen: Date | null = null;
  let lastSeen: Date | null = null;
  for (const [name, values] of Object.entries(entity.properties)) {
    properties[name] = [...new Set(values.map((v) => v.value))];
    for (const v of values) {
      if (firstSeen === null || v.firstSeen < firstSeen) firstSeen = v.firstSeen;
      if (lastSeen === null || v.lastSeen > lastSeen) lastSeen = v.lastSeen;
    }
  }
  const nameMatch = Math.max(0, ...hit.matches.filter((m) => m.property === 'name' || m.property === 'alias' || m.property === 'previousName').map((m) => m.score));
  const identifierMatch = IDENTIFIER_PROPERTIES.some((p) => (example.properties[p] ?? []).some((v) => Object.values(properties).flat().some((w) => normalizeIdentifier(w) === normalizeIdentifier(v) && normalizeIdentifier(v).length >= 4))) ? 1 : 0;
  const asked = example.properties.birthDate ?? [];
  const held = properties.birthDate ?? [];
  const agree = asked.some((a) => held.some((h) => a.startsWith(h) || h.startsWith(a)));
  const yearsDisjoint = asked.length > 0 && held.length > 0 && !asked.some((a) => held.some((h) => a.slice(0, 4) === h.slice(0, 4)));
  const features: Record<string, number> = { name_match: round(nameMatch) };
  if (asked.length > 0) features.dob_match = agree ? 1 : 0;
  if (yearsDisjoint) features.dob_year_disjoint = 1;
  if (identifierMatch > 0) features.identifier_match = 1;
  const f = MATCHER.features;
  const score = Math.max(0, Math.min(1, nameMatch * f.name_match.coefficient + (agree ? f.dob_match.coefficient : 0) + identifierMatch * f.identifier_match.coefficient + (yearsDisjoint ? f.dob_year_disjoint.coefficient : 0) + (nameMatch >= 0.97 ? 0.05 : 0)));
  return {
    id: entity.id,
    caption: hit.caption,
    schema: entity.schema,
    properties,
    datasets: entity.sources,
    referents: [],
    target: false,
    first_seen: firstSeen?.toISOString() ?? null,
    last_seen: lastSeen?.toISOString() ?? null,
    last_change: lastSeen?.toISOString() ?? null,
    score: round(score),
    features,
    match: score >= options.threshold,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
