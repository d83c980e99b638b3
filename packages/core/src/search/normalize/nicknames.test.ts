import { describe, expect, it } from 'vitest';
import { nameGroups, sameGivenName } from './nicknames.js';

describe('nameGroups', () => {
  it('maps a nickname to the full names it stands for, itself first', () => {
    expect(nameGroups('bob')[0]).toBe('bob');
    expect(nameGroups('bob')).toContain('robert');
    expect(nameGroups('peggy')).toContain('margaret');
    expect(nameGroups('bill')).toContain('william');
  });

  it('gives a full name only itself', () => {
    expect(nameGroups('robert')).toEqual(['robert']);
    expect(nameGroups('william')).toEqual(['william']);
  });

  it('keeps a masculine name apart from its feminine form', () => {
    expect(sameGivenName('andrew', 'andrea')).toBe(false);
  });

  it('normalises the token before looking it up', () => {
    expect(nameGroups(' Bob ')).toContain('robert');
  });

  it('gives nothing for an empty token', () => {
    expect(nameGroups('')).toEqual([]);
    expect(nameGroups('   ')).toEqual([]);
  });

  it('leaves out curated nicknames that are surnames, particles or other names', () => {
    expect(nameGroups('lee')).toEqual(['lee']);
    expect(nameGroups('al')).toEqual(['al']);
    expect(nameGroups('erin')).toEqual(['erin']);
  });
});

describe('sameGivenName', () => {
  it('joins a nickname and its full name, and two nicknames of one name', () => {
    expect(sameGivenName('Bill', 'William')).toBe(true);
    expect(sameGivenName('William', 'Bill')).toBe(true);
    expect(sameGivenName('bob', 'rob')).toBe(true);
  });

  it('keeps two different full names apart even when they share a nickname', () => {
    // bill stands for both robert and william; chris for both christopher and christina.
    expect(sameGivenName('robert', 'william')).toBe(false);
    expect(sameGivenName('christopher', 'christina')).toBe(false);
  });

  it('is false when either name is empty', () => {
    expect(sameGivenName('', '')).toBe(false);
    expect(sameGivenName('bob', '')).toBe(false);
  });
});
