export { blockingKeys, candidatePairs, type CandidatePairOptions, type SkippedBlock } from './blocking.js';
export { clusterPairs, type PairJudgments, type ScoredIdPair } from './clusters.js';
export { COMPARISONS, compareRecords, comparisonLevels, type Comparison, type ComparisonOutcome } from './comparisons.js';
export { pairwiseScores, type PairwiseScores } from './evaluate.js';
export { readFebrl, type FebrlDataset } from './febrl.js';
export {
  estimateParameters,
  matchProbability,
  scorePair,
  termFrequencies,
  weighOutcomes,
  type ComparisonParameters,
  type Contribution,
  type EstimateOptions,
  type FellegiSunterParameters,
  type LevelParameters,
  type PairScore,
  type TermFrequencies,
  type TermFrequencyTable,
} from './fellegi-sunter.js';
export { prepareRecord, type PreparedDate, type PreparedName, type PreparedRecord, type ResolutionRecord } from './record.js';
export { resolveRecords, type ResolutionRun, type ResolveOptions, type ScoredPair } from './resolve-records.js';
