import { candidatePairs, type SkippedBlock } from './blocking.js';
import { clusterPairs, type PairJudgments } from './clusters.js';
import { COMPARISONS, compareRecords, type ComparisonOutcome } from './comparisons.js';
import { estimateParameters, termFrequencies, weighOutcomes, type EstimateOptions, type FellegiSunterParameters, type PairScore } from './fellegi-sunter.js';
import type { ResolutionRecord } from './record.js';
import { seededRandom } from '../../seeded-random.js';

/** How resolveRecords runs; every field has a default. */
export interface ResolveOptions {
  /** Pairs at or above this match probability are linked (default 0.5: likelier a match than not). */
  threshold?: number;
  maxBlockSize?: number;
  judgments?: PairJudgments;
  /** How many random pairs start u off (default 5,000). */
  randomPairs?: number;
  /** Seed of the random pairs, so that a run can be repeated exactly. */
  seed?: number;
  estimate?: Pick<EstimateOptions, 'initialLambda' | 'maxIterations' | 'tolerance' | 'floor'>;
}

/** A candidate pair by record id, with its score and its explanation. */
export interface ScoredPair extends PairScore {
  a: string;
  b: string;
}

/** The outcome of one resolution run: clusters, every scored candidate pair and the fitted model. */
export interface ResolutionRun {
  clusters: string[][];
  pairs: ScoredPair[];
  parameters: FellegiSunterParameters;
  skippedBlocks: SkippedBlock[];
}


function randomPairLevels(records: readonly ResolutionRecord[], count: number, seed: number): Array<Array<number | null>> {
  if (records.length < 2) return [];
  const random = seededRandom(seed);
  const levels: Array<Array<number | null>> = [];
  for (let n = 0; n < count; n += 1) {
    const i = Math.floor(random() * records.length);
    const j = (i + 1 + Math.floor(random() * (records.length - 1))) % records.length;
    const a = records[i];
    const b = records[j];
    if (a !== undefined && b !== undefined) levels.push(compareRecords(a, b).map((outcome) => outcome?.level ?? null));
  }
  return levels;
}

/**
 * Resolves records without labels: blocking, comparisons, EM for m, u and λ, scoring with term
 * frequencies, and clustering under judgments: `resolveRecords(records).clusters`.
 */
export function resolveRecords(records: readonly ResolutionRecord[], options: ResolveOptions = {}): ResolutionRun {
  const skippedBlocks: SkippedBlock[] = [];
  const pairs = candidatePairs(records, {
    ...(options.maxBlockSize === undefined ? {} : { maxBlockSize: options.maxBlockSize }),
    onSkippedBlock: (block) => skippedBlocks.push(block),
  });
  const at = (index: number): ResolutionRecord => {
    const record = records[index];
    if (record === undefined) throw new Error(`blocking gave record index ${index} of ${records.length}`);
    return record;
  };
  const outcomes: Array<Array<ComparisonOutcome | null>> = pairs.map(([i, j]) => compareRecords(at(i), at(j)));
  const parameters = estimateParameters(
    outcomes.map((row) => row.map((outcome) => outcome?.level ?? null)),
    { ...options.estimate, comparisons: COMPARISONS, randomLevels: randomPairLevels(records, options.randomPairs ?? 5000, options.seed ?? 1) },
  );
  const tf = termFrequencies(records);
  const scored: ScoredPair[] = pairs.map(([i, j], n) => ({
    a: at(i).id,
    b: at(j).id,
    ...weighOutcomes(outcomes[n] ?? [], parameters, tf),
  }));
  const clusters = clusterPairs(
    records.map((record) => record.id),
    scored,
    options.threshold ?? 0.5,
    options.judgments,
  );
  return { clusters, pairs: scored, parameters, skippedBlocks };
}
