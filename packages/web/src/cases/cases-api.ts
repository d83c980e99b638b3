/**
 * Typed calls to the case-work API: cases, team, subjects, tasks, notes, links, overlaps,
 * notifications, evidence, timelines and the case file. Every helper resolves to a result; none
 * throws. Each parser reads the shape the route's response schema declares and refuses anything
 * else. The routes that read personal data (subjects, overlaps, notes, evidence, timelines, the
 * case file) state the working context's case, purpose and justification in headers; the others
 * (cases, team, tasks, links, notifications) need none and send none.
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

/** An answer such as `{ subjects: [...], hidden: 2 }`: the records under `key`, each read by `read`, and the number under `countKey`. */
function listAndCountCheck<K extends string, C extends string, T>(key: K, countKey: C, read: (item: Record<string, unknown>) => T | undefined): Check<Record<K, T[]> & Record<C, number>> {
  return (body) => {
    const list = readList(body, key, read);
    if (list === undefined || !isRecord(body)) return undefined;
    return { [key]: list, [countKey]: int(body[countKey]) } as Record<K, T[]> & Record<C, number>;
  };
}

/** An answer that is one record, read by `read`. */
function recordCheck<T>(read: (item: Record<string, unknown>) => T | undefined): Check<T> {
  return (body) => (isRecord(body) ? read(body) : undefined);
}

/** A refused request as the helpers answer it; a 401 ends the session in the app. */
function refused(status: number, message: string): ApiResult<never> {
  if (status === 401) sessionEnded();
  return { ok: false, error: { kind: 'http', status, message } };
}

const nothing: Check<null> = () => null;

function path(...parts: string[]): string {
  return parts.map((part, i) => (i % 2 === 0 ? part : encodeURIComponent(part))).join('');
}

// Cases -------------------------------------------------------------------------------------

/** One row of the case list (`caseListItem` in the cases routes). */
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
  if (typeof item.id !== 'string' || typeof item.title !== 'string' || typeof item.status !== 'string') return undefined;
  return {
    id: item.id,
    title: item.title,
    status: item.status,
    ownerName: str(item.ownerName),
    updatedAt: str(item.updatedAt),
    subjectCount: int(item.subjects),
    openTaskCount: int(item.openTasks),
    overdueTaskCount: int(item.overdueTasks),
  };
}

/** The cases the caller may see, newest first: `GET /api/cases?status=&q=` → `{ cases }`. */
export function listCases(filter: { status?: string; q?: string }, signal?: AbortSignal): Promise<ApiResult<CaseListItem[]>> {
  const params = new URLSearchParams();
  if (filter.status) params.set('status', filter.status);
  if (filter.q) params.set('q', filter.q);
  const query = params.toString();
  return callApi(`/api/cases${query ? `?${query}` : ''}`, listCheck('cases', readCaseListItem), { signal });
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
  name: string;
  description: string;
  fields: TemplateField[];
  tasks: Array<{ title: string; dueInDays: number }>;
}

function readTemplate(item: Record<string, unknown>): CaseTemplate | undefined {
  if (typeof item.id !== 'string' || typeof item.name !== 'string') return undefined;
  const fields = readList(item, 'fields', (f) => (typeof f.key === 'string' ? { key: f.key, label: str(f.label, f.key), required: f.required === true } : undefined));
  const tasks = readList(item, 'tasks', (t) => (typeof t.title === 'string' ? { title: t.title, dueInDays: int(t.dueInDays) } : undefined));
  if (fields === undefined || tasks === undefined) return undefined;
  return { id: item.id, name: item.name, description: str(item.description), fields, tasks };
}

/** The built-in case templates: `GET /api/case-templates` → `{ templates }`. */
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

/** Opens a case owned by the caller: `POST /api/cases` → 201 `{ id, title, status, ... }`. */
export function createCase(input: NewCase): Promise<ApiResult<{ id: string; title: string }>> {
  return callApi('/api/cases', recordCheck((b) => (typeof b.id === 'string' ? { id: b.id, title: str(b.title) } : undefined)), { method: 'POST', body: input });
}

/** A member of a case team. */
export interface CaseMember {
  userId: string;
  username: string;
  /** The member's display name, or their username when the server gives none. */
  displayName: string;
  role: string;
}

/** A case as its team sees it (`caseView` in the cases routes). */
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
}

