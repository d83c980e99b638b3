import { createHash, randomUUID } from 'node:crypto';
import { authorizeCase } from '../access/authorize.js';
import { recordCaseEvent } from '../cases/case-events.js';
import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { CaseGraphError, Invalid } from '../errors.js';
import { refuseNul } from './custody.js';
import { requireCaseOfPurpose } from './find-evidence.js';
import { checkEvidenceContent } from './signatures.js';

/** An evidence file as stored. */
export interface StoredEvidence {
  id: string;
  sha256: string;
  size: number;
  contentType: string;
  fileName: string;
}

/** What an upload carries. */
export interface EvidenceUpload {
  caseId: string;
  fileName: string;
  contentType: string;
  content: Uint8Array;
  description?: string;
}

const MAX_DESCRIPTION = 2000;

/** A file's own name (no folders), checked for length and control characters. */
export function checkFileName(raw: string): string {
  // Callers pass what a client sent, which may be no name at all.
  if (typeof raw !== 'string') throw new Invalid('the file needs a name');
  const name = (raw.split(/[\\/]/).pop() ?? '').trim();
  if (name === '' || name === '.' || name === '..') throw new Invalid('the file needs a name');
  if (name.length > 255) throw new Invalid('a file name may be at most 255 characters');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new Invalid('a file name may not hold control characters');
  return name;
}

/** The answer to a file over the deployment's limit (HTTP 413), with the limit in it. */
export function evidenceTooLarge(maxBytes: number): CaseGraphError {
  return new CaseGraphError('too-large', `an evidence file may be at most ${maxBytes} bytes (${(maxBytes / 2 ** 20).toFixed(maxBytes % 2 ** 20 === 0 ? 0 : 2)} MiB)`, { maxBytes });
}

/**
 * Adds a file to a case's evidence (collection; purpose-bound; needs the right to change the case).
 * The size is checked before anything is hashed or stored, the bytes must agree with the declared
 * type, and the content is stored once per SHA-256 digest; the upload is the file's first custody
 * event and an event on the case's timeline.
 * @example const file = await uploadEvidence(ctx, { caseId: 'C-2026-0001', fileName: 'invoice.pdf', contentType: 'application/pdf', content });
 */
export async function uploadEvidence(ctx: Ctx, input: EvidenceUpload): Promise<StoredEvidence> {
  const { maxBytes, allowedTypes } = ctx.config.evidence;
  if (input.content.byteLength > maxBytes) throw evidenceTooLarge(maxBytes);
  const fileName = checkFileName(input.fileName);
  const contentType = input.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const description = (input.description ?? '').trim();
  if (description.length > MAX_DESCRIPTION) throw new Invalid(`a description may be at most ${MAX_DESCRIPTION} characters`);
  refuseNul(description, 'a description');
  checkEvidenceContent(contentType, input.content, allowedTypes);
  return runWithPurpose(ctx, { action: 'evidence.upload', category: 'collection' }, async (tx) => {
    await authorizeCase(tx, 'case.update', input.caseId);
    requireCaseOfPurpose(tx, input.caseId, 'the evidence');
    const sha256 = createHash('sha256').update(input.content).digest('hex');
    const size = input.content.byteLength;
    const now = tx.now();
    // Content-addressed: the same bytes uploaded again reuse the stored blob.
    await tx.db
      .insertInto('evidence_blobs')
      .values({ sha256, size, content: input.content, stored_at: now })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
    const id = randomUUID();
    await tx.db
      .insertInto('evidence_files')
      .values({ id, case_id: input.caseId, sha256, file_name: fileName, content_type: contentType, size, description, uploaded_by: tx.actor.userId, uploaded_at: now })
      .execute();
    await tx.db.insertInto('evidence_custody').values({ evidence_id: id, event: 'collected', actor_id: tx.actor.userId, at: now, detail: `uploaded as ${fileName}` }).execute();
    await recordCaseEvent(tx, { caseId: input.caseId, kind: 'evidence', summary: `Evidence "${fileName}" collected (SHA-256 ${sha256.slice(0, 12)})`, detail: { evidenceId: id, sha256, size, contentType } });
    return {
      value: { id, sha256, size, contentType, fileName },
      objectIds: [id, input.caseId],
      detail: { sha256, size, contentType },
    };
  });
}
