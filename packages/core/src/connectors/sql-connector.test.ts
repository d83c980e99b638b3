import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { parseMapping } from '../ingest/parse-mapping.js';
import { mapRow } from '../ingest/map-row.js';
import { connectorContract } from '../test-support/connector-contract.js';
import { dialects, type Dialect } from '../test-support/test-store.js';
import { databaseUrl, dropDatabase } from '../test-support/postgres-databases.js';
import { createSqlConnector, openSqlClient, type SqlClient } from './sql-connector.js';
import type { SqlConnectorDefinition } from './definitions.js';

// A vehicle register: owners and their vehicles, read through a join, as FtM's SQL mappings do.
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
            name: { columns: [o.first_name, o.last_name], join: " " }
            idNumber: { column: o.id_number }
            phone: { column: o.phone }
            email: { column: o.email }
            address: { columns: [o.street, o.city], join: ", " }
            birthDate: { column: o.born }
        vehicle:
          schema: Vehicle
          keys: [v.plate]
          properties:
            registrationNumber: { column: v.plate }
            model: { column: v.model }
            owner: { entity: owner }
`;

const SCHEMA = `
create table owners (id integer primary key, first_name text, last_name text, id_number text, phone text, email text, street text, city text, born date);
create table vehicles (plate text primary key, model text, owner_id integer references owners(id));
insert into owners values
  (1, 'Marguerite', 'Okonkwo-Reyes', 'AB 123 456 C', '+44 20 7946 0018', 'm.okonkwo@example.org', '14 Harbour Lane', 'Portsmouth', '1979-04-02'),
  (2, 'Marguerite', 'Vantongeren', 'XY 998 877 D', '+44 20 7946 0999', 'mv@example.net', '2 Quay Road', 'Dover', '1990-11-30'),
  (3, 'Tobiah', 'Scarrow', 'QQ 100 200 A', '+44 161 496 0321', 'tscarrow@example.com', '8 Mill Street', 'Leeds', null);
