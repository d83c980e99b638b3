/**
 * Typed calls to the case-work API: cases, team, subjects, tasks, notes, links, overlaps,
 * evidence, timelines and the case file. Every helper resolves to a result; none throws.
 * Personal-data routes take the case, purpose and justification from the working context, so
 * every call here states it.
 */

import { callApi, contextHeaders, errorMessage, isRecord, readJson } from '../api';
import type { ApiResult } from '../api';
import { sessionEnded } from '../session';

type Check<T> = (body: unknown) => T | undefined;

/** The case workflow, in the order a case usually moves through it. */
export const CASE_STATUSES = ['open', 'active', 'pending', 'closed', 'archived'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Where each status may move next (the server decides; this is what the buttons offer). */
export const NEXT_STATUSES: Record<CaseStatus, readonly CaseStatus[]> = {
  open: ['active', 'pending', 'closed'],
  active: ['pending', 'closed'],
  pending: ['active', 'closed'],
  closed: ['active', 'archived'],
  archived: [],
};

/** How a closed case ended. */
export const DISPOSITIONS = [
  { code: 'charged', label: 'Charged' },
  { code: 'referred', label: 'Referred to another body' },
  { code: 'no-further-action', label: 'No further action' },
  { code: 'unsubstantiated', label: 'Unsubstantiated' },
  { code: 'merged', label: 'Merged into another case' },
  { code: 'other', label: 'Other' },
] as const;

/** A case subject's data-subject category. */
export const SUBJECT_CATEGORIES = ['suspect', 'victim', 'witness', 'associate', 'other'] as const;
export type SubjectCategory = (typeof SUBJECT_CATEGORIES)[number];

/** Roles on a case team; an observer reads but changes nothing. */
export const TEAM_ROLES = ['owner', 'investigator', 'analyst', 'reviewer', 'observer'] as const;

export const TASK_STATUSES = ['open', 'in-progress', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const LINK_RELATIONS = ['related', 'follow-up', 'duplicate', 'parent', 'child'] as const;

/** The kinds of timeline items a reader may filter by. */
export const TIMELINE_KINDS = [
  { kind: 'case-event', label: 'Case events' },
  { kind: 'payment', label: 'Payments' },
  { kind: 'call', label: 'Calls' },
  { kind: 'trip', label: 'Trips' },
  { kind: 'event', label: 'Events' },
  { kind: 'date', label: 'Dates of records' },
] as const;

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function strOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function int(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? (value as unknown[]).filter((v): v is string => typeof v === 'string') : [];
}

/** The records under `key` of an answer such as `{ cases: [...] }`, each read by `read`; any bad item fails the whole answer. */
function readList<T>(body: unknown, key: string, read: (item: Record<string, unknown>) => T | undefined): T[] | undefined {
  if (!isRecord(body) || !Array.isArray(body[key])) return undefined;
  const out: T[] = [];
  for (const item of body[key] as unknown[]) {
    if (!isRecord(item)) return undefined;
    const value = read(item);
    if (value === undefined) return undefined;
    out.push(value);
  }
  return out;
}

function listCheck<T>(key: string, read: (item: Record<string, unknown>) => T | undefined): Check<T[]> {
  return (body) => readList(body, key, read);
}

const nothing: Check<null> = () => null;

function path(...parts: string[]): string {
  return parts.map((part, i) => (i % 2 === 0 ? part : encodeURIComponent(part))).join('');
}

// Cases -------------------------------------------------------------------------------------

/** One row of the case list. */
export interface CaseListItem {
  id: string;
  title: string;
  status: string;
  ownerName: string;
  updatedAt: string;
  subjectCount: number;
  openTaskCount: number;
  overdueTaskCount: number;
}

function readCaseListItem(item: Record<string, unknown>): CaseListItem | undefined {
  if (typeof item.id !== 'string' || typeof item.title !== 'string') return undefined;
  const owner = isRecord(item.owner) ? str(item.owner.displayName, str(item.owner.username)) : '';
  return {
    id: item.id,
    title: item.title,
    status: str(item.status),
    ownerName: str(item.ownerName, str(item.ownerDisplayName, str(item.ownerUsername, owner))),
    updatedAt: str(item.updatedAt, str(item.createdAt)),
    subjectCount: num(item, 'subjectCount', 'subjects'),
    openTaskCount: num(item, 'openTaskCount', 'openTasks'),
    overdueTaskCount: num(item, 'overdueTaskCount', 'overdueTasks'),
  };
}

/** The cases the caller may see, newest first: `GET /api/cases?status=&q=`. */
export function listCases(filter: { status?: string; q?: string }, signal?: AbortSignal): Promise<ApiResult<CaseListItem[]>> {
  const params = new URLSearchParams();
  if (filter.status) params.set('status', filter.status);
  if (filter.q) params.set('q', filter.q);
  const query = params.toString();
  return callApi(`/api/cases${query ? `?${query}` : ''}`, listCheck('cases', readCaseListItem), { signal, withContext: true });
}

/** A field a case template asks for. */
export interface TemplateField {
  key: string;
  label: string;
  required: boolean;
}

/** A case template: its fields and the tasks it starts the case with. */
export interface CaseTemplate {
  id: string;
  label: string;
  description: string;
  fields: TemplateField[];
  tasks: Array<{ title: string; dueInDays: number | null }>;
}

function readTemplate(item: Record<string, unknown>): CaseTemplate | undefined {
  const id = str(item.id, str(item.key, str(item.code)));
  if (id === '') return undefined;
  const fields = Array.isArray(item.fields) ? (item.fields as unknown[]).filter(isRecord) : [];
  const tasks = Array.isArray(item.tasks) ? (item.tasks as unknown[]).filter(isRecord) : [];
  return {
    id,
    label: str(item.label, str(item.name, str(item.title, id))),
    description: str(item.description),
    fields: fields.map((f) => ({ key: str(f.key), label: str(f.label, str(f.key)), required: f.required === true })).filter((f) => f.key !== ''),
    tasks: tasks.map((t) => ({ title: str(t.title), dueInDays: typeof t.dueInDays === 'number' ? t.dueInDays : null })),
  };
}

/** The built-in case templates: `GET /api/case-templates`. */
export function listCaseTemplates(signal?: AbortSignal): Promise<ApiResult<CaseTemplate[]>> {
  return callApi('/api/case-templates', listCheck('templates', readTemplate), { signal });
}

/** What a new case needs. */
export interface NewCase {
  title: string;
  purpose?: string;
  template?: string;
  fields?: Record<string, string>;
  summary?: string;
}

/** Opens a case owned by the caller: `POST /api/cases`. */
export function createCase(input: NewCase): Promise<ApiResult<{ id: string; title: string }>> {
  return callApi('/api/cases', (b) => (isRecord(b) && typeof b.id === 'string' ? { id: b.id, title: str(b.title) } : undefined), {
    method: 'POST',
    body: input,
    withContext: true,
  });
}

/** A member of a case team. */
export interface CaseMember {
  userId: string;
  username: string;
  displayName: string;
  role: string;
}

/** A case as its team sees it. */
export interface CaseDetail {
  id: string;
  title: string;
  status: string;
  purpose: string;
  organisation: string;
  markings: string[];
  ownerId: string;
  members: CaseMember[];
  createdAt: string;
  disposition: string | null;
  closedAt: string | null;
  template: string | null;
  fields: Record<string, string>;
  summary: string;
  /** The moves the server says the caller may make, when it says so. */
  allowedMoves: string[] | null;
}

function readCase(b: unknown): CaseDetail | undefined {
  if (!isRecord(b) || typeof b.id !== 'string' || typeof b.title !== 'string') return undefined;
  const members = Array.isArray(b.members) ? (b.members as unknown[]).filter(isRecord) : [];
  const fields: Record<string, string> = {};
  if (isRecord(b.fields)) for (const [key, value] of Object.entries(b.fields)) fields[key] = typeof value === 'string' ? value : JSON.stringify(value);
  const moves = b.allowedMoves ?? b.nextStatuses ?? b.allowedStatuses;
  return {
    id: b.id,
    title: b.title,
    status: str(b.status),
    purpose: str(b.purpose),
    organisation: str(b.organisation),
    markings: Array.isArray(b.markings) ? (b.markings as unknown[]).filter((m): m is string => typeof m === 'string') : [],
    ownerId: str(b.ownerId),
    members: members.map((m) => ({ userId: str(m.userId), username: str(m.username), displayName: str(m.displayName, str(m.username)), role: str(m.role) })),
    createdAt: str(b.createdAt),
    disposition: strOrNull(b.disposition),
    closedAt: strOrNull(b.closedAt),
    template: strOrNull(b.template),
    fields,
    summary: str(b.summary),
    allowedMoves: Array.isArray(moves) ? (moves as unknown[]).filter((m): m is string => typeof m === 'string') : null,
  };
}

/** One case and its team: `GET /api/cases/:id` (404 for a case the caller may not see). */
export function getCase(id: string, signal?: AbortSignal): Promise<ApiResult<CaseDetail>> {
  return callApi(path('/api/cases/', id), readCase, { signal, withContext: true });
}

/** Moves a case along its workflow: `POST /api/cases/:id/status` (closing needs a disposition). */
export function changeCaseStatus(id: string, status: string, disposition?: string): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/status'), nothing, { method: 'POST', body: disposition ? { status, disposition } : { status }, withContext: true });
}

/** Adds a user to the team: `POST /api/cases/:id/members`. */
export function addCaseMember(id: string, username: string, role: string): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/members'), nothing, { method: 'POST', body: { username, role }, withContext: true });
}

