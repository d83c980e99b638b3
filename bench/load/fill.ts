// The load benchmark's store: N entities written by SQL (people with names, birth dates, phones
// and addresses; companies with names and registration numbers; ownerships, directorships and
// family links between them), their rows in the search index as the index's own code computes
// them, and 10,000 analysts in teams of ten, each team on a case of its own.
import type pg from 'pg';
import { createCase, createContext, createDb, defaultConfig, LOCAL_OPERATOR, registerSource, type Actor } from '@casegraph/core';
import { madeUpAddresses, madeUpCompanyNames, madeUpWords, nameTokensOf, type IndexedPhrase, type NameToken } from './vocabulary.js';
import { databaseUrl, onServer } from '../postgres.js';

const BATCH = 1_000_000;
const NOW = `'2026-01-01T00:00:00Z'::timestamptz`;
const COLUMNS = 'id, entity_id, schema, property, prop_type, value, normalized, source_id, origin, first_seen, last_seen';
/** The store_info key a finished fill leaves, with its size. */
export const MARKER = 'bench.load.entities';
const PURPOSES = ['fraud-audit', 'financial-investigation', 'criminal-investigation', 'administration'];

/** The sources the records come from, each with its own sharing policy. */
export const LOAD_SOURCES = [
  { id: 'people-register', name: 'Population register extract', legalBasis: 'Data-sharing agreement 2026/14', purposes: PURPOSES, retentionDays: 3650 },
  { id: 'telecom', name: 'Telecom subscriber records', legalBasis: 'Production order', purposes: ['fraud-audit', 'criminal-investigation'], retentionDays: 730 },
  { id: 'land-registry', name: 'Land registry addresses', legalBasis: 'Public register', purposes: PURPOSES, retentionDays: null },
  { id: 'companies-register', name: 'Companies register', legalBasis: 'Public register', purposes: PURPOSES, retentionDays: null },
] as const;

/** How the N entities divide into people, companies and relationships; the sizes of the vocabularies. */
export interface LoadShape {
  entities: number;
  people: number;
  companies: number;
  relationships: number;
  givenNames: number;
  familyNames: number;
  addresses: number;
  companyNames: number;
  users: number;
  team: number;
}

/** 80% people, 10% companies, 10% relationship entities; names repeat as in a real population. */
export function loadShape(entities: number, users: number, team: number): LoadShape {
  const people = Math.round(entities * 0.8);
  const companies = Math.round(entities * 0.1);
  return {
    entities,
    people,
    companies,
    relationships: entities - people - companies,
    givenNames: Math.min(600, Math.max(50, Math.round(people / 1000))),
    familyNames: Math.min(4000, Math.max(100, Math.round(people / 200))),
    addresses: Math.min(500_000, Math.max(100, Math.ceil(people / 4))),
    companyNames: Math.min(1_000_000, companies),
    users,
    team,
  };
}

/** The name of the database that holds a store of this many entities. */
export function loadDatabaseName(entities: number): string {
  return `casegraph_bench_load_${entities}`;
}

function log(started: number, text: string): void {
  process.stderr.write(`  ${text} (${Math.round((Date.now() - started) / 1000)} s)\n`);
}

/**
 * The database of a finished fill of this size: kept as it is with `reuse`, otherwise made again
 * from nothing. Answers its connection string.
 */
