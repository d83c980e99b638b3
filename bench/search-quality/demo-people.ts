// The people of a loaded demo dataset as the labelled set needs them: which stored entities are
// the same synthetic person (from the generator's ground truth), what of them the searcher may see,
// and the given name and surname as the records that keep them apart wrote them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mayBeMinor, sensitiveStatementsFilter, unlockedCategories, visibleStatements, type Ctx } from '@casegraph/core';

/** One synthetic person: their visible records' entity ids and values, and their written names. */
export interface DemoPerson {
  /** The ground truth's id, e.g. person-000123. */
  id: string;
  /** Entity ids of the person's records the search context may see: any of them is a right answer. */
  entityIds: string[];
  /** Stored values of those records. */
  names: string[];
  addresses: string[];
  phones: string[];
  /** Given name and surname from the sources that keep them in separate fields (every record, seen or not). */
  writtenNames: Array<{ given: string; surname: string; source: string }>;
  nationalities: string[];
}

// The sources whose files keep the given name apart from the surname, and the columns that hold them.
interface NameFile {
  source: string;
  file: string;
  keys: string[];
  name: (row: Record<string, string>) => { given: string; surname: string } | null;
}

const split = (given: string | undefined, surname: string | undefined) => (given === undefined || surname === undefined ? null : { given, surname });

const NAME_FILES: readonly NameFile[] = [
  { source: 'phone-subscribers', file: 'subscribers.csv', keys: ['subscriber_ref'], name: (r) => split(r.first_name, r.last_name) },
  { source: 'vehicle-registry', file: 'vehicles.csv', keys: ['keeper_ref'], name: (r) => split(r.keeper_forenames, r.keeper_surname) },
  { source: 'bank-records', file: 'personal-accounts.jsonl', keys: ['customer_id'], name: (r) => split(r.first_names, r.surname) },
  { source: 'travel-records', file: 'passenger-manifests.jsonl', keys: ['booking_ref', 'passenger_no'], name: (r) => split(r.given_names, r.surname) },
  {
    source: 'company-registry',
    file: 'officers.csv',
    keys: ['officer_id'],
    // Registers print officers "SURNAME, Given Middle".
    name: (r) => {
      const [surname, given] = (r.officer_name ?? '').split(', ');
      return split(given, surname);
    },
  },
];

/** Rows of an RFC 4180 CSV file (quoted fields, CRLF), as objects by header. */
export function readCsv(path: string): Array<Record<string, string>> {
  const text = readFileSync(path, 'utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quoted) {
      if (ch === '"' && text.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text.charAt(i + 1) === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  const [header = [], ...body] = rows;
  return body.map((cells) => Object.fromEntries(header.map((column, i) => [column, cells[i] ?? ''])));
}

function readRows(path: string): Array<Record<string, string>> {
  if (path.endsWith('.csv')) return readCsv(path);
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, string>);
}

/**
 * Reads the people of a demo loaded into the store behind `ctx`: the ground truth says which
 * source records are one person, the statements (under ctx's access conditions, as a search
 * sees them: markings, sensitive sources, minors) give their entity ids and values.
 */
export async function readDemoPeople(ctx: Ctx, dir: string): Promise<DemoPerson[]> {
  const personOf = new Map<string, string>();
  for (const row of readCsv(join(dir, 'ground-truth.csv'))) {
    if (row.entity_id?.startsWith('person-') === true) personOf.set(`${row.source}\u0000${row.record_id}`, row.entity_id);
  }
  const people = new Map<string, DemoPerson>();
  const personNamed = (id: string): DemoPerson => {
    let person = people.get(id);
    if (person === undefined) {
      person = { id, entityIds: [], names: [], addresses: [], phones: [], writtenNames: [], nationalities: [] };
      people.set(id, person);
    }
    return person;
  };

  const unlocked = await unlockedCategories(ctx);
  const rows = await ctx.db
    .selectFrom('statements')
    .innerJoin('sources', 'sources.id', 'statements.source_id')
    .select(['statements.entity_id', 'statements.source_id', 'statements.origin', 'statements.property', 'statements.value'])
    .where('statements.schema', 'in', ['Person', 'LegalEntity'])
    .where('statements.property', 'in', ['name', 'address', 'phone', 'birthDate'])
    .where(visibleStatements(ctx))
    .where(sensitiveStatementsFilter(unlocked))
    .execute();
  // Records of people who may be under 18 stay hidden from a search without an unlock.
  const now = ctx.now();
  const minors = new Set(rows.filter((r) => r.property === 'birthDate' && mayBeMinor(r.value, now)).map((r) => r.entity_id));
  for (const row of rows) {
    const id = personOf.get(`${row.source_id}\u0000${row.origin}`);
    if (id === undefined || minors.has(row.entity_id)) continue;
    const person = personNamed(id);
    if (!person.entityIds.includes(row.entity_id)) person.entityIds.push(row.entity_id);
    const values = row.property === 'name' ? person.names : row.property === 'address' ? person.addresses : row.property === 'phone' ? person.phones : null;
    if (values !== null && !values.includes(row.value)) values.push(row.value);
  }

  for (const spec of NAME_FILES) {
    for (const row of readRows(join(dir, spec.source, spec.file))) {
      const id = personOf.get(`${spec.source}\u0000${spec.keys.map((key) => row[key] ?? '').join('|')}`);
      const name = spec.name(row);
      if (id === undefined || name === null) continue;
      const person = personNamed(id);
      person.writtenNames.push({ ...name, source: spec.source });
      if (row.nationality !== undefined && row.nationality !== '') person.nationalities.push(row.nationality);
    }
  }
  // Row order is the store's; sorted, the labelled set is the same on every run and every store.
  for (const person of people.values()) for (const list of [person.entityIds, person.names, person.addresses, person.phones]) list.sort();
  return [...people.values()].sort((a, b) => a.id.localeCompare(b.id));
}
