import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeEntityKey, signEntityId } from './entity-id.js';
import { mapRow } from './map-row.js';
import type { MappingQuery } from './mapping.js';
import { parseMapping } from './parse-mapping.js';
import { readCsvRows } from './read-rows.js';

const mapping = parseMapping(readFileSync(new URL('./fixtures/owners.yml', import.meta.url), 'utf8'), { fileName: 'owners.yml' });
const query = mapping.datasets[0]?.queries[0] as MappingQuery;

// Computed outside this code: printf 'testperson42Ada Lovelace' | sha1sum. The dataset name
// ("test") is FtM's key prefix, then key_literal, then the key values sorted ("42" < "Ada...").
const PERSON_ID = 'c5bbf8186fc4c121dc1cbf3dcf99dc986252a3e8';
// printf 'testcompanyACME-1' | sha1sum
const COMPANY_ID = '354a338c0b7cc5a1623023e9b9cebcca68740adf';
// python3 -c "import hmac; print(hmac.new(b'test', b'c5bb...a3e8', 'sha1').hexdigest())"
const PERSON_SIGNATURE = '67ee62fef45df61314f139361d8356466f184fd9';

const ROW: Record<string, string> = {
  owner_id: '42',
  owner_name: ' Ada Lovelace ',
  alias_1: 'Augusta Ada King',
  alias_2: '',
  street: '1 Main St',
  city: 'London',
  born: '10/12/1815',
  phones: '+44 20 7946 0018; 020 7946 0019',
  company_id: 'ACME-1',
  company_name: 'Acme, Ltd.',
  founded: '1990-05-01',
  share: '50',
  since: '2001',
  status: 'active',
  kind: 'live',
};

describe('makeEntityKey', () => {
  it('hashes prefix, key_literal and the sorted non-empty keys as FtM does', () => {
    expect(makeEntityKey({ keyPrefix: 'test', keyLiteral: 'person', values: ['Ada Lovelace', '42'] })).toBe(PERSON_ID);
    expect(makeEntityKey({ keyPrefix: 'test', keyLiteral: 'person', values: ['42', '', null, ' Ada Lovelace\n'] })).toBe(PERSON_ID);
    // printf '42' | sha1sum
    expect(makeEntityKey({ keyPrefix: null, keyLiteral: null, values: ['42'] })).toBe('92cfceb39d57d914ed8b14d0e37643de0797ae56');
    expect(makeEntityKey({ keyPrefix: 'test', keyLiteral: 'person', values: ['', '  ', undefined] })).toBeNull();
  });

  it('signs an id for a namespace as FtM Namespace does, replacing an earlier signature', () => {
    expect(signEntityId('test', PERSON_ID)).toBe(`${PERSON_ID}.${PERSON_SIGNATURE}`);
    expect(signEntityId('test', `${PERSON_ID}.0123abcd`)).toBe(`${PERSON_ID}.${PERSON_SIGNATURE}`);
    expect(signEntityId('other', PERSON_ID)).not.toBe(`${PERSON_ID}.${PERSON_SIGNATURE}`);
  });
});

