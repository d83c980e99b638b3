// The ways a searcher writes a person's name other than as it is registered: a slip of one
// letter, a nickname, the surname first, an initial.
import { readFileSync } from 'node:fs';
import { type Draws, pick } from './draws.js';

/** A person's given name and surname as the records agree on them. */
export interface PersonName {
  given: string;
  surname: string;
}

/** A query text and a short note of how it was made, for the labelled set. */
export interface WrittenForm {
  text: string;
  variant: string;
}

// Letters beside each letter on a QWERTY keyboard: the slips a typist makes.
const NEIGHBOURS: Record<string, string> = {
  a: 'qwsz', b: 'vghn', c: 'xdfv', d: 'serfcx', e: 'wsdr', f: 'drtgvc', g: 'ftyhbv', h: 'gyujnb', i: 'ujko',
  j: 'huikmn', k: 'jiolm', l: 'kop', m: 'njk', n: 'bhjm', o: 'iklp', p: 'ol', q: 'wa', r: 'edft', s: 'awedxz',
  t: 'rfgy', u: 'yhji', v: 'cfgb', w: 'qase', x: 'zsdc', y: 'tghu', z: 'asx',
};

/** "O'BRIEN" → "O'Brien", "de JONG" → "De Jong": capitals where words start. */
export function titleCase(text: string): string {
  return text.toLowerCase().replace(/(^|[\s'-])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}

/** The name as registered, "Given Surname". */
export function exactForm(name: PersonName): WrittenForm {
  return { text: `${name.given} ${name.surname}`, variant: 'as registered' };
}

/** One keying slip in the surname or the given name: two letters swapped, one dropped, one added or one mistyped. */
export function typoForm(name: PersonName, draw: Draws): WrittenForm | null {
  const editable = (word: string) => /^\p{L}{4,}$/u.test(word);
  const parts: Array<'surname' | 'given'> = [];
  if (editable(name.surname)) parts.push('surname');
  if (editable(name.given)) parts.push('given');
  if (parts.length === 0) return null;
  const part = pick(parts, draw);
  const word = name[part];
  for (let attempt = 0; attempt < 8; attempt++) {
    const edit = pick(['swap', 'drop', 'insert', 'mistype'] as const, draw);
    // Never the first letter: people rarely get it wrong, and an index that starts there finds nothing.
    const i = 1 + Math.floor(draw() * (word.length - 1));
    const ch = word.charAt(i).toLowerCase();
    let edited: string;
    switch (edit) {
      case 'swap':
        edited = i + 1 < word.length ? word.slice(0, i) + word.charAt(i + 1) + word.charAt(i) + word.slice(i + 2) : word;
        break;
      case 'drop':
        edited = word.slice(0, i) + word.slice(i + 1);
        break;
      case 'insert': {
        const before = word.charAt(i - 1).toLowerCase();
        const inserted = draw() < 0.5 ? before : pick([...(NEIGHBOURS[before] ?? before)], draw);
        edited = word.slice(0, i) + inserted + word.slice(i);
        break;
      }
      case 'mistype':
        edited = word.slice(0, i) + pick([...(NEIGHBOURS[ch] ?? ch)], draw) + word.slice(i + 1);
        break;
    }
    if (edited.toLowerCase() === word.toLowerCase()) continue;
    const written = { ...name, [part]: edited };
    return { text: `${written.given} ${written.surname}`, variant: `${edit} in ${part}: ${word} → ${edited}` };
  }
  return null;
}

/** The given name replaced by one of its nicknames (from core's nickname table), or null when it has none. */
export function nicknameForm(name: PersonName, nicknames: ReadonlyMap<string, readonly string[]>, draw: Draws): WrittenForm | null {
  const known = (nicknames.get(name.given.toLowerCase()) ?? []).filter((nick) => nick.length > 1 && nick !== name.given.toLowerCase());
  if (known.length === 0) return null;
  const nickname = titleCase(pick(known, draw));
  return { text: `${nickname} ${name.surname}`, variant: `nickname: ${name.given} → ${nickname}` };
}

/** Surname first: "Smith, John", "Smith John" or "SMITH, John" as registers print it. */
export function swappedForm(name: PersonName, draw: Draws): WrittenForm {
  const style = Math.floor(draw() * 3);
  if (style === 0) return { text: `${name.surname}, ${name.given}`, variant: 'Surname, Given' };
  if (style === 1) return { text: `${name.surname} ${name.given}`, variant: 'Surname Given' };
  return { text: `${name.surname.toUpperCase()}, ${name.given}`, variant: 'SURNAME, Given' };
}

/** The given name as an initial: "J. Smith", "J Smith" or "Smith, J.". */
export function initialsForm(name: PersonName, draw: Draws): WrittenForm {
  const initial = name.given.charAt(0).toUpperCase();
  const style = Math.floor(draw() * 3);
  if (style === 0) return { text: `${initial}. ${name.surname}`, variant: 'G. Surname' };
  if (style === 1) return { text: `${initial} ${name.surname}`, variant: 'G Surname' };
  return { text: `${name.surname}, ${initial}.`, variant: 'Surname, G.' };
}

/** Nicknames by given name, lower-case, from a `name,nickname` table such as packages/core/data/nicknames.csv. */
export function readNicknames(path: string | URL): Map<string, string[]> {
  const [header, ...rows] = readFileSync(path, 'utf8').split(/\r?\n/);
  if (header !== 'name,nickname') throw new Error(`${String(path)}: expected the header "name,nickname"`);
  const table = new Map<string, string[]>();
  for (const row of rows) {
    const [given, nickname] = row.split(',');
    if (given === undefined || nickname === undefined || given === '' || nickname === '') continue;
    const list = table.get(given) ?? [];
    list.push(nickname);
    table.set(given, list);
  }
  return table;
}
