/** Reading a candidate pair: which values differ between its records, and its score as words. */

import type { EntityProfile, PairContribution } from './api';

// Case, spacing and punctuation are how sources differ in writing, not in what they say.
function comparable(value: string): string {
  return value
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The statement ids of `entity`'s values that the other record contradicts: it has the property
 * but not this value. A property the other record lacks is not a difference, only a gap.
 */
export function differingValues(entity: EntityProfile, other: EntityProfile): Set<string> {
  const differing = new Set<string>();
  for (const [property, values] of Object.entries(entity.properties)) {
    const others = other.properties[property];
    if (others === undefined || others.length === 0) continue;
    const theirs = new Set(others.map((value) => comparable(value.value)));
    for (const value of values) if (!theirs.has(comparable(value.value))) differing.add(value.statementId);
  }
  return differing;
}

/** The contributions strongest first, whichever way they point; the order of equals is kept. */
export function contributionsByStrength(contributions: readonly PairContribution[]): PairContribution[] {
  return [...contributions].sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight));
}

/** A weight in bits with its sign: "+6.4 bits", "−3.1 bits", "0 bits" (a typographic minus, which screen readers say). */
export function formatWeight(weight: number): string {
  const rounded = Math.round(weight * 10) / 10;
  if (rounded === 0) return weight === 0 ? '0 bits' : `${weight > 0 ? '+' : '−'}0.0 bits`;
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded).toFixed(1)} bits`;
}

/** A match probability as a percentage, with a decimal only where whole numbers would say 0% or 100% of what is neither. */
export function formatProbability(probability: number): string {
  const percent = probability * 100;
  if (percent >= 1 && percent <= 99) return `${Math.round(percent)}%`;
  if (percent <= 0 || percent >= 100) return `${Math.round(percent)}%`;
  if (percent < 0.1) return '<0.1%';
  if (percent > 99.9) return '>99.9%';
  return `${percent.toFixed(1)}%`;
}

/** How the score leans, in words, for the summary beside the percentage. */
export function describeProbability(probability: number): string {
  if (probability >= 0.9) return 'very likely the same';
  if (probability >= 0.6) return 'likely the same';
  if (probability > 0.4) return 'could go either way';
  if (probability > 0.1) return 'likely different';
  return 'very likely different';
}
