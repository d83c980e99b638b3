/** Typed helpers for the casegraph HTTP API. Every helper resolves to a result; none throws. */

import { sessionEnded, type Me } from './session';
import { getWorkingContext } from './working-context';

/** A purpose a user can state for their work, as listed by the server. */
export interface Purpose {
  code: string;
  label: string;
  /** Whether work under this purpose must name a case; oversight and administration need not. */
  caseRequired: boolean;
}

/** What `GET /api/health` reports; `degraded` means the server runs but cannot reach its store. */
export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  store: 'pglite' | 'postgres';
}

/** Why a call failed, phrased for the person using the app. */
export interface ApiError {
  kind: 'network' | 'http' | 'invalid';
  message: string;
  status?: number;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

type Check<T> = (body: unknown) => T | undefined;

/** Whether a JSON value is an object (not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Pulls a human message out of an error body, whichever of the usual shapes it has. */
export function errorMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  if (typeof body.message === 'string') return body.message;
  if (isRecord(body.error) && typeof body.error.message === 'string') return body.error.message;
  return undefined;
}

/** The JSON body of a response, or undefined when it has none. */
export async function readJson(response: Response): Promise<unknown> {
  try {
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}

async function getJson<T>(
  path: string,
  check: Check<T>,
  options: { signal?: AbortSignal | undefined; acceptStatuses?: readonly number[] } = {},
): Promise<ApiResult<T>> {
  const { signal, acceptStatuses = [] } = options;
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin', signal });
  } catch {
    return { ok: false, error: { kind: 'network', message: 'The casegraph server could not be reached.' } };
  }
  const body = await readJson(response);
  if (!response.ok && !acceptStatuses.includes(response.status)) {
    const detail = errorMessage(body);
    const message = `The server answered ${response.status}${detail ? `: ${detail}` : '.'}`;
    return { ok: false, error: { kind: 'http', status: response.status, message } };
  }
  const data = check(body);
  if (data === undefined) {
    return { ok: false, error: { kind: 'invalid', message: `The server sent an unexpected answer to ${path}.` } };
  }
  return { ok: true, data };
}

const checkHealth: Check<Health> = (body) => {
  if (!isRecord(body) || typeof body.version !== 'string') return undefined;
  if (body.status !== 'ok' && body.status !== 'degraded') return undefined;
  if (body.store !== 'pglite' && body.store !== 'postgres') return undefined;
  return { status: body.status, version: body.version, store: body.store };
};

const checkPurposes: Check<Purpose[]> = (body) => {
  if (!isRecord(body) || !Array.isArray(body.purposes)) return undefined;
  const purposes: Purpose[] = [];
  for (const item of body.purposes as unknown[]) {
    if (!isRecord(item) || typeof item.code !== 'string' || typeof item.label !== 'string') return undefined;
    purposes.push({ code: item.code, label: item.label, caseRequired: item.caseRequired !== false });
  }
  return purposes;
};

/** Reads the server's health: `GET /api/health` (a 503 still carries a readable health report). */
export function getHealth(signal?: AbortSignal): Promise<ApiResult<Health>> {
  return getJson('/api/health', checkHealth, { signal, acceptStatuses: [503] });
}

/** Lists the purposes a user may state: `GET /api/purposes`. */
export function listPurposes(signal?: AbortSignal): Promise<ApiResult<Purpose[]>> {
  return getJson('/api/purposes', checkPurposes, { signal });
}

/** What a request sends: a JSON body, and whether to state the working context in headers. */
interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** Routes that read personal data take the case, purpose and justification from the working context. */
  withContext?: boolean;
  /** A 401 here means "wrong credentials", not "session ended" (the sign-in calls). */
  signingIn?: boolean;
}

