import { describe, expect, it } from 'vitest';
import { prng } from '../../test-support/prng.js';
import { COMPARISONS, type Comparison } from './comparisons.js';
import { estimateParameters, matchProbability, scorePair, termFrequencies, type FellegiSunterParameters } from './fellegi-sunter.js';
import type { ResolutionRecord } from './record.js';

function person(id: string, values: Partial<ResolutionRecord>): ResolutionRecord {
  return { id, schema: 'Person', source: 'test', names: [], birthDates: [], identifiers: [], phones: [], emails: [], addresses: [], ...values };
}

function draw(shares: readonly number[], random: () => number): number {
  let left = random();
  for (const [level, share] of shares.entries()) {
    left -= share;
    if (left < 0) return level;
  }
  return shares.length - 1;
}

describe('estimateParameters', () => {
  it('recovers m, u and λ without labels on a sample where they are known', () => {
    const truth = [
      { m: [0.85, 0.1, 0.05], u: [0.05, 0.15, 0.8] },
      { m: [0.9, 0.1], u: [0.2, 0.8] },
      { m: [0.7, 0.2, 0.05, 0.05], u: [0.02, 0.08, 0.3, 0.6] },
      { m: [0.8, 0.2], u: [0.1, 0.9] },
    ];
    const lambda = 0.25;
    const comparisons: Comparison[] = truth.map((t, k) => ({ name: `c${k}`, levels: t.m.map((_, l) => `level ${l}`), compare: () => null }));
    const random = prng(7);
    const levels = Array.from({ length: 40_000 }, () => {
      const match = random() < lambda;
      // A tenth of the pairs lack the third field, which must count for nothing either way.
      return truth.map((t, k) => (k === 2 && random() < 0.1 ? null : draw(match ? t.m : t.u, random)));
    });

    const fitted = estimateParameters(levels, { comparisons });

    expect(fitted.converged).toBe(true);
    expect(fitted.lambda).toBeCloseTo(lambda, 1);
    expect(Math.abs(fitted.lambda - lambda)).toBeLessThan(0.02);
    fitted.comparisons.forEach((comparison, k) => {
      comparison.levels.forEach((level, l) => {
        expect(Math.abs(level.m - (truth[k]?.m[l] ?? 0))).toBeLessThan(0.03);
        expect(Math.abs(level.u - (truth[k]?.u[l] ?? 0))).toBeLessThan(0.03);
      });
    });
  });

  it('keeps every probability away from 0 and 1', () => {
    const comparisons: Comparison[] = [{ name: 'c', levels: ['agree', 'disagree'], compare: () => null }];
    const fitted = estimateParameters([[0], [0], [1], [1]], { comparisons, floor: 1e-4 });
    for (const level of fitted.comparisons[0]?.levels ?? []) {
      for (const p of [level.m, level.u]) {
        expect(p).toBeGreaterThanOrEqual(1e-4 * 0.99);
        expect(p).toBeLessThanOrEqual(1 - 1e-4 * 0.99);
      }
    }
  });
});

// A model set by hand, stronger agreement likelier among matches and rarer among non-matches: what
// these tests check is how a model is applied, not how it was found.
function handModel(): FellegiSunterParameters {
  const normalised = (values: number[]) => values.map((value) => value / values.reduce((sum, v) => sum + v, 0));
  return {
    lambda: 0.1,
    iterations: 0,
    converged: true,
    comparisons: COMPARISONS.map((comparison) => {
      const m = normalised(comparison.levels.map((_, l) => 2 ** -l));
      const u = normalised(comparison.levels.map((_, l) => 2 ** l));
      return { comparison: comparison.name, levels: comparison.levels.map((level, l) => ({ level, m: m[l] ?? 0, u: u[l] ?? 0 })) };
    }),
  };
}

describe('scorePair', () => {
  const surnames = ['smith', 'smith', 'smith', 'smith', 'smith', 'smith', 'smith', 'smith', 'quuxworth', 'quuxworth', 'jones', 'brown', 'taylor', 'wilson', 'evans', 'walker'];
  const records = surnames.map((surname, i) =>
    person(`r${i}`, { givenNames: [i % 2 === 0 ? 'ann' : 'john'], surnames: [surname], birthDates: [`19${50 + (i % 7)}-0${1 + (i % 9)}-1${i % 10}`] }),
  );
  const params = handModel();
  const tf = termFrequencies(records);

  it('weighs an exact match on a common surname less than on a rare one', () => {
    const smiths = scorePair(person('a', { surnames: ['Smith'] }), person('b', { surnames: ['smith'] }), params, tf);
    const quuxworths = scorePair(person('a', { surnames: ['Quuxworth'] }), person('b', { surnames: ['quuxworth'] }), params, tf);
    const weightOf = (score: typeof smiths) => score.contributions.find((c) => c.comparison === 'surname')?.weight ?? Number.NaN;
    expect(tf.get('surname')?.frequencies.get('smith')).toBe(0.5);
    expect(weightOf(quuxworths)).toBeGreaterThan(weightOf(smiths));
    expect(quuxworths.weight).toBeGreaterThan(smiths.weight);
  });

  it('explains itself with contributions that sum to the total weight', () => {
    const a = person('a', { givenNames: ['ann'], surnames: ['smith'], birthDates: ['1950-01-10'], identifiers: ['X1234567'] });
    const b = person('b', { givenNames: ['anne'], surnames: ['smith'], birthDates: ['1950-10-01'] });
    const score = scorePair(a, b, params, tf);
    const sum = score.contributions.reduce((total, c) => total + c.weight, 0);
    expect(sum).toBeCloseTo(score.weight, 10);
    expect(score.probability).toBeCloseTo(2 ** score.weight / (1 + 2 ** score.weight), 10);
    expect(score.contributions.map((c) => c.comparison)).toEqual(['prior', 'name', 'given name', 'surname', 'birth date', 'identifier', 'phone', 'email', 'address']);
    for (const c of score.contributions) expect(c.explanation).not.toBe('');
  });

  it('gives a field known on one side only no weight', () => {
    const score = scorePair(person('a', { identifiers: ['X1234567'] }), person('b', {}), params, tf);
    const identifier = score.contributions.find((c) => c.comparison === 'identifier');
    expect(identifier?.level).toBe('missing');
    expect(identifier?.weight).toBe(0);
  });
});

describe('matchProbability', () => {
  it('is one half at weight 0 and follows 2^w / (1 + 2^w)', () => {
    expect(matchProbability(0)).toBe(0.5);
    expect(matchProbability(3)).toBeCloseTo(8 / 9, 12);
    expect(matchProbability(-3)).toBeCloseTo(1 / 9, 12);
  });
});
