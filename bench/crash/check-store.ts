// What a restarted store must hold: every acknowledged write, imports as whole batches (each
// with its audit event) or not at all, and an audit log that verifies.
import { sql, type Kysely } from 'kysely';
import { verifyAuditLog, type Database } from '@casegraph/core';
import { analystHeaders, type Client, type Ledger } from './workload.js';

/** What one check found: writes lost, batches seen half-written, audit problems. */
export interface CheckResult {
  lost: string[];
  partialBatches: string[];
  verifyProblems: string[];
}

const BATCH_ROWS = 1_000;

function emptyResult(): CheckResult {
  return { lost: [], partialBatches: [], verifyProblems: [] };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Checks the store itself with SQL. Afterwards the ledger's status is the one stored (a change
 * in flight may have been made), and imports whose cycle is over are marked settled.
 */
export async function checkStore(db: Kysely<Database>, ledger: Ledger, input: { sourceId: string; publicKey: string }): Promise<CheckResult> {
  const result = emptyResult();
  const noteIds = [...ledger.notes.keys()];
  const storedNotes = new Map<string, string>();
  for (const ids of chunks(noteIds, 500)) {
    for (const row of await db.selectFrom('case_notes').select(['id', 'body']).where('id', 'in', ids).execute()) storedNotes.set(row.id, row.body);
  }
  for (const [id, body] of ledger.notes) if (storedNotes.get(id) !== body) result.lost.push(`note ${id}`);
  const storedTasks = new Map<string, string>();
  for (const ids of chunks([...ledger.tasks.keys()], 500)) {
    for (const row of await db.selectFrom('case_tasks').select(['id', 'status']).where('id', 'in', ids).execute()) storedTasks.set(row.id, row.status);
  }
  for (const [id, task] of ledger.tasks) {
    const status = storedTasks.get(id);
    if (status === undefined) result.lost.push(`task ${id}`);
    else if (task.done && status !== 'done') result.lost.push(`task ${id} done (stored ${status})`);
  }
  const stored = await db.selectFrom('cases').select('status').where('id', '=', ledger.caseId).executeTakeFirst();
  const allowed = [ledger.status.acked, ...(ledger.status.inFlight === null ? [] : [ledger.status.inFlight])];
  if (stored === undefined || !allowed.includes(stored.status)) result.lost.push(`case status ${allowed.join(' or ')} (stored ${stored?.status ?? 'no case'})`);
  else ledger.status = { acked: stored.status, inFlight: null };

  for (const record of ledger.imports.filter((r) => !r.settled)) {
    const job = await db.selectFrom('import_jobs').select(['status', 'progress']).where('id', '=', record.jobId).executeTakeFirst();
    if (job === undefined) {
      result.lost.push(`import job ${record.jobId}`);
      continue;
    }
    let present = 0;
    const seen = new Set<string>();
    for (const keys of chunks(record.keys, 2_000)) {
      const rows = await db.selectFrom('statements').select('origin').distinct().where('source_id', '=', input.sourceId).where('origin', 'in', keys).execute();
      for (const row of rows) seen.add(row.origin);
    }
    present = seen.size;
    // Present rows must be the file's first rows: whole batches from the start.
    const prefixWhole = record.keys.slice(0, present).every((key) => seen.has(key));
    const through = Object.values(job.progress).reduce((sum, n) => sum + n, 0);
    const events = Number(
      (
        await sql<{ n: string }>`select count(*) as n from audit_events where action = 'import.batch' and outcome = 'success' and ${record.jobId} = any(object_ids)`.execute(db)
      ).rows[0]?.n ?? 0,
    );
    const label = `import ${record.jobId} (${record.keys.length} rows, ${present} stored, progress ${through}, ${events} batch events, ${record.ackRows} acknowledged${record.done ? ', done' : ''})`;
    if (present < record.ackRows || (record.done && present !== record.keys.length)) result.lost.push(label);
    const whole = present % BATCH_ROWS === 0 || present === record.keys.length;
    if (!whole || !prefixWhole || through !== present || events !== Math.ceil(present / BATCH_ROWS)) result.partialBatches.push(label);
    // Its cycle is over (the server that ran it is gone, or it has ended): it cannot change again.
    record.settled = true;
  }

  // One snapshot: the log's pages and its head are read at different moments, and on PostgreSQL
  // a request the harness gave up on may still be writing its event.
  const report = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((trx) => verifyAuditLog(trx, { publicKey: input.publicKey }));
  for (const problem of report.problems) result.verifyProblems.push(`${problem.kind}: ${problem.message}`);
  return result;
}

