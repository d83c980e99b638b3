import { Invalid } from '../errors.js';

/** A whole number within its range (or the fallback when absent); Invalid names the range before any query runs. */
export function wholeNumberIn(value: number | undefined, name: string, range: { min: number; max: number; fallback: number }): number {
  if (value === undefined) return range.fallback;
  if (!Number.isInteger(value) || value < range.min || value > range.max) throw new Invalid(`${name} must be a whole number from ${range.min} to ${range.max} (at most ${range.max})`);
  return value;
}

/** An entity id as a caller gives it. */
export function checkId(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) throw new Invalid(`${name} must be an entity id (1 to 200 characters)`);
  return value;
}

/** The most subject ids one audit event lists: the rest are counted in its detail. */
export const MAX_AUDITED_SUBJECTS = 2000;

/** Subject ids for an audit event, bounded, with how many were left out. */
export function auditedSubjects(ids: readonly string[]): { subjectIds: string[]; subjectsLeftOut: number } {
  const unique = [...new Set(ids)];
  return { subjectIds: unique.slice(0, MAX_AUDITED_SUBJECTS), subjectsLeftOut: Math.max(0, unique.length - MAX_AUDITED_SUBJECTS) };
}
