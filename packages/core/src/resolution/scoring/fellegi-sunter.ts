import { COMPARISONS, compareRecords, type Comparison, type ComparisonOutcome } from './comparisons.js';
import { prepareRecord, type ResolutionRecord } from './record.js';

/** m (share of matches) and u (share of non-matches) at one level of a comparison. */
export interface LevelParameters {
  level: string;
  m: number;
  u: number;
}

/** The fitted levels of one comparison, in the comparison's order. */
export interface ComparisonParameters {
  comparison: string;
  levels: LevelParameters[];
}

/** A fitted Fellegi-Sunter model: λ, the share of candidate pairs that match, and m and u per level. */
export interface FellegiSunterParameters {
  lambda: number;
  comparisons: ComparisonParameters[];
  /** How many EM iterations ran, and whether they stopped because nothing moved any more. */
  iterations: number;
  converged: boolean;
}

/** How estimateParameters runs; every field has a default. */
export interface EstimateOptions {
  /** The comparisons the levels come from (default COMPARISONS), for their names and level counts. */
  comparisons?: readonly Comparison[];
  /** Levels of pairs drawn at random, nearly all non-matches, to start u from; else the candidate pairs' own frequencies. */
  randomLevels?: ReadonlyArray<ReadonlyArray<number | null>>;
  /** Starting share of matches among the pairs (default 0.1). */
  initialLambda?: number;
  maxIterations?: number;
  /** EM stops once no probability moves by more than this (default 1e-6). */
  tolerance?: number;
  /** Probabilities are kept in [floor, 1 - floor] (default 1e-6), so that no level is certain proof either way. */
  floor?: number;
  /**
   * How many pairs' worth of belief the starting m and u carry (default 20): a Dirichlet prior, so that
   * a level few non-matches reach is not taken for impossible among them when the candidates are nearly all matches.
   */
  priorPairs?: number;
}

// One distinct combination of levels and how many pairs have it; EM works on these, not on pairs,
// because a few thousand patterns stand for hundreds of thousands of pairs.
interface Pattern {
  levels: Array<number | null>;
  count: number;
}

function patternsOf(levelsPerPair: ReadonlyArray<ReadonlyArray<number | null>>): Pattern[] {
  const byKey = new Map<string, Pattern>();
  for (const levels of levelsPerPair) {
    const key = levels.map((level) => (level === null ? '-' : String(level))).join(',');
    const pattern = byKey.get(key);
    if (pattern === undefined) byKey.set(key, { levels: [...levels], count: 1 });
    else pattern.count += 1;
  }
  return [...byKey.values()];
}

function clampAndNormalise(values: number[], floor: number): number[] {
  const total = values.reduce((sum, value) => sum + value, 0);
  const shares = values.map((value) => (total > 0 ? value / total : 1 / values.length));
  const clamped = shares.map((share) => Math.min(1 - floor, Math.max(floor, share)));
  const clampedTotal = clamped.reduce((sum, value) => sum + value, 0);
  return clamped.map((value) => value / clampedTotal);
}

// Agreement is likelier among matches the stronger it is: halving shares from the top level down,
// with a twentieth left for outright disagreement.
function defaultM(levelCount: number): number[] {
  const agreeing = Array.from({ length: levelCount - 1 }, (_, i) => 2 ** -i);
  const total = agreeing.reduce((sum, value) => sum + value, 0);
  return [...agreeing.map((value) => (0.95 * value) / total), 0.05];
}

function levelFrequencies(levelsPerPair: ReadonlyArray<ReadonlyArray<number | null>>, comparison: number, levelCount: number): number[] {
  // Half a pair at every level, so that a level no sampled pair reached is rare, not impossible.
  const counts = new Array<number>(levelCount).fill(0.5);
  for (const levels of levelsPerPair) {
    const level = levels[comparison];
    if (level !== null && level !== undefined) counts[level] = (counts[level] ?? 0) + 1;
  }
  return counts;
}

function logOdds(lambda: number): number {
  return Math.log(lambda / (1 - lambda));
}

/**
 * Fits m, u and λ without labels by expectation-maximisation over the candidate pairs' levels (one
 * row per pair, one column per comparison, null where a side lacks the field):
 * `estimateParameters(pairs.map(([i, j]) => comparisonLevels(records[i], records[j])))`.
 */
