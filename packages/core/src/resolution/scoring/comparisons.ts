import { compareAddresses, isInitial, jaroWinkler, levenshtein, sameGivenName, trigramSimilarity, type AddressParts } from '../../search/normalize/index.js';
import { prepareRecord, type PreparedDate, type PreparedName, type PreparedRecord, type ResolutionRecord } from './record.js';

/** The level a pair reached on one comparison, and why, in words. */
export interface ComparisonOutcome {
  level: number;
  explanation: string;
  /** Set at the term-frequency level: the value both sides share, whose frequency sets the weight. */
  termValue?: string;
}

/** One way of comparing two records: levels ordered from strongest agreement to disagreement (the last). */
export interface Comparison {
  name: string;
  levels: readonly string[];
  /** The level whose u depends on the shared value (an exact name), if any. */
  termFrequencyLevel?: number;
  /** The values of a record whose frequencies the term-frequency adjustment counts. */
  termValues?: (record: PreparedRecord) => string[];
  /** Null when either side lacks the field, so that a missing value counts neither for nor against. */
  compare: (a: PreparedRecord, b: PreparedRecord) => ComparisonOutcome | null;
}

type Outcome = ComparisonOutcome;

// Tried on every pair of values; the strongest agreement stands for the field.
function best<T>(xs: readonly T[], ys: readonly T[], compare: (x: T, y: T) => Outcome): Outcome | null {
  let found: Outcome | null = null;
  for (const x of xs) {
    for (const y of ys) {
      const outcome = compare(x, y);
      if (found === null || outcome.level < found.level) found = outcome;
      if (found.level === 0) return found;
    }
  }
  return found;
}

function jw(a: PreparedName, b: PreparedName): number {
  return Math.max(jaroWinkler(a.text, b.text), jaroWinkler(a.key, b.key));
}

// Each word of the shorter name is the same word, or its initial, as a word of the longer one, in order:
// "j smith" and "john smith", "mary" and "mary ann".
function initialsCompatible(a: readonly string[], b: readonly string[]): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  let j = 0;
  for (const token of short) {
    while (j < long.length && !tokenCompatible(token, long[j] ?? '')) j += 1;
    if (j === long.length) return false;
    j += 1;
  }
  return short.length > 0;
}

function tokenCompatible(x: string, y: string): boolean {
  if (x === y) return true;
  if (isInitial(x)) return y.startsWith(x);
  if (isInitial(y)) return x.startsWith(y);
  return false;
}

// The same words in any order, each word itself or a nickname of its counterpart.
function sameWordsOrNicknames(a: PreparedName, b: PreparedName): boolean {
  if (a.key === b.key) return true;
  if (a.tokens.length !== b.tokens.length) return false;
  const unused = [...b.tokens];
  for (const token of a.tokens) {
    const at = unused.findIndex((other) => other === token || sameGivenName(token, other));
    if (at < 0) return false;
    unused.splice(at, 1);
  }
  return true;
}

// Initials come before string similarity: "j r hartley" is not a misspelling of "jack richard hartley",
// and a name that shares the surname would always pass for a near one.
const FULL_NAME_LEVELS = ['exact', 'same words or nicknames', 'initials or fewer names', 'jaro-winkler >= 0.92', 'jaro-winkler >= 0.85', 'sounds alike', 'different'] as const;

function compareFullNames(a: PreparedName, b: PreparedName): Outcome {
  const pair = `"${a.text}" and "${b.text}"`;
  if (a.text === b.text) return { level: 0, explanation: `the same name "${a.text}"`, termValue: a.key };
  if (sameWordsOrNicknames(a, b)) return { level: 1, explanation: `${pair} have the same names in another order or as nicknames` };
  if (initialsCompatible(a.tokens, b.tokens)) return { level: 2, explanation: `${pair} agree where one gives only initials or fewer names` };
  const similarity = jw(a, b);
  if (similarity >= 0.92) return { level: 3, explanation: `${pair} differ by a slip (Jaro-Winkler ${similarity.toFixed(2)})` };
  if (similarity >= 0.85) return { level: 4, explanation: `${pair} are similar (Jaro-Winkler ${similarity.toFixed(2)})` };
  if (a.phonetic === b.phonetic) return { level: 5, explanation: `${pair} sound alike (${a.phonetic})` };
  return { level: 6, explanation: `${pair} are different names` };
}

