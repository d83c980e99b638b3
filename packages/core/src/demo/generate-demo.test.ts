import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Model, defaultModel } from '@alephdata/followthemoney';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_PURPOSES } from '../config/config.js';
import { SENSITIVE_CATEGORIES } from '../sources/register-source.js';
import { type DemoManifest, generateDemo } from './index.js';
import { planWorld } from './world-layout.js';

const ENTITIES = 4000;
const model = new Model(defaultModel);

type Row = Record<string, string>;
interface PropertyMapping {
  column?: string;
  columns?: string[];
  join?: string;
  literal?: string;
  template?: string;
  entity?: string;
}
interface EntityMapping {
  schema: string;
  keys: string[];
  properties: Record<string, PropertyMapping>;
}
interface Query {
  csv_url?: string;
  json_url?: string;
  entities: Record<string, EntityMapping>;
}
interface LoadedQuery {
  file: string;
  format: 'csv' | 'jsonl';
  header: string[] | null;
  rows: Row[];
  entities: Record<string, EntityMapping>;
}
interface LoadedSource {
  id: string;
  policy: Record<string, unknown>;
  queries: LoadedQuery[];
}

let root: string;
let first: string;
let again: string;
let other: string;
let manifest: DemoManifest;
let sources: LoadedSource[];
let truth: Row[];
const progress: { done: number; total: number }[] = [];

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

async function digests(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const file of await listFiles(dir)) {
    out.set(file, createHash('sha256').update(await readFile(join(dir, file))).digest('hex'));
  }
  return out;
}

function parseJsonLines(text: string): Row[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Row);
}

async function loadSources(dir: string, m: DemoManifest): Promise<LoadedSource[]> {
  const loaded: LoadedSource[] = [];
  for (const source of m.sources) {
    const policy = parseYaml(await readFile(join(dir, source.policy), 'utf8')) as Record<string, unknown>;
    const mapping = parseYaml(await readFile(join(dir, source.mapping), 'utf8')) as Record<string, { queries: Query[] }>;
    const queries: LoadedQuery[] = [];
    for (const q of mapping[source.id]?.queries ?? []) {
      const file = q.csv_url ?? q.json_url ?? '';
      const text = await readFile(join(dir, source.id, file), 'utf8');
      if (q.csv_url !== undefined) {
        const records = parseCsv(text);
        const [header = [], ...body] = records;
        const rows = body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
        queries.push({ file, format: 'csv', header, rows, entities: q.entities });
      } else {
        queries.push({ file, format: 'jsonl', header: null, rows: parseJsonLines(text), entities: q.entities });
      }
    }
    loaded.push({ id: source.id, policy, queries });
  }
  return loaded;
}

function templateColumns(template: string): string[] {
  return [...template.matchAll(/\{\{([^}]*)\}\}/g)].map((match) => match[1] ?? '');
}

function columnsOf(mapping: EntityMapping): string[] {
  const columns = [...mapping.keys];
  for (const property of Object.values(mapping.properties)) {
    if (property.column !== undefined) columns.push(property.column);
    if (property.columns !== undefined) columns.push(...property.columns);
    if (property.template !== undefined) columns.push(...templateColumns(property.template));
  }
  return columns;
}