export async function prepareLoadStore(url: string, shape: LoadShape, options: { reuse: boolean }): Promise<string> {
  const name = loadDatabaseName(shape.entities);
  const target = databaseUrl(url, name);
  const exists = await onServer(url, async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
  if (exists && options.reuse) {
    const marker = await onServer(target, async (c) => (await c.query<{ value: string }>('select value from store_info where key = $1', [MARKER]).catch(() => ({ rows: [] }))).rows[0]?.value);
    if (marker !== undefined) {
      const store = await createDb({ databaseUrl: target });
      await store.close();
      process.stderr.write(`  reusing database ${name} (${Number(marker).toLocaleString('en')} entities)\n`);
      return target;
    }
    throw new Error(`database ${name} holds no finished fill: run again without --reuse to make it`);
  }
  await onServer(url, async (c) => {
    if (exists) await c.query(`drop database ${name} with (force)`);
    await c.query(`create database ${name}`);
  });
  await fillLoadStore(target, shape);
  return target;
}

/** Writes the whole store into an empty database. */
async function fillLoadStore(target: string, shape: LoadShape): Promise<void> {
  const started = Date.now();
  const store = await createDb({ databaseUrl: target });
  try {
    const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig() });
    for (const source of LOAD_SOURCES) await registerSource(operator, { ...source, purposes: [...source.purposes], owner: 'Benchmark', mayCombine: true });
  } finally {
    await store.close();
  }
  const given = nameTokensOf(madeUpWords(shape.givenNames, 2, 11));
  const family = nameTokensOf(madeUpWords(shape.familyNames, 3, 12));
  const addresses = madeUpAddresses(shape.addresses, 13);
  const companyNames = madeUpCompanyNames(shape.companyNames, 14);
  log(started, `vocabulary: ${given.length} given names, ${family.length} family names, ${addresses.length.toLocaleString('en')} addresses, ${companyNames.length.toLocaleString('en')} company names`);
  await onServer(target, async (client) => {
    await client.query(`set maintenance_work_mem = '1GB'`);
    // Checking the search index's reference to statements is one join of every row.
    await client.query(`set work_mem = '512MB'`);
    await client.query('set synchronous_commit = off');
    await writeVocabulary(client, given, family, addresses, companyNames);
    const rebuild = await dropIndexes(client);
    for (const step of recordSteps(shape)) {
      await client.query(step.sql);
      log(started, step.label);
    }
    for (const statement of rebuild) {
      await client.query(statement);
      log(started, statement.slice(0, 90));
    }
    // The words of names, each once, as the write path keeps them for close spellings.
    await client.query(`insert into search_words (word) select distinct substr(t, 3) from search_values, unnest(terms) as t where grp = 'name' and t like 't:%' and length(t) >= 5`);
    log(started, 'words of names');
    await client.query('analyze statements');
    await client.query('analyze search_values');
    await client.query('analyze search_words');
    for (const table of ['load_given', 'load_family', 'load_addresses', 'load_companies']) await client.query(`drop table ${table}`);
    log(started, 'analyzed');
  });
  await addAnalysts(target, shape);
  log(started, `${shape.users.toLocaleString('en')} analysts on ${Math.ceil(shape.users / shape.team).toLocaleString('en')} cases`);
  await onServer(target, (c) => c.query(`insert into store_info (key, value) values ($1, $2)`, [MARKER, String(shape.entities)]));
}

/** The vocabularies as tables the generating SQL joins, numbered from 0. */
async function writeVocabulary(client: pg.Client, given: NameToken[], family: NameToken[], addresses: IndexedPhrase[], companies: IndexedPhrase[]): Promise<void> {
  for (const table of ['load_given', 'load_family']) await client.query(`create table ${table} (n integer primary key, word text not null, token text not null, terms text[] not null)`);
  for (const table of ['load_addresses', 'load_companies']) await client.query(`create table ${table} (n integer primary key, value text not null, normalized text not null, key text not null, terms text[] not null)`);
  const insertTokens = (table: string, tokens: NameToken[]) =>
    client.query(
      `insert into ${table} select u.n - 1, u.word, u.token, array(select jsonb_array_elements_text(u.terms::jsonb))
       from unnest($1::text[], $2::text[], $3::text[]) with ordinality as u(word, token, terms, n)`,
      [tokens.map((t) => t.word), tokens.map((t) => t.token), tokens.map((t) => JSON.stringify(t.terms))],
    );
  await insertTokens('load_given', given);
  await insertTokens('load_family', family);
  const insertPhrases = async (table: string, phrases: IndexedPhrase[]) => {
    for (let from = 0; from < phrases.length; from += 50_000) {
      const part = phrases.slice(from, from + 50_000);
      await client.query(
        `insert into ${table} select u.n - 1 + $5, u.value, u.normalized, u.key, array(select jsonb_array_elements_text(u.terms::jsonb))
         from unnest($1::text[], $2::text[], $3::text[], $4::text[]) with ordinality as u(value, normalized, key, terms, n)`,
        [part.map((p) => p.value), part.map((p) => p.normalized), part.map((p) => p.key), part.map((p) => JSON.stringify(p.terms)), from],
      );
    }
  };
  await insertPhrases('load_addresses', addresses);
  await insertPhrases('load_companies', companies);
}

/**
 * Drops the secondary indexes, the primary keys and the search index's reference to statements
 * while the rows go in (building each once at the end is many times faster than keeping it up
 * row by row); answers the statements that make them again, keys first.
 */
