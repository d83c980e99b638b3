import type pg from 'pg';

/**
 * Statements sent again on a connection are prepared there: PostgreSQL then parses a statement
 * once per connection rather than once per call, and after a few calls may keep one plan for it.
 * The application sends the same few hundred statements over and over (a session's lookup, a
 * case check, an audit append, a search tier), and parsing and planning them took a third of the
 * database's time under load.
 *
 * A statement is prepared the second time its text is seen on the connection, so a text sent once
 * (a migration, a report) costs the server nothing to keep. Each connection keeps at most
 * PREPARED_PER_CONNECTION statements and forgets the least recently used beyond that. A statement
 * forgotten is deallocated when the connection goes back to the pool, outside any transaction:
 * inside one, a failed `deallocate` would abort the caller's work.
 */
export const PREPARED_PER_CONNECTION = 256;

/**
 * A comment that keeps a statement from being prepared: PostgreSQL plans it each time with its
 * values. After a few calls a prepared statement may get a generic plan, made without them, and for
 * queries whose best plan depends on the values (the search index's terms, a node's edges) that
 * plan can be ruinous: forced generic, a search took 60 s instead of 5 ms.
 */
export const PLANNED_WITH_VALUES = '/* planned with its values */';
// Texts remembered (prepared or seen once) per connection.
const REMEMBERED_PER_CONNECTION = PREPARED_PER_CONNECTION * 4;

interface Seen {
  name: string | null;
  calls: number;
  /** Whether the server answered the named statement once (and so holds it). */
  held: boolean;
}

interface Preparing {
  /** Names to deallocate when the connection is next released. */
  forgotten: string[];
  send: (...args: unknown[]) => unknown;
}

// node-postgres keeps the names its connection has parsed; a statement deallocated must leave them.
interface ParsedNames {
  connection?: { parsedStatements?: Record<string, string> };
}

const preparing = new WeakMap<pg.PoolClient, Preparing>();
let serial = 0;

/** Makes a pool's connections prepare the statements they are sent more than once. */
export function prepareRepeatedStatements(pool: pg.Pool): void {
  pool.on('connect', (client) => prepareOn(client));
  pool.on('release', (error: Error | undefined, client: pg.PoolClient) => {
    const state = preparing.get(client);
    if (error !== undefined || state === undefined || state.forgotten.length === 0) return;
    const names = state.forgotten.splice(0);
    for (const name of names) delete (client as ParsedNames).connection?.parsedStatements?.[name];
    // Queued ahead of the next borrower's first statement; a connection that fails it is replaced by the pool.
    (state.send(names.map((name) => `deallocate ${name}`).join('; ')) as Promise<unknown>).catch(() => undefined);
  });
}

function prepareOn(client: pg.PoolClient): void {
  const send = client.query.bind(client) as (...args: unknown[]) => unknown;
  const state: Preparing = { forgotten: [], send };
  preparing.set(client, state);
  // In order of last use: the first is the one to forget.
  const seen = new Map<string, Seen>();
  let prepared = 0;
  const forget = () => {
    while (seen.size > REMEMBERED_PER_CONNECTION || prepared > PREPARED_PER_CONNECTION) {
      const oldest = seen.entries().next().value;
      if (oldest === undefined) return;
      const [text, entry] = oldest;
      seen.delete(text);
      if (entry.name === null) continue;
      prepared--;
      // A statement the server never took (its first call failed) has nothing to deallocate.
      if (entry.held) state.forgotten.push(entry.name);
    }
  };
  const query = (...args: unknown[]): unknown => {
    const [text, values] = args;
    // Only the form the query builder uses (text and values, answered by a promise) is prepared,
    // and only with parameters: text without any may hold several statements, which cannot be.
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || args.length > 2 || text.includes(PLANNED_WITH_VALUES)) return send(...args);
    let entry = seen.get(text);
    if (entry === undefined) entry = { name: null, calls: 0, held: false };
    else seen.delete(text);
    seen.set(text, entry);
    entry.calls++;
    if (entry.name === null && entry.calls >= 2) {
      entry.name = `cg_${(++serial).toString(36)}`;
      prepared++;
    }
    forget();
    if (entry.name === null) return send(text, values);
    const named = entry;
    const answer = send({ name: named.name, text, values }) as Promise<unknown>;
    if (!named.held) void answer.then(() => (named.held = true), () => undefined);
    return answer;
  };
  client.query = query as typeof client.query;
}
