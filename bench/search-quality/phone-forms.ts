// A stored phone number read as country and national number, and written in another of the ways
// people write numbers: +44 or 0 or 0044, spaces, brackets, dashes, dots.
import { type Draws, pick } from './draws.js';
import type { WrittenForm } from './name-forms.js';

/** A UK or North American number: country code and national significant number. */
export interface StoredPhone {
  country: '44' | '1';
  national: string;
}

/** Reads "+44 (0)7700 900123", "(07700) 900 123", "0044 20 7946 0123", "+1-201-555-0123"...; null for anything else. */
export function parseStoredPhone(text: string): StoredPhone | null {
  const trimmed = text.trim();
  const digits = trimmed.replace(/\D/g, '');
  let country: '44' | '1';
  let national: string;
  if (trimmed.startsWith('+44') || digits.startsWith('0044')) {
    country = '44';
    national = digits.slice(digits.startsWith('0044') ? 4 : 2).replace(/^0/, '');
  } else if (trimmed.startsWith('+1') || digits.startsWith('001')) {
    country = '1';
    national = digits.slice(digits.startsWith('001') ? 3 : 1);
  } else if (/^\(?0/.test(trimmed)) {
    country = '44';
    national = digits.slice(1);
  } else {
    return null;
  }
  if (country === '44' && (national.length < 9 || national.length > 10)) return null;
  if (country === '1' && national.length !== 10) return null;
  return { country, national };
}

// UK area codes: mobiles and most areas take four digits, London, Cardiff and Belfast two, the big cities three.
function splitUk(national: string): [area: string, local: string] {
  const length = /^2/.test(national) ? 2 : /^1\d1|^11\d|^3/.test(national) ? 3 : 4;
  return [national.slice(0, length), national.slice(length)];
}

function halves(local: string): [string, string] {
  const cut = local.length > 6 ? local.length - 4 : 3;
  return [local.slice(0, cut), local.slice(cut)];
}

/** Every way this bench writes the number. */
export function phoneFormats(phone: StoredPhone): string[] {
  if (phone.country === '1') {
    const area = phone.national.slice(0, 3);
    const exchange = phone.national.slice(3, 6);
    const line = phone.national.slice(6);
    return [
      `+1 (${area}) ${exchange}-${line}`,
      `+1-${area}-${exchange}-${line}`,
      `+1${phone.national}`,
      `+1 ${area} ${exchange} ${line}`,
      `001 ${area} ${exchange} ${line}`,
      `+1.${area}.${exchange}.${line}`,
    ];
  }
  const [area, local] = splitUk(phone.national);
  const [head, tail] = halves(local);
  return [
    `+44 ${area} ${local}`,
    `0${phone.national}`,
    `0${area} ${head} ${tail}`,
    `+44 (0)${area} ${local}`,
    `+44${phone.national}`,
    `0044 ${area} ${local}`,
    `(0${area}) ${head} ${tail}`,
    `0${area}-${head}-${tail}`,
    `+44-${area}-${head}-${tail}`,
    `0${area}.${head}.${tail}`,
  ];
}

/** The number written in one of the formats other than the one it was stored in. */
export function rewritePhone(stored: string, phone: StoredPhone, draw: Draws): WrittenForm {
  const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
  const others = phoneFormats(phone).filter((format) => squash(format) !== squash(stored));
  const text = pick(others, draw);
  return { text, variant: `stored as "${stored}"` };
}
