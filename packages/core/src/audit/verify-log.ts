import type { Kysely } from 'kysely';
import type { Ctx } from '../context/context.js';
import type { Database } from '../store/schema.js';
import type { AuditKeys } from './keys.js';
import { eventLeafHash, lockHead, readEventsInOrder } from './leaf.js';
import { CheckpointError, consistencyProof, inclusionProof, MerkleFrontier, signCheckpoint, verifyCheckpoint, verifyConsistency, verifyInclusion } from './merkle/index.js';
import { recordEvent } from './record-event.js';

/** The origin line of this deployment's checkpoints. */
export const CHECKPOINT_ORIGIN = 'casegraph audit log';

/** A signed checkpoint of the audit tree. */
export interface AuditCheckpoint {
  treeSize: number;
  rootHash: string;
  note: string;
}

/**
 * Signs the audit tree as it stands (size and root) and stores the checkpoint; the note is also
 * what an operator exports outside the database. Signing the same size twice returns the stored one.
 */
export async function checkpointAuditLog(ctx: Ctx, keys: Pick<AuditKeys, 'signing'>): Promise<AuditCheckpoint> {
  return ctx.db.transaction().execute(async (trx) => {
    // Record the checkpoint as an event first, so the signed tree includes it.
    await recordEvent(ctx, trx, { category: 'alteration', action: 'audit.checkpoint' });
    const frontier = await lockHead(trx);
    const treeSize = frontier.size;
    const root = frontier.root();
    const note = signCheckpoint(keys.signing, { origin: CHECKPOINT_ORIGIN, treeSize, rootHash: root });
    await trx
      .insertInto('audit_checkpoints')
      .values({ tree_size: String(treeSize), root_hash: root.toString('base64'), note, signed_at: ctx.now() })
      .onConflict((oc) => oc.column('tree_size').doNothing())
      .execute();
    return { treeSize, rootHash: root.toString('base64'), note };
  });
}

/** One problem the verifier found. */
export interface VerifyProblem {
  kind: 'gap' | 'leaf' | 'checkpoint' | 'signature' | 'truncated' | 'head';
  message: string;
}

/** What verifying the audit log found. */
export interface VerifyReport {
  events: number;
  root: string;
  checkpointsChecked: number;
  /** RFC 9162 proofs made from the events and verified: consistency between successive signed checkpoints, inclusion of sampled events in the newest. */
  consistencyProofs: number;
  inclusionProofs: number;
  problems: VerifyProblem[];
}

/** Above this many events the proofs are skipped (the recomputed roots already decide); leaf hashes take 32 bytes each. */
const MAX_PROOF_EVENTS = 5_000_000;
const INCLUSION_SAMPLES = 64;

/**
 * Recomputes the audit tree from every stored event and checks it: sequence numbers run 1..n with
 * no gap, repeat or reordering; every stored checkpoint is signed by the key and matches the
 * recomputed root at its size; the head agrees; and an external checkpoint (exported earlier, kept
 * outside the database) matches too. Any update, deletion, reordering, insertion or truncation of
 * history makes a root differ from a signed one.
 */
