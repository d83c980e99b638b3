import { describe, expect, it } from 'vitest';
import type { EntityProfile } from './api';
import { contributionsByStrength, differingValues, formatProbability, formatWeight } from './pair-comparison';

function entity(id: string, properties: Record<string, string[]>): EntityProfile {
  return {
    id,
    schema: 'Person',
    sources: ['s'],
    properties: Object.fromEntries(
      Object.entries(properties).map(([property, values]) => [
        property,
        values.map((value) => ({ value, source: 's', origin: 'o', firstSeen: '', lastSeen: '', statementId: `${id}:${property}:${value}` })),
      ]),
    ),
  };
}

describe('differingValues', () => {
  it('marks the values the other record contradicts, not those it lacks, and ignores case and punctuation', () => {
    const a = entity('a', { name: ['Cosima Ormerod'], birthDate: ['1964-04-13'], address: ['12 Kiln Street, Fenholt'], phone: ['0123'] });
    const b = entity('b', { name: ['cosima  ormerod'], birthDate: ['1964-13-04'], address: ['12 Kiln Street Fenholt'] });
    expect([...differingValues(a, b)]).toEqual(['a:birthDate:1964-04-13']);
    expect([...differingValues(b, a)]).toEqual(['b:birthDate:1964-13-04']);
  });
});

describe('formatting a score', () => {
  it('writes weights in bits with their sign', () => {
    expect(formatWeight(6.43)).toBe('+6.4 bits');
    expect(formatWeight(-3.06)).toBe('−3.1 bits');
    expect(formatWeight(0)).toBe('0 bits');
    expect(formatWeight(0.02)).toBe('+0.0 bits');
  });

  it('writes probabilities as whole percentages, with a decimal near the ends', () => {
    expect(formatProbability(0.887)).toBe('89%');
    expect(formatProbability(0.0602)).toBe('6%');
    expect(formatProbability(0.9977)).toBe('99.8%');
    expect(formatProbability(0.004)).toBe('0.4%');
    expect(formatProbability(0.99999)).toBe('>99.9%');
    expect(formatProbability(1)).toBe('100%');
  });

  it('orders contributions by strength whichever way they point', () => {
    const order = contributionsByStrength([
      { comparison: 'prior', level: '', weight: -0.3, explanation: '' },
      { comparison: 'name', level: '', weight: 0.9, explanation: '' },
      { comparison: 'birth date', level: '', weight: -5, explanation: '' },
      { comparison: 'phone', level: '', weight: 0, explanation: '' },
    ]).map((c) => c.comparison);
    expect(order).toEqual(['birth date', 'name', 'prior', 'phone']);
  });
});