describe('mapRow', () => {
  it('makes a person, a company and the ownership between them from one row', () => {
    const { entities, problems } = mapRow(query, ROW, { rowNumber: 1 });
    expect(problems).toEqual([]);
    const byName = Object.fromEntries(entities.map((e) => [e.schema, e]));
    expect(byName.Person).toEqual({
      id: PERSON_ID,
      schema: 'Person',
      properties: {
        name: ['Ada Lovelace'],
        alias: ['Augusta Ada King'],
        address: ['1 Main St, London'],
        nationality: ['gb'],
        topics: ['role.pep', 'crime'],
        birthDate: ['1815-12-10'],
        notes: ['Owner of Acme, Ltd. since 2001'],
        phone: ['+44 20 7946 0018', '020 7946 0019'],
      },
      keyValues: ['Ada Lovelace', '42'],
    });
    expect(byName.Company).toEqual({
      id: COMPANY_ID,
      schema: 'Company',
      properties: { name: ['Acme, Ltd.'], registrationNumber: ['ACME-1'], incorporationDate: ['1990-05-01'] },
      keyValues: ['ACME-1'],
    });
    expect(byName.Ownership).toEqual({
      id: makeEntityKey({ keyPrefix: 'test', keyLiteral: 'ownership', values: ['42', 'ACME-1'] }),
      schema: 'Ownership',
      properties: { owner: [PERSON_ID], asset: [COMPANY_ID], percentage: ['50'], startDate: ['2001'] },
      keyValues: ['42', 'ACME-1'],
    });
  });

  it('gives the same ids for the same row every time, and different ones without the dataset prefix', () => {
    const first = mapRow(query, ROW).entities.map((e) => e.id);
    expect(mapRow(query, { ...ROW }).entities.map((e) => e.id)).toEqual(first);
    const unprefixed = mapRow(query, ROW, { keyPrefix: null }).entities.find((e) => e.schema === 'Person');
    // printf 'person42Ada Lovelace' | sha1sum
    expect(unprefixed?.id).toBe(makeEntityKey({ keyPrefix: null, keyLiteral: 'person', values: ['42', 'Ada Lovelace'] }));
    expect(unprefixed?.id).not.toBe(PERSON_ID);
  });

  it('signs ids and the references to them when a namespace is given', () => {
    const { entities } = mapRow(query, ROW, { namespace: 'test' });
    const person = entities.find((e) => e.schema === 'Person');
    const ownership = entities.find((e) => e.schema === 'Ownership');
    expect(person?.id).toBe(`${PERSON_ID}.${PERSON_SIGNATURE}`);
    expect(ownership?.properties.owner).toEqual([person?.id]);
    expect(ownership?.id).toMatch(/^[0-9a-f]{40}\.[0-9a-f]{40}$/);
  });

  it('takes only rows the filters select', () => {
    expect(mapRow(query, { ...ROW, status: 'dissolved' })).toEqual({ entities: [], problems: [] });
    expect(mapRow(query, { ...ROW, kind: 'demo' })).toEqual({ entities: [], problems: [] });
    // `filters_not` lists null: a row without a kind is left out too.
    expect(mapRow(query, { ...ROW, kind: '  ' })).toEqual({ entities: [], problems: [] });
  });

  it('skips an entity without keys, and then the relationship that needed it, naming row, entity and property', () => {
    const { entities, problems } = mapRow(query, { ...ROW, owner_id: '', owner_name: '' }, { rowNumber: 7 });
    expect(entities.map((e) => e.schema)).toEqual(['Company']);
    expect(problems).toEqual([
      {
        kind: 'no-keys',
        rowNumber: 7,
        entity: 'person',
        property: null,
        value: null,
        message: 'row 7, entity "person": no id: every key column (owner_name, owner_id) is empty; entity skipped',
      },
      {
        kind: 'missing-required',
        rowNumber: 7,
        entity: 'ownership',
        property: 'owner',
        value: null,
        message: 'row 7, entity "ownership", property owner: Ownership requires owner, which is empty (entity "person" was not made from this row); entity skipped',
      },
    ]);
  });

  it('drops a value its type refuses and keeps the rest of the entity', () => {
    const { entities, problems } = mapRow(query, { ...ROW, born: '31/02/1815' }, { rowNumber: 3 });
    expect(entities.find((e) => e.schema === 'Person')?.properties.birthDate).toBeUndefined();
    expect(problems).toEqual([
      expect.objectContaining({ kind: 'invalid-value', entity: 'person', property: 'birthDate', value: '31/02/1815', message: expect.stringMatching(/^row 3, entity "person", property birthDate: "31\/02\/1815" dropped: there is no day 31 in february 1815/) as string }),
    ]);
  });

  it('keeps an entity whose schema-required name is empty here, but skips a relationship missing an end', () => {
    const { entities, problems } = mapRow(query, { ...ROW, company_name: '' });
    expect(entities.map((e) => e.schema)).toEqual(['Person', 'Company', 'Ownership']);
    expect(problems).toEqual([]);
    const noOwner = mapRow(query, { ...ROW, owner_id: '', owner_name: '' });
    expect(noOwner.entities.map((e) => e.schema)).toEqual(['Company']);
    expect(noOwner.problems.map((p) => [p.kind, p.entity, p.property])).toEqual([
      ['no-keys', 'person', null],
      ['missing-required', 'ownership', 'owner'],
    ]);
  });

  it('uses an id column as the id, honours `required`, and leaves a template out when its columns are empty', () => {
    const idMapping = parseMapping(
      'ds:\n  query:\n    entities:\n      c:\n        schema: Company\n        id_column: ref\n        properties:\n          name: { column: name }\n          summary: { template: "Filed {{filed}}" }\n          jurisdiction: { column: country, required: true }\n',
    );
    const idQuery = idMapping.datasets[0]?.queries[0] as MappingQuery;
    expect(mapRow(idQuery, { ref: 'co-7', name: 'Acme', country: 'fr', filed: '' }).entities).toEqual([
      { id: 'co-7', schema: 'Company', properties: { name: ['Acme'], jurisdiction: ['fr'] }, keyValues: ['co-7'] },
    ]);
    expect(mapRow(idQuery, { ref: 'co-7', name: 'Acme', country: '' }).problems.map((p) => p.message)).toEqual([
      'entity "c", property jurisdiction: jurisdiction is marked required in the mapping and is empty; entity skipped',
    ]);
    expect(mapRow(idQuery, { ref: 'has space', name: 'Acme', country: 'fr' }).problems[0]?.kind).toBe('invalid-id');
  });

  it('maps the rows of a CSV file read as a stream', async () => {
    const ids: string[] = [];
    for await (const item of readCsvRows(createReadStream(fileURLToPath(new URL('./fixtures/owners.csv', import.meta.url))))) {
      if (!('row' in item)) throw new Error(item.error);
      ids.push(...mapRow(query, item.row, { rowNumber: item.rowNumber }).entities.map((e) => e.id));
    }
    expect(ids.slice(0, 2)).toEqual([PERSON_ID, COMPANY_ID]);
  });
});
