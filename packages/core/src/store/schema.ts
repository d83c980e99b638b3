import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

/** Registered sources and the sharing rules that travel with their data. */
export interface SourcesTable {
  id: string;
  name: string;
  owner: string;
  legal_basis: string;
  allowed_purposes: string[];
  markings: string[];
  retention_days: number | null;
  sensitive_categories: string[];
  may_combine: boolean;
  contact: string | null;
  description: string | null;
  registered_at: Timestamp;
  registered_by: string;
}

/** One property value of one entity, from one source record. Never edited in place. */
export interface StatementsTable {
  id: string;
  entity_id: string;
  schema: string;
  property: string;
  prop_type: string;
  value: string;
  normalized: string | null;
  source_id: string;
  origin: string;
  first_seen: Timestamp;
  last_seen: Timestamp;
  markings: string[];
  retention_until: string | null;
}

/** Everyone who can act: people, the local operator and service accounts. */
export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  organisation: string;
  roles: string[];
  compartments: string[];
  password_hash: string | null;
  disabled: Generated<boolean>;
  created_at: CreatedAt;
}

/** Investigations; every read of personal data names one. */
export interface CasesTable {
  id: string;
  year: number;
  number: number;
  title: string;
  status: string;
  purpose: string;
  owner_id: string;
  organisation: string;
  markings: string[];
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** Per-year counters that number cases without gaps from concurrent creation. */
export interface CaseCountersTable {
  year: number;
  last_number: number;
}

/** The accountability record: one row per search, read, change, denial. */
export interface AuditEventsTable {
  id: Generated<string>;
  at: Timestamp;
  actor_id: string;
  session_id: string | null;
  category: string;
  action: string;
  case_id: string | null;
  purpose: string | null;
  justification: string | null;
  object_ids: string[];
  subject_ids: string[];
  outcome: string;
  detail: ColumnType<Record<string, unknown>, string, string>;
}

/** Facts about the store itself: format version, creation time. */
export interface StoreInfoTable {
  key: string;
  value: string;
}

/** The whole database as Kysely sees it. */
export interface Database {
  sources: SourcesTable;
  statements: StatementsTable;
  users: UsersTable;
  cases: CasesTable;
  case_counters: CaseCountersTable;
  audit_events: AuditEventsTable;
  store_info: StoreInfoTable;
}

/** A source row as read. */
export type SourceRow = Selectable<SourcesTable>;
