import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Invalid } from '../errors.js';
import { FileSink } from './file-sink.js';
import { renderMapping } from './mapping-file.js';
import { type DemoSource, SourceOutput } from './source-output.js';
import { bankRecords } from './sources/bank-records.js';
import { companyRegistry } from './sources/company-registry.js';
import { phoneSubscribers } from './sources/phone-subscribers.js';
import { priorCases } from './sources/prior-cases.js';
import { travelRecords } from './sources/travel-records.js';
import { vehicleRegistry } from './sources/vehicle-registry.js';
import { World } from './world.js';

/** Options of one demo generation run. */
export interface DemoOptions {
  /** Real-world entities behind the records (persons, companies, addresses, vehicles, phones, accounts). */
  entities: number;
  /** The same seed and size give byte-identical files. */
  seed: string | number;
  /** Folder to write into; created if missing, files in it are overwritten. */
  outDir: string;
  /** Called as work proceeds; `done` reaches `total` (= entities) at the end. */
  onProgress?: (p: { done: number; total: number }) => void;
}

/** One source in the manifest: where its policy, mapping and data files are, and how many rows. */
export interface DemoManifestSource {
  id: string;
  policy: string;
  mapping: string;
  files: string[];
  records: number;
}

/** manifest.json: what was generated, from which seed, and where everything is (paths relative to outDir). */
export interface DemoManifest {
  generator: 'casegraph-demo/1';
  seed: string | number;
  entities: number;
  sources: DemoManifestSource[];
}

const DEMO_SOURCES: readonly DemoSource[] = [companyRegistry, vehicleRegistry, phoneSubscribers, bankRecords, travelRecords, priorCases];

/** Ids of the six demo sources, in the order they are written. */
export const DEMO_SOURCE_IDS: readonly string[] = DEMO_SOURCES.map((source) => source.policy.id);

const MAX_ENTITIES = 100_000_000;

/**
 * Writes what six sources would export about a synthetic world of `entities` real entities, with
 * each source's policy and FtM mapping, a ground truth of which records are the same entity, and a
 * manifest. Streams: memory stays flat however large `entities` is.
 * @example const manifest = await generateDemo({ entities: 50_000, seed: 'casegraph', outDir: 'demo-input' })
 */
export async function generateDemo(options: DemoOptions): Promise<DemoManifest> {
  const { entities, seed, outDir, onProgress } = options;
  if (!Number.isInteger(entities) || entities < 1 || entities > MAX_ENTITIES) {
    throw new Invalid(`entities must be a whole number from 1 to ${MAX_ENTITIES.toLocaleString('en')}`);
  }
  if (typeof seed === 'number' ? !Number.isFinite(seed) : typeof seed !== 'string') {
    throw new Invalid('seed must be text or a finite number');
  }
  const world = new World(seed, entities);
  await mkdir(outDir, { recursive: true });

  const steps = DEMO_SOURCES.map((source) => source.steps(world));
  const allSteps = steps.reduce((sum, s) => sum + s, 0);
  let stepsBefore = 0;
  let lastReported = -1;
  const report = (done: number) => {
    if (onProgress === undefined || done === lastReported) return;
    lastReported = done;
    onProgress({ done, total: entities });
  };

  const truth = new FileSink(join(outDir, 'ground-truth.csv'));
  truth.write('entity_id,source,record_id\r\n');
  const sources: DemoManifestSource[] = [];
  try {
    for (const [i, source] of DEMO_SOURCES.entries()) {
      const id = source.policy.id;
      const dir = join(outDir, id);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'source.yml'), stringify(source.policy, { lineWidth: 0 }));
      await writeFile(join(dir, 'mapping.yml'), renderMapping(id, source.queries, `FollowTheMoney mapping for ${source.policy.name}`));
      const before = stepsBefore;
      const out = new SourceOutput(dir, id, truth, (done) => report(Math.floor((entities * (before + done)) / allSteps)));
      try {
        await source.run(world, out);
      } finally {
        await out.close();
      }
      stepsBefore += steps[i] ?? 0;
      sources.push({ id, policy: `${id}/source.yml`, mapping: `${id}/mapping.yml`, files: out.files, records: out.records });
    }
  } finally {
    await truth.close();
  }
  report(entities);

  const manifest: DemoManifest = { generator: 'casegraph-demo/1', seed, entities, sources };
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