function readMember(m: Record<string, unknown>): CaseMember | undefined {
  if (typeof m.userId !== 'string' || typeof m.username !== 'string' || typeof m.role !== 'string') return undefined;
  return { userId: m.userId, username: m.username, displayName: str(m.displayName) || m.username, role: m.role };
}

function readCase(b: unknown): CaseDetail | undefined {
  if (!isRecord(b) || typeof b.id !== 'string' || typeof b.title !== 'string' || typeof b.status !== 'string') return undefined;
  const members = readList(b, 'members', readMember);
  if (members === undefined) return undefined;
  const fields: Record<string, string> = {};
  if (isRecord(b.fields)) for (const [key, value] of Object.entries(b.fields)) if (typeof value === 'string') fields[key] = value;
  return {
    id: b.id,
    title: b.title,
    status: b.status,
    purpose: str(b.purpose),
    organisation: str(b.organisation),
    markings: strings(b.markings),
    ownerId: str(b.ownerId),
    members,
    createdAt: str(b.createdAt),
    disposition: strOrNull(b.disposition),
    closedAt: strOrNull(b.closedAt),
    template: strOrNull(b.template),
    fields,
    summary: str(b.summary),
  };
}

/** One case and its team: `GET /api/cases/:id` (404 for a case the caller may not see). */
export function getCase(id: string, signal?: AbortSignal): Promise<ApiResult<CaseDetail>> {
  return callApi(path('/api/cases/', id), readCase, { signal });
}

/** Moves a case along its workflow: `POST /api/cases/:id/status` (closing needs a disposition; a move the workflow refuses is a 409). */
export function changeCaseStatus(id: string, status: string, disposition?: string): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/status'), nothing, { method: 'POST', body: disposition ? { status, disposition } : { status } });
}

/** Adds a user to the team: `POST /api/cases/:id/members` `{ username, role }` → 204. */
export function addCaseMember(id: string, username: string, role: string): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/members'), nothing, { method: 'POST', body: { username, role } });
}

/** Changes a member's role: `PATCH /api/cases/:id/members/:userId` `{ role }` → 204. */
export function changeMemberRole(id: string, userId: string, role: string): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/members/', userId), nothing, { method: 'PATCH', body: { role } });
}

/** Takes a user off the team: `DELETE /api/cases/:id/members/:userId` → 204. */
export function removeCaseMember(id: string, userId: string): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/members/', userId), nothing, { method: 'DELETE' });
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

/** The subjects the caller may see, and how many more the case has. */
export interface CaseSubjects {
  subjects: CaseSubject[];
  hidden: number;
}

function readSubject(item: Record<string, unknown>): CaseSubject | undefined {
  if (typeof item.entityId !== 'string' || typeof item.caption !== 'string' || typeof item.category !== 'string') return undefined;
  return { entityId: item.entityId, caption: item.caption, schema: str(item.schema), category: item.category, note: str(item.note) };
}

/** `GET /api/cases/:id/subjects` → `{ subjects, hidden }` (personal data: under the working context). */
export function listCaseSubjects(id: string, signal?: AbortSignal): Promise<ApiResult<CaseSubjects>> {
  return callApi(path('/api/cases/', id, '/subjects'), listAndCountCheck('subjects', 'hidden', readSubject), { signal, withContext: true });
}

/** `POST /api/cases/:id/subjects` `{ entityId, category, note? }` → 201, the subject and how many overlaps with other cases it made. */
export function addCaseSubject(id: string, input: { entityId: string; category: string; note?: string }): Promise<ApiResult<{ subject: CaseSubject; overlaps: number }>> {
  return callApi(
    path('/api/cases/', id, '/subjects'),
    recordCheck((b) => {
      const subject = readSubject(b);
      return subject === undefined ? undefined : { subject, overlaps: int(b.overlaps) };
    }),
    { method: 'POST', body: input, withContext: true },
  );
}

/** `DELETE /api/cases/:id/subjects/:entityId` → 204. */
export function removeCaseSubject(id: string, entityId: string): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/subjects/', entityId), nothing, { method: 'DELETE', withContext: true });
}

/** `PATCH /api/cases/:id/subjects/:entityId` `{ category }` → 204. */
export function changeSubjectCategory(id: string, entityId: string, category: string): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/subjects/', entityId), nothing, { method: 'PATCH', body: { category }, withContext: true });
}

// Tasks -------------------------------------------------------------------------------------

