import type { FtmEntity } from '../ingest/ftm-entities.js';

/** What a connector can be asked for: one kind of value an investigator holds. */
export const CONNECTOR_QUERY_KINDS = ['name', 'identifier', 'address', 'phone', 'email'] as const;

/** One kind of connector query. */
export type ConnectorQueryKind = (typeof CONNECTOR_QUERY_KINDS)[number];

/** A question put to an external system: a name, an identifier, an address, a phone or an email. */
export interface ConnectorQuery {
  kind: ConnectorQueryKind;
  value: string;
  /** Only entities of this FtM schema (or its descendants), when given. */
  schema?: string | undefined;
  /** At most this many entities (each connector caps it at its own maximum). */
  limit?: number | undefined;
}

/** Where an entity a connector returned came from. */
export interface Provenance {
  /** The registered source whose policy governs the data. */
  source: string;
  /** The connector that asked. */
  connector: string;
  /** When the external system answered. */
  retrievedAt: Date;
  /** The key values of the external record (its row keys, or its id in the external system). */
  origin: string[];
  /** The address asked, where there is one (HTTP connectors); never holds credentials. */
  url?: string | undefined;
}

/** An FtM entity from an external system, with where and when it came from. */
export interface ConnectorEntity extends FtmEntity {
  provenance: Provenance;
}

/** What every connector call is given: a signal that aborts it (timeouts, cancelled requests) and the clock. */
export interface ConnectorCallOptions {
  signal: AbortSignal;
  now: () => Date;
}

/** The kinds of connector casegraph ships. */
export type ConnectorKind = 'sql' | 'http' | 'yente';

/**
 * A live link to an external system, asked at query time instead of copied: search by a value,
 * fetch by an id it returned. Implementations check every value against the model, stop when the
 * signal aborts, and throw ConnectorFailure (never return partial garbage) when the system fails.
 */
export interface Connector {
  /** Unique among a deployment's connectors; named in answers and audit events. */
  readonly id: string;
  readonly kind: ConnectorKind;
  /** The registered source it answers for. */
  readonly source: string;
  /** The query kinds it can answer; others are not sent to it. */
  readonly answers: ReadonlySet<ConnectorQueryKind>;
  search(query: ConnectorQuery, options: ConnectorCallOptions): Promise<ConnectorEntity[]>;
  /** The entity with this id, or null when the external system has none. */
  fetch(id: string, options: ConnectorCallOptions): Promise<ConnectorEntity | null>;
  close(): Promise<void>;
}

/** An external system that failed to answer (unreachable, an error status, a malformed answer). */
export class ConnectorFailure extends Error {
  constructor(
    readonly connector: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`connector ${connector}: ${message}`, options);
    this.name = 'ConnectorFailure';
  }
}

/** The most entities one connector returns for one query. */
export const MAX_CONNECTOR_RESULTS = 100;

/** The limit a query asks for, within 1 and the connectors' maximum (default 20). */
export function resultLimit(query: ConnectorQuery): number {
  const limit = query.limit ?? 20;
  return Math.max(1, Math.min(MAX_CONNECTOR_RESULTS, Math.floor(limit)));
}
