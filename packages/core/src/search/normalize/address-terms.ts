// The vocabulary of postal addresses: street types, unit designators and compass points.

/** Abbreviations of street types, each to the one spelling an address is compared in. */
export const STREET_ABBREVIATIONS = new Map<string, string>([
  ['st', 'street'], ['str', 'street'], ['rd', 'road'], ['ave', 'avenue'], ['av', 'avenue'],
  ['ln', 'lane'], ['dr', 'drive'], ['ct', 'court'], ['pl', 'place'], ['sq', 'square'],
  ['blvd', 'boulevard'], ['hwy', 'highway'], ['pkwy', 'parkway'], ['cres', 'crescent'],
  ['tce', 'terrace'], ['terr', 'terrace'], ['ter', 'terrace'], ['cl', 'close'], ['gdns', 'gardens'], ['gdn', 'gardens'],
  ['gr', 'grove'], ['gro', 'grove'], ['la', 'lane'], ['wy', 'way'], ['pde', 'parade'], ['ml', 'mall'], ['mws', 'mews'],
]);

const STREET_TYPES = new Set([
  ...STREET_ABBREVIATIONS.values(),
  'way', 'close', 'grove', 'gardens', 'row', 'walk', 'mews', 'parade', 'hill', 'rise', 'circle', 'mall',
]);

/** Whether a (normalised, expanded) word is a street type such as street, road or close. */
export function isStreetType(word: string): boolean {
  return STREET_TYPES.has(word);
}

/** Words that announce a unit inside a building; '#' is one too ("#4"). */
export const UNIT_DESIGNATORS = new Set(['apt', 'apartment', 'unit', 'flat', 'suite', 'ste', '#']);

/** Compass points, expanded only beside a house number or a street type (see addresses.ts). */
export const DIRECTIONS = new Map<string, string>([
  ['n', 'north'], ['s', 'south'], ['e', 'east'], ['w', 'west'],
  ['ne', 'northeast'], ['nw', 'northwest'], ['se', 'southeast'], ['sw', 'southwest'],
]);
