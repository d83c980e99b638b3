import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Where a call's value goes in a statement compiled once. */
class Slot {
  constructor(readonly key: string) {}

  // A placeholder turned into text or a number would put one call's value into every call's statement.
  [Symbol.toPrimitive](): never {
    throw new Error(`a statement compiled once must use ${this.key} as a value only`);
  }
}

/**
 * A statement the query builder builds and compiles once per shape, then sends again with each
 * call's values. Building a query is most of the query builder's work, and a few statements run on
 * every request (a session's lookup, a case check): built anew each time they cost the server a
 * few percent of its processor under load.
 *
 * `build` gets placeholders for the values and must use each only as a value (never read, compare
 * or spread it; one turned into text fails the first call); what changes the statement's text goes
 * in `shape`, which names the compiled form. A shape may leave values out. Each shape's statement
 * is kept for the life of the process, so shapes must come from a small, fixed set (flags).
 * @example const byToken = compiledOnce((db, v: { hash: string }) => db.selectFrom('sessions').selectAll().where('token_hash', '=', v.hash));
 */
export function compiledOnce<V extends object, R, S extends object = object>(
  build: (db: Kysely<Database>, values: V, shape: S) => Compilable<R>,
): (db: Kysely<Database>, values: V, shape?: S) => Promise<R[]> {
  const compiled = new Map<string, { sql: string; parameters: readonly unknown[] }>();
  return async (db, values, shape = {} as S) => {
    // Plugins (a test's recorder of queries) see a query as it is built: one with plugins builds it each time.
    if (db.getExecutor().plugins.length > 0) return (await db.executeQuery(build(db, values, shape))).rows;
    const name = JSON.stringify(shape);
    let statement = compiled.get(name);
    if (statement === undefined) {
      const slots = Object.fromEntries(Object.keys(values).map((key) => [key, new Slot(key)])) as unknown as V;
      const query = build(db, slots, shape).compile();
      statement = { sql: query.sql, parameters: query.parameters };
      compiled.set(name, statement);
    }
    const parameters = statement.parameters.map((p) => (p instanceof Slot ? (values as Record<string, unknown>)[p.key] : p));
    const result = await db.executeQuery<R>(CompiledQuery.raw(statement.sql, parameters));
    return result.rows;
  };
}
