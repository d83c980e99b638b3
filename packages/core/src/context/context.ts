import type { Kysely } from 'kysely';
import type { AuditBatcher } from '../audit/audit-batch.js';
import type { CoreConfig } from '../config/config.js';
import type { Database } from '../store/schema.js';

/** The roles of the access model. */
export type Role = 'analyst' | 'supervisor' | 'oversight' | 'administrator';

/** Who is acting. */
export interface Actor {
  userId: string;
  sessionId: string | null;
  organisation: string;
  roles: Role[];
  /** Markings held: a resource's markings must all be held to see it. */
  compartments: string[];
}

/** Why personal data is being read or written. */
export interface Purpose {
  /** The case the work is for; null only for purposes configured as not needing one. */
  caseId: string | null;
  code: string;
  justification: string;
}

/** Everything a use case needs: `verbNoun(ctx, input)`. */
export interface Ctx {
  db: Kysely<Database>;
  /** A streaming read replica for search and graph reads, when the deployment has one; access is still decided on `db`. */
  readDb?: Kysely<Database>;
  /** Where consultations' audit events are appended in batches (a PostgreSQL store's own connection); without it each is appended in its transaction. */
  auditBatch?: AuditBatcher;
  actor: Actor;
  purpose: Purpose | null;
  now: () => Date;
  config: CoreConfig;
}

/** The account the CLI acts as when it works directly on a data folder or database. */
export const LOCAL_OPERATOR: Actor = Object.freeze({
  userId: 'local-operator',
  sessionId: null,
  organisation: 'local',
  roles: ['administrator'] as Role[],
  compartments: [] as string[],
});

/** Who acts before signing in: no roles, no compartments; only sign-in itself is open to it. */
export const ANONYMOUS: Actor = Object.freeze({
  userId: 'anonymous',
  sessionId: null,
  organisation: '',
  roles: [] as Role[],
  compartments: [] as string[],
});

/**
 * Builds a call context; `now` defaults to the system clock.
 * @example const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config });
 */
export function createContext(input: {
  db: Kysely<Database>;
  readDb?: Kysely<Database> | undefined;
  auditBatch?: AuditBatcher | undefined;
  actor: Actor;
  config: CoreConfig;
  purpose?: Purpose | null;
  now?: () => Date;
}): Ctx {
  return {
    db: input.db,
    ...(input.readDb !== undefined ? { readDb: input.readDb } : {}),
    ...(input.auditBatch !== undefined ? { auditBatch: input.auditBatch } : {}),
    actor: input.actor,
    config: input.config,
    purpose: input.purpose ?? null,
    now: input.now ?? (() => new Date()),
  };
}

/** The same context with a stated purpose. */
export function withPurpose(ctx: Ctx, purpose: Purpose): Ctx {
  return { ...ctx, purpose };
}