insert into vehicles values ('KX19 ABC', 'Transit', 1), ('LM70 DEF', 'Fiesta', 1), ('PO11 GHI', 'Corsa', 2), ('YT65 JKL', 'Golf', 3);
`;

function definition(overrides: Partial<SqlConnectorDefinition> = {}): SqlConnectorDefinition {
  return { kind: 'sql', id: 'vehicle-register-live', source: 'vehicle-register', mapping: 'vehicles.yml', url: null, timeoutMs: 5000, cacheSeconds: 300, ...overrides };
}

/** A second database, apart from casegraph's own store: PGlite in memory, or a fresh database on the PostgreSQL server. */
async function externalDatabase(dialect: Dialect): Promise<{ client: SqlClient & { end(): Promise<void> }; drop(): Promise<void> }> {
  if (dialect === 'pglite') {
    const db = new PGlite();
    await db.exec(SCHEMA);
    return { client: { query: (text, params) => db.query(text, params), end: () => db.close() }, drop: async () => undefined };
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
  await setup.query(SCHEMA);
  await setup.end();
  return { client: openSqlClient(url, 5000), drop: () => dropDatabase(server, name) };
}

describe.each(dialects())('SQL connector on %s', (dialect) => {
  const mapping = parseMapping(MAPPING, { fileName: 'vehicles.yml' });

  connectorContract(`SQL over ${dialect}`, async () => {
    const external = await externalDatabase(dialect);
    return {
      connector: createSqlConnector(definition(), mapping, external.client),
      broken: createSqlConnector(definition({ id: 'register-down' }), mapping, openSqlClient('postgres://casegraph:none@127.0.0.1:1/register', 2000)),
      planted: {
        schema: 'Person',
        name: 'Marguerite Okonkwo-Reyes',
        values: { identifier: 'AB 123 456 C', phone: '+44 20 7946 0018', email: 'm.okonkwo@example.org', address: '14 Harbour Lane, Portsmouth' },
        variants: { name: 'okonkwo-reyes marguerite', identifier: 'ab123456c', phone: '020 7946 0018', email: 'M.Okonkwo@Example.ORG', address: 'harbour lane' },
      },
      close: () => external.drop(),
    };
  });

  const call = () => ({ signal: new AbortController().signal, now: () => new Date() });

  it('answers the kinds the mapping has columns for, and gives the ids an import of the same rows gives', async () => {
    const external = await externalDatabase(dialect);
    const connector = createSqlConnector(definition(), mapping, external.client);
    try {
      expect([...connector.answers].sort()).toEqual(['address', 'email', 'identifier', 'name', 'phone']);
      const results = await connector.search({ kind: 'name', value: 'Okonkwo-Reyes' }, call());
      // The owner once (she has two vehicles) and both vehicles, each pointing at her.
      const person = results.find((e) => e.schema === 'Person');
      expect(results.filter((e) => e.schema === 'Person')).toHaveLength(1);
      expect(results.filter((e) => e.schema === 'Vehicle').map((e) => e.properties.registrationNumber?.[0]).sort()).toEqual(['KX19 ABC', 'LM70 DEF']);
      for (const vehicle of results.filter((e) => e.schema === 'Vehicle')) expect(vehicle.properties.owner).toEqual([person?.id]);
      const query = mapping.datasets[0]?.queries[0];
      if (query === undefined) throw new Error('no query');
      const imported = mapRow(query, { 'o.id': '1', 'o.first_name': 'Marguerite', 'o.last_name': 'Okonkwo-Reyes', 'v.plate': 'KX19 ABC' });
      expect(imported.entities.find((e) => e.schema === 'Person')?.id).toBe(person?.id);
      expect(person?.provenance.origin).toEqual(['1']);
      expect(person?.properties.birthDate).toEqual(['1979-04-02']);
    } finally {
      await connector.close();
      await external.drop();
    }
  });

  it('LIKE wildcards inside a word are matched literally', async () => {
    const external = await externalDatabase(dialect);
    const connector = createSqlConnector(definition(), mapping, external.client);
    try {
      for (const value of ['Okonkwo%Reyes', 'Okonkwo_Reyes', 'Okonkw\\', 'Marg%']) expect(await connector.search({ kind: 'name', value }, call()), value).toEqual([]);
      expect(await connector.search({ kind: 'name', value: 'Okonkwo-Reyes' }, call())).not.toEqual([]);
    } finally {
      await connector.close();
      await external.drop();
    }
  });

  it('a schema filter keeps only entities of that schema', async () => {
    const external = await externalDatabase(dialect);
    const connector = createSqlConnector(definition(), mapping, external.client);
    try {
      const vehicles = await connector.search({ kind: 'name', value: 'Marguerite', schema: 'Vehicle' }, call());
      expect(vehicles.length).toBe(3);
      expect(new Set(vehicles.map((e) => e.schema))).toEqual(new Set(['Vehicle']));
    } finally {
      await connector.close();
      await external.drop();
    }
  });

  it('a mapping that names no tables, an unknown table alias or an unusable column is refused when the connector is made', () => {
    const client: SqlClient = { query: () => Promise.reject(new Error('never asked')) };
    const noTables = parseMapping(MAPPING.replace(/ {6}tables:[\s\S]*?right: o\.id\n/, ''), { fileName: 'vehicles.yml' });
    expect(() => createSqlConnector(definition(), noTables, client)).toThrow(/needs `tables:`/);
    const unknownAlias = parseMapping(MAPPING.replace('column: o.phone', 'column: x.phone'), { fileName: 'vehicles.yml' });
    expect(() => createSqlConnector(definition(), unknownAlias, client)).toThrow(/names table "x", which the query does not read/);
    const injected = parseMapping(MAPPING.replace('column: o.email', 'column: "o.email; drop table owners"'), { fileName: 'vehicles.yml' });
    expect(() => createSqlConnector(definition(), injected, client)).toThrow(/not a usable column name/);
  });
});