/** Takes a user off the team: `DELETE /api/cases/:id/members/:userId`. */
export function removeCaseMember(id: string, userId: string): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/members/', userId), nothing, { method: 'DELETE', withContext: true });
}

// Subjects ----------------------------------------------------------------------------------

/** A person, company or thing the case is about. */
export interface CaseSubject {
  entityId: string;
  caption: string;
  schema: string;
  category: string;
  note: string;
}

function readSubject(item: Record<string, unknown>): CaseSubject | undefined {
  const entityId = str(item.entityId, str(item.id));
  if (entityId === '') return undefined;
  return { entityId, caption: str(item.caption, str(item.name, entityId)), schema: str(item.schema), category: str(item.category), note: str(item.note) };
}

export function listCaseSubjects(id: string, signal?: AbortSignal): Promise<ApiResult<CaseSubject[]>> {
  return callApi(path('/api/cases/', id, '/subjects'), listCheck('subjects', readSubject), { signal, withContext: true });
}

export function addCaseSubject(id: string, input: { entityId: string; category: string; note?: string }): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/subjects'), nothing, { method: 'POST', body: input, withContext: true });
}

export function removeCaseSubject(id: string, entityId: string): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/subjects/', entityId), nothing, { method: 'DELETE', withContext: true });
}

export function changeSubjectCategory(id: string, entityId: string, category: string): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/subjects/', entityId), nothing, { method: 'PATCH', body: { category }, withContext: true });
}