export function estimateParameters(levelsPerPair: ReadonlyArray<ReadonlyArray<number | null>>, options: EstimateOptions = {}): FellegiSunterParameters {
  const comparisons = options.comparisons ?? COMPARISONS;
  const floor = options.floor ?? 1e-6;
  const tolerance = options.tolerance ?? 1e-6;
  const maxIterations = options.maxIterations ?? 200;
  const patterns = patternsOf(levelsPerPair);
  const start = options.randomLevels !== undefined && options.randomLevels.length > 0 ? options.randomLevels : levelsPerPair;
  const priorPairs = options.priorPairs ?? 20;
  const mPrior = comparisons.map((comparison) => clampAndNormalise(defaultM(comparison.levels.length), floor));
  const uPrior = comparisons.map((comparison, k) => clampAndNormalise(levelFrequencies(start, k, comparison.levels.length), floor));
  let m = mPrior;
  let u = uPrior;
  let lambda = options.initialLambda ?? 0.1;
  let iterations = 0;
  let converged = false;

  while (iterations < maxIterations && patterns.length > 0) {
    iterations += 1;
    const mSums = mPrior.map((prior) => prior.map((share) => share * priorPairs));
    const uSums = uPrior.map((prior) => prior.map((share) => share * priorPairs));
    let matches = 0;
    let total = 0;
    const prior = logOdds(lambda);
    for (const pattern of patterns) {
      let odds = prior;
      pattern.levels.forEach((level, k) => {
        if (level !== null) odds += Math.log((m[k]?.[level] ?? 1) / (u[k]?.[level] ?? 1));
      });
      const match = 1 / (1 + Math.exp(-odds));
      matches += pattern.count * match;
      total += pattern.count;
      pattern.levels.forEach((level, k) => {
        if (level === null) return;
        const mk = mSums[k];
        const uk = uSums[k];
        if (mk === undefined || uk === undefined) return;
        mk[level] = (mk[level] ?? 0) + pattern.count * match;
        uk[level] = (uk[level] ?? 0) + pattern.count * (1 - match);
      });
    }
    const nextM = mSums.map((sums, k) => (sums.some((value) => value > 0) ? clampAndNormalise(sums, floor) : (m[k] ?? [])));
    const nextU = uSums.map((sums, k) => (sums.some((value) => value > 0) ? clampAndNormalise(sums, floor) : (u[k] ?? [])));
    const nextLambda = Math.min(1 - floor, Math.max(floor, matches / total));
    const moved = Math.max(Math.abs(nextLambda - lambda), largestChange(m, nextM), largestChange(u, nextU));
    m = nextM;
    u = nextU;
    lambda = nextLambda;
    if (moved < tolerance) {
      converged = true;
      break;
    }
  }
  return {
    lambda,
    iterations,
    converged,
    comparisons: comparisons.map((comparison, k) => ({
      comparison: comparison.name,
      levels: comparison.levels.map((level, l) => ({ level, m: m[k]?.[l] ?? floor, u: u[k]?.[l] ?? floor })),
    })),
  };
}

function largestChange(before: number[][], after: number[][]): number {
  let largest = 0;
  before.forEach((row, k) => row.forEach((value, l) => (largest = Math.max(largest, Math.abs(value - (after[k]?.[l] ?? value))))));
  return largest;
}

/** How common each value of a term-frequency comparison is among records, and the chance two random values agree. */
export interface TermFrequencyTable {
  frequencies: Map<string, number>;
  /** Σ f², the share of random pairs that agree exactly: what u of an exact match is on average. */
  agreement: number;
}

/** Term-frequency tables by comparison name. */
export type TermFrequencies = Map<string, TermFrequencyTable>;

