import { describe, expect, it } from 'vitest';
import { compareAddresses } from './address-comparison.js';
import { normalizeAddress } from './addresses.js';
import { normalizeEmail, normalizeIdentifier, normalizePhone } from './identifiers.js';
import { consonantSkeleton, isInitial, nameKey, nameTokens, normalizeName, phoneticKey } from './names.js';
import { nameGroups, sameGivenName } from './nicknames.js';
import { jaroWinkler, levenshtein, trigramSimilarity } from './similarity.js';

// Every value a source holds reaches these functions, so none of them may throw or stall.
const odd: Record<string, string> = {
  empty: '',
  whitespace: ' \t\n\u00A0\u3000 ',
  'combining marks alone': '\u0301\u0308\u0327',
  'zero-width joiners': 'a\u200Db\u200Cc\u2060',
  'right-to-left marks': '\u200F\u202Eabc\u202C\u200E',
  'lone surrogate': '\uD800x',
  emoji: '👩‍👩‍👧 🇬🇧',
  'mixed scripts': 'Ivan Иван Ιωάννης يوحنا 约翰',
};

const everyFunction: Record<string, (text: string) => unknown> = {
  normalizeName,
  nameTokens,
  nameKey,
  phoneticKey,
  isInitial,
  consonantSkeleton,
  nameGroups,
  sameGivenName: (text) => sameGivenName(text, text),
  normalizeAddress,
  compareAddresses: (text) => compareAddresses(normalizeAddress(text), normalizeAddress(text)),
  normalizePhone,
  normalizeEmail,
  normalizeIdentifier,
  jaroWinkler: (text) => jaroWinkler(text, 'text'),
  levenshtein: (text) => levenshtein(text, 'text'),
  trigramSimilarity: (text) => trigramSimilarity(text, 'text'),
};

describe.each(Object.entries(everyFunction))('%s', (_name, run) => {
  it.each(Object.entries(odd))('does not throw on %s', (_kind, text) => {
    expect(() => run(text)).not.toThrow();
  });
});

describe('long inputs', () => {
  // 10,000 characters built to provoke backtracking: long runs of one class with the one
  // character a pattern would be looking for missing at the end.
  const long = {
    words: 'Harbour Street '.repeat(667).slice(0, 10_000),
    digits: '1'.repeat(10_000),
    'at signs and dots': `a@${'b.'.repeat(4_999)}`,
    hashes: '#1/'.repeat(3_334),
    arabic: 'محمد '.repeat(2_000),
  };

  it.each(Object.entries(long))('handles 10,000 characters of %s in well under a second per function', (_kind, text) => {
    for (const run of Object.values(everyFunction)) {
      const started = performance.now();
      run(text);
      expect(performance.now() - started).toBeLessThan(1_000);
    }
  });

  it('gives the expected answers for long inputs', () => {
    expect(nameTokens('ab '.repeat(5_000))).toHaveLength(5_000);
    expect(normalizeEmail(`a@${'b'.repeat(10_000)}.com`)).toBeNull();
    expect(normalizePhone('1'.repeat(10_000))).toBeNull();
    expect(levenshtein('a'.repeat(10_000), 'b'.repeat(10_000))).toBe(10_000);
  });
});
