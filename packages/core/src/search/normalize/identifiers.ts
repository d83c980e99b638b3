import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';
import { foldText } from './fold.js';

// Longer text is not a phone number, and libphonenumber would refuse it anyway.
const MAX_PHONE_LENGTH = 250;

/** A phone number in E.164 form, national numbers read in `defaultCountry` (default GB), else null: `normalizePhone('020 7946 0018')` is '+442079460018'. */
export function normalizePhone(text: string, defaultCountry = 'GB'): string | null {
  if (text.length > MAX_PHONE_LENGTH) return null;
  const cleaned = foldText(text).trim();
  if (!/\d/u.test(cleaned)) return null;
  const country = defaultCountry.toUpperCase();
  const phone = isSupportedCountry(country)
    ? parsePhoneNumberFromString(cleaned, { defaultCountry: country, extract: false })
    : parsePhoneNumberFromString(cleaned, { extract: false });
  // "Possible" (a plausible length for the country), not "valid": numbering plans change
  // faster than the metadata shipped with the library, and a lead must not be thrown away.
  if (phone === undefined || !phone.isPossible()) return null;
  return phone.number;
}

/** An email address trimmed and lower-cased, or null when the text is not one: `normalizeEmail(' Ann@Example.org')` is 'ann@example.org'. */
export function normalizeEmail(text: string): string | null {
  // Dots and +tags stay: only some providers (Gmail) ignore them, so removing them would merge
  // mailboxes that belong to different people.
  const email = text.normalize('NFC').replace(/\p{Cf}/gu, '').trim().toLowerCase();
  // RFC 5321 caps a path at 256 octets, so anything longer is not an address.
  if (email.length > 254 || /\s/u.test(email)) return null;
  const at = email.indexOf('@');
  if (at <= 0 || at !== email.lastIndexOf('@')) return null;
  const labels = email.slice(at + 1).split('.');
  if (labels.length < 2 || labels.some((label) => label === '' || label.startsWith('-') || label.endsWith('-'))) return null;
  return email;
}

// Russian and Greek plates and many documents use only the Cyrillic and Greek capitals that
// look like Latin ones; the reader of a photo or a form writes whichever they saw.
const LOOKALIKES = new Map<string, string>([
  ['А', 'A'], ['В', 'B'], ['Е', 'E'], ['К', 'K'], ['М', 'M'], ['Н', 'H'], ['О', 'O'], ['Р', 'P'],
  ['С', 'C'], ['Т', 'T'], ['У', 'Y'], ['Х', 'X'], ['І', 'I'], ['Ј', 'J'], ['Ѕ', 'S'],
  ['Α', 'A'], ['Β', 'B'], ['Ε', 'E'], ['Ζ', 'Z'], ['Η', 'H'], ['Ι', 'I'], ['Κ', 'K'], ['Μ', 'M'],
  ['Ν', 'N'], ['Ο', 'O'], ['Ρ', 'P'], ['Τ', 'T'], ['Υ', 'Y'], ['Χ', 'X'],
]);

/** A document number, registration or plate as upper-case letters and digits: `normalizeIdentifier('ab-123 456/c')` is 'AB123456C'. */
export function normalizeIdentifier(text: string): string {
  const capitals = text.normalize('NFC').toUpperCase();
  const latin = Array.from(capitals, (ch) => LOOKALIKES.get(ch) ?? ch).join('');
  return foldText(latin).toUpperCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** A vehicle registration plate in comparable form; the same rule as normalizeIdentifier. */
export const normalizePlate = normalizeIdentifier;
