import { createHash } from 'node:crypto';
import { authorizeCase, rolesFor } from '../access/authorize.js';
import { requireRole } from '../access/require-role.js';
import { LOCAL_OPERATOR, type Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { Forbidden, Invalid } from '../errors.js';
import { recordEvidenceExport } from '../evidence/custody.js';
import { publishLive } from '../live/live-events.js';
import { assembleCaseFile } from './assemble-case-file.js';
import { caseFileName } from './content.js';
import { renderCaseFileHtml } from './render-html.js';
import { renderCaseFilePdf } from './render-pdf.js';

/** The formats a case file is produced in. */
export const CASE_FILE_FORMATS = ['pdf', 'html'] as const;

/** A format a case file is produced in. */
export type CaseFileFormat = (typeof CASE_FILE_FORMATS)[number];

/** A produced case file. */
export interface ExportedCaseFile {
  fileName: string;
  contentType: string;
  bytes: Uint8Array;
  /** SHA-256 of the bytes, hex; recorded in the disclosure's audit event. */
  sha256: string;
}

const MAX_RECIPIENT = 200;
const MAX_REASON = 2000;

const CONTENT_TYPES: Record<CaseFileFormat, string> = { pdf: 'application/pdf', html: 'text/html; charset=utf-8' };

/** Checks the export's input before anything runs: a format, a named recipient, an optional reason. */
function checkExportInput(input: { format: unknown; recipient: unknown; reason?: unknown }): { format: CaseFileFormat; recipient: string; reason: string | null } {
  const format = CASE_FILE_FORMATS.find((f) => f === input.format);
  if (format === undefined) throw new Invalid(`unknown case file format "${String(input.format)}" (known: ${CASE_FILE_FORMATS.join(', ')})`);
  const recipient = typeof input.recipient === 'string' ? input.recipient.trim() : '';
  if (recipient === '') throw new Invalid('name the recipient: the person or body the case file is disclosed to');
  if (recipient.length > MAX_RECIPIENT) throw new Invalid(`a recipient may be at most ${MAX_RECIPIENT} characters`);
  if (input.reason !== undefined && input.reason !== null && typeof input.reason !== 'string') throw new Invalid('the reason must be text');
  const reason = typeof input.reason === 'string' && input.reason.trim() !== '' ? input.reason.trim() : null;
  if (reason !== null && reason.length > MAX_REASON) throw new Invalid(`a reason may be at most ${MAX_REASON} characters`);
  return { format, recipient, reason };
}

/**
 * Who may disclose a case file: someone who sees the case and works on it, that is a team member
 * other than an observer (observers may read the case, but a disclosure hands it to someone
 * outside, which is acting on it), or a supervisor of the case's organisation.
 */
async function authorizeCaseFileExport(tx: Ctx, caseId: string): Promise<void> {
  const row = await authorizeCase(tx, 'case.read', caseId);
  if (tx.actor.userId === LOCAL_OPERATOR.userId) return;
  const member = await tx.db.selectFrom('case_members').select('role').where('case_id', '=', caseId).where('user_id', '=', tx.actor.userId).executeTakeFirst();
  if (member !== undefined && member.role !== 'observer') return;
  if (tx.actor.roles.includes('supervisor') && row.organisation === tx.actor.organisation) return;
  throw new Forbidden(`exporting the case file of ${caseId} needs a team member who is not an observer, or a supervisor of its organisation`);
}

/**
 * Produces the case file as PDF or HTML and records its disclosure (disclosure; purpose-bound,
 * under the case's own purpose): the audit event names the recipient, the format and the file's
 * SHA-256, and is about every subject of the case; each evidence file listed gets an 'exported'
 * custody event, and the case's timeline an 'export' event.
 * @example const file = await exportCaseFile(ctx, { caseId: 'C-2026-0001', format: 'pdf', recipient: 'District prosecutor' });
 */
export async function exportCaseFile(ctx: Ctx, input: { caseId: string; format: string; recipient: string; reason?: string | null }): Promise<ExportedCaseFile> {
  const { format, recipient, reason } = checkExportInput(input);
  const caseId = input.caseId;
  const action = { action: 'case.export', category: 'disclosure' } as const;
  await requireRole(ctx, action, [...rolesFor('entity.read')]);
  return runWithPurpose(ctx, action, async (tx) => {
    await authorizeCaseFileExport(tx, caseId);
    // The disclosure belongs to the case's own audit trail, so it is made under the case's purpose.
    if (tx.purpose?.caseId !== caseId) throw new Invalid(`export the case file of ${caseId} under that case: state it as the case you work on`);
    const assembled = await assembleCaseFile(tx, { caseId, recipient, reason });
    const bytes = format === 'pdf' ? await renderCaseFilePdf(assembled.content) : new TextEncoder().encode(renderCaseFileHtml(assembled.content));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const fileName = caseFileName(caseId, format);
    await recordEvidenceExport(tx, { evidenceIds: assembled.evidenceIds, recipient });
    await tx.db
      .insertInto('case_events')
      .values({
        case_id: caseId,
        at: tx.now(),
        kind: 'export',
        actor_id: tx.actor.userId,
        summary: `Case file (${format.toUpperCase()}) disclosed to ${recipient}`,
        detail: JSON.stringify({ recipient, format, sha256, fileName, evidenceIds: assembled.evidenceIds, ...(reason === null ? {} : { reason }) }),
      })
      .execute();
    await publishLive(tx, { kind: 'case-changed', caseId });
    return {
      value: { fileName, contentType: CONTENT_TYPES[format], bytes, sha256 },
      objectIds: [caseId, ...assembled.evidenceIds],
      subjectIds: assembled.subjectIds,
      detail: { recipient, format, sha256, fileName, subjects: assembled.content.subjects.length, evidence: assembled.evidenceIds.length, ...(reason === null ? {} : { reason }) },
    };
  });
}
