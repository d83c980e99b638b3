export { compareAddresses, type AddressComparison } from './address-comparison.js';
export { normalizeAddress, type AddressParts } from './addresses.js';
export { foldText } from './fold.js';
export { normalizeEmail, normalizeIdentifier, normalizePhone, normalizePlate } from './identifiers.js';
export { consonantSkeleton, isInitial, nameKey, nameTokens, normalizeName, phoneticKey } from './names.js';
export { nameGroups, sameGivenName } from './nicknames.js';
export { jaroWinkler, levenshtein, trigramSimilarity, trigrams } from './similarity.js';
