import { describe, expect, it } from 'vitest';
import { checkDateFormat, parseDateWithFormat } from './dates.js';
import { checkValue } from './values.js';

describe('checkValue', () => {
  it.each([
    ['date', '2021', '2021'],
    ['date', '2021-02', '2021-02'],
    ['date', '2020-02-29', '2020-02-29'],
    ['date', '2021-02-16T21:48', '2021-02-16T21:48'],
    ['date', '2021-02-16 21:48:52Z', '2021-02-16T21:48:52'],
    ['date', '2021-02-16T23:30:00+02:00', '2021-02-16T21:30:00'],
    ['date', '2021-01-01T01:00:00+02:00', '2020-12-31T23:00:00'],
    ['country', 'DE', 'de'],
    ['country', 'gb', 'gb'],
    ['country', 'zz', 'zz'],
    ['country', 'EU', 'eu'],
    ['country', 'Germany', 'de'],
    ['email', 'Ada.Lovelace@Example.ORG', 'ada.lovelace@example.org'],
    ['number', '1,234.50', '1234.50'],
    ['number', '1.234,5', '1234.5'],
    ['number', '-17', '-17'],
    ['number', '1e6', '1e6'],
    ['url', 'https://Example.org/a?b=1', 'https://example.org/a?b=1'],
    ['url', 'www.example.org/x', 'http://www.example.org/x'],
    ['iban', 'GB82 WEST 1234 5698 7654 32', 'GB82WEST12345698765432'],
    ['iban', 'de89370400440532013000', 'DE89370400440532013000'],
    ['phone', '+44 (20) 7946-0018', '+442079460018'],
    ['phone', '020 7946 0018', '02079460018'],
    ['entity', 'c5bbf8186fc4c121dc1cbf3dcf99dc986252a3e8.67ee62fe', 'c5bbf8186fc4c121dc1cbf3dcf99dc986252a3e8.67ee62fe'],
    ['entity', 'company_7-a', 'company_7-a'],
    ['name', '  José  MARÍA   O’Brien-Smith ', 'jose maria o brien smith'],
    ['name', 'Ａｄａ', 'ada'],
    ['address', '1, Rue de l’Église; Paris', '1 rue de l eglise paris'],
    ['string', 'ŁÓDŹ', 'łodz'],
    ['text', 'Line one.\nLine   two!', 'line one line two'],
    ['name', '---', null],
    ['identifier', 'ab-123 45/é', 'AB12345E'],
    ['gender', 'F', 'female'],
    ['language', 'ENG', 'eng'],
    ['topic', 'role.pep', 'role.pep'],
    ['checksum', 'DA39A3EE5E6B4B0D3255BFEF95601890AFD80709', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['ip', '2001:DB8::1', '2001:db8::1'],
    ['mimetype', 'Application/PDF; charset=binary', 'application/pdf'],
    ['json', '{"a": [1, 2]}', null],
    ['html', '<p>hi</p>', null],
  ])('%s %j is accepted as %j', (type, value, normalized) => {
    expect(checkValue(type, value)).toEqual({ ok: true, normalized });
  });

  it.each([
    ['date', '31/02/2020', /not an ISO date/],
    ['date', '2020-02-30', /no day 30 in february 2020 \(it has 29 days\)/],
    ['date', '2019-02-29', /no day 29/],
    ['date', '2021-13', /no month 13/],
    ['date', '2021-02-16T24:00', /no hour 24/],
    ['date', '0000', /no year 0/],
    ['date', 'yesterday', /not an ISO date/],
    ['country', 'Atlantis', /country or territory code/],
    ['country', 'xx', /country or territory code/],
    ['email', 'ada@', /not an e-mail address/],
    ['email', 'ada lovelace@example.org', /not an e-mail address/],
    ['number', '12 apples', /not a number/],
    ['number', 'NaN', /not a number/],
    ['url', 'javascript:alert(1)', /scheme "javascript:" is not allowed/],
    ['url', 'http://exa mple.org', /cannot contain spaces/],
    ['iban', 'GB82WEST12345698765433', /check digits do not match/],
    ['iban', 'GB82', /country code, two check digits/],
    ['phone', '+44 20 CALL NOW', /cannot contain letters/],
    ['phone', '12', /3 to 15 digits/],
    ['phone', '1+2345', /optional leading/],
    ['entity', 'has space', /entity id/],
    ['entity', '-leading', /entity id/],
    ['identifier', '--/--', /at least one letter or digit/],
    ['gender', 'unknown', /"male", "female" or "other"/],
    ['topic', 'made.up', /FtM topic/],
    ['checksum', 'abc', /40 hexadecimal digits/],
    ['ip', '999.1.1.1', /not an IPv4 or IPv6/],
    ['json', '{oops', /not valid JSON/],
    ['name', '   ', /empty/],
    ['colour', 'red', /unknown property type "colour"/],
  ])('%s %j is refused', (type, value, reason) => {
    const result = checkValue(type, value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('refuses a value longer than the type allows in the model', () => {
    expect(checkValue('country', 'd'.repeat(17))).toEqual({ ok: false, reason: '17 characters is longer than the 16 a country may have' });
    expect(checkValue('name', 'a'.repeat(384)).ok).toBe(true);
    expect(checkValue('name', 'a'.repeat(385)).ok).toBe(false);
    expect(checkValue('entity', 'a'.repeat(201)).ok).toBe(false);
  });
});

describe('dates with a format', () => {
  it.each([
    ['10/12/1815', '%d/%m/%Y', '1815-12-10'],
    ['10.12.15', '%d.%m.%y', '2015-12-10'],
    ['10.12.69', '%d.%m.%y', '1969-12-10'],
    ['Dec 1815', '%b %Y', '1815-12'],
    ['10 December 1815', '%d %B %Y', '1815-12-10'],
    ['1815', '%Y', '1815'],
    ['1815-12-10 09:05', '%Y-%m-%d %H:%M', '1815-12-10T09:05'],
  ])('%j read as %j gives %j', (text, format, expected) => {
    expect(parseDateWithFormat(text, format)).toEqual({ ok: true, date: expected });
  });

  it('refuses text that does not fit the format, or a day the calendar lacks', () => {
    expect(parseDateWithFormat('2020-02-10', '%d/%m/%Y')).toEqual({ ok: false, reason: 'does not match the date format "%d/%m/%Y"' });
    expect(parseDateWithFormat('31/02/2020', '%d/%m/%Y')).toMatchObject({ ok: false, reason: expect.stringMatching(/no day 31 in february 2020/) as string });
    expect(parseDateWithFormat('10 Foo 2020', '%d %b %Y')).toMatchObject({ ok: false });
  });

  it('refuses formats that cannot give a date prefix', () => {
    expect(checkDateFormat('%d/%m/%Y')).toBeNull();
    expect(checkDateFormat('%d/%m')).toMatch(/no year/);
    expect(checkDateFormat('%d/%Y')).toMatch(/gives the day but not the month/);
    expect(checkDateFormat('%Y-%j')).toMatch(/%j is not supported/);
  });
});
