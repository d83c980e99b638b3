/**
 * FtM dates are ISO 8601 prefixes whose length is their precision: `2021`, `2021-02`,
 * `2021-02-16`, `2021-02-16T21`, `2021-02-16T21:48`, `2021-02-16T21:48:52`, always UTC.
 */

/** Either a cleaned ISO prefix or the reason the text is not a date. */
export type DateResult = { ok: true; date: string } | { ok: false; reason: string };

const ISO_DATE =
  /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2})(?::(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

interface DateParts {
  year: number;
  month?: number | undefined;
  day?: number | undefined;
  hour?: number | undefined;
  minute?: number | undefined;
  second?: number | undefined;
}

/** Checks an ISO date prefix and returns it in the canonical form FtM stores. */
export function checkIsoDate(text: string): DateResult {
  const match = ISO_DATE.exec(text.trim());
  if (match === null) {
    return {
      ok: false,
      reason: 'not an ISO date: expected YYYY, YYYY-MM or YYYY-MM-DD, optionally with a time such as 2021-02-16T21:48 (for other layouts set `format` in the mapping)',
    };
  }
  const [, year, month, day, hour, minute, second, zone] = match;
  const parts: DateParts = {
    year: Number(year),
    month: toNumber(month),
    day: toNumber(day),
    hour: toNumber(hour),
    minute: toNumber(minute),
    second: toNumber(second),
  };
  const invalid = impossibleDate(parts);
  if (invalid !== null) return { ok: false, reason: invalid };
  if (zone !== undefined && parts.hour === undefined) return { ok: false, reason: 'a time zone needs a time of day' };
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    return { ok: true, date: formatParts(toUtc(parts, zone)) };
  }
  return { ok: true, date: formatParts(parts) };
}

/**
 * Why a strptime-style `format` cannot be used, or null when it can. Only the directives that
 * describe a calendar date are supported, so a mapping fails when it is read, not row by row.
 */
export function checkDateFormat(format: string): string | null {
  const directives = new Set<string>();
  for (let i = 0; i < format.length; i += 1) {
    if (format[i] !== '%') continue;
    const directive = format[i + 1];
    if (directive === undefined) return 'the format ends with a lone "%"';
    if (!'YymdHMSbB%'.includes(directive)) {
      return `the format directive %${directive} is not supported (use %Y %y %m %d %H %M %S %b %B %%)`;
    }
    directives.add(directive === 'y' ? 'Y' : directive === 'B' ? 'b' : directive);
    i += 1;
  }
  if (!directives.has('Y')) return 'the format has no year (%Y or %y)';
  const hasMonth = directives.has('m') || directives.has('b');
  // A prefix date cannot say "day 5 of some month": every finer part needs the coarser ones.
  const order: Array<[boolean, string]> = [
    [hasMonth, 'month'],
    [directives.has('d'), 'day'],
    [directives.has('H'), 'hour'],
    [directives.has('M'), 'minute'],
    [directives.has('S'), 'second'],
  ];
  let missing: string | null = null;
  for (const [present, name] of order) {
    if (!present && missing === null) missing = name;
    if (present && missing !== null) return `the format gives the ${name} but not the ${missing}`;
  }
  return null;
}

/** Reads `text` laid out as `format` (a strptime subset, checked by checkDateFormat) into an ISO prefix. */
export function parseDateWithFormat(text: string, format: string): DateResult {
  const fields: string[] = [];
  let pattern = '';
  for (let i = 0; i < format.length; i += 1) {
    const char = format[i] as string;
    if (char === '%') {
      const directive = format[i + 1] ?? '';
      i += 1;
      if (directive === '%') pattern += '%';
      else {
        fields.push(directive);
        pattern += directive === 'Y' ? '(\\d{4})' : directive === 'y' ? '(\\d{2})' : directive === 'b' || directive === 'B' ? '([A-Za-z]+)\\.?' : '(\\d{1,2})';
      }
    } else if (/\s/.test(char)) {
      pattern += '\\s+';
    } else {
      pattern += char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  const match = new RegExp(`^${pattern}$`, 'i').exec(text.trim());
  if (match === null) return { ok: false, reason: `does not match the date format "${format}"` };
  const parts: DateParts = { year: 0 };
  for (const [index, field] of fields.entries()) {
    const raw = match[index + 1] ?? '';
    switch (field) {
      case 'Y':
        parts.year = Number(raw);
        break;
      case 'y':
        // Python's strptime pivot: 00-68 are 2000-2068, 69-99 are 1969-1999.
        parts.year = Number(raw) + (Number(raw) <= 68 ? 2000 : 1900);
        break;
      case 'b':
      case 'B': {
        const month = monthFromName(raw);
        if (month === null) return { ok: false, reason: `"${raw}" is not an English month name` };
        parts.month = month;
        break;
      }
      case 'm':
        parts.month = Number(raw);
        break;
      case 'd':
        parts.day = Number(raw);
        break;
      case 'H':
        parts.hour = Number(raw);
        break;
      case 'M':
        parts.minute = Number(raw);
        break;
      case 'S':
        parts.second = Number(raw);
        break;
      default:
        return { ok: false, reason: `the format directive %${field} is not supported` };
    }
  }
  const invalid = impossibleDate(parts);
  if (invalid !== null) return { ok: false, reason: invalid };
  return { ok: true, date: formatParts(parts) };
}

function toNumber(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

function monthFromName(name: string): number | null {
  const lower = name.toLowerCase();
  if (lower.length < 3) return null;
  const index = MONTHS.findIndex((month) => month.startsWith(lower) && (lower.length === 3 || lower === month || lower === 'sept'));
  return index === -1 ? null : index + 1;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function impossibleDate(parts: DateParts): string | null {
  if (parts.year < 1) return 'there is no year 0';
  if (parts.month !== undefined && (parts.month < 1 || parts.month > 12)) return `there is no month ${parts.month}`;
  if (parts.day !== undefined && parts.month !== undefined) {
    const days = daysInMonth(parts.year, parts.month);
    if (parts.day < 1 || parts.day > days) {
      return `there is no day ${parts.day} in ${MONTHS[parts.month - 1] ?? ''} ${parts.year} (it has ${days} days)`;
    }
  }
  if (parts.hour !== undefined && parts.hour > 23) return `there is no hour ${parts.hour}`;
  if (parts.minute !== undefined && parts.minute > 59) return `there is no minute ${parts.minute}`;
  if (parts.second !== undefined && parts.second > 59) return `there is no second ${parts.second}`;
  return null;
}

function toUtc(parts: DateParts, zone: string): DateParts {
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
  const time = Date.UTC(parts.year, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  const utc = new Date(time - offsetMinutes * 60_000);
  return {
    year: utc.getUTCFullYear(),
    month: utc.getUTCMonth() + 1,
    day: utc.getUTCDate(),
    hour: utc.getUTCHours(),
    // Keep the precision the text had: a zoned hour stays an hour.
    minute: parts.minute === undefined ? undefined : utc.getUTCMinutes(),
    second: parts.second === undefined ? undefined : utc.getUTCSeconds(),
  };
}

function formatParts(parts: DateParts): string {
  const two = (n: number) => String(n).padStart(2, '0');
  let text = String(parts.year).padStart(4, '0');
  if (parts.month === undefined) return text;
  text += `-${two(parts.month)}`;
  if (parts.day === undefined) return text;
  text += `-${two(parts.day)}`;
  if (parts.hour === undefined) return text;
  text += `T${two(parts.hour)}`;
  if (parts.minute === undefined) return text;
  text += `:${two(parts.minute)}`;
  if (parts.second === undefined) return text;
  return `${text}:${two(parts.second)}`;
}
