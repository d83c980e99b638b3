import { describe, expect, it } from 'vitest';
import { pairwiseScores } from './evaluate.js';

describe('pairwiseScores', () => {
  const truth = new Map([['a', '1'], ['b', '1'], ['c', '1'], ['d', '2'], ['e', '3']]);

  it('counts record pairs: predicted within a cluster, true within an entity', () => {
    const scores = pairwiseScores([['a', 'b'], ['c', 'd'], ['e']], truth);
    expect(scores).toMatchObject({ truePositives: 1, falsePositives: 1, falseNegatives: 2 });
    expect(scores.precision).toBe(0.5);
    expect(scores.recall).toBeCloseTo(1 / 3, 12);
    expect(scores.f1).toBeCloseTo(0.4, 12);
  });

  it('is perfect for the true clusters', () => {
    expect(pairwiseScores([['a', 'b', 'c'], ['d'], ['e']], truth)).toMatchObject({ precision: 1, recall: 1, f1: 1 });
  });
});
