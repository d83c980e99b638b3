// Dates are day numbers (days since 1970-01-01) turned into ISO text by arithmetic, so output
// never depends on the clock, the time zone or Date parsing.

/** A calendar date split into parts. */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** Day number of a calendar date (Howard Hinnant's days_from_civil). */
export function dayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Calendar parts of a day number. */
export function civilDate(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** The fixed "today" of the demo world, so ages and recency never follow the clock. */
export const REFERENCE_DAY = dayNumber(2026, 1, 1);

/** A day clamped to before the reference day, for dates drawn forward from an earlier one. */
export function beforeReference(days: number): number {
  return Math.min(days, REFERENCE_DAY - 1);
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** ISO 8601 date (YYYY-MM-DD) of a day number. */
export function isoDate(days: number): string {
  const d = civilDate(days);
  return `${d.year}-${two(d.month)}-${two(d.day)}`;
}

/** ISO 8601 date of calendar parts. */
export function isoOf(d: CivilDate): string {
  return `${d.year}-${two(d.month)}-${two(d.day)}`;
}

/** Year and month only (YYYY-MM), as company registers publish officers' birth dates. */
export function isoMonth(d: CivilDate): string {
  return `${d.year}-${two(d.month)}`;
}

/** ISO 8601 local date-time of a day number plus seconds into that day. */
export function isoDateTime(days: number, seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${isoDate(days)}T${two(h)}:${two(m)}:${two(s)}`;
}