/** A task on a case. */
export interface CaseTask {
  id: string;
  caseId: string;
  /** Only on overdue tasks, which come from many cases. */
  caseTitle: string;
  title: string;
  description: string;
  status: string;
  /** The assignee's username. */
  assignee: string | null;
  dueDate: string | null;
  overdue: boolean;
  /** Days past the due day, as the server counts them (overdue tasks only). */
  daysOverdue: number | null;
}

/** Today as YYYY-MM-DD in UTC, the calendar the server counts due days in. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function readTask(item: Record<string, unknown>): CaseTask | undefined {
  if (typeof item.id !== 'string' || typeof item.caseId !== 'string' || typeof item.title !== 'string' || typeof item.status !== 'string') return undefined;
  const dueDate = strOrNull(item.dueDate);
  const open = item.status === 'open' || item.status === 'in-progress';
  const daysOverdue = typeof item.daysOverdue === 'number' ? item.daysOverdue : null;
  return {
    id: item.id,
    caseId: item.caseId,
    caseTitle: str(item.caseTitle),
    title: item.title,
    description: str(item.description),
    status: item.status,
    assignee: strOrNull(item.assignee),
    dueDate,
    overdue: daysOverdue !== null ? daysOverdue > 0 : open && dueDate !== null && dueDate < today(),
    daysOverdue,
  };
}

/** `GET /api/cases/:id/tasks` → `{ tasks }`, open ones first by due day. */
export function listTasks(id: string, signal?: AbortSignal): Promise<ApiResult<CaseTask[]>> {
  return callApi(path('/api/cases/', id, '/tasks'), listCheck('tasks', readTask), { signal });
}

/** `POST /api/cases/:id/tasks` `{ title, description?, assignee?, dueDate? }` → 201 the task. */
export function createTask(id: string, input: { title: string; description?: string; assignee?: string; dueDate?: string }): Promise<ApiResult<CaseTask>> {
  return callApi(path('/api/cases/', id, '/tasks'), recordCheck(readTask), { method: 'POST', body: input });
}

/** `PATCH /api/cases/:id/tasks/:taskId` with the fields that change → 200 the task. */
export function updateTask(id: string, taskId: string, change: { status?: string; assignee?: string | null; dueDate?: string | null; title?: string }): Promise<ApiResult<CaseTask>> {
  return callApi(path('/api/cases/', id, '/tasks/', taskId), recordCheck(readTask), { method: 'PATCH', body: change });
}

/** Open tasks past their due day across the caller's cases: `GET /api/tasks/overdue?mine=` → `{ tasks }`. */
export function overdueTasks(mine: boolean, signal?: AbortSignal): Promise<ApiResult<CaseTask[]>> {
  return callApi(`/api/tasks/overdue${mine ? '?mine=true' : ''}`, listCheck('tasks', readTask), { signal });
}

// Notes -------------------------------------------------------------------------------------

/** A note on a case, in Markdown; notes are never edited. */
export interface CaseNote {
  id: string;
  body: string;
  /** The author's display name (their username when they have none). */
  authorName: string;
  createdAt: string;
}

function readNote(item: Record<string, unknown>): CaseNote | undefined {
  if (typeof item.id !== 'string' || typeof item.body !== 'string' || typeof item.author !== 'string') return undefined;
  return { id: item.id, body: item.body, authorName: str(item.authorName) || item.author, createdAt: str(item.createdAt) };
}

/** `GET /api/cases/:id/notes` → `{ notes }`, oldest first. */
export function listCaseNotes(id: string, signal?: AbortSignal): Promise<ApiResult<CaseNote[]>> {
  return callApi(path('/api/cases/', id, '/notes'), listCheck('notes', readNote), { signal, withContext: true });
}

/** `POST /api/cases/:id/notes` `{ body }` → 201 the note (its entity links must point at records the caller may see). */
export function addCaseNote(id: string, body: string): Promise<ApiResult<CaseNote>> {
  return callApi(path('/api/cases/', id, '/notes'), recordCheck(readNote), { method: 'POST', body: { body }, withContext: true });
}

// Linked cases ------------------------------------------------------------------------------

/** Links to other cases, and how many linked cases the caller may not see. */
export interface CaseLinks {
  links: Array<{ caseId: string; title: string; status: string; relation: string; direction: string; note: string }>;
  hidden: number;
}

const checkLinks: Check<CaseLinks> = listAndCountCheck('links', 'hidden', (l) =>
  typeof l.caseId === 'string' && typeof l.relation === 'string'
    ? { caseId: l.caseId, title: str(l.title), status: str(l.status), relation: l.relation, direction: str(l.direction), note: str(l.note) }
    : undefined,
);

