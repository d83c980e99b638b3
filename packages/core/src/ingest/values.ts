import { isIP } from 'node:net';
import { findPropertyType } from '../model/ftm.js';
import { checkIsoDate } from './dates.js';

/**
 * The verdict on one property value: `normalized` is the form search and matching compare
 * (null when a type has none), the value itself is stored as given.
 */
export type ValueCheck = { ok: true; normalized: string | null } | { ok: false; reason: string };

// The same rule the store applies to entity ids, so a reference can name any storable entity.
const ENTITY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:".]+(\.[^\s@<>()[\],;:".]+)+$/;
const MIMETYPE = /^([a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*)\s*(;.*)?$/i;
const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;
const URL_SCHEMES = new Set(['http:', 'https:', 'ftp:', 'ftps:']);
const GENDER_ALIASES = new Map([
  ['m', 'male'],
  ['f', 'female'],
]);

/**
 * Checks a value against its FtM property type (and the type's maximum length) and gives the
 * normalised form the store indexes.
 * @example checkValue('country', 'DE') // { ok: true, normalized: 'de' }
 */
export function checkValue(propertyTypeName: string, value: string): ValueCheck {
  const type = findPropertyType(propertyTypeName);
  if (type === undefined) return { ok: false, reason: `unknown property type "${propertyTypeName}"` };
  const text = value.trim();
  if (text === '') return { ok: false, reason: 'the value is empty' };
  // PostgreSQL cannot store U+0000 in text; mapped rows drop control characters before this.
  if (text.includes('\u0000')) return { ok: false, reason: 'the value holds the NUL character (U+0000), which text may not contain' };
  // Counting code points costs a copy; UTF-16 length is never smaller, so most values skip it.
  if (text.length > type.maxLength) {
    const length = [...text].length;
    if (length > type.maxLength) {
      return { ok: false, reason: `${length} characters is longer than the ${type.maxLength} a ${propertyTypeName} may have` };
    }
  }
  switch (propertyTypeName) {
    case 'name':
    case 'address':
    case 'string':
    case 'text':
      return { ok: true, normalized: normalizeText(text) };
    case 'identifier':
      return checkIdentifier(text);
    case 'date': {
      const date = checkIsoDate(text);
      return date.ok ? { ok: true, normalized: date.date } : date;
    }
    case 'country':
      return checkEnum(text, type.values, 'a country or territory code such as "de", "gb" or "zz"', true);
    case 'language':
      return checkEnum(text, type.values, 'an ISO 639-3 language code such as "eng"', false);
    case 'topic':
      return checkEnum(text, type.values, 'an FtM topic such as "crime" or "role.pep"', false);
    case 'gender':
      return checkEnum(GENDER_ALIASES.get(text.toLowerCase()) ?? text, type.values, '"male", "female" or "other"', false);
    case 'email':
      return checkEmail(text);
    case 'number':
      return checkNumber(text);
    case 'url':
      return checkUrl(text);
    case 'iban':
      return checkIban(text);
    case 'phone':
      return checkPhone(text);
    case 'entity':
      return ENTITY_ID.test(text)
        ? { ok: true, normalized: text }
        : { ok: false, reason: 'an entity id is letters, digits, dots, colons, dashes or underscores, starting with a letter or digit' };
    case 'checksum':
      return /^[0-9a-f]{40}$/i.test(text)
        ? { ok: true, normalized: text.toLowerCase() }
        : { ok: false, reason: 'a checksum is a SHA-1 digest: 40 hexadecimal digits' };
    case 'ip':
      return isIP(text) === 0 ? { ok: false, reason: 'not an IPv4 or IPv6 address' } : { ok: true, normalized: text.toLowerCase() };
    case 'mimetype': {
      const match = MIMETYPE.exec(text);
      return match === null
        ? { ok: false, reason: 'a media type looks like "application/pdf"' }
        : { ok: true, normalized: (match[1] ?? '').toLowerCase() };
    }
    case 'json':
      return isJson(text) ? { ok: true, normalized: null } : { ok: false, reason: 'not valid JSON' };
    case 'html':
      return { ok: true, normalized: null };
    default:
      // A type the model gained after this code was written: store it, but do not index it.
      return { ok: true, normalized: null };
  }
}

/**
 * The comparable form of free text: lower case, accents removed, punctuation and runs of
 * whitespace turned into single spaces; null when nothing but punctuation is left.
 */
export function normalizeText(text: string): string | null {
  const normalized = stripMarks(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return normalized === '' ? null : normalized;
}

function stripMarks(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '');
}

function checkIdentifier(text: string): ValueCheck {
  // Registration and passport numbers are written with arbitrary spacing and dashes.
  const normalized = stripMarks(text)
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
  return normalized === '' ? { ok: false, reason: 'an identifier needs at least one letter or digit' } : { ok: true, normalized };
}

function checkEnum(text: string, values: Map<string, string>, expected: string, matchLabels: boolean): ValueCheck {
  const lower = text.toLowerCase();
  if (values.has(lower)) return { ok: true, normalized: lower };
  if (matchLabels) {
    for (const [code, label] of values) {
      if (label.toLowerCase() === lower) return { ok: true, normalized: code };
    }
  }
  return { ok: false, reason: `expected ${expected}` };
}

function checkEmail(text: string): ValueCheck {
  const address = text.replace(/^mailto:/i, '');
  return EMAIL.test(address)
    ? { ok: true, normalized: address.toLowerCase() }
    : { ok: false, reason: 'not an e-mail address (name@domain.tld)' };
}

function checkNumber(text: string): ValueCheck {
  // Thousands separators vary by locale; the separator that comes last is the decimal one.
  let digits = text.replace(/(?<=\d)[\s\u00a0'’_](?=\d)/g, '');
  const lastDot = digits.lastIndexOf('.');
  const lastComma = digits.lastIndexOf(',');
  if (lastDot !== -1 && lastComma !== -1) {
    const decimal = lastDot > lastComma ? '.' : ',';
    const grouping = decimal === '.' ? ',' : '.';
    digits = digits.split(grouping).join('').replace(decimal, '.');
  } else if (lastComma !== -1) {
    const commas = digits.split(',').length - 1;
    const looksGrouped = /^[+-]?\d{1,3}(,\d{3})+$/.test(digits);
    if (looksGrouped) digits = digits.replace(/,/g, '');
    else if (commas === 1) digits = digits.replace(',', '.');
  } else if (digits.split('.').length > 2 && /^[+-]?\d{1,3}(\.\d{3})+$/.test(digits)) {
    digits = digits.replace(/\./g, '');
  }
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(digits)) {
    return { ok: false, reason: 'not a number (digits with an optional sign, decimal separator and thousands grouping)' };
  }
  return { ok: true, normalized: digits.replace(/^\+/, '').replace(/\.$/, '') };
}

function checkUrl(text: string): ValueCheck {
  if (/\s/.test(text)) return { ok: false, reason: 'a URL cannot contain spaces' };
  // Sources often drop the scheme ("www.example.org/x"); FtM assumes http then.
  const candidate = /^[a-z][a-z0-9+.-]*:/i.test(text) && !/^[^:/]+\.[^:/]+:\d+/.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (!URL_SCHEMES.has(url.protocol)) return { ok: false, reason: `the URL scheme "${url.protocol}" is not allowed (use http, https or ftp)` };
  if (!url.hostname.includes('.') && url.hostname !== 'localhost') return { ok: false, reason: 'the URL has no host name' };
  return { ok: true, normalized: url.href };
}

function checkIban(text: string): ValueCheck {
  const compact = text.replace(/[\s-]/g, '').toUpperCase();
  if (!IBAN.test(compact)) return { ok: false, reason: 'an IBAN is a country code, two check digits and 11 to 30 letters or digits' };
  // ISO 13616: move the first four characters to the end, letters become 10..35, remainder mod 97 must be 1.
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char >= 'A' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of code) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1 ? { ok: true, normalized: compact } : { ok: false, reason: 'the IBAN check digits do not match (mod-97)' };
}

function checkPhone(text: string): ValueCheck {
  if (/\p{L}/u.test(text)) return { ok: false, reason: 'a phone number cannot contain letters' };
  if (!/^\+?[\d\s().\-/]+$/.test(text)) return { ok: false, reason: 'a phone number is digits, with an optional leading "+"' };
  const digits = text.replace(/\D/g, '');
  if (digits.length < 3 || digits.length > 15) return { ok: false, reason: 'a phone number has 3 to 15 digits' };
  return { ok: true, normalized: (text.startsWith('+') ? '+' : '') + digits };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
