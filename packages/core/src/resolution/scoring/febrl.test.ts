import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pairwiseScores } from './evaluate.js';
import { readFebrl } from './febrl.js';
import { resolveRecords } from './resolve-records.js';

// Six levels up from packages/core/src/resolution/scoring is the folder holding the repository
// and the shared data folder beside it.
const FEBRL3 = new URL('../../../../../../shared/data/febrl3.csv', import.meta.url);

describe('FEBRL 3', () => {
  it('is resolved without labels at pairwise F1 0.99 or better, in a few seconds', () => {
    const path = fileURLToPath(FEBRL3);
    // A missing benchmark must fail the suite, not pass it by skipping.
    expect(existsSync(path), `FEBRL 3 benchmark data missing at ${path}`).toBe(true);
    const { records, truth } = readFebrl(readFileSync(path, 'utf8'), 'febrl3');
    expect(records).toHaveLength(5000);

    const started = performance.now();
    const run = resolveRecords(records, { threshold: 0.5 });
    const seconds = (performance.now() - started) / 1000;
    const scores = pairwiseScores(run.clusters, truth);

    process.stdout.write(
      `FEBRL 3: precision ${scores.precision.toFixed(4)}, recall ${scores.recall.toFixed(4)}, F1 ${scores.f1.toFixed(4)} ` +
        `(${scores.truePositives} true, ${scores.falsePositives} false, ${scores.falseNegatives} missed pairs); ` +
        `${run.pairs.length} pairs compared, ${run.skippedBlocks.length} blocks skipped, λ ${run.parameters.lambda.toFixed(3)} ` +
        `after ${run.parameters.iterations} EM iterations; ${seconds.toFixed(2)} s\n`,
    );
    expect(run.parameters.converged).toBe(true);
    expect(scores.f1).toBeGreaterThanOrEqual(0.99);
    expect(seconds).toBeLessThan(20);
  });
});

describe('readFebrl', () => {
  const header = 'rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id';

  it('maps a row to a record and its id to the truth', () => {
    const { records, truth } = readFebrl(`${header}\nrec-100-dup-4, domenique, paterson, 15, lubuma place, , greensborough, 3138, qld, 19161017, 4957843\n`);
    expect(records[0]).toEqual({
      id: 'rec-100-dup-4',
      schema: 'Person',
      source: 'febrl',
      names: ['domenique paterson'],
      givenNames: ['domenique'],
      surnames: ['paterson'],
      birthDates: ['1916-10-17'],
      identifiers: ['4957843'],
      phones: [],
      emails: [],
      addresses: ['15 lubuma place greensborough qld'],
      postcodes: ['3138'],
    });
    expect(truth.get('rec-100-dup-4')).toBe('100');
  });

  it('keeps what can be kept of a date that is not one', () => {
    const row = (date: string) => readFebrl(`${header}\nrec-1-org, a, b, , , , , , , ${date}, \n`).records[0]?.birthDates;
    expect(row('19160017')).toEqual(['1916']);
    expect(row('19160231')).toEqual(['1916-02']);
    expect(row('')).toEqual([]);
  });
});
