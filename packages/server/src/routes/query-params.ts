import { Invalid } from '@casegraph/core';

// Query strings are text: the app does not coerce types, so numbers are checked as text and read here.
/** The schema of a whole-number query parameter. */
export const WHOLE_NUMBER = { type: 'string', pattern: '^[0-9]{1,7}$' } as const;
/** The schema of a fraction query parameter, from 0 to 1. */
export const FRACTION = { type: 'string', pattern: '^(0(\\.[0-9]{1,6})?|1(\\.0{1,6})?|\\.[0-9]{1,6})$' } as const;

/** A whole-number query parameter within its range, or the fallback when absent. */
export function wholeNumber(value: string | undefined, name: string, range: { min: number; max: number; fallback: number }): number {
  if (value === undefined) return range.fallback;
  const n = Number(value);
  if (n < range.min || n > range.max) throw new Invalid(`${name} must be from ${range.min} to ${range.max}`);
  return n;
}

/** A fraction query parameter (0 to 1), or the fallback when absent. */
export function fraction(value: string | undefined, fallback: number): number {
  return value === undefined ? fallback : Number(value);
}