// Tasks -------------------------------------------------------------------------------------

/** A task on a case. */
export interface CaseTask {
  id: string;
  caseId: string;
  caseTitle: string;
  title: string;
  description: string;
  status: string;
  assignee: string | null;
  dueDate: string | null;
  overdue: boolean;
}

/** Today as YYYY-MM-DD in the user's time zone, to mark tasks past due. */
export function today(): string {
  const now = new Date();
  const month = String(now.getMonth() + 1).padStart(2, '0');
  const day = String(now.getDate()).padStart(2, '0');
  return `${now.getFullYear()}-${month}-${day}`;
}

function readTask(item: Record<string, unknown>): CaseTask | undefined {
  if (typeof item.id !== 'string') return undefined;
  const assignee = isRecord(item.assignee) ? str(item.assignee.username) : strOrNull(item.assignee ?? item.assigneeUsername ?? null);
  const dueDate = strOrNull(item.dueDate)?.slice(0, 10) ?? null;
  const status = str(item.status, 'open');
  const open = status === 'open' || status === 'in-progress';
  return {
    id: item.id,
    caseId: str(item.caseId),
    caseTitle: str(item.caseTitle),
    title: str(item.title),
    description: str(item.description),
    status,
    assignee: assignee === '' ? null : assignee,
    dueDate,
    overdue: typeof item.overdue === 'boolean' ? item.overdue : open && dueDate !== null && dueDate < today(),
  };
}

export function listTasks(id: string, signal?: AbortSignal): Promise<ApiResult<CaseTask[]>> {
  return callApi(path('/api/cases/', id, '/tasks'), listCheck('tasks', readTask), { signal, withContext: true });
}

