import { describe, expect, it } from 'vitest';
import { jaroWinkler, levenshtein, trigramSimilarity, trigrams } from './similarity.js';

describe('levenshtein', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('flaw', 'lawn')).toBe(2);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });

  it('counts a letter outside the BMP as one character', () => {
    expect(levenshtein('a𝒳b', 'ab')).toBe(1);
  });
});

describe('jaroWinkler', () => {
  // Reference values from Winkler (1990) and the usual worked examples.
  it('agrees with the published values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 3);
  });

  it('is 1 for equal strings and 0 when nothing matches', () => {
    expect(jaroWinkler('abc', 'abc')).toBe(1);
    expect(jaroWinkler('', '')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('abc', '')).toBe(0);
  });
});

describe('trigramSimilarity', () => {
  it('pads each word with two spaces before and one after, as pg_trgm does', () => {
    expect(trigrams('Cat')).toEqual(['  c', ' ca', 'cat', 'at ']);
    expect(trigrams('a-b')).toEqual(['  a', ' a ', '  b', ' b ']);
  });

  it('is 1 for the same words, whatever case and punctuation', () => {
    expect(trigramSimilarity('word', 'word')).toBe(1);
    expect(trigramSimilarity('Word!', 'word')).toBe(1);
  });

  // word:      {"  w"," wo","wor","ord","rd "}                                  5 trigrams
  // two words: {"  t"," tw","two","wo ","  w"," wo","wor","ord","rds","ds "}     10 trigrams
  // shared:    {"  w"," wo","wor","ord"} = 4, union 5 + 10 - 4 = 11  →  4/11 (pg_trgm: 0.36363637)
  it("computes 4/11 for 'word' against 'two words'", () => {
    expect(trigramSimilarity('word', 'two words')).toBeCloseTo(4 / 11, 10);
  });

  // abc: {"  a"," ab","abc","bc "}, abd: {"  a"," ab","abd","bd "}: 2 shared of 6  →  1/3
  it("computes 1/3 for 'abc' against 'abd'", () => {
    expect(trigramSimilarity('abc', 'abd')).toBeCloseTo(1 / 3, 10);
  });

  it('counts a trigram once however often it occurs', () => {
    // aaaa: {"  a"," aa","aaa","aa "}; aa: {"  a"," aa","aa "}: 3 shared of 4.
    expect(trigramSimilarity('aaaa', 'aa')).toBeCloseTo(3 / 4, 10);
  });

  it('is 0 when either side has no words, as in PostgreSQL', () => {
    expect(trigramSimilarity('', '')).toBe(0);
    expect(trigramSimilarity('word', '  ')).toBe(0);
  });
});
