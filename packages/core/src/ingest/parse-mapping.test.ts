import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MappingError } from './mapping.js';
import { parseMapping } from './parse-mapping.js';

const OWNERSHIP_MAPPING = readFileSync(new URL('./fixtures/owners.yml', import.meta.url), 'utf8');

/** Runs parseMapping on a query body and returns the MappingError it throws. */
function mappingError(yaml: string): MappingError {
  try {
    parseMapping(yaml, { fileName: 'bad.yml' });
  } catch (error) {
    expect(error).toBeInstanceOf(MappingError);
    return error as MappingError;
  }
  throw new Error('expected a MappingError');
}

/** A one-query mapping around the given `entities:` block (indented by 6). */
function withEntities(entities: string): string {
  return `test:\n  queries:\n    - csv_url: rows.csv\n      entities:\n${entities}`;
}

describe('parseMapping', () => {
  it('reads every kind of value specification and orders entities after the ones they point to', () => {
    const mapping = parseMapping(OWNERSHIP_MAPPING, { fileName: 'owners.yml' });
    expect(mapping.fileName).toBe('owners.yml');
    const [dataset] = mapping.datasets;
    expect(dataset?.name).toBe('test');
    expect(dataset?.metadata).toEqual({ label: 'Company owners' });
    const query = dataset?.queries[0];
    expect(query?.source).toEqual({ csvUrls: ['owners.csv'], jsonUrls: [], database: null, tables: null, joins: null });
    expect(query?.filters).toEqual([{ column: 'status', values: ['active'] }]);
    expect(query?.filtersNot).toEqual([{ column: 'kind', values: ['test', 'demo', null] }]);
    expect(query?.entities.map((e) => e.name)).toEqual(['person', 'company', 'ownership']);
    const person = query?.entities[0];
    expect(person).toMatchObject({ schema: 'Person', keys: ['owner_name', 'owner_id'], keyLiteral: 'person', idColumn: null });
    const spec = Object.fromEntries((person?.properties ?? []).map((p) => [p.property, p]));
    expect(spec.name?.value).toEqual({ kind: 'values', literals: [], columns: ['owner_name'], join: null, split: null, format: null });
    expect(spec.alias?.value).toMatchObject({ kind: 'values', columns: ['alias_1', 'alias_2'] });
    expect(spec.address?.value).toMatchObject({ kind: 'values', columns: ['street', 'city'], join: ', ' });
    expect(spec.nationality?.value).toMatchObject({ kind: 'values', literals: ['GB'], columns: [] });
    expect(spec.topics?.value).toMatchObject({ kind: 'values', literals: ['role.pep', 'crime'] });
    expect(spec.birthDate?.value).toMatchObject({ kind: 'values', columns: ['born'], format: '%d/%m/%Y' });
    expect(spec.notes?.value).toEqual({ kind: 'template', template: 'Owner of {{company_name}} since {{since}}', columns: ['company_name', 'since'], format: null });
    expect(spec.phone?.value).toMatchObject({ kind: 'values', columns: ['phones'], split: ';' });
    const ownership = query?.entities[2];
    expect(ownership?.properties.find((p) => p.property === 'owner')).toEqual({ property: 'owner', type: 'entity', value: { kind: 'entity', entity: 'person' }, required: false });
    expect(mapping.warnings).toEqual([]);
  });

  it('accepts a single `query:`, a single key and an id column', () => {
    const mapping = parseMapping(
      'ds:\n  query:\n    entities:\n      a:\n        schema: Company\n        key: id\n        properties:\n          name: { column: name }\n      b:\n        schema: Company\n        id_column: other_id\n        properties:\n          name: { column: other }\n',
    );
    const entities = mapping.datasets[0]?.queries[0]?.entities;
    expect(entities?.map((e) => [e.name, e.keys, e.idColumn])).toEqual([
      ['a', ['id'], null],
      ['b', [], 'other_id'],
    ]);
  });

  it('reports malformed YAML with its line', () => {
    const error = mappingError('test:\n  queries:\n    - entities: [oops\n      other: 1\n');
    expect(error.message).toBe('bad.yml:4: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]');
    expect(error.location.line).toBe(4);
    const duplicate = mappingError('test:\n  queries: []\n  queries: []\n');
    expect(duplicate.message).toMatch(/^bad\.yml:3: not valid YAML: Map keys must be unique/);
  });

  it('refuses an empty file and a dataset without queries', () => {
    expect(mappingError('').message).toBe('bad.yml: the file is empty; expected dataset names with their queries');
    expect(mappingError('test:\n  label: x\n').message).toBe('bad.yml:1, dataset "test": the dataset has no `queries:` (or `query:`)');
  });

  it('names the file, line, entity and property of an unknown schema, abstract schema or unknown property', () => {
    expect(mappingError(withEntities('        p:\n          schema: Persn\n          keys: [id]\n')).message).toBe(
      'bad.yml:6, dataset "test", query 1, entity "p": unknown schema "Persn"',
    );
    expect(mappingError(withEntities('        p:\n          schema: person\n          keys: [id]\n')).message).toMatch(/unknown schema "person" \(did you mean Person\?\)/);
    expect(mappingError(withEntities('        t:\n          schema: Thing\n          keys: [id]\n')).message).toMatch(
      /^bad\.yml:6, dataset "test", query 1, entity "t": schema Thing is abstract and cannot be created; use one of /,
    );
    const unknownProperty = mappingError(withEntities('        p:\n          schema: Person\n          keys: [id]\n          properties:\n            name: { column: n }\n            birthday: { column: b }\n'));
    expect(unknownProperty.message).toBe('bad.yml:10, dataset "test", query 1, entity "p", property "birthday": schema Person has no property "birthday"');
    expect(unknownProperty.location).toMatchObject({ fileName: 'bad.yml', line: 10, entity: 'p', property: 'birthday' });
  });

  it('refuses entity references that point nowhere, at the wrong schema, or from a non-entity property', () => {
    const base = '        c:\n          schema: Company\n          keys: [cid]\n          properties:\n            name: { column: cname }\n';
    const owns = (owner: string, asset: string) =>
      `        o:\n          schema: Ownership\n          keys: [oid]\n          properties:\n            owner: ${owner}\n            asset: ${asset}\n`;
    expect(mappingError(withEntities(base + owns('{ entity: person }', '{ entity: c }'))).message).toBe(
      'bad.yml:14, dataset "test", query 1, entity "o", property "owner": no entity "person" in this query (it defines c)',
    );
    const address = '        a:\n          schema: Address\n          keys: [aid]\n          properties:\n            full: { column: addr }\n';
    expect(mappingError(withEntities(base + address + owns('{ entity: a }', '{ entity: c }'))).message).toMatch(
      /entity "o", property "owner": Ownership:owner must point to a LegalEntity, and "a" is a Address$/,
    );
    expect(mappingError(withEntities(base + owns('{ column: owner_id }', '{ entity: c }'))).message).toMatch(
      /property "owner": Ownership:owner points to another entity \(a LegalEntity\); use `entity: <name of an entity in this query>`$/,
    );
    expect(mappingError(withEntities('        c:\n          schema: Company\n          keys: [cid]\n          properties:\n            name: { entity: c }\n')).message).toMatch(
      /property "name": Company:name holds name values, not a reference to another entity/,
    );
  });

  it('refuses circular references', () => {
    const company = (name: string, parent: string) =>
      `        ${name}:\n          schema: Company\n          keys: [${name}_id]\n          properties:\n            name: { column: n }\n            parent: { entity: ${parent} }\n`;
    expect(mappingError(withEntities(company('a', 'b') + company('b', 'a'))).message).toMatch(/circular references between "a", "b"/);
  });

  it('refuses entities without keys, with keys and an id column, or with the same id rule', () => {
    expect(mappingError(withEntities('        p:\n          schema: Person\n          properties:\n            name: { column: n }\n')).message).toBe(
      'bad.yml:5, dataset "test", query 1, entity "p": the entity has no keys: list the columns that identify it in `keys` (or name an `id_column`)',
    );
    expect(mappingError(withEntities('        p:\n          schema: Person\n          keys: [id]\n          id_column: id\n          properties:\n            name: { column: n }\n')).message).toMatch(
      /use either `keys` or `id_column`, not both/,
    );
    const twin = (name: string, schema: string) => `        ${name}:\n          schema: ${schema}\n          keys: [id]\n          properties:\n            name: { column: n }\n`;
    expect(mappingError(withEntities(twin('p', 'Person') + twin('c', 'Company'))).message).toMatch(
      /entity "c": "p" and "c" have the same keys and would get the same id; give one a `key_literal`/,
    );
  });

  it('refuses unknown keys, empty specifications and misplaced options', () => {
    const person = (spec: string) => withEntities(`        p:\n          schema: Person\n          keys: [id]\n          properties:\n            name: ${spec}\n`);
    expect(mappingError(person('{ colum: n }')).message).toMatch(/^bad\.yml:\d+, .*property "name": unknown property key "colum" \(allowed: column, columns/);
    expect(mappingError(person('{ join: " " }')).message).toMatch(/property "name": no values: give `column`/);
    expect(mappingError(person('{ column: n, format: "%Y" }')).message).toMatch(/`format` applies to dates; Person:name holds name values/);
    expect(mappingError(person('{ template: "{{a}}", column: b }')).message).toMatch(/`template` cannot be combined with `column`/);
    expect(mappingError(person('n')).message).toMatch(/expected a mapping such as `\{ column: name \}`/);
    expect(mappingError(withEntities('        p:\n          schema: Person\n          keys: [id]\n          propertes: {}\n')).message).toMatch(/unknown entity key "propertes"/);
    expect(mappingError('test:\n  queries:\n    - csv_url: a.csv\n      filter: { a: b }\n      entities: {}\n').message).toMatch(/unknown query key "filter"/);
    expect(
      mappingError(withEntities('        p:\n          schema: Person\n          keys: [id]\n          properties:\n            name: { column: n }\n            birthDate: { column: b, format: "%d/%Y" }\n')).message,
    ).toMatch(/property "birthDate": the format gives the day but not the month/);
  });

  it('refuses the reverse side of a relationship and warns about deprecated parts of the model', () => {
    expect(mappingError(withEntities('        p:\n          schema: Person\n          keys: [id]\n          properties:\n            name: { column: n }\n            ownershipOwner: { column: x }\n')).message).toBe(
      'bad.yml:10, dataset "test", query 1, entity "p", property "ownershipOwner": Person:ownershipOwner is the reverse side of a relationship; map the relationship entity instead',
    );
    const mapping = parseMapping(
      withEntities('        a:\n          schema: Company\n          keys: [a]\n          properties:\n            name: { column: n }\n        b:\n          schema: Company\n          keys: [b]\n          properties:\n            name: { column: m }\n            parent: { entity: a }\n'),
      { fileName: 'old.yml' },
    );
    expect(mapping.warnings).toEqual(['old.yml, dataset "test", query 1, entity "b", property "parent": Company:parent is deprecated']);
  });

  it('refuses a relationship that never sets an end its schema requires, and accepts a partial entity', () => {
    expect(mappingError(withEntities('        p:\n          schema: Person\n          keys: [id]\n          properties:\n            name: { column: n }\n        o:\n          schema: Ownership\n          keys: [id]\n          properties:\n            owner: { entity: p }\n')).message).toMatch(
      /entity "o": schema Ownership requires asset; map it under `properties`/,
    );
    expect(() => parseMapping(withEntities('        p:\n          schema: Person\n          keys: [id]\n          properties:\n            firstName: { column: f }\n'))).not.toThrow();
  });
});
