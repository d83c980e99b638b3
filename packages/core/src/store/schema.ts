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
  /** Base32 TOTP secret; null until a second factor is enrolled. */
  totp_secret: string | null;
  /** The last TOTP time step accepted: a code of this step or before is refused (no replay). */
  totp_last_step: string | null;
  locked_at: Timestamp | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
}

/** Organisations users and cases belong to. */
export interface OrganisationsTable {
  id: string;
  name: string;
  created_at: CreatedAt;
}

/** Failed sign-ins by the name given, for the lockout window. */
export interface SignInFailuresTable {
  id: Generated<string>;
  username: string;
  at: Timestamp;
}

/** Second-factor challenges, browser sessions and bearer tokens (only secrets' hashes). */
export interface SessionsTable {
  id: string;
  token_hash: string;
  kind: 'challenge' | 'session' | 'token';
  user_id: string;
  name: string | null;
  created_at: Timestamp;
  last_used_at: Timestamp;
  expires_at: Timestamp | null;
  banner_acknowledged_at: Timestamp | null;
  ended_at: Timestamp | null;
  ended_reason: string | null;
}

/** Who works on a case. */
export interface CaseMembersTable {
  case_id: string;
  user_id: string;
  role: CaseRole;
  added_at: Timestamp;
  added_by: string;
}

/** A supervisor's time-boxed unlock of sensitive categories for one case. */
export interface SensitiveUnlocksTable {
  id: string;
  case_id: string;
  categories: string[];
  reason: string;
  requested_by: string;
  requested_at: Timestamp;
  decided_by: string | null;
  decided_at: Timestamp | null;
  status: 'pending' | 'approved' | 'refused' | 'expired';
  hours: number;
  expires_at: Timestamp | null;
}

/** Holds that keep data past its retention date. */
export interface LegalHoldsTable {
  id: string;
  scope: 'case' | 'source' | 'entity';
  target_id: string;
  reason: string;
  placed_by: string;
  placed_at: Timestamp;
  released_at: Timestamp | null;
}

/** An import and how far it got; `progress` maps each file part to the rows committed. */
export interface ImportJobsTable {
  id: string;
  source_id: string;
  fingerprint: string;
  description: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  started_by: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  progress: ColumnType<Record<string, number>, string, string>;
  summary: ColumnType<Record<string, unknown> | null, string | null, string | null>;
}

/** One searchable statement in the consolidated search index. */
/** The words of names in the search index (repeats possible until housekeeping tidies them), for close spellings. */
export interface SearchWordsTable {
  word: string;
}

export interface SearchValuesTable {
  statement_id: string;
  entity_id: string;
  source_id: string;
  /** Property-type group: name, address, identifier, phone, email, text. */
  grp: string;
  /** The normalised value trigram similarity compares. */
  key: string;
  /** Exact-match terms, each prefixed by its kind (t: token, p: phonetic, g: nickname group...). */
  terms: string[];
}

/** A reviewer's judgment that two entity ids are, or are not, the same (or that they cannot tell). */
export interface JudgmentsTable {
  id: string;
  a_id: string;
  b_id: string;
  verdict: 'positive' | 'negative' | 'unsure';
  reason: string;
  judged_by: string;
  judged_at: Timestamp;
  undone_by: string | null;
  undone_at: Timestamp | null;
}

/** A pair a resolution run scored, with the weight each comparison contributed. */
export interface CandidatePairsTable {
  a_id: string;
  b_id: string;
  probability: number;
  weight: number;
  contributions: ColumnType<Array<{ comparison: string; level: string; weight: number; explanation: string }>, string, string>;
  /** Whether the run that scored the pair linked it (its probability reached the run's threshold). */
  linked: boolean;
  scored_at: Timestamp;
}

/** The cluster an entity id belongs to now; the cluster id is its canonical id. */
export interface EntityClustersTable {
  entity_id: string;
  cluster_id: string;
}

/** The model a resolution run fitted, and the threshold it linked at. */
export interface ResolutionModelsTable {
  id: string;
  fitted_at: Timestamp;
  threshold: number;
  parameters: ColumnType<unknown, string, string>;
}

/** Oversight sign-offs of review-queue items. */
export interface AnomalyReviewsTable {
  id: string;
  signed_off_by: string;
  signed_off_at: Timestamp;
  note: string;
}

/** The audit tree's size and right frontier (one row). */
export interface AuditHeadTable {
  id: number;
  size: string;
  frontier: ColumnType<unknown, string, string>;
}

/** Signed checkpoints of the audit tree. */
export interface AuditCheckpointsTable {
  tree_size: string;
  root_hash: string;
  note: string;
  signed_at: Timestamp;
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
  retention_until: string | null;
  legal_hold: Generated<boolean>;
  disposition: string | null;
  closed_at: Timestamp | null;
  closed_by: string | null;
  template: string | null;
  summary: Generated<string>;
  fields: ColumnType<Record<string, string>, string | undefined, string>;
}

/** A role on a case's team: the owner runs it; an observer may only read. */
export type CaseRole = 'owner' | 'investigator' | 'analyst' | 'reviewer' | 'observer' | 'member';