/**
 * Checks through the restarted server's own routes (for the embedded store, which only the
 * server may open): notes, tasks, status, finished imports, and the audit log's verification.
 */
export async function checkOverHttp(client: Client, ledger: Ledger): Promise<CheckResult> {
  const result = emptyResult();
  const headers = analystHeaders(client, ledger.caseId);
  const get = async <T>(path: string, use: Record<string, string> = headers): Promise<T> => {
    const answer = await fetch(`${client.url}${path}`, { headers: use });
    const body = await answer.text();
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${body.slice(0, 300)}`);
    return JSON.parse(body) as T;
  };
  const notes = new Map((await get<{ notes: Array<{ id: string; body: string }> }>(`/api/cases/${ledger.caseId}/notes`)).notes.map((n) => [n.id, n.body]));
  for (const [id, body] of ledger.notes) if (notes.get(id) !== body) result.lost.push(`note ${id}`);
  const tasks = new Map((await get<{ tasks: Array<{ id: string; status: string }> }>(`/api/cases/${ledger.caseId}/tasks`)).tasks.map((t) => [t.id, t.status]));
  for (const [id, task] of ledger.tasks) {
    const status = tasks.get(id);
    if (status === undefined) result.lost.push(`task ${id}`);
    else if (task.done && status !== 'done') result.lost.push(`task ${id} done (stored ${status})`);
  }
  const view = await get<{ status: string }>(`/api/cases/${ledger.caseId}`);
  const allowed = [ledger.status.acked, ...(ledger.status.inFlight === null ? [] : [ledger.status.inFlight])];
  if (!allowed.includes(view.status)) result.lost.push(`case status ${allowed.join(' or ')} (stored ${view.status})`);
  else ledger.status = { acked: view.status, inFlight: null };
  for (const record of ledger.imports.filter((r) => r.done && !r.settled)) {
    const job = await get<{ status: string; rows: number }>(`/api/imports/${record.jobId}`, analystHeaders(client, null));
    if (job.status !== 'done' || job.rows !== record.keys.length) result.lost.push(`import ${record.jobId} (${job.status}, ${job.rows} rows of ${record.keys.length})`);
  }
  // The full recomputation of the tree; a server runs it at most once a minute (429 otherwise),
  // and the SQL check verifies the log itself too.
  const answer = await fetch(`${client.url}/api/oversight/audit-status?scope=full`, { headers: { cookie: `casegraph_session=${client.auditorCookie}` } });
  const body = await answer.text();
  if (answer.status === 200) {
    const audit = JSON.parse(body) as { verified: boolean; problems: Array<{ kind: string; message: string }> };
    if (!audit.verified) for (const problem of audit.problems) result.verifyProblems.push(`audit-status ${problem.kind}: ${problem.message}`);
  } else if (answer.status !== 429) {
    throw new Error(`GET /api/oversight/audit-status answered ${answer.status}: ${body.slice(0, 300)}`);
  }
  return result;
}

/** Adds `more` into `into`. */
export function addResult(into: CheckResult, more: CheckResult): void {
  into.lost.push(...more.lost);
  into.partialBatches.push(...more.partialBatches);
  into.verifyProblems.push(...more.verifyProblems);
}
