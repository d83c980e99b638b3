import { describe, expect, it } from 'vitest';
import { clusterPairs } from './clusters.js';

describe('clusterPairs', () => {
  const ids = ['e', 'd', 'c', 'b', 'a'];

  it('joins pairs at or above the threshold into connected components named by their smallest id', () => {
    const clusters = clusterPairs(ids, [
      { a: 'e', b: 'c', probability: 0.9 },
      { a: 'c', b: 'a', probability: 0.5 },
      { a: 'b', b: 'd', probability: 0.49 },
    ], 0.5);
    expect(clusters).toEqual([['a', 'c', 'e'], ['b'], ['d']]);
  });

  it('keeps two records with a negative judgment apart even when they score 0.99', () => {
    const clusters = clusterPairs(['a', 'b'], [{ a: 'a', b: 'b', probability: 0.99 }], 0.5, { positive: [], negative: [['a', 'b']] });
    expect(clusters).toEqual([['a'], ['b']]);
  });

  it('does not let a chain of pairs join what a negative judgment keeps apart, taking the stronger link first', () => {
    const clusters = clusterPairs(['a', 'b', 'c'], [
      { a: 'b', b: 'c', probability: 0.8 },
      { a: 'a', b: 'b', probability: 0.99 },
    ], 0.5, { positive: [], negative: [['a', 'c']] });
    expect(clusters).toEqual([['a', 'b'], ['c']]);
  });

  it('joins a positive judgment whatever the score, and ranks it before every scored pair', () => {
    const clusters = clusterPairs(['a', 'b', 'c'], [{ a: 'a', b: 'c', probability: 0.99 }], 0.5, { positive: [['b', 'c']], negative: [['a', 'b']] });
    expect(clusters).toEqual([['a'], ['b', 'c']]);
  });

  it('orders pairs whose probabilities both round to 1 by weight', () => {
    const clusters = clusterPairs(['a', 'b', 'c'], [
      { a: 'b', b: 'c', probability: 1, weight: 60 },
      { a: 'a', b: 'b', probability: 1, weight: 80 },
    ], 0.5, { positive: [], negative: [['a', 'c']] });
    expect(clusters).toEqual([['a', 'b'], ['c']]);
  });
});
