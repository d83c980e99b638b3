import { describe, expect, it } from 'vitest';
import { addressQuery, describeHow, hasFilter, propertyLabel, quoteValue, readPart, toggleFilter } from './search-query';

describe('search queries built by the search page', () => {
  it('a facet adds its filter once and takes it out on a second click', () => {
    const added = toggleFilter('anna novak', 'schema', 'Person');
    expect(added).toBe('anna novak schema:Person');
    expect(hasFilter(added, 'schema', 'Person')).toBe(true);
    expect(toggleFilter(added, 'schema', 'Person')).toBe('anna novak');
    expect(toggleFilter('source:company-registry anna', 'source', 'company-registry')).toBe('anna');
  });

  it('a filter is not mistaken for a longer value that starts the same', () => {
    expect(hasFilter('anna source:registry-old', 'source', 'registry')).toBe(false);
    expect(toggleFilter('anna source:registry-old', 'source', 'registry')).toBe('anna source:registry-old source:registry');
  });

  it('values with spaces are quoted, and quotes the syntax cannot escape are dropped', () => {
    expect(quoteValue('Legal Entity')).toBe('"Legal Entity"');
    expect(quoteValue('say "hi"')).toBe('"say hi"');
    expect(quoteValue('Person')).toBe('Person');
  });

  it('the address boxes become one quoted address: field, skipping empty ones', () => {
    expect(addressQuery({ street: ' 12 Harbour Street ', town: 'Portsmouth', postcode: '' })).toBe('address:"12 Harbour Street, Portsmouth"');
    expect(addressQuery({ street: '', town: '', postcode: ' ' })).toBe('');
  });

  it('explanations read as words', () => {
    expect(describeHow('typo')).toBe('Spelled differently');
    expect(describeHow('some-new-kind')).toBe('some new kind');
    expect(propertyLabel('birthDate')).toBe('birth date');
    expect(readPart('name: anna novak')).toEqual({ field: 'name', value: 'anna novak' });
  });
});
