import type { ConnectorEntity, ConnectorQuery } from './connector.js';
import { ExpiringMap } from './expiring-map.js';

/**
 * Answers of external systems kept in memory for a short while, so the same question asked twice
 * in a few minutes is not sent twice. Each answer expires after its connector's cache time, which
 * opening the connectors has already capped at the source's retention.
 */
export class ConnectorCache {
  private readonly answers: ExpiringMap<ConnectorEntity[]>;

  constructor(maxEntries = 2_000) {
    this.answers = new ExpiringMap(maxEntries);
  }

  /** The cached answer of a connector to a query, or undefined. */
  get(connector: string, query: ConnectorQuery, now: Date): ConnectorEntity[] | undefined {
    return this.answers.get(cacheKey(connector, query), now);
  }

  /** Keeps an answer for `seconds` (nothing when 0). */
  set(connector: string, query: ConnectorQuery, entities: ConnectorEntity[], seconds: number, now: Date): void {
    this.answers.set(cacheKey(connector, query), entities, seconds * 1000, now);
  }

  /** Drops every expired answer; returns how many were dropped. */
  purgeExpired(now: Date): number {
    return this.answers.purgeExpired(now);
  }

  /** How many answers are held. */
  get size(): number {
    return this.answers.size;
  }
}

function cacheKey(connector: string, query: ConnectorQuery): string {
  return JSON.stringify([connector, query.kind, query.value.trim().toLowerCase(), query.schema ?? null, query.limit ?? null]);
}
