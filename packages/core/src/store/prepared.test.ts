import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects } from '../test-support/test-store.js';
import { PLANNED_WITH_VALUES, PREPARED_PER_CONNECTION, prepareRepeatedStatements } from './prepared.js';

// Prepared statements are the PostgreSQL driver's: the embedded store has its own.
describe.each(dialects().filter((d) => d === 'postgres'))('statements prepared on %s connections', () => {
  let pool: pg.Pool;

  beforeEach(() => {
    pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    prepareRepeatedStatements(pool);
  });
  afterEach(async () => {
    await pool.end();
  });

  const preparedTexts = async (client: pg.PoolClient) => (await client.query<{ statement: string }>('select statement from pg_prepared_statements')).rows.map((row) => row.statement);

  it('a statement sent once is not prepared; sent again it is, and answers as before', async () => {
    const client = await pool.connect();
    try {
      expect((await client.query('select $1::int + 1 as n', [1])).rows).toEqual([{ n: 2 }]);
      expect(await preparedTexts(client)).not.toContain('select $1::int + 1 as n');
      expect((await client.query('select $1::int + 1 as n', [2])).rows).toEqual([{ n: 3 }]);
      expect((await client.query('select $1::int + 1 as n', [3])).rows).toEqual([{ n: 4 }]);
      expect(await preparedTexts(client)).toContain('select $1::int + 1 as n');
    } finally {
      client.release();
    }
  });

  it('text without parameters is never prepared: it may hold several statements', async () => {
    const client = await pool.connect();
    try {
      for (let i = 0; i < 3; i++) await client.query('select 1 as one; select 2 as two', []);
      expect(await preparedTexts(client)).toEqual([]);
    } finally {
      client.release();
    }
  });

  it('a statement marked to be planned with its values is never prepared', async () => {
    const client = await pool.connect();
    try {
      const text = `select $1::int * 2 as n ${PLANNED_WITH_VALUES}`;
      for (let i = 0; i < 8; i++) expect((await client.query(text, [i])).rows).toEqual([{ n: i * 2 }]);
      expect(await preparedTexts(client)).toEqual([]);
    } finally {
      client.release();
    }
  });

  it('past its limit a connection forgets the least recently used, without disturbing the transaction it is in, and deallocates them once released', async () => {
    const extra = 20;
    const client = await pool.connect();
    try {
      await client.query('begin');
      // A statement the server refuses is never held, so there is nothing of it to deallocate.
      for (let i = 0; i < 2; i++) {
        await client.query('savepoint refused');
        await expect(client.query('select no_such_column + $1::int', [1])).rejects.toThrow(/no_such_column/);
        await client.query('rollback to savepoint refused');
      }
      for (let i = 0; i < PREPARED_PER_CONNECTION + extra; i++) {
        for (let call = 0; call < 2; call++) expect((await client.query(`select ${i} + $1::int as n`, [call])).rows).toEqual([{ n: i + call }]);
      }
      // Every one is still held inside the transaction, which goes on.
      expect((await preparedTexts(client)).filter((text) => text.endsWith('+ $1::int as n')).length).toBe(PREPARED_PER_CONNECTION + extra);
      await client.query('commit');
    } finally {
      client.release();
    }
    const again = await pool.connect();
    try {
      const held = (await preparedTexts(again)).filter((text) => text.endsWith('+ $1::int as n'));
      expect(held.length).toBe(PREPARED_PER_CONNECTION);
      // The oldest went: the first ones sent.
      expect(held).not.toContain('select 0 + $1::int as n');
      expect(held).toContain(`select ${PREPARED_PER_CONNECTION + extra - 1} + $1::int as n`);
      // A forgotten statement sent again is seen afresh, and answers.
      expect((await again.query('select 0 + $1::int as n', [5])).rows).toEqual([{ n: 5 }]);
      expect((await again.query('select 0 + $1::int as n', [6])).rows).toEqual([{ n: 6 }]);
    } finally {
      again.release();
    }
  });
});
