import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizeIdentifier, normalizePhone, normalizePlate } from './identifiers.js';

describe('normalizePhone', () => {
  it('writes a UK number the same in every usual format', () => {
    for (const form of ['+44 20 7946 0018', '020 7946 0018', '(020) 7946-0018', '0044 20 7946 0018', '+44 (0)20 7946 0018']) {
      expect(normalizePhone(form), form).toBe('+442079460018');
    }
  });

  it('keeps the country of a number with a + whatever the default', () => {
    expect(normalizePhone('+1 (202) 555-0143')).toBe('+12025550143');
    expect(normalizePhone('+1 (202) 555-0143', 'FR')).toBe('+12025550143');
  });

  it('reads a number without a prefix as one of the default country', () => {
    expect(normalizePhone('(202) 555-0143', 'US')).toBe('+12025550143');
    expect(normalizePhone('(202) 555-0143', 'us')).toBe('+12025550143');
  });

  it('drops an extension, which E.164 has no place for', () => {
    expect(normalizePhone('020 7946 0018 ext. 12')).toBe('+442079460018');
  });

  it('reads full-width and Arabic-Indic digits', () => {
    expect(normalizePhone('０２０ ７９４６ ００１８')).toBe('+442079460018');
    expect(normalizePhone('٠٢٠ ٧٩٤٦ ٠٠١٨')).toBe('+442079460018');
  });

  it('returns null for text that cannot be a phone number', () => {
    expect(normalizePhone('hello')).toBeNull();
    expect(normalizePhone('12')).toBeNull();
    expect(normalizePhone('')).toBeNull();
  });

  it('returns null for a national number when the default country is unknown', () => {
    expect(normalizePhone('020 7946 0018', 'XX')).toBeNull();
  });
});

describe('normalizeEmail', () => {
  // Gmail ignores dots and +tags in the local part; most providers do not, so j.smith and
  // jsmith may be different people and are kept apart.
  it('trims and lower-cases, keeping dots and +tags', () => {
    expect(normalizeEmail('  John.Smith+Invoices@Example.COM ')).toBe('john.smith+invoices@example.com');
    expect(normalizeEmail('j.smith@gmail.com')).not.toBe(normalizeEmail('jsmith@gmail.com'));
  });

  it('removes invisible format characters pasted into an address', () => {
    expect(normalizeEmail('ann\u200B@example.org')).toBe('ann@example.org');
  });

  it('returns null for text that is not an address', () => {
    for (const text of ['', 'hello', 'a@b', '@example.com', 'a@@example.com', 'a@b@example.com', 'a b@example.com', 'a@example..com', 'a@.example.com', 'a@-x.com']) {
      expect(normalizeEmail(text), text).toBeNull();
    }
  });
});

describe('normalizeIdentifier', () => {
  it('keeps only upper-case letters and digits', () => {
    expect(normalizeIdentifier('ab-123 456/c')).toBe('AB123456C');
    expect(normalizeIdentifier(' 123.456.789 ')).toBe('123456789');
  });

  it('reads vehicle plates written with spaces, hyphens or dots the same', () => {
    expect(normalizePlate('AB12 CDE')).toBe(normalizePlate('ab12-cde'));
    expect(normalizePlate('AB12 CDE')).toBe('AB12CDE');
  });

  // Russian and Greek plates use only the letters that look like Latin ones; a witness or an
  // OCR reading writes whichever script their keyboard had.
  it('reads Cyrillic and Greek look-alike capitals as the Latin letters they look like', () => {
    expect(normalizePlate('А123ВС 77')).toBe('A123BC77');
    expect(normalizePlate('ΙΚΗ-1234')).toBe('IKH1234');
  });

  it('strips accents and is empty for punctuation only', () => {
    expect(normalizeIdentifier('é-12')).toBe('E12');
    expect(normalizeIdentifier(' -/ ')).toBe('');
  });
});