export function createTask(id: string, input: { title: string; description?: string; assignee?: string; dueDate?: string }): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/tasks'), nothing, { method: 'POST', body: input, withContext: true });
}

export function updateTask(id: string, taskId: string, change: { status?: string; assignee?: string; dueDate?: string; title?: string }): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/tasks/', taskId), nothing, { method: 'PATCH', body: change, withContext: true });
}

/** Open tasks past their due date across the caller's cases: `GET /api/tasks/overdue`. */
export function overdueTasks(mine: boolean, signal?: AbortSignal): Promise<ApiResult<CaseTask[]>> {
  return callApi(`/api/tasks/overdue${mine ? '?mine=true' : ''}`, listCheck('tasks', readTask), { signal, withContext: true });
}

// Notes -------------------------------------------------------------------------------------

/** A note on a case, in Markdown; notes are never edited. */
export interface CaseNote {
  id: string;
  body: string;
  authorName: string;
  createdAt: string;
}

function readNote(item: Record<string, unknown>): CaseNote | undefined {
  if (typeof item.id !== 'string' || typeof item.body !== 'string') return undefined;
  const author = isRecord(item.author) ? str(item.author.displayName, str(item.author.username)) : '';
  return { id: item.id, body: item.body, authorName: str(item.authorName, str(item.authorDisplayName, str(item.authorUsername, author))), createdAt: str(item.createdAt) };
}

export function listCaseNotes(id: string, signal?: AbortSignal): Promise<ApiResult<CaseNote[]>> {
  return callApi(path('/api/cases/', id, '/notes'), listCheck('notes', readNote), { signal, withContext: true });
}

export function addCaseNote(id: string, body: string): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/notes'), nothing, { method: 'POST', body: { body }, withContext: true });
}

// Linked cases ------------------------------------------------------------------------------

/** A link to another case, and how many linked cases the caller may not see. */
export interface CaseLinks {
  links: Array<{ caseId: string; title: string; status: string; relation: string; note: string }>;
  hidden: number;
}

const checkLinks: Check<CaseLinks> = (b) => {
  const items = listOf(b, 'links');
  if (items === undefined) return undefined;
  const links = items.filter(isRecord).map((l) => ({
    caseId: str(l.caseId, str(l.linkedCaseId, str(l.otherCaseId, str(l.id)))),
    title: str(l.title),
    status: str(l.status),
    relation: str(l.relation),
    note: str(l.note),
  }));
  const hidden = isRecord(b) ? num(b, 'hidden', 'hiddenCount', 'notVisible') : 0;
  return { links, hidden };
};

export function listCaseLinks(id: string, signal?: AbortSignal): Promise<ApiResult<CaseLinks>> {
  return callApi(path('/api/cases/', id, '/links'), checkLinks, { signal, withContext: true });
}

export function linkCases(id: string, input: { linkedCaseId: string; relation: string; note?: string }): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/links'), nothing, { method: 'POST', body: input, withContext: true });
}

// Overlaps ----------------------------------------------------------------------------------

/** Another case that shares a subject with this one, as much of it as the caller may know. */
export interface CaseOverlap {
  id: string;
  subjectId: string;
  subjectCaption: string;
  detectedAt: string;
  ourDecision: string | null;
  other:
    | { masked: false; caseId: string; title: string; status: string; subjects: Array<{ caption: string; category: string }>; team: string[] }
    | { masked: true; compartmented: boolean; organisation: string | null; contact: string; requestStatus: string | null };
}

function contactOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!isRecord(value)) return 'the other case’s owner';
  const name = str(value.displayName, str(value.name));
  const username = str(value.username);
  return name && username ? `${name} (${username})` : name || username || 'the other case’s owner';
}

