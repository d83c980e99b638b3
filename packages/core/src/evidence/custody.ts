import { randomUUID } from 'node:crypto';
import { recordCaseEvent } from '../cases/case-events.js';
import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { Invalid } from '../errors.js';
import { findEvidence } from './find-evidence.js';
import type { CustodyEvent, EvidenceAnchor, EvidenceAnnotation } from './read-evidence.js';

const MAX_RECIPIENT = 200;
const MAX_REASON = 2000;
const MAX_BODY = 20000;
const MAX_ANCHOR_TEXT = 2000;

/** The store cannot hold U+0000 in text: refused before anything is written. */
export function refuseNul(text: string, what: string): void {
  if (text.includes('\u0000')) throw new Invalid(`${what} may not hold the NUL character (U+0000)`);
}

function checkRecipient(raw: unknown): string {
  const recipient = typeof raw === 'string' ? raw.trim() : '';
  if (recipient === '') throw new Invalid('name the recipient: the person or body the evidence goes to');
  if (recipient.length > MAX_RECIPIENT) throw new Invalid(`a recipient may be at most ${MAX_RECIPIENT} characters`);
  refuseNul(recipient, 'a recipient');
  return recipient;
}

/**
 * Hands an evidence file over to someone: a 'transferred' custody event naming the recipient and
 * the reason (disclosure; purpose-bound; needs the right to change the case).
 * @example await transferEvidence(ctx, { id, recipient: 'Regional forensic laboratory', reason: 'handwriting analysis' });
 */
export async function transferEvidence(ctx: Ctx, input: { id: string; recipient: string; reason: string }): Promise<CustodyEvent> {
  const recipient = checkRecipient(input.recipient);
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (reason.length < 3) throw new Invalid('say why the evidence is transferred');
  if (reason.length > MAX_REASON) throw new Invalid(`a reason may be at most ${MAX_REASON} characters`);
  refuseNul(reason, 'a reason');
  return runWithPurpose(ctx, { action: 'evidence.transfer', category: 'disclosure' }, async (tx) => {
    const row = await findEvidence(tx, input.id, 'case.update');
    const at = tx.now();
    const detail = `transferred to ${recipient}: ${reason}`;
    await tx.db.insertInto('evidence_custody').values({ evidence_id: row.id, event: 'transferred', actor_id: tx.actor.userId, at, detail }).execute();
    await recordCaseEvent(tx, { caseId: row.case_id, kind: 'evidence', summary: `Evidence "${row.file_name}" transferred to ${recipient}`, detail: { evidenceId: row.id, recipient } });
    const user = await tx.db.selectFrom('users').select('display_name').where('id', '=', tx.actor.userId).executeTakeFirst();
    return {
      value: { event: 'transferred', actor: { id: tx.actor.userId, name: user?.display_name ?? tx.actor.userId }, at, detail },
      objectIds: [row.id, row.case_id],
      detail: { recipient, sha256: row.sha256 },
    };
  });
}

/** Checks an annotation's anchor: a page from 1, a box of non-negative numbers, a quoted passage. */
export function checkAnchor(raw: unknown): EvidenceAnchor | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Invalid('an anchor is an object with page, x, y, width, height or text');
  const anchor: EvidenceAnchor = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    switch (key) {
      case 'page':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1_000_000) throw new Invalid('anchor.page must be a whole number from 1');
        anchor.page = value;
        break;
      case 'x':
      case 'y':
      case 'width':
      case 'height':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Invalid(`anchor.${key} must be a number of at least 0`);
        anchor[key] = value;
        break;
      case 'text':
        if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_ANCHOR_TEXT) throw new Invalid(`anchor.text must be the quoted passage, 1 to ${MAX_ANCHOR_TEXT} characters`);
        anchor.text = value;
        break;
      default:
        throw new Invalid(`unknown anchor field "${key}" (known: page, x, y, width, height, text)`);
    }
  }
  if (Object.keys(anchor).length === 0) return null;
  return anchor;
}

/**
 * Adds a note on top of an evidence file, optionally anchored to a page, a box or a passage; the
 * file and its content stay as they are (alteration; purpose-bound; needs the right to change the case).
 * @example await annotateEvidence(ctx, { id, body: 'Signature differs from the 2023 contract', anchor: { page: 2 } });
 */
export async function annotateEvidence(ctx: Ctx, input: { id: string; body: string; anchor?: unknown }): Promise<EvidenceAnnotation> {
  const body = typeof input.body === 'string' ? input.body.trim() : '';
  if (body === '') throw new Invalid('an annotation needs a text');
  if (body.length > MAX_BODY) throw new Invalid(`an annotation may be at most ${MAX_BODY} characters`);
  refuseNul(body, 'an annotation');
  const anchor = checkAnchor(input.anchor);
  return runWithPurpose(ctx, { action: 'evidence.annotate', category: 'alteration' }, async (tx) => {
    const row = await findEvidence(tx, input.id, 'case.update');
    const id = randomUUID();
    const createdAt = tx.now();
    await tx.db
      .insertInto('evidence_annotations')
      .values({ id, evidence_id: row.id, body, anchor: anchor === null ? null : JSON.stringify(anchor), author_id: tx.actor.userId, created_at: createdAt })
      .execute();
    const user = await tx.db.selectFrom('users').select('display_name').where('id', '=', tx.actor.userId).executeTakeFirst();
    return {
      value: { id, evidenceId: row.id, body, anchor, author: { id: tx.actor.userId, name: user?.display_name ?? tx.actor.userId }, createdAt },
      objectIds: [id, row.id, row.case_id],
    };
  });
}

/**
 * Writes an 'exported' custody event naming the recipient for each file, inside the caller's
 * transaction (the case-file export, which checks access and records its own audit event).
 * Returns how many events were written.
 * @example await recordEvidenceExport(tx, { evidenceIds, recipient: 'Public prosecutor, district 4' });
 */
export async function recordEvidenceExport(tx: Ctx, input: { evidenceIds: readonly string[]; recipient: string }): Promise<number> {
  const recipient = checkRecipient(input.recipient);
  const ids = [...new Set(input.evidenceIds)];
  if (ids.length === 0) return 0;
  const found = await tx.db.selectFrom('evidence_files').select('id').where('id', 'in', ids).execute();
  const missing = ids.filter((id) => !found.some((row) => row.id === id));
  if (missing.length > 0) throw new Invalid(`no evidence ${missing.join(', ')}`);
  const at = tx.now();
  await tx.db
    .insertInto('evidence_custody')
    .values(ids.map((id) => ({ evidence_id: id, event: 'exported' as const, actor_id: tx.actor.userId, at, detail: `exported to ${recipient}` })))
    .execute();
  return ids.length;
}
