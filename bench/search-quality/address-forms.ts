// A stored UK-style address taken apart and written again another way: the street type spelt out
// or abbreviated, the flat written as Apt, # or after the street, capitals, postcode spacing.
import { type Draws, pick } from './draws.js';
import { titleCase, type WrittenForm } from './name-forms.js';

interface StreetType {
  full: string;
  short: readonly string[];
}

// Royal Mail's usual abbreviations, and the dotted forms clerks add.
const STREET_TYPES: readonly StreetType[] = [
  { full: 'Street', short: ['St', 'St.'] },
  { full: 'Road', short: ['Rd', 'Rd.'] },
  { full: 'Avenue', short: ['Ave', 'Av.'] },
  { full: 'Lane', short: ['Ln', 'La.'] },
  { full: 'Drive', short: ['Dr', 'Dr.'] },
  { full: 'Close', short: ['Cl', 'Cl.'] },
  { full: 'Court', short: ['Ct', 'Ct.'] },
  { full: 'Crescent', short: ['Cres', 'Cres.'] },
  { full: 'Place', short: ['Pl', 'Pl.'] },
  { full: 'Gardens', short: ['Gdns', 'Gdns.'] },
  { full: 'Terrace', short: ['Terr', 'Ter.'] },
  { full: 'Grove', short: ['Gr', 'Gro.'] },
  { full: 'Square', short: ['Sq', 'Sq.'] },
  { full: 'Way', short: ['Wy'] },
  { full: 'Mews', short: [] },
  { full: 'Row', short: [] },
  { full: 'Walk', short: [] },
  { full: 'Rise', short: [] },
  { full: 'Hill', short: [] },
  { full: 'Parade', short: ['Pde'] },
];

type UnitStyle = 'flat' | 'apt' | 'hash' | 'after' | 'slash';
const UNIT_STYLES: readonly UnitStyle[] = ['flat', 'apt', 'hash', 'after', 'slash'];

/** An address as one record wrote it, taken apart. */
export interface StoredAddress {
  unit: number | null;
  unitStyle: UnitStyle | null;
  number: number;
  stem: string;
  type: StreetType;
  typeWritten: string;
  town: string;
  postcode: string;
}

const POSTCODE = /^([A-Z]{1,2}\d{1,2}[A-Z]?)\s*(\d[A-Z]{2})$/i;
const STREET = /^(\d+)\s+(.+?)\s+(\S+)$/;

function streetTypeOf(word: string): StreetType | null {
  const bare = word.replace(/\.$/, '').toLowerCase();
  return STREET_TYPES.find((t) => t.full.toLowerCase() === bare || t.short.some((s) => s.replace(/\.$/, '').toLowerCase() === bare)) ?? null;
}

/** Takes apart an address written "[Flat 3, ]12 Harbour St[, Flat 3][, Town][, PO1 2AB]"; null when it is not of that shape or has no postcode. */
export function parseStoredAddress(text: string): StoredAddress | null {
  const parts = text.split(/\s*,\s*/).filter((p) => p !== '');
  let unit: number | null = null;
  let unitStyle: UnitStyle | null = null;
  let street: { number: number; stem: string; type: StreetType; typeWritten: string } | null = null;
  let postcode: string | null = null;
  const town: string[] = [];
  for (const part of parts) {
    const unitMatch = /^(?:(flat|apt|unit|suite)\s+|#)(\d+)$/i.exec(part);
    const code = POSTCODE.exec(part);
    const streetMatch = STREET.exec(part);
    const label = unitMatch?.[1]?.toLowerCase() ?? '#';
    if (unitMatch !== null && (label === 'unit' || label === 'suite')) {
      // Units and suites are offices' addresses, not homes: not the shape this bench rewrites.
      return null;
    } else if (unitMatch !== null && street === null) {
      unit = Number(unitMatch[2]);
      unitStyle = label === '#' ? 'hash' : label === 'apt' ? 'apt' : 'flat';
    } else if (unitMatch !== null && label === 'flat') {
      unit = Number(unitMatch[2]);
      unitStyle = 'after';
    } else if (unitMatch !== null) {
      return null;
    } else if (code !== null) {
      postcode = `${code[1]} ${code[2]}`.toUpperCase();
    } else if (streetMatch !== null && street === null) {
      const type = streetTypeOf(streetMatch[3] ?? '');
      if (type === null) return null;
      street = { number: Number(streetMatch[1]), stem: titleCase(streetMatch[2] ?? ''), type, typeWritten: streetMatch[3] ?? '' };
    } else if (street !== null) {
      town.push(titleCase(part));
    } else {
      return null;
    }
  }
  if (street === null || postcode === null) return null;
  return { unit, unitStyle, ...street, town: town.join(' '), postcode };
}

/** Writes a stored address another way: one change to the street type or the flat, and one to case, postcode or town. */
export function rewriteAddress(stored: StoredAddress, draw: Draws): WrittenForm {
  const changes: string[] = [];
  let typeWritten = stored.type.full;
  let unitStyle = stored.unitStyle;
  const isShort = stored.typeWritten.replace(/\.$/, '').toLowerCase() !== stored.type.full.toLowerCase();
  const canRetype = isShort || stored.type.short.length > 0;
  if (stored.unit !== null && (!canRetype || draw() < 0.5)) {
    unitStyle = pick(
      UNIT_STYLES.filter((s) => s !== stored.unitStyle),
      draw,
    );
    changes.push(`flat as ${unitStyle}`);
    typeWritten = isShort ? stored.typeWritten : stored.type.full;
  } else if (canRetype) {
    typeWritten = isShort ? stored.type.full : pick(stored.type.short, draw);
    changes.push(`${stored.typeWritten} → ${typeWritten}`);
  }
  const street = `${stored.number} ${stored.stem} ${typeWritten}`;
  let line: string;
  switch (unitStyle) {
    case null:
      line = street;
      break;
    case 'flat':
      line = `Flat ${stored.unit}, ${street}`;
      break;
    case 'apt':
      line = `Apt ${stored.unit}, ${street}`;
      break;
    case 'hash':
      line = `#${stored.unit}, ${street}`;
      break;
    case 'after':
      line = `${street}, Flat ${stored.unit}`;
      break;
    case 'slash':
      line = `${stored.unit}/${street}`;
      break;
  }
  let town = stored.town;
  let postcode = stored.postcode;
  let letterCase: 'as is' | 'upper' | 'lower' = 'as is';
  switch (pick(['upper', 'lower', 'postcode', 'town'] as const, draw)) {
    case 'upper':
      letterCase = 'upper';
      break;
    case 'lower':
      letterCase = 'lower';
      break;
    case 'postcode':
      postcode = postcode.replace(' ', '');
      changes.push('postcode without its space');
      break;
    case 'town':
      if (town !== '') changes.push('no town');
      town = '';
      break;
  }
  let text = [line, town, postcode].filter((p) => p !== '').join(', ');
  if (letterCase === 'upper') text = text.toUpperCase();
  if (letterCase === 'lower') text = text.toLowerCase();
  if (letterCase !== 'as is') changes.push(`${letterCase} case`);
  return { text, variant: changes.join(', ') };
}