function readOverlap(item: Record<string, unknown>): CaseOverlap | undefined {
  if (typeof item.id !== 'string') return undefined;
  const subject = isRecord(item.subject) ? item.subject : isRecord(item.ourSubject) ? item.ourSubject : {};
  const other = isRecord(item.other) ? item.other : isRecord(item.otherCase) ? item.otherCase : {};
  const masked = other.masked === true || typeof other.id !== 'string' && typeof other.caseId !== 'string';
  return {
    id: item.id,
    subjectId: str(subject.entityId, str(subject.id, str(item.entityId))),
    subjectCaption: str(subject.caption, str(subject.name, str(item.subjectCaption))),
    detectedAt: str(item.detectedAt),
    ourDecision: isRecord(item.decision) ? strOrNull(item.decision.decision ?? null) : strOrNull(item.ourDecision ?? item.decision ?? null),
    other: masked
      ? {
          masked: true,
          compartmented: other.compartmented === true,
          organisation: strOrNull(other.organisation ?? null),
          contact: contactOf(other.contact),
          requestStatus: strOrNull(other.request ?? other.requestStatus ?? null),
        }
      : {
          masked: false,
          caseId: str(other.id, str(other.caseId)),
          title: str(other.title),
          status: str(other.status),
          subjects: (Array.isArray(other.subjects) ? (other.subjects as unknown[]) : []).filter(isRecord).map((s) => ({ caption: str(s.caption, str(s.name)), category: str(s.category) })),
          team: (Array.isArray(other.team) ? (other.team as unknown[]) : Array.isArray(other.members) ? (other.members as unknown[]) : []).map((m) =>
            isRecord(m) ? `${str(m.displayName, str(m.username))}${m.role ? ` (${str(m.role)})` : ''}` : String(m),
          ),
        },
  };
}

export function listCaseOverlaps(id: string, signal?: AbortSignal): Promise<ApiResult<CaseOverlap[]>> {
  return callApi(path('/api/cases/', id, '/overlaps'), listCheck('overlaps', readOverlap), { signal, withContext: true });
}

/** Shares this side of an overlap with the other case's team, or declines: `POST /api/overlaps/:id/decision`. */
export function decideOverlap(overlapId: string, share: boolean, reason: string): Promise<ApiResult<null>> {
  return callApi(path('/api/overlaps/', overlapId, '/decision'), nothing, { method: 'POST', body: { share, reason }, withContext: true });
}

/** Something the caller has been told. */
export interface Notification {
  id: string;
  kind: string;
  caseId: string | null;
  message: string;
  createdAt: string;
  read: boolean;
}

export function listNotifications(signal?: AbortSignal): Promise<ApiResult<Notification[]>> {
  return callApi(
    '/api/notifications',
    listCheck('notifications', (n) =>
      typeof n.id === 'string' ? { id: n.id, kind: str(n.kind), caseId: strOrNull(n.caseId ?? null), message: str(n.message), createdAt: str(n.createdAt), read: n.readAt != null || n.read === true } : undefined,
    ),
    { signal, withContext: true },
  );
}

// Evidence ----------------------------------------------------------------------------------

/** One custody event of an evidence file. */
export interface CustodyEvent {
  event: string;
  actor: string;
  at: string;
  detail: string;
}

/** An annotation on an evidence file. */
export interface EvidenceAnnotation {
  id: string;
  body: string;
  author: string;
  createdAt: string;
}

/** An evidence file as listed. */
export interface EvidenceFile {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  description: string;
  uploadedBy: string;
  uploadedAt: string;
  custodyCount: number;
  annotationCount: number;
}

/** An evidence file with its custody trail and annotations. */
export interface EvidenceDetail extends EvidenceFile {
  custody: CustodyEvent[];
  annotations: EvidenceAnnotation[];
}

function person(value: unknown, ...fallbacks: unknown[]): string {
  if (isRecord(value)) return str(value.displayName, str(value.name, str(value.username)));
  if (typeof value === 'string') return value;
  for (const fallback of fallbacks) if (typeof fallback === 'string') return fallback;
  return '';
}

function readEvidence(item: Record<string, unknown>): EvidenceFile | undefined {
  if (typeof item.id !== 'string' || typeof item.sha256 !== 'string') return undefined;
  return {
    id: item.id,
    fileName: str(item.fileName, str(item.name)),
    contentType: str(item.contentType),
    size: num(item, 'size'),
    sha256: item.sha256,
    description: str(item.description),
    uploadedBy: person(item.uploadedBy, item.uploaderName, item.uploadedByName, item.uploader),
    uploadedAt: str(item.uploadedAt),
    custodyCount: num(item, 'custodyCount', 'custodyEvents'),
    annotationCount: num(item, 'annotationCount', 'annotations'),
  };
}

