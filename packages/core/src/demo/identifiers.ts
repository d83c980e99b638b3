// Identifiers that look real but cannot belong to anything real.

import { dayNumber } from './calendar.js';

// UK-style marks whose first letter (Q or X) no current memory tag uses, so none is a real car.
const PLATE_FIRST = 'QX';
const PLATE_LETTERS = 'ABCDEFGHJKLMNOPRSTUVWXY';
const PLATE_AGES = Array.from({ length: 24 }, (_, i) => i + 2).flatMap((y) => [y, y + 50]);

/** How many distinct plates plateOf() can make. */
export const PLATE_SPACE = PLATE_FIRST.length * PLATE_LETTERS.length * PLATE_AGES.length * PLATE_LETTERS.length ** 3;

/** The x-th plate (0 <= x < PLATE_SPACE) and the first day its age identifier allows. */
export function plateOf(x: number): { plate: string; registered: number } {
  const letter = (i: number) => PLATE_LETTERS.charAt(i % PLATE_LETTERS.length);
  const size = PLATE_LETTERS.length;
  const tail = letter(x) + letter(Math.floor(x / size)) + letter(Math.floor(x / size ** 2));
  let rest = Math.floor(x / size ** 3);
  const age = PLATE_AGES[rest % PLATE_AGES.length] ?? 2;
  rest = Math.floor(rest / PLATE_AGES.length);
  const second = letter(rest);
  const first = PLATE_FIRST.charAt(Math.floor(rest / size) % PLATE_FIRST.length);
  // Age identifiers: "21" is issued from March 2021, "71" from September 2021.
  const registered = age >= 50 ? dayNumber(2000 + age - 50, 9, 1) : dayNumber(2000 + age, 3, 1);
  return { plate: `${first}${second}${String(age).padStart(2, '0')} ${tail}`, registered };
}

/** An IBAN with valid ISO 13616 check digits for a country and BBAN. */
export function ibanOf(country: string, bban: string): string {
  const digits = `${bban}${country}00`.replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  let remainder = 0;
  for (let i = 0; i < digits.length; i += 7) remainder = Number(`${remainder}${digits.slice(i, i + 7)}`) % 97;
  return `${country}${String(98 - remainder).padStart(2, '0')}${bban}`;
}