/** The working-context headers the server expects on reads of personal data. */
export function contextHeaders(): Record<string, string> {
  const context = getWorkingContext();
  if (context === null) return {};
  const headers: Record<string, string> = {
    'casegraph-purpose': encodeURIComponent(context.purposeCode),
    'casegraph-justification': encodeURIComponent(context.justification),
  };
  if (context.caseId) headers['casegraph-case'] = encodeURIComponent(context.caseId);
  return headers;
}

/** Calls the API; a 401 outside sign-in ends the session in the app. */
export async function callApi<T>(path: string, check: Check<T>, options: RequestOptions = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...(options.withContext ? contextHeaders() : {}) };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      credentials: 'same-origin',
      signal: options.signal,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch {
    return { ok: false, error: { kind: 'network', message: 'The casegraph server could not be reached.' } };
  }
  const body = response.status === 204 ? null : await readJson(response);
  if (!response.ok) {
    if (response.status === 401 && !options.signingIn) sessionEnded();
    const detail = errorMessage(body);
    return { ok: false, error: { kind: 'http', status: response.status, message: detail ?? `The server answered ${response.status}.` } };
  }
  const data = check(body);
  if (data === undefined) return { ok: false, error: { kind: 'invalid', message: `The server sent an unexpected answer to ${path}.` } };
  return { ok: true, data };
}

const anything: Check<null> = () => null;

/** How to sign in here: the use banner, and single sign-on if configured. */
export interface AuthOptions {
  banner: string;
  oidc: { label: string; startUrl: string } | null;
}

/** The password step's answer: a challenge, and on first sign-in the secret to enrol. */
export interface PasswordStep {
  challenge: string;
  secondFactor: 'totp' | 'enrol-totp';
  totpSecret?: string;
  totpUri?: string;
  banner: string;
}

export function getAuthOptions(signal?: AbortSignal): Promise<ApiResult<AuthOptions>> {
  return callApi(
    '/api/auth/options',
    (b) => (isRecord(b) && typeof b.banner === 'string' ? { banner: b.banner, oidc: isRecord(b.oidc) ? (b.oidc as AuthOptions['oidc']) : null } : undefined),
    { signal },
  );
}

/** Who is signed in, or a 401 error. */
export function getMe(signal?: AbortSignal): Promise<ApiResult<Me>> {
  return callApi('/api/auth/me', (b) => (isRecord(b) && typeof b.userId === 'string' && Array.isArray(b.roles) ? (b as unknown as Me) : undefined), { signal, signingIn: true });
}

/** Step one: username and password. */
export function signInWithPassword(username: string, password: string): Promise<ApiResult<PasswordStep>> {
  return callApi(
    '/api/auth/sign-in',
    (b) => (isRecord(b) && typeof b.challenge === 'string' ? (b as unknown as PasswordStep) : undefined),
    { method: 'POST', body: { username, password }, signingIn: true },
  );
}

/** Step two: the code, with the banner acknowledged; sets the session cookie. */
export function completeSignIn(challenge: string, code: string, acknowledgeBanner: boolean): Promise<ApiResult<{ user: { username: string; displayName: string } }>> {
  return callApi(
    '/api/auth/second-factor',
    (b) => (isRecord(b) && isRecord(b.user) ? (b as unknown as { user: { username: string; displayName: string } }) : undefined),
    { method: 'POST', body: { challenge, code, acknowledgeBanner }, signingIn: true },
  );
}

/** Ends the session. */
export function signOut(): Promise<ApiResult<null>> {
  return callApi('/api/auth/sign-out', anything, { method: 'POST', signingIn: true });
}

/** One access record of an oversight report. */
export interface AccessRecord {
  seq: string;
  at: string;
  actorId: string;
  username: string | null;
  action: string;
  category: string;
  caseId: string | null;
  purpose: string | null;
  justification: string | null;
  outcome: string;
  terms: string | null;
}

const checkRecords: Check<AccessRecord[]> = (b) => (isRecord(b) && Array.isArray(b.records) ? (b.records as AccessRecord[]) : undefined);