const checkEvidenceDetail: Check<EvidenceDetail> = (b) => {
  const base = isRecord(b) ? readEvidence(isRecord(b.file) ? { ...b, ...b.file } : b) : undefined;
  if (base === undefined || !isRecord(b)) return undefined;
  const custody = (Array.isArray(b.custody) ? (b.custody as unknown[]) : []).filter(isRecord).map((c) => ({
    event: str(c.event),
    actor: person(c.actor, c.actorName, c.username, c.actorId),
    at: str(c.at),
    detail: str(c.detail),
  }));
  const annotationItems = Array.isArray(b.annotationList) ? (b.annotationList as unknown[]) : Array.isArray(b.annotations) ? (b.annotations as unknown[]) : [];
  const annotations = annotationItems.filter(isRecord).map((a) => ({
    id: str(a.id),
    body: str(a.body),
    author: person(a.author, a.authorName, a.username, a.authorId),
    createdAt: str(a.createdAt),
  }));
  return { ...base, custody, annotations, custodyCount: custody.length, annotationCount: annotations.length };
};

export function listEvidence(id: string, signal?: AbortSignal): Promise<ApiResult<EvidenceFile[]>> {
  return callApi(path('/api/cases/', id, '/evidence'), listCheck('evidence', readEvidence), { signal, withContext: true });
}

export function getEvidence(evidenceId: string, signal?: AbortSignal): Promise<ApiResult<EvidenceDetail>> {
  return callApi(path('/api/evidence/', evidenceId), checkEvidenceDetail, { signal, withContext: true });
}

export function annotateEvidence(evidenceId: string, body: string): Promise<ApiResult<null>> {
  return callApi(path('/api/evidence/', evidenceId, '/annotations'), nothing, { method: 'POST', body: { body }, withContext: true });
}

export function transferEvidence(evidenceId: string, recipient: string, reason: string): Promise<ApiResult<null>> {
  return callApi(path('/api/evidence/', evidenceId, '/transfer'), nothing, { method: 'POST', body: { recipient, reason }, withContext: true });
}

/** What the server stored for an upload. */
export interface StoredEvidence {
  id: string;
  sha256: string;
  size: number;
  fileName: string;
  contentType: string;
}

/**
 * Uploads an evidence file with XMLHttpRequest, whose upload events report the bytes sent as they
 * go (fetch cannot, short of streaming bodies), then answers what the server stored.
 */
export function uploadEvidence(
  id: string,
  file: File,
  description: string,
  onProgress: (sent: number, total: number) => void,
): Promise<ApiResult<StoredEvidence>> {
  return new Promise((resolve) => {
    const form = new FormData();
    if (description.trim()) form.set('description', description.trim());
    form.set('file', file, file.name);
    const request = new XMLHttpRequest();
    request.open('POST', path('/api/cases/', id, '/evidence'));
    request.withCredentials = true;
    request.setRequestHeader('accept', 'application/json');
    for (const [name, value] of Object.entries(contextHeaders())) request.setRequestHeader(name, value);
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    request.addEventListener('error', () => resolve({ ok: false, error: { kind: 'network', message: 'The upload could not reach the casegraph server.' } }));
    request.addEventListener('load', () => {
      let body: unknown;
      try {
        body = JSON.parse(request.responseText) as unknown;
      } catch {
        body = undefined;
      }
      if (request.status < 200 || request.status >= 300) {
        if (request.status === 401) sessionEnded();
        const detail = errorMessage(body);
        const message =
          request.status === 413
            ? `The file is too large to store as evidence${detail ? `: ${detail}` : '.'}`
            : (detail ?? `The server answered ${request.status}.`);
        resolve({ ok: false, error: { kind: 'http', status: request.status, message } });
        return;
      }
      if (!isRecord(body) || typeof body.sha256 !== 'string') {
        resolve({ ok: false, error: { kind: 'invalid', message: 'The server sent an unexpected answer to the upload.' } });
        return;
      }
      resolve({
        ok: true,
        data: { id: str(body.id), sha256: body.sha256, size: num(body, 'size'), fileName: str(body.fileName, file.name), contentType: str(body.contentType, file.type) },
      });
    });
    request.send(form);
  });
}

// Timelines ---------------------------------------------------------------------------------

/** One dated item of a timeline. */
export interface TimelineItem {
  at: string;
  end: string | null;
  kind: string;
  schema: string;
  entityId: string | null;
  title: string;
  participants: Array<{ id: string; caption: string }>;
  sourceId: string | null;
}

