import { expect } from 'vitest';
import { isCaseGraphError } from '../errors.js';

/** Cases per parser property when CASEGRAPH_FUZZ_RUNS is not set: small, so the regular test run stays fast. */
const DEFAULT_PARSER_RUNS = 2000;
/** Cases per HTTP route when neither variable is set. */
const DEFAULT_ROUTE_RUNS = 40;

function positive(name: string): number | null {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return null;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, not "${raw}"`);
  return value;
}

/**
 * How many cases a parser property runs: CASEGRAPH_FUZZ_RUNS, or a CI-friendly default; `share`
 * scales it for properties whose cases cost far more than a parse (a store round trip).
 * @example fc.assert(property, { numRuns: fuzzRuns() })
 */
export function fuzzRuns(share = 1): number {
  return Math.max(1, Math.ceil((positive('CASEGRAPH_FUZZ_RUNS') ?? DEFAULT_PARSER_RUNS) * share));
}

/**
 * How many requests each HTTP route gets: CASEGRAPH_FUZZ_ROUTE_RUNS, else a tenth of
 * CASEGRAPH_FUZZ_RUNS (so `npm run fuzz`'s 100,000 per parser give 10,000 per route), else a default.
 */
export function fuzzRouteRuns(): number {
  const explicit = positive('CASEGRAPH_FUZZ_ROUTE_RUNS');
  if (explicit !== null) return explicit;
  const parserRuns = positive('CASEGRAPH_FUZZ_RUNS');
  return parserRuns === null ? DEFAULT_ROUTE_RUNS : Math.max(1, Math.ceil(parserRuns / 10));
}

/** A vitest timeout for a property of `runs` cases that each may take up to `perCaseMs`. */
export function fuzzTimeout(runs: number, perCaseMs: number): number {
  return 60_000 + runs * perCaseMs;
}

/** A case that ran past its time budget: the input makes the parser hang or go super-linear. */
export class OverBudget extends Error {
  constructor(ms: number) {
    super(`the case took more than its ${ms} ms budget`);
    this.name = 'OverBudget';
  }
}

/**
 * Runs one fuzz case under a time budget: an asynchronous case that does not settle in time fails
 * at once, and a synchronous one (which no timer can interrupt) fails when it ran too long.
 * @example await withinBudget(2000, () => parseQuery(text))
 */
export async function withinBudget<T>(ms: number, run: () => T | Promise<T>): Promise<T> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OverBudget(ms)), ms);
  });
  try {
    const value = await Promise.race([Promise.resolve().then(run), late]);
    if (performance.now() - started > ms) throw new OverBudget(ms);
    return value;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs a parse that may refuse its input: it must return, or throw one of the project's own
 * errors with a message. Anything else (a TypeError, a RangeError, a hang) fails the case.
 * @example const result = await parsesOrRefuses(() => parseMapping(text))
 */
export async function parsesOrRefuses<T>(run: () => T | Promise<T>, budgetMs = 2000): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  try {
    return { ok: true, value: await withinBudget(budgetMs, run) };
  } catch (error) {
    if (error instanceof OverBudget) throw error;
    if (!isCaseGraphError(error)) throw error;
    expect(error.message.trim()).not.toBe('');
    return { ok: false, message: error.message };
  }
}