export function getSubjectLookups(subject: string): Promise<ApiResult<AccessRecord[]>> {
  return callApi(`/api/oversight/lookups?subject=${encodeURIComponent(subject)}`, checkRecords, { withContext: true });
}

export function getUserActivity(username: string): Promise<ApiResult<AccessRecord[]>> {
  return callApi(`/api/oversight/activity?username=${encodeURIComponent(username)}`, checkRecords, { withContext: true });
}

/** An item of the review queue. */
export interface Anomaly {
  id: string;
  kind: string;
  actorId: string;
  username: string | null;
  hour: string;
  reads: number;
  detail: string;
  signedOff: { by: string; at: string; note: string } | null;
}

export function getReviewQueue(signal?: AbortSignal): Promise<ApiResult<Anomaly[]>> {
  return callApi('/api/oversight/review-queue', (b) => (isRecord(b) && Array.isArray(b.anomalies) ? (b.anomalies as Anomaly[]) : undefined), { signal, withContext: true });
}

export function signOffAnomaly(anomalyId: string, note: string): Promise<ApiResult<null>> {
  return callApi('/api/oversight/review-queue/sign-off', anything, { method: 'POST', body: { anomalyId, note }, withContext: true });
}

/** Whether the audit log verifies against its signed checkpoints. */
export interface AuditStatus {
  /** `head`: the stored head and signed checkpoints were checked; `full`: every event was recomputed. */
  scope: 'head' | 'full';
  verified: boolean;
  checkedAt: string;
  events: number;
  root: string;
  checkpointsChecked: number;
  problems: Array<{ kind: string; message: string }>;
  /** What was checked, in the server's words. */
  summary: string;
  lastFullVerification?: { at: string; verified: boolean; events: number } | null;
}

/** The audit log's status; `full` recomputes the whole tree (at most once a minute per server). */
export function getAuditStatus(signal?: AbortSignal, scope: 'head' | 'full' = 'head'): Promise<ApiResult<AuditStatus>> {
  return callApi(`/api/oversight/audit-status${scope === 'full' ? '?scope=full' : ''}`, (b) => (isRecord(b) && typeof b.verified === 'boolean' && typeof b.summary === 'string' ? (b as unknown as AuditStatus) : undefined), {
    signal,
  });
}

/** A registered source and its policy. */
export interface Source {
  id: string;
  name: string;
  owner: string;
  legalBasis: string;
  purposes: string[];
  markings: string[];
  retentionDays: number | null;
  sensitiveCategories: string[];
  mayCombine: boolean;
}

export function listSources(signal?: AbortSignal): Promise<ApiResult<Source[]>> {
  return callApi('/api/sources', (b) => (isRecord(b) && Array.isArray(b.sources) ? (b.sources as Source[]) : undefined), { signal });
}

export function registerSource(policy: { id: string; name: string; legalBasis: string; purposes: string[]; markings: string[]; retentionDays?: number; mayCombine: boolean }): Promise<ApiResult<Source>> {
  return callApi('/api/sources', (b) => (isRecord(b) && typeof b.id === 'string' ? (b as unknown as Source) : undefined), { method: 'POST', body: policy });
}

/** An import job as the server reports it. */
export interface ImportJob {
  id: string;
  source: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  rows: number;
  rowsPerSecond: number | null;
  /** Share of the data read, 0 to 1. */
  fractionDone: number | null;
  statements: number | null;
  failedRows: number | null;
  failures: Array<{ file: string; row: number; column: string | null; reason: string }>;
}

