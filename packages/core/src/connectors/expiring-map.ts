/**
 * A map whose entries expire, bounded in size (the oldest entry goes first): what connectors keep
 * in memory of external answers, never past the time their source's rules allow.
 */
export class ExpiringMap<T> {
  private readonly entries = new Map<string, { value: T; expires: number }>();

  constructor(private readonly maxEntries: number) {}

  /** Keeps `value` under `key` for `ttlMs` (nothing when 0 or less). */
  set(key: string, value: T, ttlMs: number, now: Date): void {
    if (ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expires: now.getTime() + ttlMs });
    // Maps iterate in insertion order: the first entries are the oldest.
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** The value under `key`, or undefined when there is none or it has expired. */
  get(key: string, now: Date): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= now.getTime()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Drops every expired entry; returns how many were dropped. */
  purgeExpired(now: Date): number {
    let dropped = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expires <= now.getTime()) {
        this.entries.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  /** How many entries are held, expired or not. */
  get size(): number {
    return this.entries.size;
  }
}