/** `GET /api/cases/:id/links` → `{ links, hidden }`. */
export function listCaseLinks(id: string, signal?: AbortSignal): Promise<ApiResult<CaseLinks>> {
  return callApi(path('/api/cases/', id, '/links'), checkLinks, { signal });
}

/** `POST /api/cases/:id/links` `{ linkedCaseId, relation, note? }` → 204. */
export function linkCases(id: string, input: { linkedCaseId: string; relation: string; note?: string }): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/links'), nothing, { method: 'POST', body: input });
}

/** `DELETE /api/cases/:id/links/:otherId` → 204. */
export function unlinkCases(id: string, otherId: string): Promise<ApiResult<null>> {
  return callApi(path('/api/cases/', id, '/links/', otherId), nothing, { method: 'DELETE' });
}

// Overlaps ----------------------------------------------------------------------------------

/** Whom to ask about the other case of an overlap. */
export interface OverlapContact {
  displayName: string;
  username: string;
}

/** The other case of an overlap, as much of it as the caller may know (core's OverlapOtherCase). */
export type OverlapOther =
  | {
      masked: false;
      caseId: string;
      title: string;
      status: string;
      organisation: string;
      subjects: Array<{ caption: string; category: string }>;
      hiddenSubjects: number;
      team: Array<{ displayName: string; role: string }>;
      contact: OverlapContact;
    }
  | { masked: true; compartmented: false; organisation: string; contact: OverlapContact; request: 'pending' | 'declined' }
  | { masked: true; compartmented: true; contact: OverlapContact };

/** Another case that shares a subject with this one. */
export interface CaseOverlap {
  id: string;
  subjectId: string;
  /** Null when the caller may not see our own subject. */
  subjectCaption: string | null;
  detectedAt: string;
  /** Our side's decision: shared, declined, or none yet. */
  ourDecision: string | null;
  other: OverlapOther;
}

function readContact(value: unknown): OverlapContact | undefined {
  if (!isRecord(value) || typeof value.username !== 'string') return undefined;
  return { displayName: str(value.displayName) || value.username, username: value.username };
}

function readOther(other: Record<string, unknown>): OverlapOther | undefined {
  const contact = readContact(other.contact);
  if (contact === undefined) return undefined;
  if (other.masked === true) {
    if (other.compartmented === true) return { masked: true, compartmented: true, contact };
    return { masked: true, compartmented: false, organisation: str(other.organisation), contact, request: other.request === 'declined' ? 'declined' : 'pending' };
  }
  if (typeof other.caseId !== 'string') return undefined;
  const subjects = readList(other, 'subjects', (s) => ({ caption: str(s.caption), category: str(s.category) }));
  const team = readList(other, 'team', (m) => ({ displayName: str(m.displayName) || str(m.username), role: str(m.role) }));
  return {
    masked: false,
    caseId: other.caseId,
    title: str(other.title),
    status: str(other.status),
    organisation: str(other.organisation),
    subjects: subjects ?? [],
    hiddenSubjects: int(other.hiddenSubjects),
    team: team ?? [],
    contact,
  };
}

function readOverlap(item: Record<string, unknown>): CaseOverlap | undefined {
  if (typeof item.id !== 'string' || !isRecord(item.subject) || typeof item.subject.entityId !== 'string' || !isRecord(item.other)) return undefined;
  const other = readOther(item.other);
  if (other === undefined) return undefined;
  return {
    id: item.id,
    subjectId: item.subject.entityId,
    subjectCaption: strOrNull(item.subject.caption),
    detectedAt: str(item.detectedAt),
    ourDecision: isRecord(item.decision) ? strOrNull(item.decision.decision) : null,
    other,
  };
}

/** `GET /api/cases/:id/overlaps` → `{ overlaps }` (personal data: under the working context). */
export function listCaseOverlaps(id: string, signal?: AbortSignal): Promise<ApiResult<CaseOverlap[]>> {
  return callApi(path('/api/cases/', id, '/overlaps'), listCheck('overlaps', readOverlap), { signal, withContext: true });
}

/**
 * Shares this case's side of an overlap with the other case's team, or declines:
 * `POST /api/overlaps/:id/decision` `{ share, reason, caseId }` (caseId names the deciding side, for
 * someone who runs both cases).
 */
