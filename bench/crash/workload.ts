// The writes a crash cycle makes over HTTP, and the ledger of what each acknowledged write must
// leave in the store. A write is acknowledged when its 2xx answer arrived; an import's rows are
// acknowledged as its job reports them done (each 1,000-row batch commits before it is counted).
import { seededRandom } from '@casegraph/core';

/** The core's seeded generator under a text seed, so a run can be repeated with --seed. */
export function seededRandomFrom(seed: string): () => number {
  let state = 0;
  for (const char of seed) state = (Math.imul(state ^ char.charCodeAt(0), 2654435761) + 1) >>> 0;
  return seededRandom(state);
}

/** An import the server accepted (202), and how far it was acknowledged. */
export interface ImportRecord {
  jobId: string;
  cycle: number;
  /** Every row's key, in file order: the origin its statements carry. */
  keys: string[];
  /** Rows the job reported done while the server ran. */
  ackRows: number;
  /** The job reported it was done, with all its rows. */
  done: boolean;
  /** Checked against the store after its cycle ended (it cannot change later). */
  settled: boolean;
}

/** What every acknowledged write must leave. */
export interface Ledger {
  caseId: string;
  notes: Map<string, string>;
  tasks: Map<string, { done: boolean }>;
  /** The case's status as last acknowledged, and a change sent but not answered. */
  status: { acked: string; inFlight: string | null };
  imports: ImportRecord[];
  /** 2xx answers to writes, plus import batches reported done. */
  acknowledged: number;
  /** Error answers while the store was down: 503s, 500s, others, and bodies that showed internals. */
  answers: { unavailable: number; internal: number; other: number; leaks: number; samples: string[] };
}

export function emptyLedger(caseId: string, status: string): Ledger {
  return {
    caseId,
    notes: new Map(),
    tasks: new Map(),
    status: { acked: status, inFlight: null },
    imports: [],
    acknowledged: 0,
    answers: { unavailable: 0, internal: 0, other: 0, leaks: 0, samples: [] },
  };
}

/** How the harness talks to the server: its address and the two users' session cookies. */
export interface Client {
  url: string;
  analystCookie: string;
  auditorCookie: string;
  sourceId: string;
}

export const PURPOSE = 'fraud-audit';

export const MAPPING = `
crash:
  queries:
    - entities:
        person:
          schema: Person
          keys: [id]
          properties:
            name: { column: name }
            birthDate: { column: born }
`;

const GIVEN = ['Aino', 'Bram', 'Cosima', 'Dries', 'Elif', 'Fenna', 'Gideon', 'Hester', 'Ilse', 'Joris'];
const FAMILY = ['Aaltonen', 'Brouwer', 'Castell', 'Dekker', 'Eskola', 'Fontaine', 'Groen', 'Halonen'];

/** Headers of a request made by the analyst under the case's purpose. */
export function analystHeaders(client: Client, caseId: string | null): Record<string, string> {
  return {
    cookie: `casegraph_session=${client.analystCookie}`,
    ...(caseId === null ? {} : { 'casegraph-case': caseId, 'casegraph-purpose': PURPOSE, 'casegraph-justification': encodeURIComponent('crash harness workload') }),
  };
}

/** Bodies that give away internals: stack frames, SQL, driver errors, file paths. */
const INTERNALS = /\n\s+at |\bselect\b.+\bfrom\b|\binsert into\b|ECONNREFUSED|node_modules|\.ts:\d+|\.js:\d+/i;

function noteError(ledger: Ledger, status: number, body: string): void {
  const answers = ledger.answers;
  if (INTERNALS.test(body)) answers.leaks++;
  let code = '';
  try {
    code = (JSON.parse(body) as { error?: string }).error ?? '';
  } catch {
    code = '';
  }
  if (status === 503 && code === 'store-unavailable') answers.unavailable++;
  else if (status >= 500) answers.internal++;
  else answers.other++;
  if (answers.samples.length < 5 && !(status === 503 && code === 'store-unavailable')) answers.samples.push(`${status} ${body.slice(0, 300)}`);
}

/** One request; answers undefined when no answer arrived (the server or the connection died). */
async function send(
  client: Client,
  ledger: Ledger,
  signal: AbortSignal,
  method: string,
  path: string,
  init: { headers: Record<string, string>; body?: string | FormData },
): Promise<{ status: number; body: string } | undefined> {
  let answer: Response;
  let body: string;
  try {
    answer = await fetch(`${client.url}${path}`, {
      method,
      headers: typeof init.body === 'string' ? { ...init.headers, 'content-type': 'application/json' } : init.headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
      signal,
    });
    body = await answer.text();
  } catch {
    return undefined;
  }
  if (answer.status >= 400 && answer.status !== 404 && answer.status !== 409) noteError(ledger, answer.status, body);
  return { status: answer.status, body };
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const wake = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', wake);
      resolve();
    }, ms);
    signal.addEventListener('abort', wake, { once: true });
  });

/** A CSV of `rows` synthetic people, keyed `c<cycle>i<n>r<row>`. */
export function importFile(cycle: number, index: number, rows: number, random: () => number): { csv: string; keys: string[] } {
  const keys: string[] = [];
  const lines = ['id,name,born'];
  for (let row = 1; row <= rows; row++) {
    const key = `c${cycle}i${index}r${row}`;
    keys.push(key);
    const given = GIVEN[Math.floor(random() * GIVEN.length)] ?? 'Aino';
    const family = FAMILY[Math.floor(random() * FAMILY.length)] ?? 'Groen';
    const born = `19${String(40 + Math.floor(random() * 60)).padStart(2, '0')}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`;
    lines.push(`${key},${given} ${family} ${row},${born}`);
  }
  return { csv: lines.join('\n') + '\n', keys };
}

