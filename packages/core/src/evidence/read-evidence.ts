import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { authorizeCase } from '../access/authorize.js';
import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { Conflict } from '../errors.js';
import type { EvidenceCustodyTable } from '../store/schema.js';
import { findEvidence, requireCaseOfPurpose } from './find-evidence.js';

/** An evidence file as listed on its case. */
export interface EvidenceSummary {
  id: string;
  caseId: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  description: string;
  uploadedBy: { id: string; name: string };
  uploadedAt: Date;
  custodyEvents: number;
  annotations: number;
}

/** One link in a file's chain of custody. */
export interface CustodyEvent {
  event: EvidenceCustodyTable['event'];
  actor: { id: string; name: string };
  at: Date;
  detail: string;
}

/** Where an annotation sits on its file (all optional: a page, a box, a quoted passage). */
export interface EvidenceAnchor {
  page?: number;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  text?: string;
}

/** A note on top of an evidence file. */
export interface EvidenceAnnotation {
  id: string;
  evidenceId: string;
  body: string;
  anchor: EvidenceAnchor | null;
  author: { id: string; name: string };
  createdAt: Date;
}

/** An evidence file with its whole custody trail and its annotations. */
export interface EvidenceDetail extends EvidenceSummary {
  custody: CustodyEvent[];
  annotationList: EvidenceAnnotation[];
}

/** The bytes of an evidence file, checked against their digest. */
export interface EvidenceContent {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  content: Uint8Array;
}

/** A user's display name, or their id when the actor is not a user account (the local operator). */
const nameOf = (id: string, name: string | null) => ({ id, name: name ?? id });

async function summaries(tx: Ctx, where: { caseId?: string; id?: string }): Promise<EvidenceSummary[]> {
  let query = tx.db
    .selectFrom('evidence_files')
    .leftJoin('users', 'users.id', 'evidence_files.uploaded_by')
    .select([
      'evidence_files.id',
      'evidence_files.case_id',
      'evidence_files.file_name',
      'evidence_files.content_type',
      'evidence_files.size',
      'evidence_files.sha256',
      'evidence_files.description',
      'evidence_files.uploaded_by',
      'evidence_files.uploaded_at',
      'users.display_name',
      (eb) => eb.selectFrom('evidence_custody').select(sql<string>`count(*)`.as('n')).whereRef('evidence_custody.evidence_id', '=', 'evidence_files.id').as('custody_count'),
      (eb) => eb.selectFrom('evidence_annotations').select(sql<string>`count(*)`.as('n')).whereRef('evidence_annotations.evidence_id', '=', 'evidence_files.id').as('annotation_count'),
    ]);
  if (where.caseId !== undefined) query = query.where('evidence_files.case_id', '=', where.caseId);
  if (where.id !== undefined) query = query.where('evidence_files.id', '=', where.id);
  const rows = await query.orderBy('evidence_files.uploaded_at').orderBy('evidence_files.id').execute();
  return rows.map((row) => ({
    id: row.id,
    caseId: row.case_id,
    fileName: row.file_name,
    contentType: row.content_type,
    size: Number(row.size),
    sha256: row.sha256,
    description: row.description,
    uploadedBy: nameOf(row.uploaded_by, row.display_name),
    uploadedAt: row.uploaded_at,
    custodyEvents: Number(row.custody_count ?? 0),
    annotations: Number(row.annotation_count ?? 0),
  }));
}

/**
 * The evidence files of a case, oldest first, with hash, size, uploader and counts of custody
 * events and annotations (consultation; purpose-bound).
 * @example const files = await listEvidence(ctx, 'C-2026-0001');
 */
export async function listEvidence(ctx: Ctx, caseId: string): Promise<EvidenceSummary[]> {
  return runWithPurpose(ctx, { action: 'evidence.list', category: 'consultation' }, async (tx) => {
    await authorizeCase(tx, 'case.read', caseId);
    requireCaseOfPurpose(tx, caseId, 'the evidence');
    const files = await summaries(tx, { caseId });
    return { value: files, objectIds: [caseId, ...files.map((f) => f.id)] };
  });
}

