import { describe, expect, it } from 'vitest';
import { normalizeAddress } from './addresses.js';

describe('normalizeAddress', () => {
  it('takes a UK address apart into house number, unit, postcode and street', () => {
    expect(normalizeAddress('Flat 3, 12 Harbour Street, Portsmouth PO1 2AB')).toEqual({
      normalized: '12 harbour street portsmouth unit 3 po12ab',
      tokens: ['12', 'harbour', 'street', 'portsmouth', '3', 'po12ab'],
      houseNumber: '12',
      unit: '3',
      postcode: 'PO12AB',
      street: '12 harbour street portsmouth',
    });
  });

  it('gives Street and St, Avenue and Ave, Road and Rd the same parts', () => {
    expect(normalizeAddress('12 Harbour St')).toEqual(normalizeAddress('12 Harbour Street'));
    expect(normalizeAddress('12 HARBOUR STR.')).toEqual(normalizeAddress('12 harbour street'));
    expect(normalizeAddress('5 Elm Ave')).toEqual(normalizeAddress('5 Elm Avenue'));
    expect(normalizeAddress('5 Elm Av.')).toEqual(normalizeAddress('5 Elm Avenue'));
    expect(normalizeAddress('9 Mill Rd')).toEqual(normalizeAddress('9 Mill Road'));
    expect(normalizeAddress('1 Kings Cres')).toEqual(normalizeAddress('1 Kings Crescent'));
  });

  it('reads apartment, apt, unit, flat, suite, ste, # and 4/12 as the same unit', () => {
    const expected = normalizeAddress('Apartment 4, 12 High Street');
    expect(expected).toMatchObject({ unit: '4', houseNumber: '12', street: '12 high street' });
    for (const form of ['Apt 4, 12 High St', 'Unit 4, 12 High Street', 'Flat 4, 12 High St', '12 High Street #4', '12 High St # 4', 'Suite 4, 12 High St', 'Ste. 4, 12 High St', '4/12 High St']) {
      expect(normalizeAddress(form), form).toEqual(expected);
    }
  });

  it('keeps a letter on a house number or unit', () => {
    expect(normalizeAddress('Flat 2B, 12a Queen’s Road')).toMatchObject({ unit: '2b', houseNumber: '12a', street: '12a queens road' });
  });

  it('reads "St" right after the house number as Saint', () => {
    expect(normalizeAddress('12 St Johns Rd').street).toBe('12 saint johns road');
  });

  it('expands compass points beside a house number or street type, not elsewhere', () => {
    expect(normalizeAddress('100 N Main St').street).toBe('100 north main street');
    expect(normalizeAddress('1600 Pennsylvania Ave NW').street).toBe('1600 pennsylvania avenue northwest');
    expect(normalizeAddress('12 Harbour Street, J S Bach House').street).toBe('12 harbour street j s bach house');
  });

  it('writes UK postcodes upper-case without spaces, with or without the space', () => {
    expect(normalizeAddress('10 Downing Street, London SW1A 2AA').postcode).toBe('SW1A2AA');
    expect(normalizeAddress('10 Downing Street, London sw1a2aa').postcode).toBe('SW1A2AA');
  });

  it('finds US ZIP codes at the end and writes them as digits', () => {
    expect(normalizeAddress('1600 Pennsylvania Ave NW, Washington, DC 20500')).toMatchObject({ postcode: '20500', houseNumber: '1600' });
    expect(normalizeAddress('350 5th Ave, New York, NY 10118-0110')).toMatchObject({ postcode: '101180110', houseNumber: '350' });
  });

  it('finds a numeric postcode before or after the town, but never takes the house number for one', () => {
    expect(normalizeAddress('Hauptstraße 5, 10115 Berlin')).toMatchObject({ postcode: '10115', houseNumber: '5', street: 'hauptstrasse 5 berlin' });
    expect(normalizeAddress('Rue de Rivoli 12, Paris 75001')).toMatchObject({ postcode: '75001', houseNumber: '12' });
    expect(normalizeAddress('1200 Park Avenue')).toMatchObject({ postcode: null, houseNumber: '1200' });
    expect(normalizeAddress('Unit 5, 1200 Main Street')).toMatchObject({ postcode: null, houseNumber: '1200', unit: '5' });
  });

  it('gives empty parts for an empty or punctuation-only address', () => {
    const empty = { normalized: '', tokens: [], houseNumber: null, unit: null, postcode: null, street: '' };
    expect(normalizeAddress('')).toEqual(empty);
    expect(normalizeAddress(' , # - / ')).toEqual(empty);
  });
});
