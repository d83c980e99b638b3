import { phoneticKey } from '../../search/normalize/index.js';
import { prepareRecord, type PreparedRecord, type ResolutionRecord } from './record.js';

/** A block left out because comparing all its pairs would cost too much and say little. */
export interface SkippedBlock {
  key: string;
  size: number;
}

/** How candidatePairs forms pairs. */
export interface CandidatePairOptions {
  /** Blocks with more records than this are skipped (default 200): a key that common separates nothing. */
  maxBlockSize?: number;
  /** Told of every skipped block, so that the caller can report how much was left out. */
  onSkippedBlock?: (block: SkippedBlock) => void;
}

function initial(text: string): string {
  return Array.from(text)[0] ?? '';
}

// Given names and surnames as the record split them; a record with only whole names is read as
// "given … surname", which the order-free keys below forgive when it was the other way round.
function nameParts(record: PreparedRecord): { givenNames: string[]; surnames: string[] } {
  if (record.givenNames.length > 0 || record.surnames.length > 0) {
    return { givenNames: record.givenNames.map((name) => name.text), surnames: record.surnames.map((name) => name.text) };
  }
  const whole = record.names.filter((name) => name.tokens.length > 1);
  return {
    givenNames: whole.map((name) => name.tokens[0] ?? ''),
    surnames: [...whole, ...record.names.filter((name) => name.tokens.length === 1)].map((name) => name.tokens.at(-1) ?? ''),
  };
}

function personKeys(record: PreparedRecord): string[] {
  const keys: string[] = [];
  const years = [...new Set(record.birthDates.map((date) => date.year))];
  const fullDates = [...new Set(record.birthDates.filter((date) => date.day !== null).map((date) => date.iso))];
  const { givenNames, surnames } = nameParts(record);
  for (const surname of surnames) {
    const sound = phoneticKey(surname);
    for (const year of years) keys.push(`surname-sound-year:${sound}:${year}`);
    for (const postcode of record.postcodes) keys.push(`surname-postcode:${surname.slice(0, 3)}:${postcode}`);
    for (const given of givenNames) {
      // Sorted, so that given name and surname written in each other's place still meet.
      keys.push(`name-sounds:${[sound, phoneticKey(given)].sort().join(':')}`);
      const initials = [initial(surname), initial(given)].sort().join('');
      for (const date of fullDates) keys.push(`initials-date:${initials}:${date}`);
    }
  }
  // A surname mistyped from its first letter on still leaves the given name and the date.
  for (const given of givenNames) for (const date of fullDates) keys.push(`given-sound-date:${phoneticKey(given)}:${date}`);
  return keys;
}

function organisationKeys(record: PreparedRecord): string[] {
  return record.names.flatMap((name) => name.tokens.filter((token) => token.length > 1).map((token) => `name-token-sound:${phoneticKey(token)}`));
}

/** The keys under which a record meets its likely duplicates; several, so that one corrupted field does not keep a pair apart. */
export function blockingKeys(record: ResolutionRecord): string[] {
  const prepared = prepareRecord(record);
  const keys = prepared.isOrganisation ? organisationKeys(prepared) : personKeys(prepared);
  keys.push(...prepared.identifiers.map((id) => `identifier:${id}`));
  keys.push(...prepared.phones.map((phone) => `phone:${phone}`));
  keys.push(...prepared.emails.map((email) => `email:${email}`));
  for (const address of prepared.addresses) {
    if (address.houseNumber !== null && address.postcode !== null) keys.push(`building:${address.postcode}:${address.houseNumber}`);
  }
  return [...new Set(keys)];
}

/** Index pairs [i, j] (i < j) of records sharing at least one blocking key, each pair once: `candidatePairs(records, { maxBlockSize: 100 })`. */
export function candidatePairs(records: readonly ResolutionRecord[], options: CandidatePairOptions = {}): Array<[number, number]> {
  const maxBlockSize = options.maxBlockSize ?? 200;
  const blocks = new Map<string, number[]>();
  records.forEach((record, index) => {
    for (const key of blockingKeys(record)) {
      const block = blocks.get(key);
      if (block === undefined) blocks.set(key, [index]);
      else block.push(index);
    }
  });
  const seen = new Set<number>();
  const pairs: Array<[number, number]> = [];
  for (const [key, members] of blocks) {
    if (members.length < 2) continue;
    if (members.length > maxBlockSize) {
      options.onSkippedBlock?.({ key, size: members.length });
      continue;
    }
    for (let x = 0; x < members.length; x += 1) {
      for (let y = x + 1; y < members.length; y += 1) {
        const i = members[x] ?? 0;
        const j = members[y] ?? 0;
        // Members are in index order, so i < j; one number per pair keeps the seen-set small and fast.
        const id = i * records.length + j;
        if (seen.has(id)) continue;
        seen.add(id);
        pairs.push([i, j]);
      }
    }
  }
  return pairs;
}
