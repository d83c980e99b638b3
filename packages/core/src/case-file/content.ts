/**
 * Everything a case file shows, as plain data: assembled once from the store under the
 * exporter's access, then drawn by the PDF and HTML renderers, which read nothing else.
 */
export interface CaseFileContent {
  /** Who the file is disclosed to, printed on every page. */
  recipient: string;
  /** Why it is disclosed, when the exporter said. */
  reason: string | null;
  exportedAt: Date;
  /** The exporter's username. */
  exportedBy: string;
  case: CaseFileSummary;
  team: CaseFileMember[];
  subjects: CaseFileSubject[];
  timeline: CaseFileEvent[];
  /** Timeline entries past the limit, counted but not listed. */
  timelineMore: number;
  chart: CaseFileChart;
  notes: CaseFileNote[];
  tasks: CaseFileTask[];
  linkedCases: CaseFileLinkedCase[];
  evidence: CaseFileEvidence[];
  audit: CaseFileAuditEntry[];
  /** Audit events past the cap, counted but not listed. */
  auditMore: number;
}

/** The case itself. */
export interface CaseFileSummary {
  id: string;
  title: string;
  status: string;
  disposition: string | null;
  purpose: string;
  organisation: string;
  /** The owner's username. */
  owner: string;
  markings: string[];
  template: string | null;
  fields: Record<string, string>;
  summary: string;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  /** Username of whoever closed it. */
  closedBy: string | null;
  retentionUntil: string | null;
  legalHold: boolean;
}

/** One member of the case's team. */
export interface CaseFileMember {
  username: string;
  displayName: string;
  role: string;
  addedAt: Date;
}

/** A case subject and what is said about it, each value with the name of its source. */
export interface CaseFileSubject {
  entityId: string;
  caption: string;
  category: string;
  schema: string;
  note: string;
  addedAt: Date;
  /** False when nothing about the subject is visible to the exporter. */
  visible: boolean;
  properties: Array<{ property: string; label: string; values: Array<{ value: string; source: string }> }>;
}

/** One entry of the case's timeline: a case event, or a dated record about its subjects (a payment, a call...). */
export interface CaseFileEvent {
  /** When, as the case file prints it: a UTC time, or a date (or period) as the record gives it. */
  when: string;
  kind: string;
  /** Who acted (a case event's user) or took part (a dated record's participants). */
  who: string;
  summary: string;
  /** The name of the source a dated record comes from; empty for case events. */
  source: string;
}

/** A node of the link chart, placed in a unit square (0..1 on both axes). */
export interface CaseFileChartNode {
  id: string;
  caption: string;
  schema: string;
  x: number;
  y: number;
  /** Whether the node is one of the case's subjects. */
  subject: boolean;
}

/** The link chart: the case's latest saved chart, or the neighbourhood of its subjects. */
export interface CaseFileChart {
  /** The saved chart's name, or null for the neighbourhood drawn for the file. */
  name: string | null;
  nodes: CaseFileChartNode[];
  edges: Array<{ source: string; target: string; label: string }>;
  /** Nodes left out by the size cap ("N more not shown"). */
  more: number;
  /** One colour per schema shown, for the legend. */
  legend: Array<{ schema: string; label: string; colour: string }>;
}

/** A Markdown note (rendered by each renderer, never as raw HTML). */
export interface CaseFileNote {
  author: string;
  createdAt: Date;
  body: string;
}

/** A task on the case. */
export interface CaseFileTask {
  title: string;
  description: string;
  status: string;
  assignee: string | null;
  dueDate: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

/** Another case this one links to (only those the exporter may see). */
export interface CaseFileLinkedCase {
  id: string;
  title: string;
  status: string;
  relation: string;
  note: string;
}

/** An evidence file with its digest and its chain of custody. */
export interface CaseFileEvidence {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  description: string;
  uploadedBy: string;
  uploadedAt: Date;
  custody: Array<{ event: string; actor: string; at: Date; detail: string }>;
}

/** One audit event about the case (never its sealed query terms). */
export interface CaseFileAuditEntry {
  at: Date;
  actor: string;
  category: string;
  action: string;
  outcome: string;
}

/** The file name a case file is sent under, e.g. C-2026-0001-case-file.pdf. */
export function caseFileName(caseId: string, format: 'pdf' | 'html'): string {
  return `${caseId.replace(/[^A-Za-z0-9-]/g, '_')}-case-file.${format}`;
}
