import { describe, expect, it } from 'vitest';
import { Invalid } from '../errors.js';
import { parseQuery } from './query-syntax.js';

describe('parseQuery', () => {
  it('reads free text and fields, quoted or not, in any order', () => {
    expect(parseQuery('jon smith address:"12 Harbour St" born:1978..1980 schema:Person source:company-registry phone:+442079460018')).toEqual({
      parts: [
        { field: 'free', value: 'jon smith' },
        { field: 'address', value: '12 Harbour St' },
        { field: 'phone', value: '+442079460018' },
      ],
      schemata: ['Person'],
      sources: ['company-registry'],
      born: { from: '1978', to: '1980' },
    });
  });

  it('a quoted phrase is free text; a single year is a one-year range; open ranges keep one end', () => {
    expect(parseQuery('"Anna Maria" born:1979')).toMatchObject({ parts: [{ field: 'free', value: 'Anna Maria' }], born: { from: '1979', to: '1979' } });
    expect(parseQuery('name:novak born:..1980-06').born).toEqual({ from: null, to: '1980-06' });
    expect(parseQuery('NAME:novak ID:"ab 12"').parts).toEqual([
      { field: 'name', value: 'novak' },
      { field: 'id', value: 'ab 12' },
    ]);
  });

  it('an address such as https://example.org stays free text', () => {
    expect(parseQuery('https://example.org/about').parts).toEqual([{ field: 'free', value: 'https://example.org/about' }]);
  });

  it('refuses an unknown field, an empty field, a bad date or range, and an overlong query with the reason', () => {
    const refused = (q: string, reason: RegExp) => expect(() => parseQuery(q), q).toThrow(reason);
    refused('nationality:xx smith', /unknown field "nationality:"/);
    refused('name: smith', /"name:" needs a value/);
    refused('smith born:last-year', /"last-year" is not a year or date/);
    refused('smith born:1990..1980', /ends before it starts/);
    refused('smith born:1..2..3', /not a date or range/);
    refused('x'.repeat(1001), /at most 1000 characters/);
    expect(() => parseQuery('religion:any')).toThrow(Invalid);
  });
});
