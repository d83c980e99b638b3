import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../context/context.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/create-db.js';
import { databaseUrl, dropDatabase } from '../test-support/postgres-databases.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { importMapped } from './import-mapped.js';
import { parseMapping } from './parse-mapping.js';
import type { SqlSession } from './read-sql-rows.js';

// A vehicle register held in a database, read through FtM's SQL mapping: tables with aliases and a join.
const MAPPING = `
vehicle_register:
  queries:
    - database: postgresql://register.example/vehicles
      tables:
        - table: owners
          alias: o
        - table: vehicles
          alias: v
      joins:
        - left: v.owner_id
          right: o.id
      entities:
        owner:
          schema: Person
          keys: [o.id]
          properties:
            name: { column: o.name }
        vehicle:
          schema: Vehicle
          keys: [v.plate]
          properties:
            registrationNumber: { column: v.plate }
            owner: { entity: owner }
`;

function schema(rows: number): string {
  const owners = Array.from({ length: rows }, (_, i) => `(${i + 1}, 'Owner ${i + 1}')`).join(', ');
  const vehicles = Array.from({ length: rows }, (_, i) => `('PL${String(i + 1).padStart(5, '0')}', ${i + 1})`).join(', ');
  return `create table owners (id integer primary key, name text); create table vehicles (plate text primary key, owner_id integer);
    insert into owners values ${owners}; insert into vehicles values ${vehicles};`;
}

/** The register in a second database: PGlite in memory, or a fresh database on the PostgreSQL server. */
async function registerDatabase(kind: 'pglite' | 'postgres', rows: number): Promise<{ open: (url: string) => Promise<SqlSession>; url: string | null; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const db = new PGlite();
    await db.exec(schema(rows));
    return { open: () => Promise.resolve({ query: (text, params) => db.query<Record<string, unknown>>(text, params), close: async () => undefined }), url: null, drop: () => db.close() };
  }
  const server = process.env.DATABASE_URL as string;
  const name = `casegraph_register_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = databaseUrl(server, name);
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query(schema(rows));
  await setup.end();
  return { open: undefined as never, url, drop: () => dropDatabase(server, name) };
}

const statementCount = async (store: Store) => Number((await sql<{ n: string }>`select count(*)::text as n from statements`.execute(store.db)).rows[0]?.n);

describe.each(dialects())('import from a database through an FtM SQL mapping, into %s', (dialect) => {
  let store: Store;
  let ctx: Ctx;
  const mapping = parseMapping(MAPPING, { fileName: 'vehicles.yml' });
  beforeAll(async () => {
    store = await openTestStore(dialect);
    await registerSource(testContext(store), { id: 'vehicle-register', name: 'Vehicle register', legalBasis: 'Road Traffic Act s.45', purposes: ['administration'] });
    ctx = testContext(store, { purpose: { caseId: null, code: 'administration', justification: 'monthly register load' } });
  });
  afterAll(async () => {
    await store.close();
  });

  // The register lives on PGlite always, and on the PostgreSQL server too when there is one.
  for (const kind of dialect === 'postgres' ? (['postgres'] as const) : (['pglite'] as const)) {
    it(`reads every joined row from ${kind} in key order, and a second import adds nothing`, async () => {
      const register = await registerDatabase(kind, 2500);
      try {
        const options = { sourceId: 'vehicle-register', mapping, mappingPath: 'vehicles.yml', ...(register.url === null ? { openDatabase: register.open } : { databaseUrl: () => register.url as string }) };
        const before = await statementCount(store);
        const first = await importMapped(ctx, options);
        expect(first).toMatchObject({ rows: 2500, failedRows: 0, entities: 5000 });
        // Person name; vehicle registration number and owner: three statements a row.
        expect((await statementCount(store)) - before).toBe(7500);
        const origin = await store.db.selectFrom('statements').select('origin').where('property', '=', 'registrationNumber').where('value', '=', 'PL00042').executeTakeFirstOrThrow();
        expect(origin.origin).toBe('PL00042');
        const again = await importMapped(ctx, options);
        expect(again.inserted).toBe(0);
        expect(await statementCount(store)).toBe(before + 7500);
      } finally {
        await register.drop();
      }
    });
  }

  it('a mapping naming an unusable table, or a database that cannot be opened, is refused with the reason and nothing is written', async () => {
    const before = await statementCount(store);
    const bad = parseMapping(MAPPING.replace('table: vehicles', 'table: "vehicles; drop table owners"'), { fileName: 'vehicles.yml' });
    await expect(importMapped(ctx, { sourceId: 'vehicle-register', mapping: bad, mappingPath: 'vehicles.yml' })).rejects.toThrow(/mapping vehicles\.yml: mapping query 1 .*not a usable table name/);
    await expect(importMapped(ctx, { sourceId: 'vehicle-register', mapping, mappingPath: 'vehicles.yml', databaseUrl: () => 'postgres://reader:secret@127.0.0.1:1/register' })).rejects.toThrow(/^cannot open postgres:\/\/reader@127\.0\.0\.1:1\/register: /);
    expect(await statementCount(store)).toBe(before);
  });
});