/** A timeline, and how many items matched but were not sent. */
export interface Timeline {
  items: TimelineItem[];
  notShown: number;
}

const checkTimeline: Check<Timeline> = (b) => {
  const items = listOf(b, 'items');
  if (items === undefined) return undefined;
  return {
    items: items.filter(isRecord).map((i) => ({
      at: str(i.at),
      end: strOrNull(i.end ?? null),
      kind: str(i.kind),
      schema: str(i.schema),
      entityId: strOrNull(i.entityId ?? null),
      title: str(i.title, str(i.summary)),
      participants: (Array.isArray(i.participants) ? (i.participants as unknown[]) : []).filter(isRecord).map((p) => ({ id: str(p.id), caption: str(p.caption, str(p.id)) })),
      sourceId: strOrNull(i.sourceId ?? null),
    })),
    notShown: isRecord(b) ? num(b, 'notShown', 'more', 'omitted') : 0,
  };
};

/** Which items a timeline shows. */
export interface TimelineFilter {
  types: string[];
  from: string;
  to: string;
}

function timelineQuery(filter: TimelineFilter): string {
  const params = new URLSearchParams();
  if (filter.types.length > 0) params.set('types', filter.types.join(','));
  if (filter.from) params.set('from', filter.from);
  if (filter.to) params.set('to', filter.to);
  const query = params.toString();
  return query ? `?${query}` : '';
}

export function caseTimeline(id: string, filter: TimelineFilter, signal?: AbortSignal): Promise<ApiResult<Timeline>> {
  return callApi(`${path('/api/cases/', id, '/timeline')}${timelineQuery(filter)}`, checkTimeline, { signal, withContext: true });
}

export function entityTimeline(id: string, filter: TimelineFilter, signal?: AbortSignal): Promise<ApiResult<Timeline>> {
  return callApi(`${path('/api/entities/', id, '/timeline')}${timelineQuery(filter)}`, checkTimeline, { signal, withContext: true });
}

// The case file -----------------------------------------------------------------------------

/** A downloaded file. */
export interface DownloadedFile {
  fileName: string;
  contentType: string;
  blob: Blob;
}

function fileNameOf(disposition: string | null, fallback: string): string {
  if (disposition === null) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      return fallback;
    }
  }
  return /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? fallback;
}

/** Fetches a file under the working context (an anchor cannot send its headers). */
async function fetchFile(url: string, init: { method: 'GET' | 'POST'; body?: unknown }, fallbackName: string, fallbackType: string): Promise<ApiResult<DownloadedFile>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      credentials: 'same-origin',
      headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...contextHeaders() },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch {
    return { ok: false, error: { kind: 'network', message: 'The casegraph server could not be reached.' } };
  }
  if (!response.ok) {
    if (response.status === 401) sessionEnded();
    const detail = errorMessage(await readJson(response));
    return { ok: false, error: { kind: 'http', status: response.status, message: detail ?? `The server answered ${response.status}.` } };
  }
  const contentType = response.headers.get('content-type') ?? fallbackType;
  const fileName = fileNameOf(response.headers.get('content-disposition'), fallbackName);
  return { ok: true, data: { fileName, contentType, blob: await response.blob() } };
}

/** Produces the case file for a named recipient (an audited disclosure): `POST /api/cases/:id/export`. */
export function exportCaseFile(id: string, input: { format: 'pdf' | 'html'; recipient: string; reason?: string }): Promise<ApiResult<DownloadedFile>> {
  return fetchFile(path('/api/cases/', id, '/export'), { method: 'POST', body: input }, `${id}-case-file.${input.format}`, input.format === 'pdf' ? 'application/pdf' : 'text/html');
}

/** An evidence file's bytes (a custody event on the server): `GET /api/evidence/:id/content`. */
export function downloadEvidence(evidenceId: string, fileName: string): Promise<ApiResult<DownloadedFile>> {
  return fetchFile(path('/api/evidence/', evidenceId, '/content'), { method: 'GET' }, fileName, 'application/octet-stream');
}

/** Hands a downloaded file to the browser to save. */
export function saveFile(file: DownloadedFile): void {
  const url = URL.createObjectURL(file.blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = file.fileName;
  anchor.rel = 'noopener';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // Revoked later: the browser reads the blob after the click returns.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