/** The annotations of one file, oldest first (inside the caller's transaction). */
export async function loadAnnotations(tx: Ctx, evidenceId: string): Promise<EvidenceAnnotation[]> {
  const rows = await tx.db
    .selectFrom('evidence_annotations')
    .leftJoin('users', 'users.id', 'evidence_annotations.author_id')
    .select(['evidence_annotations.id', 'evidence_annotations.body', 'evidence_annotations.anchor', 'evidence_annotations.author_id', 'evidence_annotations.created_at', 'users.display_name'])
    .where('evidence_annotations.evidence_id', '=', evidenceId)
    .orderBy('evidence_annotations.created_at')
    .orderBy('evidence_annotations.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    evidenceId,
    body: row.body,
    anchor: row.anchor,
    author: nameOf(row.author_id, row.display_name),
    createdAt: row.created_at,
  }));
}

/**
 * One evidence file with its full custody trail (who, when, what) and its annotations
 * (consultation; purpose-bound). Unknown files and files of hidden cases answer alike.
 * @example const file = await getEvidence(ctx, evidenceId);
 */
export async function getEvidence(ctx: Ctx, id: string): Promise<EvidenceDetail> {
  return runWithPurpose(ctx, { action: 'evidence.view', category: 'consultation' }, async (tx) => {
    const row = await findEvidence(tx, id, 'case.read');
    const [summary] = await summaries(tx, { id });
    const custody = await tx.db
      .selectFrom('evidence_custody')
      .leftJoin('users', 'users.id', 'evidence_custody.actor_id')
      .select(['evidence_custody.event', 'evidence_custody.actor_id', 'evidence_custody.at', 'evidence_custody.detail', 'users.display_name'])
      .where('evidence_custody.evidence_id', '=', id)
      .orderBy('evidence_custody.id')
      .execute();
    if (summary === undefined) throw new Error(`evidence ${id} vanished while it was read`);
    return {
      value: {
        ...summary,
        custody: custody.map((c) => ({ event: c.event, actor: nameOf(c.actor_id, c.display_name), at: c.at, detail: c.detail })),
        annotationList: await loadAnnotations(tx, id),
      },
      objectIds: [id, row.case_id],
    };
  });
}

/**
 * The bytes of an evidence file, verified against the stored SHA-256 before they are handed out
 * (a mismatch is refused, never served); each read is a 'viewed' custody event (consultation).
 * @example const { content, sha256 } = await readEvidenceContent(ctx, evidenceId);
 */
export async function readEvidenceContent(ctx: Ctx, id: string): Promise<EvidenceContent> {
  return runWithPurpose(ctx, { action: 'evidence.read-content', category: 'consultation' }, async (tx) => {
    const row = await findEvidence(tx, id, 'case.read');
    const blob = await tx.db.selectFrom('evidence_blobs').select(['content', 'size']).where('sha256', '=', row.sha256).executeTakeFirst();
    const content = blob?.content;
    if (content === undefined || content.byteLength !== Number(row.size) || createHash('sha256').update(content).digest('hex') !== row.sha256) {
      throw new Conflict(`the stored content of evidence ${id} no longer matches its SHA-256 ${row.sha256}; it is not served: tell an administrator`);
    }
    await tx.db.insertInto('evidence_custody').values({ evidence_id: id, event: 'viewed', actor_id: tx.actor.userId, at: tx.now(), detail: 'content read' }).execute();
    return {
      value: { id, fileName: row.file_name, contentType: row.content_type, size: content.byteLength, sha256: row.sha256, content: new Uint8Array(content.buffer, content.byteOffset, content.byteLength) },
      objectIds: [id, row.case_id],
      detail: { sha256: row.sha256 },
    };
  });
}