export function decideOverlap(overlapId: string, input: { caseId: string; share: boolean; reason: string }): Promise<ApiResult<null>> {
  return callApi(path('/api/overlaps/', overlapId, '/decision'), nothing, { method: 'POST', body: input, withContext: true });
}

// Notifications -----------------------------------------------------------------------------

/** Something the caller has been told, such as an overlap found on one of their cases. */
export interface Notification {
  id: string;
  kind: string;
  /** The caller's own case the message is about. */
  caseId: string | null;
  message: string;
  createdAt: string;
  read: boolean;
}

/** The caller's notifications, newest first, and how many are unread. */
export interface Notifications {
  notifications: Notification[];
  unread: number;
}

function readNotification(n: Record<string, unknown>): Notification | undefined {
  if (typeof n.id !== 'string' || typeof n.kind !== 'string' || typeof n.message !== 'string') return undefined;
  return { id: n.id, kind: n.kind, caseId: strOrNull(n.caseId), message: n.message, createdAt: str(n.createdAt), read: typeof n.readAt === 'string' };
}

/** `GET /api/notifications` → `{ notifications, unread }`. */
export function listNotifications(signal?: AbortSignal): Promise<ApiResult<Notifications>> {
  return callApi('/api/notifications', listAndCountCheck('notifications', 'unread', readNotification), { signal });
}

/** `POST /api/notifications/:id/read` → 204. */
export function markNotificationRead(id: string): Promise<ApiResult<null>> {
  return callApi(path('/api/notifications/', id, '/read'), nothing, { method: 'POST' });
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

function personName(value: unknown): string | undefined {
  return isRecord(value) && typeof value.name === 'string' ? value.name : undefined;
}

function readEvidence(item: Record<string, unknown>): EvidenceFile | undefined {
  const uploadedBy = personName(item.uploadedBy);
  if (typeof item.id !== 'string' || typeof item.sha256 !== 'string' || typeof item.fileName !== 'string' || uploadedBy === undefined) return undefined;
  return {
    id: item.id,
    fileName: item.fileName,
    contentType: str(item.contentType),
    size: int(item.size),
    sha256: item.sha256,
    description: str(item.description),
    uploadedBy,
    uploadedAt: str(item.uploadedAt),
    custodyCount: int(item.custodyEvents),
    annotationCount: int(item.annotations),
  };
}

const checkEvidenceDetail: Check<EvidenceDetail> = (b) => {
  const base = recordCheck(readEvidence)(b);
  const custody = readList(b, 'custody', (c) => {
    const actor = personName(c.actor);
    return typeof c.event === 'string' && actor !== undefined ? { event: c.event, actor, at: str(c.at), detail: str(c.detail) } : undefined;
  });
  const annotations = readList(b, 'annotationList', (a) => {
    const author = personName(a.author);
    return typeof a.id === 'string' && typeof a.body === 'string' && author !== undefined ? { id: a.id, body: a.body, author, createdAt: str(a.createdAt) } : undefined;
  });
  if (base === undefined || custody === undefined || annotations === undefined) return undefined;
  return { ...base, custody, annotations, custodyCount: custody.length, annotationCount: annotations.length };
};

/** `GET /api/cases/:id/evidence` → `{ evidence }` (under the working context, which must name this case). */
export function listEvidence(id: string, signal?: AbortSignal): Promise<ApiResult<EvidenceFile[]>> {
  return callApi(path('/api/cases/', id, '/evidence'), listCheck('evidence', readEvidence), { signal, withContext: true });
}

/** `GET /api/evidence/:id` → the file with its `custody` and `annotationList`. */
export function getEvidence(evidenceId: string, signal?: AbortSignal): Promise<ApiResult<EvidenceDetail>> {
  return callApi(path('/api/evidence/', evidenceId), checkEvidenceDetail, { signal, withContext: true });
}

/** `POST /api/evidence/:id/annotations` `{ body }` → 201 the annotation. */
export function annotateEvidence(evidenceId: string, body: string): Promise<ApiResult<null>> {
  return callApi(path('/api/evidence/', evidenceId, '/annotations'), nothing, { method: 'POST', body: { body }, withContext: true });
}

/** `POST /api/evidence/:id/transfer` `{ recipient, reason }` → 201 the custody event. */
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

/** What to tell the user when the server refuses an upload: too large (413), a type or content it does not accept (400), or another answer. */
function uploadRefusal(status: number, detail: string | undefined): string {
  if (status === 413) return `The file is too large to store as evidence${detail ? `: ${detail}` : '.'}`;
  if (status === 400) return `This file cannot be stored as evidence${detail ? `: ${detail}` : '.'}`;
  return detail ?? `The server answered ${status}.`;
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
      if (request.status !== 201) {
        resolve(refused(request.status, uploadRefusal(request.status, errorMessage(body))));
        return;
      }
      if (!isRecord(body) || typeof body.id !== 'string' || typeof body.sha256 !== 'string' || typeof body.size !== 'number' || typeof body.fileName !== 'string') {
        resolve({ ok: false, error: { kind: 'invalid', message: 'The server sent an unexpected answer to the upload.' } });
        return;
      }
      resolve({ ok: true, data: { id: body.id, sha256: body.sha256, size: body.size, fileName: body.fileName, contentType: str(body.contentType) } });
    });
    request.send(form);
  });
}

