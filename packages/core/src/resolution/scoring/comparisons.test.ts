import { describe, expect, it } from 'vitest';
import { COMPARISONS, compareRecords } from './comparisons.js';
import type { ResolutionRecord } from './record.js';

function person(values: Partial<ResolutionRecord>): ResolutionRecord {
  return { id: 'r', schema: 'Person', source: 'test', names: [], birthDates: [], identifiers: [], phones: [], emails: [], addresses: [], ...values };
}

// The level label a comparison gives the pair, or null when it says nothing.
function level(comparison: string, a: Partial<ResolutionRecord>, b: Partial<ResolutionRecord>): string | null {
  const k = COMPARISONS.findIndex((c) => c.name === comparison);
  const outcome = compareRecords(person(a), person(b))[k];
  if (outcome === undefined) throw new Error(`no comparison ${comparison}`);
  return outcome === null ? null : (COMPARISONS[k]?.levels[outcome.level] ?? 'unknown');
}

describe('given name', () => {
  const given = (a: string, b: string) => level('given name', { givenNames: [a] }, { givenNames: [b] });

  it('reaches each level on a pair made for it', () => {
    expect(given('William', 'william')).toBe('exact');
    expect(given('Bill', 'William')).toBe('nickname');
    expect(given('Isabelle', 'Isabele')).toBe('one edit');
    expect(given('Martha', 'Marhta')).toBe('jaro-winkler >= 0.92');
    expect(given('Stephen', 'Steven')).toBe('jaro-winkler >= 0.85');
    expect(given('Catherine', 'Kathryn')).toBe('sounds alike');
    expect(given('J.', 'John')).toBe('initials compatible');
    expect(given('Mary', 'Susan')).toBe('different');
  });

  it('meets the other record surname when the two were written in each other’s place', () => {
    const swapped = compareRecords(person({ givenNames: ['mikhayla'], surnames: ['hannagan'] }), person({ givenNames: ['hannagan'], surnames: ['mikhayla'] }));
    expect(swapped[1]?.level).toBe(0);
    expect(swapped[2]?.level).toBe(0);
    expect(swapped[1]?.explanation).toContain('names swapped');
  });
});

describe('surname', () => {
  const surname = (a: string, b: string) => level('surname', { surnames: [a] }, { surnames: [b] });

  it('reaches each level on a pair made for it', () => {
    expect(surname('Smith', 'SMITH')).toBe('exact');
    expect(surname('Thompson', 'Thomson')).toBe('one edit');
    expect(surname('Harrison', 'Harris')).toBe('jaro-winkler >= 0.92');
    expect(surname('Johnson', 'Jonsen')).toBe('jaro-winkler >= 0.85');
    expect(surname('Meyer', 'Maier')).toBe('sounds alike');
    expect(surname('Brown', 'Jones')).toBe('different');
  });

  it('says nothing when one side has no surname', () => {
    expect(surname('Smith', '')).toBeNull();
  });
});

describe('name', () => {
  const name = (a: string, b: string) => level('name', { names: [a] }, { names: [b] });

  it('compares whole names only for records that do not split them', () => {
    expect(name('John Smith', 'John Smith')).toBe('exact');
    expect(level('name', { names: ['John Smith'], givenNames: ['John'], surnames: ['Smith'] }, { names: ['John Smith'], givenNames: ['John'], surnames: ['Smith'] })).toBeNull();
  });

  it('reaches each level on a pair made for it', () => {
    expect(name('Smith, John', 'John Smith')).toBe('same words or nicknames');
    expect(name('Bill Smith', 'William Smith')).toBe('same words or nicknames');
    expect(name('John Smith', 'John Smyth')).toBe('jaro-winkler >= 0.92');
    expect(name('Northwind Trading', 'Northwind Traders Ltd')).toBe('jaro-winkler >= 0.85');
    expect(name('Dwayne Meyer', 'Duane Maier')).toBe('sounds alike');
    expect(name('J. R. Hartley', 'Jack Richard Hartley')).toBe('initials or fewer names');
    expect(name('Mary Smith', 'Mary Ann Smith')).toBe('initials or fewer names');
    expect(name('John Smith', 'Maria Garcia')).toBe('different');
  });
});