/** Uploads imports one after another and follows each job until it ends or the cycle stops. */
async function importLoop(client: Client, ledger: Ledger, cycle: number, random: () => number, signal: AbortSignal, rowsRange: [number, number]): Promise<void> {
  for (let index = 0; !signal.aborted; index++) {
    const rows = rowsRange[0] + Math.floor(random() * (rowsRange[1] - rowsRange[0] + 1));
    const { csv, keys } = importFile(cycle, index, rows, random);
    const form = new FormData();
    form.set('source', client.sourceId);
    form.set('mapping', new Blob([MAPPING]), 'crash.yml');
    form.set('data', new Blob([csv]), `c${cycle}i${index}.csv`);
    const accepted = await send(client, ledger, signal, 'POST', '/api/imports', { headers: analystHeaders(client, ledger.caseId), body: form });
    if (accepted === undefined || accepted.status !== 202) {
      await pause(50, signal);
      continue;
    }
    ledger.acknowledged++;
    const record: ImportRecord = { jobId: (JSON.parse(accepted.body) as { id: string }).id, cycle, keys, ackRows: 0, done: false, settled: false };
    ledger.imports.push(record);
    while (!signal.aborted) {
      const polled = await send(client, ledger, signal, 'GET', `/api/imports/${record.jobId}`, { headers: analystHeaders(client, null) });
      // No answer, or an error while the store is down: the job is left, the next import starts.
      if (polled?.status !== 200) break;
      {
        const job = JSON.parse(polled.body) as { status: string; rows: number };
        if (job.rows > record.ackRows && job.status !== 'failed') {
          ledger.acknowledged += Math.floor(job.rows / 1000) - Math.floor(record.ackRows / 1000);
          record.ackRows = job.rows;
        }
        if (job.status === 'done') {
          if (job.rows !== rows) throw new Error(`import ${record.jobId} reported done with ${job.rows} rows of ${rows}`);
          if (rows % 1000 !== 0) ledger.acknowledged++;
          record.done = true;
          break;
        }
        if (job.status !== 'running') break;
      }
      await pause(60, signal);
    }
  }
}

/** Notes, tasks, task completions and (in the first loop only) status changes, one after another. */
async function caseLoop(client: Client, ledger: Ledger, cycle: number, loop: number, random: () => number, signal: AbortSignal): Promise<void> {
  const caseId = ledger.caseId;
  const headers = analystHeaders(client, caseId);
  let statusUnsure = false;
  let seenErrors = ledger.answers.unavailable + ledger.answers.internal + ledger.answers.other;
  for (let n = 0; !signal.aborted; n++) {
    const roll = random();
    if (roll < 0.55) {
      const body = `Cycle ${cycle} loop ${loop} note ${n}: the ledger of the harbour warehouse was checked against invoice ${Math.floor(random() * 1e6)}.`;
      const answer = await send(client, ledger, signal, 'POST', `/api/cases/${caseId}/notes`, { headers, body: JSON.stringify({ body }) });
      if (answer?.status === 201) {
        ledger.notes.set((JSON.parse(answer.body) as { id: string }).id, body);
        ledger.acknowledged++;
      }
    } else if (roll < 0.8) {
      const answer = await send(client, ledger, signal, 'POST', `/api/cases/${caseId}/tasks`, { headers, body: JSON.stringify({ title: `Cycle ${cycle} loop ${loop} task ${n}` }) });
      if (answer?.status === 201) {
        ledger.tasks.set((JSON.parse(answer.body) as { id: string }).id, { done: false });
        ledger.acknowledged++;
      }
    } else if (roll < 0.9 || loop !== 0) {
      const open = [...ledger.tasks].filter(([, task]) => !task.done);
      const picked = open[Math.floor(random() * open.length)];
      if (picked === undefined) continue;
      const answer = await send(client, ledger, signal, 'PATCH', `/api/cases/${caseId}/tasks/${picked[0]}`, { headers, body: JSON.stringify({ status: 'done' }) });
      if (answer?.status === 200) {
        picked[1].done = true;
        ledger.acknowledged++;
      }
    } else if (!statusUnsure) {
      const target = ledger.status.acked === 'active' ? 'pending' : 'active';
      ledger.status.inFlight = target;
      const answer = await send(client, ledger, signal, 'POST', `/api/cases/${caseId}/status`, { headers, body: JSON.stringify({ status: target }) });
      if (answer?.status === 200) {
        ledger.status = { acked: target, inFlight: null };
        ledger.acknowledged++;
      } else if (answer !== undefined && answer.status < 500) {
        throw new Error(`a status change to ${target} was refused: ${answer.status} ${answer.body}`);
      } else {
        // No answer (or a 503): the change may or may not have been made. It stays in flight,
        // and no other change is sent this cycle, so the check knows the two states allowed.
        statusUnsure = true;
      }
    }
    const errors = ledger.answers.unavailable + ledger.answers.internal + ledger.answers.other;
    // After an error answer, a short pause, so an outage is not a busy loop.
    if (errors !== seenErrors) await pause(20, signal);
    seenErrors = errors;
  }
}

/** Runs the cycle's writers until `signal` aborts; resolves once every writer has stopped. */
export async function runWorkload(
  client: Client,
  ledger: Ledger,
  cycle: number,
  random: () => number,
  signal: AbortSignal,
  options: { importRows: [number, number]; caseLoops: number },
): Promise<void> {
  const loops = [importLoop(client, ledger, cycle, random, signal, options.importRows)];
  for (let loop = 0; loop < options.caseLoops; loop++) loops.push(caseLoop(client, ledger, cycle, loop, random, signal));
  await Promise.all(loops);
}
