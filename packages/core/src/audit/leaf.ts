import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { leafHash, MerkleFrontier } from './merkle/index.js';

/** An audit event as stored, in the fields its leaf commits to. */
export interface AuditRow {
  seq: string;
  at: Date;
  actor_id: string;
  session_id: string | null;
  category: string;
  action: string;
  case_id: string | null;
  purpose: string | null;
  justification: string | null;
  object_ids: string[];
  subject_ids: string[];
  outcome: string;
  detail: Record<string, unknown>;
  sealed_terms: string | null;
}

/** The columns a leaf commits to, in leaf order. */
export const LEAF_COLUMNS = [
  'seq',
  'at',
  'actor_id',
  'session_id',
  'category',
  'action',
  'case_id',
  'purpose',
  'justification',
  'object_ids',
  'subject_ids',
  'outcome',
  'detail',
  'sealed_terms',
] as const;

/** JSON with object keys sorted at every depth, so the store's reordering of jsonb changes nothing. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The bytes a stored event contributes to the audit tree: its fields as canonical JSON. */
export function leafData(row: AuditRow): Buffer {
  const fields = LEAF_COLUMNS.map((column) => {
    const value = row[column];
    return column === 'at' ? (value as Date).toISOString() : value;
  });
  return Buffer.from(canonicalJson(fields), 'utf8');
}

/**
 * The leaf's bytes after `["<seq>",`, as text: what the store's `audit_append` completes with the
 * number it gives the event.
 */
function leafTail(event: Omit<AuditRow, 'seq'>): string {
  return leafData({ ...event, seq: '' }).toString('utf8').slice('["",'.length);
}

/** The RFC 9162 leaf hash of a stored event. */
export function eventLeafHash(row: AuditRow): Buffer {
  return leafHash(leafData(row));
}

/** Reads every event in sequence order, a page at a time, for rebuilding or verifying the tree. */
export async function* readEventsInOrder(db: Kysely<Database>, pageSize = 5000): AsyncGenerator<AuditRow> {
  let after = '0';
  for (;;) {
    const page = await db
      .selectFrom('audit_events')
      .select([...LEAF_COLUMNS])
      .where(sql<boolean>`seq > ${after}::bigint`)
      .orderBy('seq', 'asc')
      .limit(pageSize)
      .execute();
    for (const row of page) yield row;
    const last = page.at(-1);
    if (last === undefined || page.length < pageSize) return;
    after = last.seq;
  }
}

/** The tree over every stored event, rebuilt from the rows (for a store whose head is missing). */
async function rebuildFrontier(db: Kysely<Database>): Promise<MerkleFrontier> {
  const frontier = new MerkleFrontier();
  for await (const row of readEventsInOrder(db)) frontier.append(eventLeafHash(row));
  return frontier;
}

/**
 * Locks the audit head for the rest of the transaction and returns the tree it describes; the
 * head is made from the stored events the first time.
 */
export async function lockHead(db: Kysely<Database>): Promise<MerkleFrontier> {
  let head = await sql<{ size: string; frontier: unknown }>`select size::text as size, frontier from audit_head where id = 1 for update`.execute(db);
  if (head.rows.length === 0) {
    const frontier = await rebuildFrontier(db);
    await sql`insert into audit_head (id, size, frontier) values (1, ${String(frontier.size)}, ${JSON.stringify(frontier.toJSON())}::jsonb)
              on conflict (id) do nothing`.execute(db);
    head = await sql<{ size: string; frontier: unknown }>`select size::text as size, frontier from audit_head where id = 1 for update`.execute(db);
  }
  const row = head.rows[0];
  if (row === undefined) throw new Error('the audit head could not be created');
  const frontier = MerkleFrontier.fromJSON(row.frontier as ReturnType<MerkleFrontier['toJSON']>);
  if (String(frontier.size) !== row.size) throw new Error(`the audit head is inconsistent: size ${row.size}, frontier of ${frontier.size}`);
  return frontier;
}

// Transactions that hold the audit head: their further events must be appended through them, not
// by another transaction that would wait for this one's lock.
const holdingHead = new WeakSet<Kysely<Database>>();

/** Whether the transaction has appended an event (and so holds the audit head until it ends). */
export function holdsHead(db: Kysely<Database>): boolean {
  return holdingHead.has(db);
}

/** Appends an event as the next leaf: next sequence number, event row, head moved on. */
export async function appendLeaf(db: Kysely<Database>, event: Omit<AuditRow, 'seq'>): Promise<string> {
  const [seq] = await appendLeaves(db, [event]);
  return seq as string;
}

/**
 * Appends events as the next leaves, in order, in one statement: the store's `audit_append` locks
 * the head (until the transaction ends; outside one, the statement is its own), numbers them,
 * hashes their leaves into the tree and moves the head. Answers their numbers, or null when the
 * store has no head yet (appendLeaves makes it).
 */
export async function appendInOneStatement(db: Kysely<Database>, events: ReadonlyArray<Omit<AuditRow, 'seq'>>): Promise<string[] | null> {
  if (events.length === 0) return [];
  const appended = await sql<{ first: string | null }>`select audit_append(${JSON.stringify(events)}::jsonb, ${events.map(leafTail)}::text[])::text as first`.execute(db);
  const first = appended.rows[0]?.first ?? null;
  return first === null ? null : events.map((_, i) => String(BigInt(first) + BigInt(i)));
}

/** Appends events as the next leaves, in order, inside the caller's transaction, which then holds the audit head until it ends. */
export async function appendLeaves(db: Kysely<Database>, events: ReadonlyArray<Omit<AuditRow, 'seq'>>): Promise<string[]> {
  if (events.length === 0) return [];
  const appended = await appendInOneStatement(db, events);
  holdingHead.add(db);
  if (appended !== null) return appended;
  // No head yet: it is made from the stored events (and locked), then the events go on as usual.
  await lockHead(db);
  const retried = await appendInOneStatement(db, events);
  if (retried === null) throw new Error('the audit head could not be created');
  return retried;
}
