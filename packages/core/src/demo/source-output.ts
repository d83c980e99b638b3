import { join } from 'node:path';
import { FileSink, csvField } from './file-sink.js';
import type { QueryMapping } from './mapping-file.js';
import type { World } from './world.js';

/** The purposes a demo source may allow (the platform's default purpose codes). */
export type DemoPurpose =
  | 'criminal-investigation'
  | 'financial-investigation'
  | 'fraud-audit'
  | 'journalistic-research'
  | 'oversight'
  | 'administration';

/** A source's registration as written to source.yml (the shape the platform registers). */
export interface SourcePolicyFile {
  id: string;
  name: string;
  owner: string;
  legal_basis: string;
  purposes: DemoPurpose[];
  markings: string[];
  retention_days: number;
  sensitive_categories: string[];
  may_combine: boolean;
  contact: string;
  description: string;
}

/** One demo source: its policy, its mapping, and how it writes its records from the world. */
export interface DemoSource {
  policy: SourcePolicyFile;
  queries: readonly QueryMapping<string, string>[];
  /** Units of work run() reports through pace(), for progress. */
  steps(world: World): number;
  run(world: World, out: SourceOutput): Promise<void>;
}

/** Writes the rows of one data file, and the ground truth of the world entities they describe. */
export class RowWriter<C extends string, E extends string> {
  records = 0;
  private readonly sink: FileSink;
  private readonly mapping: QueryMapping<C, E>;
  private readonly truth: FileSink;
  private readonly sourceId: string;

  constructor(sink: FileSink, mapping: QueryMapping<C, E>, truth: FileSink, sourceId: string) {
    this.sink = sink;
    this.mapping = mapping;
    this.truth = truth;
    this.sourceId = sourceId;
    if (mapping.file.format === 'csv') sink.write(`${mapping.file.columns.map(csvField).join(',')}\r\n`);
  }

  /**
   * Writes a row. `truth` names, per mapping entity the row makes, the world entity it is; the
   * record id is read from the row through that entity's key columns, so it always matches the
   * mapping.
   */
  write(row: Partial<Record<C, string>>, truth?: Partial<Record<E, string>>): void {
    const columns = this.mapping.file.columns;
    if (this.mapping.file.format === 'csv') {
      let line = '';
      for (let i = 0; i < columns.length; i++) {
        const value = row[columns[i] as C];
        if (i > 0) line += ',';
        if (value !== undefined) line += csvField(value);
      }
      this.sink.write(`${line}\r\n`);
    } else {
      const flat: Record<string, string> = {};
      for (const column of columns) {
        const value = row[column];
        if (value !== undefined && value !== '') flat[column] = value;
      }
      this.sink.write(`${JSON.stringify(flat)}\n`);
    }
    this.records++;
    if (truth === undefined) return;
    for (const name in truth) {
      const entityId = truth[name];
      if (entityId === undefined) continue;
      const keys = this.mapping.entities[name].keys;
      const parts = keys.map((key) => row[key] ?? '');
      if (parts.some((part) => part === '')) throw new Error(`${this.mapping.file.name}: empty key for ${name}`);
      this.truth.write(`${entityId},${this.sourceId},${csvField(parts.join('|'))}\r\n`);
    }
  }
}

/** Everything one source writes: its data files, its share of the ground truth, its progress. */
export class SourceOutput {
  readonly files: string[] = [];
  private readonly dir: string;
  private readonly sourceId: string;
  private readonly truth: FileSink;
  private readonly report: (steps: number) => void;
  private readonly sinks: FileSink[] = [];
  private readonly writers: RowWriter<string, string>[] = [];

  constructor(dir: string, sourceId: string, truth: FileSink, report: (steps: number) => void) {
    this.dir = dir;
    this.sourceId = sourceId;
    this.truth = truth;
    this.report = report;
  }

  /** Opens the data file a query reads. */
  open<C extends string, E extends string>(mapping: QueryMapping<C, E>): RowWriter<C, E> {
    const sink = new FileSink(join(this.dir, mapping.file.name));
    const writer = new RowWriter(sink, mapping, this.truth, this.sourceId);
    this.sinks.push(sink);
    this.writers.push(writer);
    this.files.push(`${this.sourceId}/${mapping.file.name}`);
    return writer;
  }

  /** Rows written so far, over all files. */
  get records(): number {
    return this.writers.reduce((sum, w) => sum + w.records, 0);
  }

  /** Lets full buffers drain to disk and reports how many steps are done. */
  async pace(stepsDone: number): Promise<void> {
    for (const sink of this.sinks) if (sink.full) await sink.flush();
    if (this.truth.full) await this.truth.flush();
    this.report(stepsDone);
  }

  /** Closes every data file of the source. */
  async close(): Promise<void> {
    for (const sink of this.sinks) await sink.close();
  }
}
