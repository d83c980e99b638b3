// The labelled set: queries of eight kinds about people of the demo world, each labelled with
// every visible entity id of the person it is about. Built afresh from the seed on every run.
import { parseStoredAddress, rewriteAddress } from './address-forms.js';
import type { DemoPerson } from './demo-people.js';
import { type Draws, pick, seededDraws, seededOrder } from './draws.js';
import { exactForm, initialsForm, nicknameForm, type PersonName, swappedForm, titleCase, typoForm, type WrittenForm } from './name-forms.js';
import { parseStoredPhone, rewritePhone } from './phone-forms.js';
import { SCRIPTS, scriptOfNationality, writeName } from './scripts.js';

/** The kinds of query, in the order they are reported. */
export const QUERY_KINDS = ['exact', 'typo', 'nickname', 'swapped', 'initials', 'transliteration', 'address', 'phone'] as const;

/** One kind of query. */
export type QueryKind = (typeof QUERY_KINDS)[number];

/** A query and its right answers: any of `expected` (entity ids of one person) is a hit. */
export interface LabelledQuery {
  kind: QueryKind;
  query: string;
  expected: string[];
  /** The ground truth's id of the person the query is about. */
  person: string;
  /** How the query was written from the person's records. */
  variant: string;
}

/** How the set is drawn. */
export interface LabelOptions {
  seed: string;
  perKind: number;
  /** Write `name:"..."`, `address:"..."`, `phone:"..."` rather than free text. */
  fielded: boolean;
  nicknames: ReadonlyMap<string, readonly string[]>;
}