const GIVEN_NAME_LEVELS = ['exact', 'nickname', 'one edit', 'jaro-winkler >= 0.92', 'jaro-winkler >= 0.85', 'sounds alike', 'initials compatible', 'different'] as const;
const SURNAME_LEVELS = ['exact', 'one edit', 'jaro-winkler >= 0.92', 'jaro-winkler >= 0.85', 'sounds alike', 'different'] as const;

// A name part checked against the other record's other part (given name against surname) counts only when
// it agrees closely: forms filled in the wrong order are common, loose likenesses across parts are chance.
const SWAPPED_GIVEN_MAX_LEVEL = 3;
const SWAPPED_SURNAME_MAX_LEVEL = 2;

function compareGivenNames(a: PreparedName, b: PreparedName): Outcome {
  const pair = `"${a.text}" and "${b.text}"`;
  if (a.text === b.text) return { level: 0, explanation: `the same given name "${a.text}"`, termValue: a.text };
  if (sameWordsOrNicknames(a, b)) return { level: 1, explanation: `${pair} are the same given name or a nickname of it` };
  if (levenshtein(a.text, b.text) <= 1) return { level: 2, explanation: `${pair} differ by one letter` };
  const similarity = jw(a, b);
  if (similarity >= 0.92) return { level: 3, explanation: `${pair} differ by a slip (Jaro-Winkler ${similarity.toFixed(2)})` };
  if (similarity >= 0.85) return { level: 4, explanation: `${pair} are similar (Jaro-Winkler ${similarity.toFixed(2)})` };
  if (a.phonetic === b.phonetic) return { level: 5, explanation: `${pair} sound alike (${a.phonetic})` };
  if (initialsCompatible(a.tokens, b.tokens)) return { level: 6, explanation: `${pair} agree where one gives only an initial or fewer names` };
  return { level: 7, explanation: `${pair} are different given names` };
}

function compareSurnames(a: PreparedName, b: PreparedName): Outcome {
  const pair = `"${a.text}" and "${b.text}"`;
  if (a.text === b.text) return { level: 0, explanation: `the same surname "${a.text}"`, termValue: a.text };
  if (levenshtein(a.text, b.text) <= 1) return { level: 1, explanation: `${pair} differ by one letter` };
  const similarity = jw(a, b);
  if (similarity >= 0.92) return { level: 2, explanation: `${pair} differ by a slip (Jaro-Winkler ${similarity.toFixed(2)})` };
  if (similarity >= 0.85) return { level: 3, explanation: `${pair} are similar (Jaro-Winkler ${similarity.toFixed(2)})` };
  if (a.phonetic === b.phonetic) return { level: 4, explanation: `${pair} sound alike (${a.phonetic})` };
  return { level: 5, explanation: `${pair} are different surnames` };
}

// The part compared straight, or against the other record's other part when that agrees more closely.
function namePart(
  own: (r: PreparedRecord) => PreparedName[],
  other: (r: PreparedRecord) => PreparedName[],
  compare: (x: PreparedName, y: PreparedName) => Outcome,
  swappedMaxLevel: number,
  partName: string,
): (a: PreparedRecord, b: PreparedRecord) => Outcome | null {
  return (a, b) => {
    const straight = best(own(a), own(b), compare);
    if (straight === null || straight.level === 0) return straight;
    const crossed = [best(own(a), other(b), compare), best(other(a), own(b), compare)]
      .filter((outcome): outcome is Outcome => outcome !== null && outcome.level <= swappedMaxLevel && outcome.level < straight.level)
      .sort((x, y) => x.level - y.level)[0];
    if (crossed === undefined) return straight;
    // The shared value's frequency was counted among given names or surnames, not across them.
    return { level: crossed.level, explanation: `${crossed.explanation}, across the other record's ${partName} (names swapped)` };
  };
}