/** Uploads a data file with its mapping; the import runs as a job under the working context. */
export async function startImport(sourceId: string, mapping: File, data: File): Promise<ApiResult<{ id: string }>> {
  const form = new FormData();
  form.set('source', sourceId);
  form.set('mapping', mapping, mapping.name);
  form.set('data', data, data.name);
  let response: Response;
  try {
    response = await fetch('/api/imports', { method: 'POST', body: form, credentials: 'same-origin', headers: { accept: 'application/json', ...contextHeaders() } });
  } catch {
    return { ok: false, error: { kind: 'network', message: 'The casegraph server could not be reached.' } };
  }
  const body = await readJson(response);
  if (!response.ok) {
    if (response.status === 401) sessionEnded();
    return { ok: false, error: { kind: 'http', status: response.status, message: errorMessage(body) ?? `The server answered ${response.status}.` } };
  }
  return isRecord(body) && typeof body.id === 'string' ? { ok: true, data: { id: body.id } } : { ok: false, error: { kind: 'invalid', message: 'The server sent an unexpected answer to the upload.' } };
}

export function getImport(id: string): Promise<ApiResult<ImportJob>> {
  return callApi(`/api/imports/${encodeURIComponent(id)}`, (b) => (isRecord(b) && typeof b.status === 'string' ? (b as unknown as ImportJob) : undefined));
}

export function cancelImport(id: string): Promise<ApiResult<null>> {
  return callApi(`/api/imports/${encodeURIComponent(id)}`, () => null, { method: 'DELETE' });
}

/** How a value met a part of the query, as the search service names it. */
export type MatchHow =
  | 'exact'
  | 'token-order'
  | 'nickname'
  | 'initial'
  | 'phonetic'
  | 'typo'
  | 'transliteration'
  | 'trigram'
  | 'same-unit'
  | 'same-building'
  | 'same-street'
  | 'words';

/** One reason a result matched: which of its values met which part of the query, and how. */
export interface SearchMatch {
  /** The part of the query, as `name: jon smith` or `free: jon smith`. */
  part: string;
  property: string;
  value: string;
  source: string;
  /** A {@link MatchHow}, kept as text so a newer server's kinds still display. */
  how: string;
  score: number;
  detail: string;
}

/** One entity in the results. */
export interface SearchHit {
  id: string;
  schema: string;
  caption: string;
  score: number;
  sources: string[];
  matches: SearchMatch[];
}

/** A facet value and how many results hold it. */
export interface FacetValue {
  value: string;
  count: number;
}

/** A page of search results, with the total and facets of all of them. */
export interface SearchResults {
  total: number;
  results: SearchHit[];
  facets: { schema: FacetValue[]; source: FacetValue[]; country: FacetValue[] };
  next: string | null;
  truncated: boolean;
  /** Results go on past what may be paged through without a supervisor's approval. */
  moreNeedApproval: boolean;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isMatch(value: unknown): value is SearchMatch {
  return (
    isRecord(value) &&
    typeof value.part === 'string' &&
    typeof value.property === 'string' &&
    typeof value.value === 'string' &&
    typeof value.source === 'string' &&
    typeof value.how === 'string' &&
    typeof value.score === 'number' &&
    typeof value.detail === 'string'
  );
}

function isHit(value: unknown): value is SearchHit {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.schema === 'string' &&
    typeof value.caption === 'string' &&
    typeof value.score === 'number' &&
    isStringArray(value.sources) &&
    Array.isArray(value.matches) &&
    value.matches.every(isMatch)
  );
}

function isFacetList(value: unknown): value is FacetValue[] {
  return Array.isArray(value) && value.every((item) => isRecord(item) && typeof item.value === 'string' && typeof item.count === 'number');
}

const checkSearchResults: Check<SearchResults> = (b) => {
  if (!isRecord(b) || typeof b.total !== 'number' || typeof b.truncated !== 'boolean') return undefined;
  if (!Array.isArray(b.results) || !b.results.every(isHit)) return undefined;
  if (b.next !== null && typeof b.next !== 'string') return undefined;
  const facets = b.facets;
  if (!isRecord(facets) || !isFacetList(facets.schema) || !isFacetList(facets.source) || !isFacetList(facets.country)) return undefined;
  return {
    total: b.total,
    results: b.results,
    facets: { schema: facets.schema, source: facets.source, country: facets.country },
    next: b.next,
    truncated: b.truncated,
    moreNeedApproval: b.moreNeedApproval === true,
  };
};