describe('birth date', () => {
  const date = (a: string, b: string) => level('birth date', { birthDates: [a] }, { birthDates: [b] });

  it('reaches each level on a pair made for it', () => {
    expect(date('1978-05-14', '1978-05-14')).toBe('exact');
    expect(date('1978-05-14', '1978-05-19')).toBe('one digit off');
    expect(date('1978-05-14', '1987-05-14')).toBe('one digit off');
    expect(date('1978-05-04', '1978-04-05')).toBe('day and month transposed');
    expect(date('1978-05-14', '1978-05-27')).toBe('same year and month');
    expect(date('1978-05-14', '1978-11-30')).toBe('same year');
    expect(date('1978', '1978-05-14')).toBe('same year');
    expect(date('1978-05-14', '1990-06-21')).toBe('different');
  });

  it('keeps the year and month of a date whose day does not exist', () => {
    expect(date('1978-05-41', '1978-05-14')).toBe('same year and month');
  });

  it('says nothing when a side has no date', () => {
    expect(level('birth date', { birthDates: ['1978-05-14'] }, {})).toBeNull();
  });
});

describe('identifiers, phones and emails', () => {
  it('compare after normalisation', () => {
    expect(level('identifier', { identifiers: ['AB-123 456'] }, { identifiers: ['ab123456'] })).toBe('exact');
    expect(level('phone', { phones: ['+44 20 7946 0018'] }, { phones: ['020 7946 0018'] })).toBe('exact');
    expect(level('email', { emails: [' Ann.Lee@Example.org'] }, { emails: ['ann.lee@example.org'] })).toBe('exact');
  });

  it('see one slip in an identifier, a number without its country code and a mailbox at another provider', () => {
    expect(level('identifier', { identifiers: ['4975843'] }, { identifiers: ['4957843'] })).toBe('one character off');
    expect(level('identifier', { identifiers: ['4975843'] }, { identifiers: ['1804974'] })).toBe('different');
    expect(level('phone', { phones: ['+44 20 7946 0018'] }, { phones: ['+1 20 7946 0018'] })).toBe('same last eight digits');
    expect(level('email', { emails: ['ann.lee@example.org'] }, { emails: ['ann.lee@mail.example'] })).toBe('same mailbox name');
    expect(level('email', { emails: ['ann.lee@example.org'] }, { emails: ['bob@example.org'] })).toBe('different');
  });
});

describe('address', () => {
  const address = (a: string, b: string) => level('address', { addresses: [a] }, { addresses: [b] });

  it('reaches each level on a pair made for it', () => {
    expect(address('Flat 3, 12 Harbour St, PO1 2AB', 'flat 3 12 harbour street po1 2ab')).toBe('same unit');
    expect(address('12 Harbour Street, Portsmouth', '12 harbour st portsmouth')).toBe('same building');
    expect(address('14 Harbour Street, Portsmouth', '12 Harbour Street, Portsmouth')).toBe('same street');
    expect(address('Flat 3, 12 Harbour St, PO1 2AB', 'Flat 4, 12 Harbour St, PO1 2AB')).toBe('same street');
    expect(address('15 lubuma place merewether public school greensborough', '15 merewether public school lubuma place greensborough')).toBe('similar wording');
    expect(address('1 Station Road, PO1 2AB', '9 Mill Lane, PO1 2AB')).toBe('same postcode');
    expect(address('1 Station Road, PO1 2AB', '9 Mill Lane, SW1A 1AA')).toBe('different');
  });

  it('takes a postcode given beside the address as part of it', () => {
    expect(level('address', { addresses: ['1 station road'], postcodes: ['2119'] }, { addresses: ['9 mill lane'], postcodes: ['2119'] })).toBe('same postcode');
  });
});

describe('every comparison', () => {
  it('explains its level in words', () => {
    const a = person({ names: ['John Smith'], birthDates: ['1978-05-14'], identifiers: ['123'], phones: ['020 7946 0018'], emails: ['j@example.org'], addresses: ['12 Harbour Street'] });
    const b = person({ names: ['Jon Smyth'], birthDates: ['1978-05-19'], identifiers: ['124'], phones: ['020 7946 0019'], emails: ['k@example.org'], addresses: ['14 Harbour Street'] });
    for (const outcome of compareRecords(a, b)) if (outcome !== null) expect(outcome.explanation.length).toBeGreaterThan(10);
  });
});