function recordId(row: Row, keys: string[]): string {
  return keys.map((key) => row[key] ?? '').join('|');
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'casegraph-demo-'));
  first = join(root, 'first');
  again = join(root, 'again');
  other = join(root, 'other');
  manifest = await generateDemo({ entities: ENTITIES, seed: 'alpha', outDir: first, onProgress: (p) => progress.push(p) });
  await generateDemo({ entities: ENTITIES, seed: 'alpha', outDir: again });
  await generateDemo({ entities: ENTITIES, seed: 'beta', outDir: other });
  sources = await loadSources(first, manifest);
  truth = parseCsv<Row>(await readFile(join(first, 'ground-truth.csv'), 'utf8'), { columns: true });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('generateDemo', () => {
  it('writes byte-identical files for the same seed and size', async () => {
    const a = await digests(first);
    const b = await digests(again);
    expect([...a.keys()]).toEqual([...b.keys()]);
    expect(a.size).toBeGreaterThan(15);
    for (const [file, digest] of a) expect(b.get(file), file).toBe(digest);
  });

  it('writes different records for a different seed', async () => {
    const a = await digests(first);
    const b = await digests(other);
    const dataFiles = manifest.sources.flatMap((s) => s.files).concat('ground-truth.csv');
    for (const file of dataFiles) expect(b.get(file), file).not.toBe(a.get(file));
  });

  it('lays out six sources, each with a policy, a mapping and its data files', async () => {
    expect(manifest.generator).toBe('casegraph-demo/1');
    expect(manifest.seed).toBe('alpha');
    expect(manifest.entities).toBe(ENTITIES);
    expect(manifest.sources.map((s) => s.id)).toEqual([
      'company-registry',
      'vehicle-registry',
      'phone-subscribers',
      'bank-records',
      'travel-records',
      'prior-cases',
    ]);
    const files = await listFiles(first);
    expect(files).toContain('manifest.json');
    expect(files).toContain('ground-truth.csv');
    for (const source of manifest.sources) {
      expect(source.policy).toBe(`${source.id}/source.yml`);
      expect(source.mapping).toBe(`${source.id}/mapping.yml`);
      for (const file of [source.policy, source.mapping, ...source.files]) expect(files).toContain(file);
      const loaded = sources.find((s) => s.id === source.id);
      expect(loaded?.queries.map((q) => `${source.id}/${q.file}`).sort()).toEqual([...source.files].sort());
      expect(source.records).toBe(loaded?.queries.reduce((sum, q) => sum + q.rows.length, 0));
      expect(source.records).toBeGreaterThan(0);
    }
    const written = JSON.parse(await readFile(join(first, 'manifest.json'), 'utf8')) as DemoManifest;
    expect(written).toEqual(manifest);
  });

  it('writes source policies the platform can register', () => {
    const purposes = new Set(DEFAULT_PURPOSES.map((p) => p.code));
    const categories = new Set<string>(SENSITIVE_CATEGORIES);
    for (const { id, policy } of sources) {
      expect(policy.id).toBe(id);
      for (const field of ['name', 'owner', 'legal_basis', 'contact', 'description']) {
        expect(typeof policy[field], `${id}.${field}`).toBe('string');
      }
      expect(Number.isInteger(policy.retention_days)).toBe(true);
      expect(typeof policy.may_combine).toBe('boolean');
      expect(Array.isArray(policy.markings)).toBe(true);
      expect((policy.purposes as string[]).length).toBeGreaterThan(0);
      for (const purpose of policy.purposes as string[]) expect(purposes.has(purpose), purpose).toBe(true);
      for (const category of policy.sensitive_categories as string[]) expect(categories.has(category), category).toBe(true);
    }
    const cases = sources.find((s) => s.id === 'prior-cases')?.policy;
    expect(cases?.sensitive_categories).toEqual(expect.arrayContaining(['minors', 'witness-identity']));
  });

  it('maps only to schemata and properties of the FtM model, with references in range', () => {
    let checked = 0;
    for (const source of sources) {
      for (const q of source.queries) {
        for (const [name, entity] of Object.entries(q.entities)) {
          expect(model.schemata[entity.schema], `${source.id}/${name}: ${entity.schema}`).toBeDefined();
          const schema = model.getSchema(entity.schema);
          expect(schema.abstract, entity.schema).toBeFalsy();
          expect(entity.keys.length).toBeGreaterThan(0);
          for (const [property, mapping] of Object.entries(entity.properties)) {
            expect(schema.hasProperty(property), `${entity.schema}:${property}`).toBe(true);
            checked++;
            if (mapping.entity === undefined) continue;
            const target = q.entities[mapping.entity];
            expect(target, `${source.id}/${name}.${property} -> ${mapping.entity}`).toBeDefined();
            const range = schema.getProperty(property).getRange();
            expect(model.getSchema(target?.schema ?? '').isA(range), `${target?.schema} is a ${range.name}`).toBe(true);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('reads only columns its data files have', () => {
    for (const source of sources) {
      for (const q of source.queries) {
        const present = new Set(q.header ?? q.rows.flatMap((row) => Object.keys(row)));
        for (const [name, entity] of Object.entries(q.entities)) {
          for (const column of columnsOf(entity)) expect(present.has(column), `${source.id}/${q.file}: ${name} reads ${column}`).toBe(true);
        }
      }
    }
  });

  it('uses column, columns with join, literal, template and entity references between them', () => {
    const used = new Set<string>();
    for (const q of sources.flatMap((s) => s.queries)) {
      for (const entity of Object.values(q.entities)) {
        for (const mapping of Object.values(entity.properties)) {
          if (mapping.column !== undefined) used.add('column');
          if (mapping.columns !== undefined && mapping.join !== undefined) used.add('columns+join');
          if (mapping.literal !== undefined) used.add('literal');
          if (mapping.template !== undefined) used.add('template');
          if (mapping.entity !== undefined) used.add('entity');
        }
      }
    }
    expect([...used].sort()).toEqual(['column', 'columns+join', 'entity', 'literal', 'template']);
  });

  it('writes CSV with a header and rows of its width, and JSON lines of flat string values', () => {
    for (const q of sources.flatMap((s) => s.queries)) {
      expect(q.rows.length, q.file).toBeGreaterThan(0);
      if (q.format === 'csv') {
        expect(q.header?.length).toBeGreaterThan(2);
        continue;
      }
      for (const row of q.rows) {
        for (const value of Object.values(row)) expect(typeof value).toBe('string');
      }
    }
  });

  it('keys the ground truth by record ids its sources hold, each meaning one entity', () => {
    expect(Object.keys(truth[0] ?? {})).toEqual(['entity_id', 'source', 'record_id']);
    const ids = new Map<string, Set<string>>();
    for (const source of sources) {
      const set = new Set<string>();
      for (const q of source.queries) {
        for (const row of q.rows) for (const entity of Object.values(q.entities)) set.add(recordId(row, entity.keys));
      }
      ids.set(source.id, set);
    }
    const meaning = new Map<string, string>();
    for (const row of truth) {
      expect(ids.get(row.source ?? '')?.has(row.record_id ?? ''), `${row.source}: ${row.record_id}`).toBe(true);
      const key = `${row.source}\u0000${row.record_id}`;
      expect(meaning.get(key) ?? row.entity_id).toBe(row.entity_id);
      meaning.set(key, row.entity_id ?? '');
    }
  });

  it('plants the same person in several sources and several times within one source', () => {
    const sourcesOf = new Map<string, Set<string>>();
    const perSource = new Map<string, Set<string>>();
    for (const row of truth) {
      if (!row.entity_id?.startsWith('person-')) continue;
      sourcesOf.set(row.entity_id, (sourcesOf.get(row.entity_id) ?? new Set()).add(row.source ?? ''));
      const key = `${row.entity_id} ${row.source}`;
      perSource.set(key, (perSource.get(key) ?? new Set()).add(row.record_id ?? ''));
    }
    const inThreeSources = [...sourcesOf.values()].filter((s) => s.size >= 3).length;
    const repeatedWithin = [...perSource.values()].filter((records) => records.size >= 2).length;
    expect(inThreeSources).toBeGreaterThan(20);
    expect(repeatedWithin).toBeGreaterThan(100);
  });

  it('shows every person, company, vehicle and bank account of the world in some source', () => {
    const { counts } = planWorld(ENTITIES);
    const seen = new Map<string, Set<string>>();
    for (const row of truth) {
      const kind = row.entity_id?.split('-')[0] ?? '';
      seen.set(kind, (seen.get(kind) ?? new Set()).add(row.entity_id ?? ''));
    }
    expect(seen.get('person')?.size).toBe(counts.persons);
    expect(seen.get('company')?.size).toBe(counts.companies);
    expect(seen.get('vehicle')?.size).toBe(counts.vehicles);
    expect(seen.get('account')?.size).toBe(counts.accounts);
    expect(seen.get('address')?.size).toBeGreaterThan(0);
    const total = counts.persons + counts.companies + counts.addresses + counts.vehicles + counts.phones + counts.accounts;
    expect(Math.abs(total - ENTITIES) / ENTITIES).toBeLessThan(0.02);
    expect(counts.persons / total).toBeGreaterThan(0.4);
  });

  it('writes some names in Cyrillic or Greek script, and some case subjects are children', () => {
    const cases = sources.find((s) => s.id === 'prior-cases')?.queries[0]?.rows ?? [];
    const nonLatin = cases.filter((row) => /[\u0370-\u03ff\u0400-\u04ff]/.test(row.full_name ?? ''));
    expect(nonLatin.length).toBeGreaterThan(0);
    const children = cases.filter((row) => (row.date_of_birth ?? '') > '2008-01-01');
    expect(children.length).toBeGreaterThan(0);
    expect(new Set(cases.map((row) => row.role))).toEqual(new Set(['suspect', 'witness', 'victim', 'informant']));
    expect(cases.some((row) => /tattoo of an? [a-z ]+ on the/.test(row.description ?? ''))).toBe(true);
  });

  it('uses IBANs with valid check digits and phone numbers from ranges reserved for fiction', () => {
    const bank = sources.find((s) => s.id === 'bank-records')?.queries ?? [];
    const ibans = bank.flatMap((q) => q.rows.flatMap((row) => [row.iban, row.payer_iban, row.beneficiary_iban]));
    const valid = (iban: string) => {
      const digits = `${iban.slice(4)}${iban.slice(0, 4)}`.replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
      return BigInt(digits) % 97n === 1n;
    };
    const present = ibans.filter((iban): iban is string => iban !== undefined);
    expect(present.length).toBeGreaterThan(100);
    for (const iban of present) expect(valid(iban), iban).toBe(true);

    const fictional = [
      /^\+447700900\d{3}$/,
      /^\+44207946\d{4}$/,
      /^\+44(113|114|115|116|117|118|121|131|141|151|161)4960\d{3}$/,
      /^\+441914980\d{3}$/,
      /^\+442896496\d{3}$/,
      /^\+442920180\d{3}$/,
      /^\+441632960\d{3}$/,
      /^\+443069990\d{3}$/,
      /^\+1[2-9]\d\d55501\d\d$/,
    ];
    const e164 = (written: string) => {
      const digits = written.replace(/\D/g, '');
      if (written.trim().startsWith('+')) return `+${digits.replace(/^440/, '44')}`;
      if (digits.startsWith('0044')) return `+${digits.slice(2)}`;
      return `+44${digits.slice(1)}`;
    };
    const phones = sources.find((s) => s.id === 'phone-subscribers')?.queries ?? [];
    const numbers = phones.flatMap((q) => q.rows.flatMap((row) => [row.msisdn, row.caller_msisdn, row.receiver_msisdn]));
    const written = numbers.filter((n): n is string => n !== undefined);
    expect(written.length).toBeGreaterThan(100);
    for (const number of written) expect(fictional.some((re) => re.test(e164(number))), number).toBe(true);
    expect(new Set(written.map((n) => n.replace(/\d/g, '9'))).size).toBeGreaterThan(5);
  });

  it('dates nothing after the reference day, 2026-01-01', () => {
    const iso = /^\d{4}-\d{2}(-\d{2}(T[\d:]+)?)?$/;
    let dates = 0;
    for (const q of sources.flatMap((s) => s.queries)) {
      for (const row of q.rows) {
        for (const value of Object.values(row)) {
          if (!iso.test(value)) continue;
          dates++;
          expect(value.slice(0, 10) <= '2026-01-01', `${q.file}: ${value}`).toBe(true);
        }
      }
    }
    expect(dates).toBeGreaterThan(1000);
  });

  it('reports progress up to done = total = entities', () => {
    expect(progress.length).toBeGreaterThan(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i]?.done).toBeGreaterThanOrEqual(progress[i - 1]?.done ?? 0);
    expect(progress.at(-1)).toEqual({ done: ENTITIES, total: ENTITIES });
  });

  it('still shows every person and company in a world of a few dozen entities', async () => {
    const dir = join(root, 'tiny');
    await generateDemo({ entities: 60, seed: 7, outDir: dir });
    const rows = parseCsv<Row>(await readFile(join(dir, 'ground-truth.csv'), 'utf8'), { columns: true });
    const { counts } = planWorld(60);
    const ids = (kind: string) => new Set(rows.map((r) => r.entity_id ?? '').filter((id) => id.startsWith(`${kind}-`))).size;
    expect(ids('person')).toBe(counts.persons);
    expect(ids('company')).toBe(counts.companies);
  });

  it('refuses a size that is not a whole number of at least one', async () => {
    await expect(generateDemo({ entities: 0, seed: 1, outDir: join(root, 'none') })).rejects.toThrow(/whole number/);
    await expect(generateDemo({ entities: 2.5, seed: 1, outDir: join(root, 'none') })).rejects.toThrow(/whole number/);
  });
});
