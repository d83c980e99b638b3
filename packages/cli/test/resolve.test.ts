import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FEBRL_MAPPING } from '@casegraph/core/testing';
import { runCli } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'casegraph-cli-resolve-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// FEBRL 1 (public, synthetic): 500 people and 500 corrupted duplicates; rec-N-... share a person.
const FEBRL1 = fileURLToPath(new URL('../../../../shared/data/febrl1.csv', import.meta.url));

describe('casegraph resolve and export clusters', () => {
  it('imports FEBRL 1 through a mapping, resolves it without labels, and exports clusters a ground truth can score', async () => {
    const data = join(root, 'store');
    const mapping = join(root, 'febrl.yml');
    writeFileSync(mapping, FEBRL_MAPPING);
    const register = await runCli(['source', 'register', '--data', data, '--id', 'febrl', '--name', 'FEBRL 1', '--legal-basis', 'Public benchmark', '--purposes', 'administration']);
    expect(register.code, register.stderr).toBe(0);
    const imported = await runCli(['import', '--data', data, '--source', 'febrl', '--mapping', mapping, FEBRL1]);
    expect(imported.code, imported.stderr).toBe(0);
    const resolved = await runCli(['resolve', '--data', data, '--threshold', '0.5']);
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.stderr).toMatch(/^Resolved 1,000 records in [\d.]+s: [\d,]+ candidate pairs, [\d,]+ linked, [\d,]+ clusters/m);
    const out = join(root, 'clusters.csv');
    const exported = await runCli(['export', 'clusters', '--data', data, '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    const [header, ...lines] = readFileSync(out, 'utf8').trim().split('\n');
    expect(header).toBe('cluster_id,source,record_id');
    expect(lines).toHaveLength(1000);
    // Pairwise precision and recall of the exported clusters against the truth in the record ids.
    const clusterOf = new Map(lines.map((line) => line.split(',')).map(([cluster, , record]) => [record ?? '', cluster ?? '']));
    const person = (record: string) => /^rec-(\d+)-/.exec(record)?.[1] ?? record;
    const records = [...clusterOf.keys()];
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < records.length; i++) {
      for (let j = i + 1; j < records.length; j++) {
        const a = records[i] as string;
        const b = records[j] as string;
        const same = clusterOf.get(a) === clusterOf.get(b);
        const truth = person(a) === person(b);
        if (same && truth) tp++;
        else if (same) fp++;
        else if (truth) fn++;
      }
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    const f1 = (2 * precision * recall) / (precision + recall);
    process.stdout.write(`FEBRL 1 through the CLI: precision ${precision.toFixed(4)}, recall ${recall.toFixed(4)}, F1 ${f1.toFixed(4)}\n`);
    expect(f1).toBeGreaterThan(0.97);
  });

  it('refuses a threshold that is no probability, and an unknown export', async () => {
    const bad = await runCli(['resolve', '--data', join(root, 'store'), '--threshold', '2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected a match probability between 0 and 1/);
    const unknown = await runCli(['export', 'people', '--data', join(root, 'store')]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown export "people" \(known: entities, clusters, case\)/);
  });
});