/** Searches every source under the working context: `GET /api/search` (the cursor is the previous page's `next`). */
export function searchEntities(query: string, options: { cursor?: string | null; signal?: AbortSignal } = {}): Promise<ApiResult<SearchResults>> {
  const params = new URLSearchParams({ q: query });
  if (options.cursor) params.set('cursor', options.cursor);
  return callApi(`/api/search?${params.toString()}`, checkSearchResults, { signal: options.signal, withContext: true });
}

/** One value of an entity's property, with where and when it was seen. */
export interface EntityValue {
  value: string;
  source: string;
  /** The key values of the source record the value came from. */
  origin: string;
  firstSeen: string;
  lastSeen: string;
  statementId: string;
}

/** An entity assembled from the statements the caller may see. */
export interface EntityProfile {
  id: string;
  schema: string;
  sources: string[];
  properties: Record<string, EntityValue[]>;
  /** The records resolution found to be this one entity, when there are several. */
  records?: string[];
}

function isEntityValue(value: unknown): value is EntityValue {
  return (
    isRecord(value) &&
    typeof value.value === 'string' &&
    typeof value.source === 'string' &&
    typeof value.origin === 'string' &&
    typeof value.firstSeen === 'string' &&
    typeof value.lastSeen === 'string' &&
    typeof value.statementId === 'string'
  );
}

const checkEntity: Check<EntityProfile> = (b) => {
  if (!isRecord(b) || typeof b.id !== 'string' || typeof b.schema !== 'string' || !isStringArray(b.sources)) return undefined;
  if (!isRecord(b.properties)) return undefined;
  const properties: Record<string, EntityValue[]> = {};
  for (const [property, values] of Object.entries(b.properties)) {
    if (!Array.isArray(values) || !values.every(isEntityValue)) return undefined;
    properties[property] = values;
  }
  return { id: b.id, schema: b.schema, sources: b.sources, properties, ...(isStringArray(b.records) ? { records: b.records } : {}) };
};

/** One entity under the working context: `GET /api/entities/:id` (404 when missing or not visible). */
export function getEntity(id: string, signal?: AbortSignal): Promise<ApiResult<EntityProfile>> {
  return callApi(`/api/entities/${encodeURIComponent(id)}`, checkEntity, { signal, withContext: true });
}

/** What one comparison added to a candidate pair's match weight, and why. */
export interface PairContribution {
  comparison: string;
  level: string;
  /** In bits (log2 of the likelihood ratio): positive for evidence of a match, negative against. */
  weight: number;
  explanation: string;
}

/** A candidate pair awaiting a reviewer: both records as the reviewer may see them, and how the pair scored. */
export interface ReviewPair {
  a: EntityProfile;
  b: EntityProfile;
  probability: number;
  weight: number;
  contributions: PairContribution[];
}

/** A page of the review queue, most uncertain first; `total` counts every pair with no judgment in force. */
export interface ReviewQueuePage {
  pairs: ReviewPair[];
  total: number;
}

/** A reviewer's verdict: the same, different, or cannot tell. */
export type Verdict = 'positive' | 'negative' | 'unsure';

/** A judgment as the server records it; a new one also says which cluster each record is in now. */
export interface Judgment {
  id: string;
  a: string;
  b: string;
  verdict: Verdict;
  reason: string;
  judgedBy: string;
  judgedAt: string;
  undoneAt: string | null;
  clusterOfA?: string;
  clusterOfB?: string;
}

/** What a resolution run did. */
export interface ResolveSummary {
  records: number;
  pairs: number;
  linked: number;
  clusters: number;
  merged: number;
  skippedBlocks: number;
}

function isContribution(value: unknown): value is PairContribution {
  return (
    isRecord(value) &&
    typeof value.comparison === 'string' &&
    typeof value.level === 'string' &&
    typeof value.weight === 'number' &&
    typeof value.explanation === 'string'
  );
}