/** Counts the values of every name-like comparison over the records: `termFrequencies(records).get('surname')?.frequencies.get('smith')`. */
export function termFrequencies(records: readonly ResolutionRecord[], comparisons: readonly Comparison[] = COMPARISONS): TermFrequencies {
  const tables: TermFrequencies = new Map();
  for (const comparison of comparisons) {
    const { termValues } = comparison;
    if (termValues === undefined) continue;
    const counts = new Map<string, number>();
    let holders = 0;
    for (const record of records) {
      const values = new Set(termValues(prepareRecord(record)));
      if (values.size === 0) continue;
      holders += 1;
      for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    const frequencies = new Map<string, number>();
    let agreement = 0;
    for (const [value, count] of counts) {
      const frequency = count / holders;
      frequencies.set(value, frequency);
      agreement += frequency * frequency;
    }
    tables.set(comparison.name, { frequencies, agreement });
  }
  return tables;
}

/** What one comparison added to a pair's weight, and why. */
export interface Contribution {
  comparison: string;
  level: string;
  weight: number;
  explanation: string;
}

/** A pair's total match weight (log2 odds), its probability, and the contributions that sum to the weight. */
export interface PairScore {
  weight: number;
  probability: number;
  contributions: Contribution[];
}

/** The probability that goes with a match weight: 2^w / (1 + 2^w). */
export function matchProbability(weight: number): number {
  return 1 / (1 + 2 ** -weight);
}

// u of an exact match on one value: the fitted u scaled by how common the value is against the
// average agreeing value, so that among random pairs it is the value's own frequency (u_tf = f).
// Scaling keeps u in the candidate pairs' terms, where blocking made every agreement likelier.
function termAdjustedU(u: number, value: string, table: TermFrequencyTable | undefined, floor: number): number {
  const frequency = table?.frequencies.get(value);
  if (table === undefined || frequency === undefined || table.agreement <= 0) return u;
  return Math.min(1 - floor, Math.max(floor, (u * frequency) / table.agreement));
}

/** Weighs outcomes already computed with `compareRecords`, as scorePair does; for callers that also fitted on them. */
export function weighOutcomes(
  outcomes: ReadonlyArray<ComparisonOutcome | null>,
  params: FellegiSunterParameters,
  tf: TermFrequencies,
  comparisons: readonly Comparison[] = COMPARISONS,
): PairScore {
  const prior = Math.log2(params.lambda / (1 - params.lambda));
  const contributions: Contribution[] = [
    { comparison: 'prior', level: 'share of candidate pairs that match', weight: prior, explanation: `about ${(params.lambda * 100).toFixed(1)}% of candidate pairs are matches` },
  ];
  comparisons.forEach((comparison, k) => {
    const fitted = params.comparisons[k];
    if (fitted?.comparison !== comparison.name) throw new Error(`parameters were fitted for other comparisons: expected "${comparison.name}" at ${k}`);
    const outcome = outcomes[k];
    if (outcome === null || outcome === undefined) {
      contributions.push({ comparison: comparison.name, level: 'missing', weight: 0, explanation: `${comparison.name} not known on both sides` });
      return;
    }
    const level = fitted.levels[outcome.level];
    if (level === undefined) throw new Error(`${comparison.name}: no level ${outcome.level}`);
    let { u } = level;
    let explanation = outcome.explanation;
    if (outcome.termValue !== undefined && outcome.level === comparison.termFrequencyLevel) {
      u = termAdjustedU(u, outcome.termValue, tf.get(comparison.name), 1e-6);
      const frequency = tf.get(comparison.name)?.frequencies.get(outcome.termValue);
      if (frequency !== undefined) explanation += ` (${(frequency * 100).toFixed(2)}% of records)`;
    }
    // Agreeing on a common value is weak evidence, never evidence against.
    const weight = outcome.level === comparison.termFrequencyLevel ? Math.max(0, Math.log2(level.m / u)) : Math.log2(level.m / u);
    contributions.push({ comparison: comparison.name, level: level.level, weight, explanation });
  });
  const weight = contributions.reduce((sum, contribution) => sum + contribution.weight, 0);
  return { weight, probability: matchProbability(weight), contributions };
}

/** Scores a pair: weight = log2(λ/(1-λ)) + Σ log2(m/u), probability = 2^w/(1+2^w), with each comparison's share explained. */
export function scorePair(
  a: ResolutionRecord,
  b: ResolutionRecord,
  params: FellegiSunterParameters,
  tf: TermFrequencies,
  comparisons: readonly Comparison[] = COMPARISONS,
): PairScore {
  return weighOutcomes(compareRecords(a, b, comparisons), params, tf, comparisons);
}
