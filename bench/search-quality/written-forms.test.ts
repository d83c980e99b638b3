import { describe, expect, it } from 'vitest';
import { indexValue } from '@casegraph/core';
import { parseStoredAddress, rewriteAddress } from './address-forms.js';
import { seededDraws } from './draws.js';
import { typoForm } from './name-forms.js';
import { parseStoredPhone, phoneFormats, rewritePhone } from './phone-forms.js';
import { writeName } from './scripts.js';

const romanised = (text: string) => indexValue('name', 'name', text)?.key ?? '';

describe('names written in other scripts', () => {
  it('come back as the same Latin name through the search index when the name is spelt as it sounds', () => {
    expect(romanised(writeName('Ivan Petrov', 'cyrillic'))).toBe('ivan petrov');
    expect(romanised(writeName('Georgios Papadopoulos', 'greek'))).toBe('georgios papadopoulos');
    expect(romanised(writeName('Andrey Smirnov', 'cyrillic'))).toBe('andrey smirnov');
  });

  it('keep the consonants of a name in Arabic script', () => {
    expect(romanised(writeName('Khaled Haddad', 'arabic'))).toBe('hdd khld');
  });
});

describe('a typo', () => {
  it('changes one letter of one name, never the first', () => {
    for (let i = 0; i < 50; i++) {
      const form = typoForm({ given: 'Margaret', surname: 'Thompson' }, seededDraws('test', i));
      expect(form).not.toBeNull();
      const [given = '', surname = ''] = form?.text.split(' ') ?? [];
      const changed = given !== 'Margaret' ? [given, 'Margaret'] : [surname, 'Thompson'];
      expect(changed[0]).not.toBe(changed[1]);
      expect(changed[0]?.charAt(0)).toBe(changed[1]?.charAt(0));
      expect(Math.abs((changed[0]?.length ?? 0) - (changed[1]?.length ?? 0))).toBeLessThanOrEqual(1);
    }
  });
});

describe('a phone number written another way', () => {
  it('is the same number in every format, and never the format it was stored in', () => {
    for (const stored of ['+44 (0)7700 900777', '(0)20-7946-0329', '0044 113 4960123', '07700900000', '+1 (201) 555-0100']) {
      const phone = parseStoredPhone(stored);
      expect(phone).not.toBeNull();
      if (phone === null) continue;
      for (const format of phoneFormats(phone)) expect(parseStoredPhone(format)).toEqual(phone);
      for (let i = 0; i < 10; i++) expect(rewritePhone(stored, phone, seededDraws(stored, i)).text).not.toBe(stored);
    }
  });
});

describe('an address written another way', () => {
  it('keeps the house number, flat and postcode', () => {
    const stored = parseStoredAddress('Flat 4, 12 Merestead Cres, Greyhaven, XK10 6UT');
    expect(stored).toMatchObject({ unit: 4, unitStyle: 'flat', number: 12, stem: 'Merestead', town: 'Greyhaven', postcode: 'XK10 6UT' });
    if (stored === null) return;
    for (let i = 0; i < 20; i++) {
      const written = rewriteAddress(stored, seededDraws('address', i)).text;
      expect(written).toMatch(/\b12\b/);
      expect(written).toMatch(/\b4\b/);
      expect(written.toUpperCase().replace(/\s/g, '')).toContain('XK106UT');
    }
  });

  it('is not made from an office address or one without a postcode', () => {
    expect(parseStoredAddress('Suite 3, 40 Market Street, Saltmere, QF4 1AB')).toBeNull();
    expect(parseStoredAddress('12 Merestead Crescent, Greyhaven')).toBeNull();
  });
});