// The whole name speaks only for a record that does not split it; otherwise given name and surname
// would each be counted twice.
function unsplit(record: PreparedRecord): boolean {
  return record.givenNames.length === 0 && record.surnames.length === 0;
}

const BIRTH_DATE_LEVELS = ['exact', 'one digit off', 'day and month transposed', 'same year and month', 'same year', 'different'] as const;

function oneDigitOff(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const differing: number[] = [];
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) differing.push(i);
  if (differing.length === 1) return true;
  // Two neighbouring digits typed in the wrong order are one slip too.
  const [i, j] = differing;
  return differing.length === 2 && i !== undefined && j === i + 1 && a[i] === b[j] && a[j] === b[i];
}

function compareDates(a: PreparedDate, b: PreparedDate): Outcome {
  const pair = `${a.iso} and ${b.iso}`;
  const full = a.day !== null && b.day !== null;
  if (full && a.iso === b.iso) return { level: 0, explanation: `the same date of birth ${a.iso}` };
  if (full && oneDigitOff(a.iso, b.iso)) return { level: 1, explanation: `${pair} differ by one digit` };
  if (full && a.year === b.year && a.month === b.day && a.day === b.month) return { level: 2, explanation: `${pair} have day and month transposed` };
  if (a.month !== null && a.year === b.year && a.month === b.month) return { level: 3, explanation: `${pair} share year and month` };
  if (a.year === b.year) return { level: 4, explanation: `${pair} share the year ${a.year}` };
  return { level: 5, explanation: `${pair} are different dates` };
}

const IDENTIFIER_LEVELS = ['exact', 'one character off', 'different'] as const;

function compareIdentifiers(a: string, b: string): Outcome {
  if (a === b) return { level: 0, explanation: `the same identifier ${a}` };
  // Below four characters one slip turns an identifier into another valid one too easily to mean anything.
  if (Math.min(a.length, b.length) >= 4 && (levenshtein(a, b) <= 1 || oneDigitOff(a, b))) {
    return { level: 1, explanation: `identifiers ${a} and ${b} differ by one character` };
  }
  return { level: 2, explanation: `identifiers ${a} and ${b} differ` };
}

const PHONE_LEVELS = ['exact', 'same last eight digits', 'different'] as const;

function comparePhones(a: string, b: string): Outcome {
  if (a === b) return { level: 0, explanation: `the same phone number ${a}` };
  // A number written with and without its country or area code still ends the same.
  const tail = (phone: string) => phone.replace(/\D/gu, '').slice(-8);
  if (tail(a).length === 8 && tail(a) === tail(b)) return { level: 1, explanation: `phone numbers ${a} and ${b} end in the same eight digits` };
  return { level: 2, explanation: `phone numbers ${a} and ${b} differ` };
}

const EMAIL_LEVELS = ['exact', 'same mailbox name', 'different'] as const;

function compareEmails(a: string, b: string): Outcome {
  if (a === b) return { level: 0, explanation: `the same email address ${a}` };
  const mailbox = (email: string) => email.slice(0, email.indexOf('@'));
  // People keep their mailbox name across providers; short ones ("info") are everyone's.
  if (mailbox(a).length >= 5 && mailbox(a) === mailbox(b)) return { level: 1, explanation: `${a} and ${b} share the mailbox name at different domains` };
  return { level: 2, explanation: `email addresses ${a} and ${b} differ` };
}

const ADDRESS_LEVELS = ['same unit', 'same building', 'same street', 'similar wording', 'same postcode', 'different'] as const;

// Below this many shared letter trigrams, two addresses are only alike by chance.
const SIMILAR_ADDRESS = 0.5;

