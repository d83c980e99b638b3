import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { MerkleFrontier, verifyCheckpoint } from './merkle/index.js';
import { verifyAuditLog, type VerifyProblem } from './verify-log.js';

/** How much of the audit log a status answer checked. */
export type AuditStatusScope = 'head' | 'full';

/** The state of the audit log, and exactly what was checked to say so. */
export interface AuditStatus {
  /**
   * `head`: the stored head, the newest event's number and every signed checkpoint were checked,
   * without reading the events; `full`: the whole tree was recomputed from every event.
   */
  scope: AuditStatusScope;
  /** No problem was found by the checks of this scope. */
  verified: boolean;
  checkedAt: Date;
  events: number;
  root: string;
  checkpointsChecked: number;
  newestCheckpoint: { treeSize: number; signedAt: Date } | null;
  /** Events recorded after the newest signed checkpoint: not yet covered by any signature. */
  eventsSinceCheckpoint: number;
  consistencyProofs: number;
  inclusionProofs: number;
  problems: VerifyProblem[];
  /** One sentence saying what was checked, for people. */
  summary: string;
}

/**
 * Answers the audit log's status. By default (`scope: 'head'`) it answers from what is stored
 * beside the events, in time that does not grow with the log: the head's size and root, the
 * newest event's sequence number against the head's size, and every stored checkpoint (signed by
 * the key, its columns equal to its note, none beyond the head, and one at the head's size equal
 * to the head's root). It does not read the events, so it cannot see an event changed in place:
 * `scope: 'full'` recomputes the whole tree (`verifyAuditLog`), as `casegraph audit verify` does.
 * @example const status = await auditLogStatus(db, { publicKey: keys.signing.publicKey });
 */
export async function auditLogStatus(db: Kysely<Database>, input: { publicKey: string; scope?: AuditStatusScope; now?: () => Date }): Promise<AuditStatus> {
  const checkedAt = (input.now ?? (() => new Date()))();
  const checkpoints = await db.selectFrom('audit_checkpoints').select(['tree_size', 'signed_at']).orderBy('tree_size', 'desc').limit(1).execute();
  const newest = checkpoints[0] === undefined ? null : { treeSize: Number(checkpoints[0].tree_size), signedAt: checkpoints[0].signed_at };
  if (input.scope === 'full') {
    const report = await verifyAuditLog(db, { publicKey: input.publicKey });
    const verified = report.problems.length === 0;
    return {
      scope: 'full',
      verified,
      checkedAt,
      ...report,
      newestCheckpoint: newest,
      eventsSinceCheckpoint: Math.max(0, report.events - (newest?.treeSize ?? 0)),
      summary: verified
        ? `The whole tree was recomputed from all ${report.events} events; ${report.checkpointsChecked} signed checkpoint(s) match it, and ${report.consistencyProofs} consistency and ${report.inclusionProofs} inclusion proof(s) hold.`
        : `The whole tree was recomputed from all ${report.events} events and ${report.problems.length} problem(s) were found.`,
    };
  }

  const problems: VerifyProblem[] = [];
  const head = await db.selectFrom('audit_head').select(['size', 'frontier']).where('id', '=', 1).executeTakeFirst();
  // The newest event by its unique sequence number: one index lookup however long the log.
  const last = await sql<{ last: string }>`select seq::text as last from audit_events order by audit_events.seq desc limit 1`.execute(db);
  const lastSeq = Number(last.rows[0]?.last ?? 0);
  let frontier = new MerkleFrontier();
  if (head === undefined) {
    if (lastSeq > 0) problems.push({ kind: 'head', message: `the audit log holds events up to ${lastSeq} but has no head` });
  } else {
    try {
      frontier = MerkleFrontier.fromJSON(head.frontier as ReturnType<MerkleFrontier['toJSON']>);
      if (String(frontier.size) !== head.size) problems.push({ kind: 'head', message: `the audit head is inconsistent: size ${head.size}, a tree of ${frontier.size}` });
    } catch (error) {
      problems.push({ kind: 'head', message: `the audit head cannot be read: ${(error as Error).message}` });
    }
    if (lastSeq !== Number(head.size)) {
      problems.push({ kind: lastSeq < Number(head.size) ? 'truncated' : 'head', message: `the audit head covers ${head.size} events, but the newest stored event is number ${lastSeq}` });
    }
  }
  const size = head === undefined ? 0 : Number(head.size);
  const root = frontier.root().toString('base64');
  const stored = await db.selectFrom('audit_checkpoints').select(['tree_size', 'root_hash', 'note']).orderBy('tree_size').execute();
  for (const checkpoint of stored) {
    try {
      const signed = verifyCheckpoint(checkpoint.note, input.publicKey);
      const signedRoot = signed.rootHash.toString('base64');
      if (String(signed.treeSize) !== checkpoint.tree_size || signedRoot !== checkpoint.root_hash) {
        problems.push({ kind: 'checkpoint', message: `stored checkpoint ${checkpoint.tree_size}: its columns differ from its signed note` });
      } else if (signed.treeSize > size) {
        problems.push({ kind: 'truncated', message: `history is truncated: the head covers ${size} events, a signed checkpoint covers ${signed.treeSize}` });
      } else if (signed.treeSize === size && signedRoot !== root) {
        problems.push({ kind: 'leaf', message: `the checkpoint at ${size} is signed over another root than the head's` });
      }
    } catch (error) {
      problems.push({ kind: 'signature', message: `stored checkpoint ${checkpoint.tree_size}: ${(error as Error).message}` });
    }
  }
  const verified = problems.length === 0;
  const since = Math.max(0, size - (newest?.treeSize ?? 0));
  return {
    scope: 'head',
    verified,
    checkedAt,
    events: size,
    root,
    checkpointsChecked: stored.length,
    newestCheckpoint: newest,
    eventsSinceCheckpoint: since,
    consistencyProofs: 0,
    inclusionProofs: 0,
    problems,
    summary: verified
      ? `The head (${size} events) agrees with the newest event and ${stored.length} signed checkpoint(s) are valid and fit it; the events themselves were not recomputed (ask for a full verification for that).`
      : `The head and the signed checkpoints were checked without recomputing the events, and ${problems.length} problem(s) were found.`,
  };
}
