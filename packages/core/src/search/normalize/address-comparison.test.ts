import { describe, expect, it } from 'vitest';
import { compareAddresses } from './address-comparison.js';
import { normalizeAddress } from './addresses.js';

const query = normalizeAddress('Flat 3, 12 Harbour Street, Portsmouth PO1 2AB');
const against = (candidate: string) => compareAddresses(query, normalizeAddress(candidate));

describe('compareAddresses', () => {
  it('ranks same unit > other unit in the building > other building in the street > other street', () => {
    const sameUnit = against('12 Harbour St, Apt 3, Portsmouth');
    const otherUnit = against('12 Harbour St #5 Portsmouth');
    const otherBuilding = against('14 Harbour Street Portsmouth');
    const otherStreet = against('12 Mill Lane Portsmouth');
    expect(sameUnit).toMatchObject({ sameBuilding: true, sameUnit: true });
    expect(otherUnit).toMatchObject({ sameBuilding: true, sameUnit: false });
    expect(otherBuilding).toMatchObject({ sameBuilding: false, sameUnit: false });
    expect(otherStreet).toMatchObject({ sameBuilding: false, sameUnit: false });
    expect(sameUnit.score).toBeGreaterThan(otherUnit.score);
    expect(otherUnit.score).toBeGreaterThan(otherBuilding.score);
    expect(otherBuilding.score).toBeGreaterThan(otherStreet.score);
  });

  it('keeps every score within [0, 1] and gives an identical address 1', () => {
    expect(against('Flat 3, 12 Harbour Street, Portsmouth PO1 2AB').score).toBe(1);
    const empty = compareAddresses(normalizeAddress(''), normalizeAddress(''));
    expect(empty.score).toBeGreaterThanOrEqual(0);
    expect(empty.sameBuilding).toBe(false);
  });

  it('says why, in words an investigator can read', () => {
    expect(against('12 Harbour St #5 Portsmouth').reasons).toEqual(['same street: harbour street', 'same house number 12', 'different unit: 3 vs 5']);
    expect(against('12 Mill Lane Portsmouth').reasons).toEqual(['different street: harbour street vs mill lane']);
  });

  it('places a building whose unit is unknown between the same unit and another unit', () => {
    const unknown = against('12 Harbour Street, Portsmouth');
    expect(unknown).toMatchObject({ sameBuilding: true, sameUnit: null });
    expect(unknown.score).toBeLessThan(against('12 Harbour St, Apt 3').score);
    expect(unknown.score).toBeGreaterThan(against('12 Harbour St #5').score);
  });

  it('forgives a street name spelt another way', () => {
    expect(against('12 Harbor Street, Apt 3')).toMatchObject({ sameBuilding: true, sameUnit: true });
  });

  it('tells a road from a street of the same name', () => {
    expect(against('12 Harbour Road, Apt 3').sameBuilding).toBe(false);
  });

  it('treats the same street in another postcode or town as another street', () => {
    const elsewhere = against('Flat 3, 12 Harbour Street, Southampton SO14 2AB');
    expect(elsewhere.sameBuilding).toBe(false);
    expect(elsewhere.reasons).toContain('different postcode: PO12AB vs SO142AB');
    expect(against('Flat 3, 12 Harbour Street, Southampton').sameBuilding).toBe(false);
    expect(elsewhere.score).toBeLessThan(against('14 Harbour Street Portsmouth').score);
  });

  it('compares a ZIP+4 with its five-digit ZIP', () => {
    const zip4 = normalizeAddress('350 5th Ave, New York, NY 10118-0110');
    const zip5 = normalizeAddress('350 5th Avenue, New York, NY 10118');
    expect(compareAddresses(zip4, zip5)).toMatchObject({ sameBuilding: true });
    expect(compareAddresses(zip4, zip5).reasons).toContain('same postcode 101180110');
  });
});
