/** Pairwise agreement of predicted clusters with the truth, over all pairs of records. */
export interface PairwiseScores {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

function pairsIn(size: number): number {
  return (size * (size - 1)) / 2;
}

/**
 * Scores clusters against the truth (record id → true entity): a pair is predicted when both records
 * share a cluster, true when they share an entity. Records missing from the truth are entities of their own.
 * `pairwiseScores([['a', 'b'], ['c']], new Map([['a', '1'], ['b', '1'], ['c', '1']])).recall` is 1/3.
 */
export function pairwiseScores(predicted: string[][], truth: Map<string, string>): PairwiseScores {
  let predictedPairs = 0;
  let truePositives = 0;
  for (const cluster of predicted) {
    predictedPairs += pairsIn(cluster.length);
    const byEntity = new Map<string, number>();
    for (const id of cluster) {
      const entity = truth.get(id);
      if (entity !== undefined) byEntity.set(entity, (byEntity.get(entity) ?? 0) + 1);
    }
    for (const count of byEntity.values()) truePositives += pairsIn(count);
  }
  const entitySizes = new Map<string, number>();
  for (const entity of truth.values()) entitySizes.set(entity, (entitySizes.get(entity) ?? 0) + 1);
  let truePairs = 0;
  for (const size of entitySizes.values()) truePairs += pairsIn(size);
  const precision = predictedPairs === 0 ? 1 : truePositives / predictedPairs;
  const recall = truePairs === 0 ? 1 : truePositives / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, truePositives, falsePositives: predictedPairs - truePositives, falseNegatives: truePairs - truePositives };
}
