import { describe, expect, it } from 'vitest';
import { blockingKeys, candidatePairs, type SkippedBlock } from './blocking.js';
import type { ResolutionRecord } from './record.js';

function person(id: string, values: Partial<ResolutionRecord>): ResolutionRecord {
  return { id, schema: 'Person', source: 'test', names: [], birthDates: [], identifiers: [], phones: [], emails: [], addresses: [], ...values };
}

describe('blockingKeys', () => {
  it('gives a record several keys, so that one corrupted field does not keep a pair apart', () => {
    const original = person('a', { givenNames: ['naomi'], surnames: ['millar'], birthDates: ['1975-08-18'], identifiers: ['7751504'], postcodes: ['5172'] });
    const corruptSurname = person('b', { givenNames: ['naomi'], surnames: ['xillar'], birthDates: ['1975-08-18'], postcodes: ['5172'] });
    const corruptDate = person('c', { givenNames: ['naomi'], surnames: ['millar'], birthDates: ['1957-08-18'], postcodes: ['5172'] });
    const shared = (x: ResolutionRecord, y: ResolutionRecord) => blockingKeys(x).filter((key) => blockingKeys(y).includes(key));
    expect(shared(original, corruptSurname).length).toBeGreaterThan(0);
    expect(shared(original, corruptDate).length).toBeGreaterThan(0);
  });

  it('meets an organisation by the sound of each word of its name', () => {
    const a = { ...person('a', { names: ['Meridian Shipping Ltd'] }), schema: 'Company' };
    const b = { ...person('b', { names: ['Meridien Holdings'] }), schema: 'Company' };
    expect(blockingKeys(a).filter((key) => blockingKeys(b).includes(key))).not.toEqual([]);
  });
});

describe('candidatePairs', () => {
  it('gives each pair once, lower index first', () => {
    const records = [
      person('a', { surnames: ['smith'], givenNames: ['john'], birthDates: ['1970-01-01'], identifiers: ['1'] }),
      person('b', { surnames: ['smith'], givenNames: ['john'], birthDates: ['1970-01-01'], identifiers: ['1'] }),
      person('c', { surnames: ['jones'], givenNames: ['mary'], birthDates: ['1980-02-02'] }),
    ];
    expect(candidatePairs(records)).toEqual([[0, 1]]);
  });

  it('skips blocks larger than the limit and reports them', () => {
    const records = Array.from({ length: 5 }, (_, i) => person(`r${i}`, { phones: ['+442079460018'], surnames: [`name${i}`] }));
    const skipped: SkippedBlock[] = [];
    expect(candidatePairs(records, { maxBlockSize: 4, onSkippedBlock: (block) => skipped.push(block) })).toEqual([]);
    expect(skipped).toEqual([{ key: 'phone:+442079460018', size: 5 }]);
    expect(candidatePairs(records, { maxBlockSize: 5 })).toHaveLength(10);
  });
});