async function dropIndexes(client: pg.Client): Promise<string[]> {
  const constraints = (
    await client.query<{ table: string; name: string; definition: string; kind: string }>(
      `select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as definition, contype as kind
       from pg_constraint where conrelid in ('statements'::regclass, 'search_values'::regclass) and contype in ('p', 'f')`,
    )
  ).rows;
  const keyNames = new Set(constraints.map((c) => c.name));
  const indexes = (
    await client.query<{ name: string; definition: string }>(
      `select indexname as name, indexdef as definition from pg_indexes where schemaname = current_schema() and tablename in ('statements', 'search_values')`,
    )
  ).rows.filter((index) => !keyNames.has(index.name));
  const foreign = constraints.filter((c) => c.kind === 'f');
  const primary = constraints.filter((c) => c.kind === 'p');
  for (const c of foreign) await client.query(`alter table ${c.table} drop constraint ${c.name}`);
  for (const c of primary) await client.query(`alter table ${c.table} drop constraint ${c.name}`);
  for (const index of indexes) await client.query(`drop index ${index.name}`);
  return [
    ...primary.map((c) => `alter table ${c.table} add constraint ${c.name} ${c.definition}`),
    ...foreign.map((c) => `alter table ${c.table} add constraint ${c.name} ${c.definition}`),
    ...indexes.map((index) => index.definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS ')),
  ];
}

/** The person, company and relationship rows, in batches of a million entities. */
function recordSteps(shape: LoadShape): Array<{ label: string; sql: string }> {
  const steps: Array<{ label: string; sql: string }> = [];
  const { people, companies, relationships, givenNames, familyNames, addresses, companyNames } = shape;
  const positive = (x: string) => `(hashint8((${x})::bigint) & 9223372036854775807)`;
  for (let from = 1; from <= people; from += BATCH) {
    const to = Math.min(people, from + BATCH - 1);
    const range = `generate_series(${from}, ${to}) i
      join load_given g on g.n = (i - 1) % ${givenNames}
      join load_family f on f.n = ((i - 1) / ${givenNames} + (i - 1) * 7) % ${familyNames}
      join load_addresses a on a.n = ((i - 1) / 4) % ${addresses}`;
    const phone = `lpad(i::text, 8, '0')`;
    const born = `to_char(date '1940-01-01' + (${positive('i')} % 21000)::int, 'YYYY-MM-DD')`;
    steps.push({
      label: `people ${to.toLocaleString('en')} of ${people.toLocaleString('en')}`,
      sql: `insert into statements (${COLUMNS})
        select md5('lp' || i || ':' || p.property), 'lp' || i, 'Person', p.property, p.prop_type, p.value, p.normalized, p.source, 'person-' || i, ${NOW}, ${NOW}
        from ${range}
        cross join lateral (values
          ('name', 'name', g.word || ' ' || f.word, lower(g.word || ' ' || f.word), 'people-register'),
          ('birthDate', 'date', ${born}, ${born}, 'people-register'),
          ('phone', 'phone', '+31 6 ' || ${phone}, '+316' || ${phone}, 'telecom'),
          ('address', 'address', a.value, a.normalized, 'land-registry')) p(property, prop_type, value, normalized, source)`,
    });
    steps.push({
      label: `people's search rows ${to.toLocaleString('en')}`,
      sql: `insert into search_values (statement_id, entity_id, source_id, grp, key, terms)
        select md5('lp' || i || ':' || p.property), 'lp' || i, p.source, p.grp, p.key, p.terms
        from ${range}
        cross join lateral (values
          ('name', 'people-register', 'name',
            case when g.token collate "C" <= f.token collate "C" then g.token || ' ' || f.token else f.token || ' ' || g.token end, g.terms || f.terms),
          ('phone', 'telecom', 'phone', '+316' || ${phone}, array['x:+316' || ${phone}]),
          ('address', 'land-registry', 'address', a.key, a.terms)) p(property, source, grp, key, terms)`,
    });
  }
  for (let from = 1; from <= companies; from += BATCH) {
    const to = Math.min(companies, from + BATCH - 1);
    const range = `generate_series(${from}, ${to}) j join load_companies c on c.n = (j - 1) % ${companyNames}`;
    const number = `'NL' || lpad(j::text, 9, '0')`;
    steps.push({
      label: `companies ${to.toLocaleString('en')} of ${companies.toLocaleString('en')}`,
      sql: `insert into statements (${COLUMNS})
        select md5('lc' || j || ':' || p.property), 'lc' || j, 'Company', p.property, p.prop_type, p.value, p.normalized, 'companies-register', 'company-' || j, ${NOW}, ${NOW}
        from ${range}
        cross join lateral (values
          ('name', 'name', c.value, c.normalized),
          ('registrationNumber', 'identifier', ${number}, ${number}),
          ('jurisdiction', 'country', 'nl', 'nl')) p(property, prop_type, value, normalized)`,
    });
    steps.push({
      label: `companies' search rows ${to.toLocaleString('en')}`,
      sql: `insert into search_values (statement_id, entity_id, source_id, grp, key, terms)
        select md5('lc' || j || ':' || p.property), 'lc' || j, 'companies-register', p.grp, p.key, p.terms
        from ${range}
        cross join lateral (values
          ('name', 'name', c.key, c.terms),
          ('registrationNumber', 'identifier', ${number}, array['x:' || ${number}])) p(property, grp, key, terms)`,
    });
  }
  // One relationship in three of each kind; one ownership or directorship in a hundred goes to one
  // of the hundred busiest companies.
  const person = (salt: number) => `'lp' || (1 + ${positive(`k + ${salt}`)} % ${people})`;
  const company = `'lc' || (case when k % 100 = 0 then 1 + (k / 100) % ${Math.min(100, companies)} else 1 + ${positive('k + 7')} % ${companies} end)`;
  for (let from = 1; from <= relationships; from += BATCH) {
    const to = Math.min(relationships, from + BATCH - 1);
    steps.push({
      label: `relationships ${to.toLocaleString('en')} of ${relationships.toLocaleString('en')}`,
      sql: `insert into statements (${COLUMNS})
        select md5(r.id || ':' || p.property), r.id, r.schema, p.property, 'entity', p.value, p.value, r.source, r.id, ${NOW}, ${NOW}
        from (select 'lr' || k as id, k % 3 as kind,
                     (array['Ownership', 'Directorship', 'Family'])[1 + k % 3] as schema,
                     case when k % 3 = 2 then 'people-register' else 'companies-register' end as source,
                     ${person(0)} as a, case when k % 3 = 2 then ${person(13)} else ${company} end as b
              from generate_series(${from}, ${to}) k) r
        cross join lateral (values
          ((array['owner', 'director', 'person'])[1 + r.kind], r.a),
          ((array['asset', 'organization', 'relative'])[1 + r.kind], r.b)) p(property, value)`,
    });
  }
  return steps;
}

/** Organisations, analysts in teams of `team` from one organisation each, and one case per team opened by its first member. */
export async function addAnalysts(target: string, shape: LoadShape): Promise<void> {
  const organisations = 4;
  await onServer(target, async (client) => {
    await client.query(`insert into organisations (id, name) select 'org-' || o, 'Investigation unit ' || o from generate_series(1, ${organisations}) o`);
    await client.query(
      `insert into users (id, username, display_name, organisation, roles, compartments, password_hash)
       select 'load-user-' || u, 'load-user-' || u, 'Load Analyst ' || u, 'org-' || (1 + ((u - 1) / ${shape.team}) % ${organisations}), '{analyst}', '{}', null
       from generate_series(1, ${shape.users}) u`,
    );
  });
  const store = await createDb({ databaseUrl: target, migrate: false });
  try {
    const cases = Math.ceil(shape.users / shape.team);
    const owners: Array<{ team: number; caseId: string }> = [];
    for (let t = 0; t < cases; t++) {
      const u = t * shape.team + 1;
      const actor: Actor = { userId: `load-user-${u}`, sessionId: null, organisation: `org-${1 + (t % organisations)}`, roles: ['analyst'], compartments: [] };
      const opened = await createCase(createContext({ db: store.db, actor, config: defaultConfig() }), { title: `Load case ${t + 1}`, purpose: 'fraud-audit', summary: 'Synthetic case for the load benchmark' });
      owners.push({ team: t, caseId: opened.id });
    }
    await store.db.transaction().execute(async (trx) => {
      for (const owner of owners) {
        const members = [];
        for (let m = 1; m < shape.team; m++) {
          const u = owner.team * shape.team + 1 + m;
          if (u > shape.users) break;
          members.push({ case_id: owner.caseId, user_id: `load-user-${u}`, role: 'investigator' as const, added_at: new Date(), added_by: `load-user-${owner.team * shape.team + 1}` });
        }
        if (members.length > 0) await trx.insertInto('case_members').values(members).execute();
      }
    });
  } finally {
    await store.close();
  }
}
