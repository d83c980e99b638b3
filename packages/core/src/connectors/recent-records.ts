import { ExpiringMap } from './expiring-map.js';

/**
 * What a connector remembers of the records it returned, so that `fetch(id)` can ask the external
 * system for the same record again: FtM ids are hashes of a record's keys and cannot be turned
 * back into them. Forgotten after `ttlMs`, as cached answers are.
 */
export class RecentRecords<T> {
  private readonly records: ExpiringMap<T>;

  constructor(
    private readonly ttlMs: number,
    maxEntries = 10_000,
  ) {
    this.records = new ExpiringMap(maxEntries);
  }

  /** Remembers what fetching `id` again needs. */
  remember(id: string, value: T, now: Date): void {
    this.records.set(id, value, this.ttlMs, now);
  }

  /** What was remembered for `id`, or undefined when it was never returned or is forgotten. */
  recall(id: string, now: Date): T | undefined {
    return this.records.get(id, now);
  }
}