function readReviewPair(value: unknown): ReviewPair | undefined {
  if (!isRecord(value) || typeof value.probability !== 'number' || typeof value.weight !== 'number') return undefined;
  if (!Array.isArray(value.contributions) || !value.contributions.every(isContribution)) return undefined;
  const a = checkEntity(value.a);
  const b = checkEntity(value.b);
  if (a === undefined || b === undefined) return undefined;
  return { a, b, probability: value.probability, weight: value.weight, contributions: value.contributions };
}

const checkReviewQueue: Check<ReviewQueuePage> = (b) => {
  if (!isRecord(b) || typeof b.total !== 'number' || !Array.isArray(b.pairs)) return undefined;
  const pairs: ReviewPair[] = [];
  for (const item of b.pairs as unknown[]) {
    const pair = readReviewPair(item);
    if (pair === undefined) return undefined;
    pairs.push(pair);
  }
  return { pairs, total: b.total };
};

const VERDICTS: readonly string[] = ['positive', 'negative', 'unsure'] satisfies Verdict[];

const checkJudgment: Check<Judgment> = (b) => {
  if (!isRecord(b) || typeof b.id !== 'string' || typeof b.a !== 'string' || typeof b.b !== 'string') return undefined;
  if (typeof b.verdict !== 'string' || !VERDICTS.includes(b.verdict) || typeof b.reason !== 'string') return undefined;
  if (typeof b.judgedBy !== 'string' || typeof b.judgedAt !== 'string') return undefined;
  if (b.undoneAt !== null && typeof b.undoneAt !== 'string') return undefined;
  return {
    id: b.id,
    a: b.a,
    b: b.b,
    verdict: b.verdict as Verdict,
    reason: b.reason,
    judgedBy: b.judgedBy,
    judgedAt: b.judgedAt,
    undoneAt: b.undoneAt,
    ...(typeof b.clusterOfA === 'string' ? { clusterOfA: b.clusterOfA } : {}),
    ...(typeof b.clusterOfB === 'string' ? { clusterOfB: b.clusterOfB } : {}),
  };
};

const checkResolveSummary: Check<ResolveSummary> = (b) => {
  if (!isRecord(b)) return undefined;
  const fields = ['records', 'pairs', 'linked', 'clusters', 'merged', 'skippedBlocks'] as const;
  if (!fields.every((field) => typeof b[field] === 'number')) return undefined;
  return b as unknown as ResolveSummary;
};

/** The pairs awaiting review under the working context: `GET /api/review/pairs`. */
export function getReviewPairs(options: { limit?: number; signal?: AbortSignal } = {}): Promise<ApiResult<ReviewQueuePage>> {
  const params = new URLSearchParams({ limit: String(options.limit ?? 20) });
  return callApi(`/api/review/pairs?${params.toString()}`, checkReviewQueue, { signal: options.signal, withContext: true });
}

/** Records a verdict on two records, with the reviewer's reason: `POST /api/review/judgments`. */
export function judgePair(input: { a: string; b: string; verdict: Verdict; reason: string }): Promise<ApiResult<Judgment>> {
  return callApi('/api/review/judgments', checkJudgment, { method: 'POST', body: input, withContext: true });
}

/** Withdraws a judgment (it stays on record, marked undone): `POST /api/review/judgments/:id/undo`. */
export function undoJudgment(id: string): Promise<ApiResult<Judgment>> {
  return callApi(`/api/review/judgments/${encodeURIComponent(id)}/undo`, checkJudgment, { method: 'POST', withContext: true });
}

/** Runs entity resolution over every source the caller may see: `POST /api/resolve` (supervisors and administrators). */
export function runResolution(input: { threshold?: number; sources?: string[] } = {}): Promise<ApiResult<ResolveSummary>> {
  return callApi('/api/resolve', checkResolveSummary, { method: 'POST', body: input, withContext: true });
}