/** A canonical entity a case is about, with its data-subject category. */
export interface CaseSubjectsTable {
  case_id: string;
  entity_id: string;
  category: 'suspect' | 'victim' | 'witness' | 'associate' | 'other';
  note: Generated<string>;
  added_by: string;
  added_at: Timestamp;
}

/** A task on a case. */
export interface CaseTasksTable {
  id: string;
  case_id: string;
  title: string;
  description: Generated<string>;
  assignee_id: string | null;
  due_date: ColumnType<string | null, string | null | undefined, string | null>;
  status: 'open' | 'in-progress' | 'done' | 'cancelled';
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: Timestamp | null;
}

/** A Markdown note on a case, pointing at entities and statements. Never edited. */
export interface CaseNotesTable {
  id: string;
  case_id: string;
  body: string;
  entity_ids: Generated<string[]>;
  statement_ids: Generated<string[]>;
  author_id: string;
  created_at: Timestamp;
}

/** A link from one case to another. */
export interface CaseLinksTable {
  case_id: string;
  linked_case_id: string;
  relation: 'related' | 'follow-up' | 'duplicate' | 'parent' | 'child';
  note: Generated<string>;
  created_by: string;
  created_at: Timestamp;
}

/** Something that happened on a case, for its timeline. */
export interface CaseEventsTable {
  id: Generated<string>;
  case_id: string;
  at: Timestamp;
  kind: string;
  actor_id: string;
  summary: string;
  entity_ids: Generated<string[]>;
  detail: ColumnType<Record<string, unknown>, string | undefined, string>;
}

/** Evidence content by its SHA-256 digest; never changes. */
export interface EvidenceBlobsTable {
  sha256: string;
  size: ColumnType<string, number | string, never>;
  content: ColumnType<Uint8Array, Uint8Array, never>;
  stored_at: Timestamp;
}

/** An evidence file on a case; never changes after upload. */
export interface EvidenceFilesTable {
  id: string;
  case_id: string;
  sha256: string;
  file_name: string;
  content_type: string;
  size: ColumnType<string, number | string, never>;
  description: Generated<string>;
  uploaded_by: string;
  uploaded_at: Timestamp;
}

/** Who collected, viewed, exported or transferred an evidence file, and when. */
export interface EvidenceCustodyTable {
  id: Generated<string>;
  evidence_id: string;
  event: 'collected' | 'viewed' | 'exported' | 'transferred';
  actor_id: string;
  at: Timestamp;
  detail: Generated<string>;
}

/** A note that sits on top of an evidence file. */
export interface EvidenceAnnotationsTable {
  id: string;
  evidence_id: string;
  body: string;
  anchor: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  author_id: string;
  created_at: Timestamp;
}

/** Two cases sharing a canonical subject (case_a < case_b), and each side's sharing decision. */
export interface CaseOverlapsTable {
  id: string;
  case_a: string;
  case_b: string;
  entity_id: string;
  entity_a: string;
  entity_b: string;
  detected_at: Timestamp;
  a_decision: 'shared' | 'declined' | null;
  a_decided_by: string | null;
  a_decided_at: Timestamp | null;
  a_reason: string | null;
  b_decision: 'shared' | 'declined' | null;
  b_decided_by: string | null;
  b_decided_at: Timestamp | null;
  b_reason: string | null;
}

/** Something a user has been told (an overlap with another case, say). */
export interface NotificationsTable {
  id: string;
  user_id: string;
  kind: string;
  case_id: string | null;
  ref_id: string | null;
  message: string;
  created_at: Timestamp;
  read_at: Timestamp | null;
}

/** A link chart saved to a case: its nodes, edges and layout. */
export interface LinkChartsTable {
  id: string;
  case_id: string;
  name: string;
  chart: ColumnType<Record<string, unknown>, string, string>;
  created_by: string;
  created_at: Timestamp;
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
  /** Position in the audit tree, from 1, without gaps. */
  seq: string;
  /** Query terms, encrypted; only oversight reports open them. */
  sealed_terms: string | null;
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
  organisations: OrganisationsTable;
  sign_in_failures: SignInFailuresTable;
  sessions: SessionsTable;
  case_members: CaseMembersTable;
  sensitive_unlocks: SensitiveUnlocksTable;
  legal_holds: LegalHoldsTable;
  audit_head: AuditHeadTable;
  anomaly_reviews: AnomalyReviewsTable;
  import_jobs: ImportJobsTable;
  search_values: SearchValuesTable;
  search_words: SearchWordsTable;
  judgments: JudgmentsTable;
  candidate_pairs: CandidatePairsTable;
  entity_clusters: EntityClustersTable;
  resolution_models: ResolutionModelsTable;
  audit_checkpoints: AuditCheckpointsTable;
  case_subjects: CaseSubjectsTable;
  case_tasks: CaseTasksTable;
  case_notes: CaseNotesTable;
  case_links: CaseLinksTable;
  case_events: CaseEventsTable;
  evidence_blobs: EvidenceBlobsTable;
  evidence_files: EvidenceFilesTable;
  evidence_custody: EvidenceCustodyTable;
  evidence_annotations: EvidenceAnnotationsTable;
  case_overlaps: CaseOverlapsTable;
  notifications: NotificationsTable;
  link_charts: LinkChartsTable;
}

/** A source row as read. */
export type SourceRow = Selectable<SourcesTable>;