const LATIN_WORD = /^[A-Za-z][A-Za-z' -]*[A-Za-z]$/;

function nameKeyOf(given: string, surname: string): string | null {
  const first = given.trim().split(/\s+/)[0] ?? '';
  if (!LATIN_WORD.test(first) || !LATIN_WORD.test(surname.trim())) return null;
  return `${first.toLowerCase()}|${surname.trim().toLowerCase()}`;
}

/**
 * The given name and surname at least two of the person's records agree on (so neither is a
 * record's slip or nickname), first given name only, in the case a mixed-case record wrote it.
 */
export function agreedName(person: DemoPerson): PersonName | null {
  const counts = new Map<string, number>();
  for (const written of person.writtenNames) {
    const key = nameKeyOf(written.given, written.surname);
    if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [key, count] of counts) if (count >= 2 && (best === null || count > (counts.get(best) ?? 0))) best = key;
  if (best === null) return null;
  const agreeing = person.writtenNames.filter((w) => nameKeyOf(w.given, w.surname) === best);
  const mixed = agreeing.find((w) => w.surname !== w.surname.toUpperCase() && w.given !== w.given.toUpperCase());
  const source = mixed ?? agreeing[0];
  if (source === undefined) return null;
  const given = source.given.trim().split(/\s+/)[0] ?? '';
  return mixed === undefined ? { given: titleCase(given), surname: titleCase(source.surname.trim()) } : { given, surname: source.surname.trim() };
}

/** The words of a name as compared here: unaccented, lower-case, apostrophes dropped. */
function wordsOf(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['\u2019]/g, '')
    .split(/[^a-z]+/)
    .filter((word) => word !== '');
}

/**
 * Who else bears a name, in any word order, among the names the search may show: a query is
 * only labelled when the person it is about is the one person it can mean.
 */
class NameBearers {
  private readonly byWord = new Map<string, Set<string>>();
  private readonly namesOf = new Map<string, string[][]>();

  constructor(people: readonly DemoPerson[]) {
    for (const person of people) {
      const names = person.names.map(wordsOf);
      this.namesOf.set(person.id, names);
      for (const word of names.flat()) {
        const bearers = this.byWord.get(word) ?? new Set<string>();
        bearers.add(person.id);
        this.byWord.set(word, bearers);
      }
    }
  }

  /** Whether someone other than `personId` has a name holding all `words` and meeting `also`. */
  othersBear(personId: string, words: readonly string[], also: (name: string[]) => boolean = () => true): boolean {
    const [first, ...rest] = words;
    if (first === undefined) return false;
    for (const other of this.byWord.get(first) ?? []) {
      if (other === personId || !rest.every((word) => this.byWord.get(word)?.has(other) === true)) continue;
      if ((this.namesOf.get(other) ?? []).some((name) => words.every((word) => name.includes(word)) && also(name))) return true;
    }
    return false;
  }
}

type Maker = (person: DemoPerson, name: PersonName | null, draw: Draws) => WrittenForm | null;

function makers(options: LabelOptions, bearers: NameBearers): Record<QueryKind, Maker> {
  return {
    exact: (_, name) => (name === null ? null : exactForm(name)),
    typo: (_, name, draw) => (name === null ? null : typoForm(name, draw)),
    nickname: (person, name, draw) => {
      const form = name === null ? null : nicknameForm(name, options.nicknames, draw);
      // "Bob Smith" must not be another person's name as written.
      return form === null || bearers.othersBear(person.id, wordsOf(form.text)) ? null : form;
    },
    swapped: (_, name, draw) => (name === null ? null : swappedForm(name, draw)),
    initials: (person, name, draw) => {
      if (name === null) return null;
      // "J. Smith" must mean one person: nobody else has the surname beside another word starting with J.
      const surname = wordsOf(name.surname);
      const initial = name.given.charAt(0).toLowerCase();
      const shared = bearers.othersBear(person.id, surname, (words) => words.some((w) => w.startsWith(initial) && !surname.includes(w)));
      return shared ? null : initialsForm(name, draw);
    },
    transliteration: (person, name, draw) => {
      if (name === null) return null;
      const hinted = person.nationalities.map(scriptOfNationality).find((s) => s !== null);
      const script = hinted ?? pick(SCRIPTS, draw);
      return { text: `${writeName(name.given, script)} ${writeName(name.surname, script)}`, variant: `${name.given} ${name.surname} in ${script}${hinted === undefined ? '' : ' (by nationality)'}` };
    },
    address: (person, _, draw) => {
      const parsed = person.addresses.flatMap((text) => {
        const address = parseStoredAddress(text);
        return address === null ? [] : [{ text, address }];
      });
      if (parsed.length === 0) return null;
      const { text, address } = pick(parsed, draw);
      const form = rewriteAddress(address, draw);
      return { text: form.text, variant: `${form.variant} (stored "${text}")` };
    },
    phone: (person, _, draw) => {
      const parsed = person.phones.flatMap((text) => {
        const phone = parseStoredPhone(text);
        return phone === null ? [] : [{ text, phone }];
      });
      if (parsed.length === 0) return null;
      const { text, phone } = pick(parsed, draw);
      return rewritePhone(text, phone, draw);
    },
  };
}

const FIELD_OF: Record<QueryKind, 'name' | 'address' | 'phone'> = {
  exact: 'name',
  typo: 'name',
  nickname: 'name',
  swapped: 'name',
  initials: 'name',
  transliteration: 'name',
  address: 'address',
  phone: 'phone',
};

/**
 * Draws `perKind` people per kind (in an order fixed by the seed and the kind) and writes a
 * query about each. Name queries are about people whose name two records agree on and nobody
 * else the search may show bears, so the name alone points at them. Addresses are shared by
 * households and are not made unique: another member of the home ranks as high.
 */
export function buildLabelledQueries(people: readonly DemoPerson[], options: LabelOptions): LabelledQuery[] {
  const visible = people.filter((p) => p.entityIds.length > 0);
  const bearers = new NameBearers(visible);
  const names = new Map<string, PersonName | null>();
  for (const person of visible) {
    const name = agreedName(person);
    const unique = name !== null && !bearers.othersBear(person.id, wordsOf(`${name.given} ${name.surname}`));
    names.set(person.id, unique ? name : null);
  }
  const make = makers(options, bearers);
  const queries: LabelledQuery[] = [];
  for (const kind of QUERY_KINDS) {
    let taken = 0;
    for (const person of seededOrder(visible, (p) => p.id, options.seed, kind)) {
      if (taken >= options.perKind) break;
      const form = make[kind](person, names.get(person.id) ?? null, seededDraws(options.seed, kind, person.id));
      if (form === null) continue;
      const query = options.fielded ? `${FIELD_OF[kind]}:"${form.text.replaceAll('"', '')}"` : form.text;
      queries.push({ kind, query, expected: person.entityIds, person: person.id, variant: form.variant });
      taken++;
    }
  }
  return queries;
}
