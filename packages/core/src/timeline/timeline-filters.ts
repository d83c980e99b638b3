import { Invalid } from '../errors.js';
import { model } from '../model/ftm.js';

/** What a timeline may be narrowed to. */
export interface TimelineFilters {
  /** Kinds of item: 'case-event', 'date', or an FtM schema name in lower case ('payment', 'call', 'trip', 'event'...). */
  types?: readonly string[];
  /** First day shown, YYYY-MM-DD (inclusive). */
  from?: string;
  /** Last day shown, YYYY-MM-DD (inclusive). */
  to?: string;
  /** Most items shown (default 500, at most 2000); the rest are counted as not shown. */
  limit?: number;
}

/** Filters after checking. */
export interface CheckedFilters {
  types: ReadonlySet<string> | null;
  from: string | null;
  to: string | null;
  limit: number;
}

/** The most items one timeline answer shows. */
export const MAX_TIMELINE_ITEMS = 2000;
const DEFAULT_LIMIT = 500;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The kinds a timeline knows: case events, dates of an entity, and dated entities by schema. */
export function timelineKinds(): string[] {
  return ['case-event', 'date', ...Object.keys(model.schemata).map((name) => name.toLowerCase())];
}

function checkDay(value: string | undefined, name: string): string | null {
  if (value === undefined || value === '') return null;
  const match = DAY.exec(value);
  const [, year, month, day] = match ?? [];
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (match === null || date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) {
    throw new Invalid(`${name} must be a calendar day written YYYY-MM-DD, such as 2024-03-31 (got "${value}")`);
  }
  return value;
}

/**
 * Checks timeline filters: known kinds, calendar days with from not after to, a limit from 1 to 2000.
 * @example checkTimelineFilters({ types: ['payment'], from: '2024-01-01', to: '2024-12-31' })
 */
export function checkTimelineFilters(filters: TimelineFilters): CheckedFilters {
  let types: Set<string> | null = null;
  if (filters.types !== undefined && filters.types.length > 0) {
    const known = new Set(timelineKinds());
    types = new Set(filters.types.map((t) => t.trim().toLowerCase()).filter((t) => t !== ''));
    for (const type of types) {
      if (!known.has(type)) throw new Invalid(`unknown timeline type "${type}" (use case-event, date, or an FtM schema name in lower case such as payment, call, trip or event)`);
    }
    if (types.size === 0) types = null;
  }
  const from = checkDay(filters.from, 'from');
  const to = checkDay(filters.to, 'to');
  if (from !== null && to !== null && from > to) throw new Invalid(`from (${from}) is after to (${to})`);
  const limit = filters.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TIMELINE_ITEMS) throw new Invalid(`limit must be a whole number from 1 to ${MAX_TIMELINE_ITEMS}`);
  return { types, from, to, limit };
}

/** Compares two ISO dates to the precision both give (a month agrees with each of its days). */
function compareDates(a: string, b: string): number {
  const n = Math.min(a.length, b.length, 10);
  const x = a.slice(0, n);
  const y = b.slice(0, n);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether an item (a day, or a period from at to end) touches the filtered period. */
export function withinPeriod(item: { at: string; end?: string }, filters: CheckedFilters): boolean {
  if (filters.to !== null && compareDates(item.at, filters.to) > 0) return false;
  if (filters.from !== null && compareDates(item.end ?? item.at, filters.from) < 0) return false;
  return true;
}
