// How one real entity comes out differently in different records: the typos, nicknames, initials,
// swapped names, transposed dates and rewritten addresses that entity resolution has to see through.
// Each function takes the draws of one record, so the same record always comes out the same way.

import { type CivilDate, isoOf } from './calendar.js';
import { NICKNAMES } from './names.js';
import type { Rand } from './random.js';
import { STREET_TYPES, TOWNS } from './vocabulary.js';
import type { AddressFacts, CompanyFacts, PersonFacts } from './world.js';

/** The parts of a name as one record wrote them. */
export interface WrittenName {
  given: string;
  middle: string;
  surname: string;
}

/** How noisy a source is, and whether it writes names in their native script. */
export interface NameStyle {
  noise: number;
  nativeScript: number;
}

const VOWELS = 'aeiou';

/** One keying slip: two letters swapped, a letter dropped, doubled or mistyped. */
export function typo(text: string, r: Rand): string {
  if (text.length < 4) return text;
  const i = 1 + r.int(text.length - 2);
  const ch = text.charAt(i);
  switch (r.int(4)) {
    case 0:
      return text.slice(0, i) + text.charAt(i + 1) + ch + text.slice(i + 2);
    case 1:
      return text.slice(0, i) + text.slice(i + 1);
    case 2:
      return text.slice(0, i) + ch + text.slice(i);
    default: {
      const lower = ch.toLowerCase();
      const vowel = VOWELS.includes(lower) ? VOWELS.charAt((VOWELS.indexOf(lower) + 1 + r.int(4)) % 5) : lower;
      return text.slice(0, i) + vowel + text.slice(i + 1);
    }
  }
}

/** A person's name as one record wrote it, with this record's share of slips and variants. */
export function writtenName(p: PersonFacts, r: Rand, style: NameStyle): WrittenName {
  const native = p.origin.script !== 'latin' && r.chance(style.nativeScript);
  const female = p.gender === 'female';
  if (native) {
    return {
      given: p.given.native ?? p.given.latin,
      middle: '',
      surname: (female ? p.surname.nativeFemale : p.surname.nativeMale) ?? (female ? p.surname.female : p.surname.male),
    };
  }
  let given = p.given.latin;
  if (p.given.spellings.length > 0 && r.chance(0.4)) given = r.pick(p.given.spellings);
  const noisy = r.chance(style.noise);
  const nicknames = NICKNAMES.get(p.given.latin);
  let surname = female ? p.surname.female : p.surname.male;
  let middle = p.middle !== null && r.chance(0.5) ? p.middle.latin : '';
  if (noisy) {
    const u = r.next();
    if (u < 0.3 && nicknames !== undefined) given = r.pick(nicknames);
    else if (u < 0.5) surname = typo(surname, r);
    else if (u < 0.65) given = typo(given, r);
    else if (u < 0.85) given = `${given.charAt(0)}.`;
    else middle = middle === '' ? '' : `${middle.charAt(0)}.`;
  }
  return { given, middle, surname };
}

/** "Given Middle Surname", or now and then "Surname Given" as some clerks write it. */
export function fullName(n: WrittenName, r: Rand, swapShare: number): string {
  const given = n.middle === '' ? n.given : `${n.given} ${n.middle}`;
  return r.chance(swapShare) ? `${n.surname} ${given}` : `${given} ${n.surname}`;
}

/** A date of birth as one record holds it: usually right, sometimes missing or day and month swapped. */
export function writtenBirthDate(birth: CivilDate, r: Rand, missing: number, transposed: number): string {
  const u = r.next();
  if (u < missing) return '';
  if (u < missing + transposed && birth.day <= 12 && birth.day !== birth.month) {
    return isoOf({ year: birth.year, month: birth.day, day: birth.month });
  }
  return isoOf(birth);
}

/** An address as one record wrote it: flat styles, abbreviations, postcode spacing and case. */
export interface WrittenAddress {
  line1: string;
  town: string;
  postcode: string;
}

/** An address written with this record's habits and slips. */
export function writtenAddress(a: AddressFacts, r: Rand, noise: number): WrittenAddress {
  const type = STREET_TYPES[a.type] ?? { full: 'Street', short: ['St'] };
  const town = TOWNS[a.town]?.name ?? '';
  let street = `${a.number} ${a.stem} ${r.chance(0.7) ? type.full : r.pick(type.short)}`;
  if (a.unit !== null) {
    const { label, number } = a.unit;
    const style = r.int(5);
    if (label !== 'Flat' || style < 2) street = `${label} ${number}, ${street}`;
    else if (style === 2) street = `Apt ${number}, ${street}`;
    else if (style === 3) street = `#${number}, ${street}`;
    else street = `${street}, Flat ${number}`;
  }
  let postcode = a.postcode;
  let townOut = town;
  if (r.chance(noise)) {
    const u = r.next();
    if (u < 0.3) postcode = postcode.replace(' ', '');
    else if (u < 0.5) postcode = postcode.toLowerCase();
    else if (u < 0.65) postcode = '';
    else if (u < 0.8) townOut = '';
    else if (u < 0.9) street = street.toUpperCase();
    else street = typo(street, r);
  }
  return { line1: street, town: townOut, postcode };
}

/** One line, as free-text fields hold addresses. */
export function addressText(w: WrittenAddress): string {
  return [w.line1, w.town, w.postcode].filter((part) => part !== '').join(', ');
}

/** A company name as another organisation wrote it. */
export function writtenCompanyName(c: CompanyFacts, r: Rand, noise: number): string {
  if (!r.chance(noise)) return c.name;
  const base = c.name.slice(0, c.name.length - c.form.suffix.length).trimEnd();
  const u = r.next();
  if (u < 0.3) return c.name.toUpperCase();
  if (u < 0.55) return `${base} ${r.pick(c.form.variants)}`;
  if (u < 0.75) return base;
  if (u < 0.85) return c.name.replace('Holdings', 'Hldgs').replace('International', "Int'l").replace(' & ', ' and ');
  return `${typo(base, r)} ${c.form.suffix}`;
}
