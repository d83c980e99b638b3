import { describe, expect, it } from 'vitest';
import { consonantSkeleton, isInitial, nameKey, nameTokens, normalizeName, phoneticKey } from './names.js';

const phoneticKeys = (name: string): string[] => nameTokens(name).map(phoneticKey);

describe('normalizeName', () => {
  it('strips accents and folds letters that have no decomposition', () => {
    expect(normalizeName('Élodie Müller-Lüdenscheidt')).toBe('elodie muller ludenscheidt');
    expect(normalizeName('Søren Kierkegaard')).toBe('soren kierkegaard');
    expect(normalizeName('Straße Æsir Łukasz Đorđe Þór Işık')).toBe('strasse aesir lukasz dorde thor isik');
  });

  it('joins at apostrophes and splits at hyphens and other punctuation', () => {
    expect(normalizeName("O'Brien")).toBe('obrien');
    expect(normalizeName('D’Arcy')).toBe('darcy');
    expect(normalizeName('Jean-Luc')).toBe('jean luc');
    expect(normalizeName('  Smith,   John  ')).toBe('smith john');
    expect(normalizeName('J.R.R. Tolkien')).toBe('j r r tolkien');
  });

  it('keeps letters of scripts it does not romanise, so they still match themselves', () => {
    expect(normalizeName('张伟')).toBe('张伟');
  });
});

describe('nameTokens and nameKey', () => {
  it('keeps initials as tokens', () => {
    expect(nameTokens('H. G. Wells')).toEqual(['h', 'g', 'wells']);
  });

  it('gives the same key whatever the word order', () => {
    expect(nameKey('Smith, John')).toBe(nameKey('John Smith'));
    expect(nameKey('Smith, John')).toBe('john smith');
  });
});

describe('isInitial', () => {
  it('is true for one letter with or without a dot, in any script', () => {
    expect(isInitial('j')).toBe(true);
    expect(isInitial('J.')).toBe(true);
    expect(isInitial('Ш')).toBe(true);
  });

  it('is false for words, digits and nothing', () => {
    expect(isInitial('jo')).toBe(false);
    expect(isInitial('7')).toBe(false);
    expect(isInitial('')).toBe(false);
  });
});

describe('phoneticKey', () => {
  it('gives variant spellings one code', () => {
    expect(phoneticKey('Sergei')).toBe(phoneticKey('Sergey'));
    expect(phoneticKey('Mohammed')).toBe(phoneticKey('Muhammad'));
    expect(phoneticKey('Ivanov')).toBe(phoneticKey('Ivanoff'));
  });

  it('returns an initial, and a token without Latin letters to encode, as itself', () => {
    expect(phoneticKey('J')).toBe('j');
    expect(phoneticKey('1984')).toBe('1984');
  });

  // The Cyrillic table writes й as y (BGN); the English spelling drops it. The exact tokens differ
  // (dmitriy / dmitri) and the phonetic key is what lets them meet.
  it('lets a Russian name in Cyrillic meet its English spelling: Дмитрий Шостакович ~ Dmitri Shostakovich', () => {
    expect(normalizeName('Дмитрий Шостакович')).toBe('dmitriy shostakovich');
    expect(phoneticKeys('Дмитрий Шостакович')).toEqual(phoneticKeys('Dmitri Shostakovich'));
  });

  // ELOT 743 spells ντ inside a word as nt and τζ as tz, which is the usual Latin spelling, so the
  // normalised forms are already equal, and so their keys.
  it('lets a Greek name meet its Latin spelling: Νίκος Καζαντζάκης ~ Nikos Kazantzakis', () => {
    expect(normalizeName('Νίκος Καζαντζάκης')).toBe('nikos kazantzakis');
    expect(phoneticKeys('Νίκος Καζαντζάκης')).toEqual(phoneticKeys('Nikos Kazantzakis'));
  });
});

describe('consonantSkeleton', () => {
  // Arabic is written without short vowels: محمد is m-h-m-d. Dropping the vowels and the doubled m
  // from the Latin spellings leaves the same four consonants.
  it('lets unvowelled Arabic meet vowelled Latin spellings: محمد ~ Mohammed ~ Muhammad', () => {
    expect(consonantSkeleton('محمد')).toBe('mhmd');
    expect(consonantSkeleton('Mohammed')).toBe('mhmd');
    expect(consonantSkeleton('Muhammad')).toBe('mhmd');
  });

  it('collapses repeated letters and drops y as a vowel', () => {
    expect(consonantSkeleton('Yussuf')).toBe('sf');
    expect(consonantSkeleton('')).toBe('');
  });
});