// Timelines ---------------------------------------------------------------------------------

/** One dated item of a timeline. */
export interface TimelineItem {
  at: string;
  end: string | null;
  /** 'case-event', 'date', or a dated entity's schema in lower case ('payment', 'call', ...). */
  kind: string;
  schema: string | null;
  entityId: string | null;
  title: string;
  participants: Array<{ id: string; caption: string }>;
  sourceId: string | null;
  /** For case events: what happened on the case (evidence, task, status...). */
  caseEventKind: string | null;
}

/** A timeline, and how many matching items were not sent. */
export interface Timeline {
  items: TimelineItem[];
  total: number;
  notShown: number;
  /** An entity takes part in more dated records than one answer reads. */
  truncated: boolean;
}

function readTimelineItem(i: Record<string, unknown>): TimelineItem | undefined {
  if (typeof i.at !== 'string' || typeof i.kind !== 'string' || typeof i.title !== 'string') return undefined;
  const participants = readList(i, 'participants', (p) => (typeof p.id === 'string' ? { id: p.id, caption: str(p.caption) || p.id } : undefined));
  if (participants === undefined) return undefined;
  return {
    at: i.at,
    end: strOrNull(i.end),
    kind: i.kind,
    schema: strOrNull(i.schema),
    entityId: strOrNull(i.entityId),
    title: i.title,
    participants,
    sourceId: strOrNull(i.sourceId),
    caseEventKind: strOrNull(i.caseEventKind),
  };
}

const checkTimeline: Check<Timeline> = (b) => {
  const items = readList(b, 'items', readTimelineItem);
  if (items === undefined || !isRecord(b)) return undefined;
  return { items, total: int(b.total), notShown: int(b.notShown), truncated: b.truncated === true };
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

/** `GET /api/cases/:id/timeline?types=&from=&to=` → `{ items, total, notShown, truncated }`. */
export function caseTimeline(id: string, filter: TimelineFilter, signal?: AbortSignal): Promise<ApiResult<Timeline>> {
  return callApi(`${path('/api/cases/', id, '/timeline')}${timelineQuery(filter)}`, checkTimeline, { signal, withContext: true });
}

/** `GET /api/entities/:id/timeline?types=&from=&to=`, across the entity's cluster. */
export function entityTimeline(id: string, filter: TimelineFilter, signal?: AbortSignal): Promise<ApiResult<Timeline>> {
  return callApi(`${path('/api/entities/', id, '/timeline')}${timelineQuery(filter)}`, checkTimeline, { signal, withContext: true });
}

// The case file -----------------------------------------------------------------------------

/** A downloaded file. */
export interface DownloadedFile {
  fileName: string;
  contentType: string;
  blob: Blob;
  /** The SHA-256 the server recorded for the file (its x-content-sha256 header), when it sent one. */
  sha256: string | null;
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
  if (!response.ok) return refused(response.status, errorMessage(await readJson(response)) ?? `The server answered ${response.status}.`);
  const contentType = response.headers.get('content-type') ?? fallbackType;
  const fileName = fileNameOf(response.headers.get('content-disposition'), fallbackName);
  return { ok: true, data: { fileName, contentType, blob: await response.blob(), sha256: response.headers.get('x-content-sha256') } };
}

/**
 * Produces the case file for a named recipient (an audited disclosure): `POST /api/cases/:id/export`
 * `{ format, recipient, reason? }` → the file. Needs the working context to name this case; an
 * observer on the team may not export (403).
 */
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
