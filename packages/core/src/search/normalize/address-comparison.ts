import { isStreetType } from './address-terms.js';
import type { AddressParts } from './addresses.js';
import { jaroWinkler } from './similarity.js';

/** How two addresses relate, for ranking and for telling the investigator why. */
export type AddressComparison = {
  /** In [0, 1]: same unit > other unit in the building > other building in the street > other street. */
  score: number;
  sameBuilding: boolean;
  /** Null when the building differs or a unit is known on one side only (or neither). */
  sameUnit: boolean | null;
  reasons: string[];
};

// Scores are for ranking and display; floating-point dust (0.7999999) helps neither.
function rounded(score: number): number {
  return Math.round(score * 1e6) / 1e6;
}

type Street = { name: string; type: string | null; locality: string[] };

// Names this close are one street spelt two ways (harbour / harbor, St / Saint aside).
const SAME_STREET_NAME = 0.85;

// The street name runs from after the house number to the first street type (12 | harbour
// street | portsmouth); without a street type it is what precedes the number (Hauptstrasse 5).
function streetOf(parts: AddressParts): Street {
  const words = parts.street.split(' ').filter((word) => word !== '');
  const house = parts.houseNumber === null ? -1 : words.indexOf(parts.houseNumber);
  const typeAt = words.findIndex((word, i) => i > house && isStreetType(word));
  if (typeAt >= 0) {
    return { name: words.slice(house + 1, typeAt).join(' '), type: words[typeAt] ?? null, locality: words.slice(typeAt + 1) };
  }
  if (house > 0) return { name: words.slice(0, house).join(' '), type: null, locality: words.slice(house + 1) };
  return { name: words.slice(house + 1).join(' '), type: null, locality: [] };
}

// ZIP+4 and ZIP5 of one address must agree, so US codes compare on their first five digits.
function samePostcode(a: string, b: string): boolean {
  const numeric = /^\d+$/u;
  if (numeric.test(a) && numeric.test(b) && (a.length === 9 || b.length === 9)) return a.slice(0, 5) === b.slice(0, 5);
  return a === b;
}

function placeConflict(query: AddressParts, candidate: AddressParts, q: Street, c: Street): string | null {
  if (query.postcode !== null && candidate.postcode !== null) {
    return samePostcode(query.postcode, candidate.postcode) ? null : `different postcode: ${query.postcode} vs ${candidate.postcode}`;
  }
  if (q.locality.length > 0 && c.locality.length > 0 && !q.locality.some((word) => c.locality.includes(word))) {
    return `different place: ${q.locality.join(' ')} vs ${c.locality.join(' ')}`;
  }
  return null;
}

/** Scores a candidate address against the query in [0, 1] (same unit > other unit > other building > other street), with reasons. */
export function compareAddresses(query: AddressParts, candidate: AddressParts): AddressComparison {
  const q = streetOf(query);
  const c = streetOf(candidate);
  const reasons: string[] = [];
  const nameSimilarity = q.name === '' || c.name === '' ? 0 : jaroWinkler(q.name, c.name);
  const typesAgree = q.type === null || c.type === null || q.type === c.type;
  const conflict = placeConflict(query, candidate, q, c);
  if (conflict !== null) reasons.push(conflict);
  else if (query.postcode !== null && candidate.postcode !== null) reasons.push(`same postcode ${query.postcode}`);

  const alike = typesAgree && nameSimilarity >= SAME_STREET_NAME;
  if (conflict !== null || !alike) {
    if (q.name === '' || c.name === '') reasons.push('street name missing');
    else if (!alike) reasons.push(`different street: ${[q.name, q.type].join(' ').trim()} vs ${[c.name, c.type].join(' ').trim()}`);
    const shared = q.locality.filter((word) => c.locality.includes(word)).length;
    const placeOverlap = shared / Math.max(1, new Set([...q.locality, ...c.locality]).size);
    // Other streets still rank among themselves: a similar name or the same town counts a little.
    return { score: rounded(0.2 * Math.min(nameSimilarity, SAME_STREET_NAME) + 0.2 * placeOverlap), sameBuilding: false, sameUnit: false, reasons };
  }
  reasons.push(`same street: ${[c.name, c.type ?? q.type].join(' ').trim()}`);
  // Each tier starts at a tenth and is 0.09 wide (the top one 0.1, reaching 1), so tiers never
  // tie; the name similarity orders addresses within a tier.
  const within = (nameSimilarity - SAME_STREET_NAME) / (1 - SAME_STREET_NAME);
  const tier = (base: number): number => rounded(base + (base === 0.9 ? 0.1 : 0.09) * within);

  if (query.houseNumber === null || candidate.houseNumber === null) {
    reasons.push('house number known on one side only');
    return { score: tier(0.6), sameBuilding: false, sameUnit: null, reasons };
  }
  if (query.houseNumber !== candidate.houseNumber) {
    reasons.push(`different house number: ${query.houseNumber} vs ${candidate.houseNumber}`);
    return { score: tier(0.5), sameBuilding: false, sameUnit: false, reasons };
  }
  reasons.push(`same house number ${query.houseNumber}`);
  if (query.unit === null && candidate.unit === null) return { score: tier(0.9), sameBuilding: true, sameUnit: null, reasons };
  if (query.unit === null || candidate.unit === null) {
    reasons.push('unit known on one side only');
    return { score: tier(0.8), sameBuilding: true, sameUnit: null, reasons };
  }
  if (query.unit !== candidate.unit) {
    reasons.push(`different unit: ${query.unit} vs ${candidate.unit}`);
    return { score: tier(0.7), sameBuilding: true, sameUnit: false, reasons };
  }
  reasons.push(`same unit ${query.unit}`);
  return { score: tier(0.9), sameBuilding: true, sameUnit: true, reasons };
}