function compareAddressParts(a: AddressParts, b: AddressParts): Outcome {
  const pair = `"${a.normalized}" and "${b.normalized}"`;
  const compared = compareAddresses(a, b);
  const reasons = compared.reasons.join(', ');
  if (compared.sameBuilding && compared.sameUnit === true) return { level: 0, explanation: `${pair}: ${reasons}` };
  if (compared.sameBuilding && compared.sameUnit === null) return { level: 1, explanation: `${pair}: ${reasons}` };
  // compareAddresses scores every address in the same street at 0.5 or more, and every other below 0.4.
  if (compared.sameBuilding || compared.score >= 0.45) return { level: 2, explanation: `${pair}: ${reasons}` };
  const similarity = trigramSimilarity(a.normalized, b.normalized);
  if (similarity >= SIMILAR_ADDRESS) return { level: 3, explanation: `${pair} share ${Math.round(similarity * 100)}% of their letter trigrams` };
  if (a.postcode !== null && a.postcode === b.postcode) return { level: 4, explanation: `${pair} are in the same postcode ${a.postcode}` };
  return { level: 5, explanation: `${pair} are different addresses` };
}

function compareAddressFields(a: PreparedRecord, b: PreparedRecord): Outcome | null {
  const byAddress = best(a.addresses, b.addresses, compareAddressParts);
  if (byAddress !== null && byAddress.level < 4) return byAddress;
  const sharedPostcode = a.postcodes.find((code) => b.postcodes.includes(code));
  if (sharedPostcode !== undefined) return { level: 4, explanation: `the same postcode ${sharedPostcode}` };
  if (byAddress !== null) return byAddress;
  return a.postcodes.length > 0 && b.postcodes.length > 0 ? { level: 5, explanation: `postcodes ${a.postcodes.join(', ')} and ${b.postcodes.join(', ')} differ` } : null;
}

/** The comparisons every pair goes through, in the order of `compareRecords` and of fitted parameters. */
export const COMPARISONS: readonly Comparison[] = [
  {
    name: 'name',
    levels: FULL_NAME_LEVELS,
    termFrequencyLevel: 0,
    termValues: (record) => record.names.map((name) => name.key),
    compare: (a, b) => (unsplit(a) || unsplit(b) ? best(a.names, b.names, compareFullNames) : null),
  },
  {
    name: 'given name',
    levels: GIVEN_NAME_LEVELS,
    termFrequencyLevel: 0,
    termValues: (record) => record.givenNames.map((name) => name.text),
    compare: namePart((r) => r.givenNames, (r) => r.surnames, compareGivenNames, SWAPPED_GIVEN_MAX_LEVEL, 'surname'),
  },
  {
    name: 'surname',
    levels: SURNAME_LEVELS,
    termFrequencyLevel: 0,
    termValues: (record) => record.surnames.map((name) => name.text),
    compare: namePart((r) => r.surnames, (r) => r.givenNames, compareSurnames, SWAPPED_SURNAME_MAX_LEVEL, 'given name'),
  },
  { name: 'birth date', levels: BIRTH_DATE_LEVELS, compare: (a, b) => best(a.birthDates, b.birthDates, compareDates) },
  { name: 'identifier', levels: IDENTIFIER_LEVELS, compare: (a, b) => best(a.identifiers, b.identifiers, compareIdentifiers) },
  { name: 'phone', levels: PHONE_LEVELS, compare: (a, b) => best(a.phones, b.phones, comparePhones) },
  { name: 'email', levels: EMAIL_LEVELS, compare: (a, b) => best(a.emails, b.emails, compareEmails) },
  { name: 'address', levels: ADDRESS_LEVELS, compare: compareAddressFields },
];

/** Every comparison's outcome for a pair (null where a side lacks the field): `compareRecords(a, b)[3]?.level`. */
export function compareRecords(a: ResolutionRecord, b: ResolutionRecord, comparisons: readonly Comparison[] = COMPARISONS): Array<ComparisonOutcome | null> {
  const left = prepareRecord(a);
  const right = prepareRecord(b);
  return comparisons.map((comparison) => comparison.compare(left, right));
}

/** Only the levels of `compareRecords`, the input parameter estimation needs. */
export function comparisonLevels(a: ResolutionRecord, b: ResolutionRecord, comparisons: readonly Comparison[] = COMPARISONS): Array<number | null> {
  return compareRecords(a, b, comparisons).map((outcome) => outcome?.level ?? null);
}