export async function verifyAuditLog(
  db: Kysely<Database>,
  input: { publicKey: string; externalCheckpoints?: string[]; onProgress?: (events: number) => void },
): Promise<VerifyReport> {
  // One snapshot for the events, the head and the checkpoints: on a store that is being written,
  // reading them at different moments would see an event the head read before did not count.
  if (!db.isTransaction) return db.transaction().setIsolationLevel('repeatable read').execute((trx) => verifyAuditLog(trx, input));
  const problems: VerifyProblem[] = [];
  const wanted = new Map<number, Array<{ root: string; label: string }>>();
  const want = (size: number, root: string, label: string) => {
    const list = wanted.get(size) ?? [];
    list.push({ root, label });
    wanted.set(size, list);
  };
  const stored = await db.selectFrom('audit_checkpoints').select(['tree_size', 'root_hash', 'note']).orderBy('tree_size').execute();
  for (const checkpoint of stored) {
    try {
      const signed = verifyCheckpoint(checkpoint.note, input.publicKey);
      if (String(signed.treeSize) !== checkpoint.tree_size || signed.rootHash.toString('base64') !== checkpoint.root_hash) {
        problems.push({ kind: 'checkpoint', message: `stored checkpoint ${checkpoint.tree_size}: its columns differ from its signed note` });
      }
      want(signed.treeSize, signed.rootHash.toString('base64'), `stored checkpoint at ${signed.treeSize}`);
    } catch (error) {
      problems.push({ kind: 'signature', message: `stored checkpoint ${checkpoint.tree_size}: ${(error as Error).message}` });
    }
  }
  for (const [i, text] of (input.externalCheckpoints ?? []).entries()) {
    try {
      const signed = verifyCheckpoint(text, input.publicKey);
      want(signed.treeSize, signed.rootHash.toString('base64'), `external checkpoint ${i + 1} at ${signed.treeSize}`);
    } catch (error) {
      const message = error instanceof CheckpointError ? error.message : String(error);
      problems.push({ kind: 'signature', message: `external checkpoint ${i + 1}: ${message}` });
    }
  }
  const frontier = new MerkleFrontier();
  const leaves: Buffer[] = [];
  const check = () => {
    for (const expected of wanted.get(frontier.size) ?? []) {
      const root = frontier.root().toString('base64');
      if (root !== expected.root) {
        problems.push({ kind: 'leaf', message: `${expected.label}: the events 1..${frontier.size} no longer give the signed root (an event was changed, removed, inserted or reordered)` });
      }
    }
  };
  check();
  let expectedSeq = 1;
  for await (const row of readEventsInOrder(db)) {
    const seq = Number(row.seq);
    if (seq !== expectedSeq) {
      problems.push({ kind: 'gap', message: `event ${expectedSeq} is missing or out of place: found ${seq} after ${expectedSeq - 1}` });
      expectedSeq = seq;
    }
    expectedSeq++;
    const leaf = eventLeafHash(row);
    frontier.append(leaf);
    if (leaves.length < MAX_PROOF_EVENTS) leaves.push(leaf);
    check();
    if (frontier.size % 10_000 === 0) input.onProgress?.(frontier.size);
  }
  const largest = Math.max(0, ...wanted.keys());
  if (largest > frontier.size) {
    problems.push({ kind: 'truncated', message: `history is truncated: the log holds ${frontier.size} events, a signed checkpoint covers ${largest}` });
  }
  const head = await db.selectFrom('audit_head').select(['size', 'frontier']).where('id', '=', 1).executeTakeFirst();
  if (head !== undefined) {
    const stored = MerkleFrontier.fromJSON(head.frontier as ReturnType<MerkleFrontier['toJSON']>);
    if (head.size !== String(frontier.size) || !stored.root().equals(frontier.root())) {
      problems.push({ kind: 'head', message: `the audit head (size ${head.size}) does not match the events (size ${frontier.size})` });
    }
  }
  // Proofs as an outside auditor would ask for them: each signed checkpoint is consistent with the
  // next, and sampled events are included in the newest.
  let consistencyProofs = 0;
  let inclusionProofs = 0;
  if (leaves.length === frontier.size && problems.length === 0) {
    const signed = [...wanted.entries()].filter(([size]) => size > 0 && size <= leaves.length).sort(([a], [b]) => a - b);
    for (let i = 1; i < signed.length; i++) {
      const [size1, [first]] = signed[i - 1] as [number, Array<{ root: string }>];
      const [size2, [second]] = signed[i] as [number, Array<{ root: string }>];
      try {
        verifyConsistency({ size1, size2, root1: Buffer.from(first?.root ?? '', 'base64'), root2: Buffer.from(second?.root ?? '', 'base64'), proof: consistencyProof(leaves.slice(0, size2), size1) });
        consistencyProofs++;
      } catch (error) {
        problems.push({ kind: 'checkpoint', message: `checkpoints at ${size1} and ${size2} are not consistent: ${(error as Error).message}` });
      }
    }
    const newest = signed.at(-1);
    if (newest !== undefined) {
      const [size, [entry]] = newest;
      const tree = leaves.slice(0, size);
      const step = Math.max(1, Math.floor(size / INCLUSION_SAMPLES));
      for (let index = 0; index < size; index += step) {
        try {
          verifyInclusion({ leafIndex: index, treeSize: size, leafHash: tree[index] as Buffer, proof: inclusionProof(tree, index), root: Buffer.from(entry?.root ?? '', 'base64') });
          inclusionProofs++;
        } catch (error) {
          problems.push({ kind: 'leaf', message: `event ${index + 1} is not included in the checkpoint at ${size}: ${(error as Error).message}` });
        }
      }
    }
  }
  return {
    events: frontier.size,
    root: frontier.root().toString('base64'),
    checkpointsChecked: stored.length + (input.externalCheckpoints?.length ?? 0),
    consistencyProofs,
    inclusionProofs,
    problems,
  };
}
