import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatFtmEntity, readFtmEntities, type FtmEntity, type FtmEntityItem } from './ftm-entities.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const ENTITIES: FtmEntity[] = [
  { id: 'person-1', schema: 'Person', properties: { name: ['Ada Lovelace'], birthDate: ['1815-12-10'], nationality: ['gb'] } },
  { id: 'company-1', schema: 'Company', properties: { name: ['Acme, Ltd.', 'Acme Limited'], jurisdiction: ['gb'] } },
  { id: 'own-1', schema: 'Ownership', properties: { owner: ['person-1'], asset: ['company-1'], percentage: ['50'] } },
];

describe('formatFtmEntity', () => {
  it('writes id, schema and properties sorted by name, leaving out empty properties', () => {
    expect(formatFtmEntity({ id: 'p1', schema: 'Person', properties: { name: ['Ada'], alias: ['A. L.'], email: [] } })).toBe(
      '{"id":"p1","schema":"Person","properties":{"alias":["A. L."],"name":["Ada"]}}',
    );
  });
});

describe('readFtmEntities', () => {
  it('reads back what formatFtmEntity wrote', async () => {
    const text = ENTITIES.map(formatFtmEntity).join('\n') + '\n';
    const items = await collect(readFtmEntities(Readable.from([Buffer.from(text)])));
    expect(items).toEqual(ENTITIES.map((entity, i) => ({ lineNumber: i + 1, entity })));
    const again = items.map((item) => ('entity' in item ? formatFtmEntity(item.entity) : item.error)).join('\n') + '\n';
    expect(again).toBe(text);
  });

  it('ignores extra keys, trims values and drops blanks', async () => {
    const line = '{"id":"c1","schema":"Company","caption":"Acme","datasets":["x"],"properties":{"name":[" Acme ","Acme",""],"country":["de"]}}';
    expect(await collect(readFtmEntities(Readable.from([line])))).toEqual([
      { lineNumber: 1, entity: { id: 'c1', schema: 'Company', properties: { name: ['Acme'], country: ['de'] } } },
    ]);
  });

  it('refuses lines that break the model, naming entity, property and value, and goes on', async () => {
    const lines = [
      '{"id":"p1","schema":"Persn","properties":{}}',
      '{"id":"p2","schema":"Person","properties":{"name":["Ada"],"birthday":["x"]}}',
      '{"id":"p3","schema":"Person","properties":{"name":["Ada"],"birthDate":["31/02/2020"]}}',
      'not json',
      '{"id":"p4","schema":"Thing","properties":{"name":["x"]}}',
      '{"id":"p5","schema":"Person","properties":{"name":["Grace"]}}',
    ];
    const items: FtmEntityItem[] = await collect(readFtmEntities(Readable.from([lines.join('\n')])));
    expect(items.map((item) => ('error' in item ? [item.lineNumber, item.error] : [item.lineNumber, item.entity.id]))).toEqual([
      [1, 'entity p1: unknown schema "Persn"'],
      [2, 'entity p2, property Person:birthday: schema Person has no property "birthday"'],
      [3, expect.stringMatching(/^entity p3, property Person:birthDate, value "31\/02\/2020": not an ISO date/)],
      [4, expect.stringMatching(/^not valid JSON/)],
      [5, expect.stringMatching(/^entity p4: schema Thing is abstract/)],
      [6, 'p5'],
    ]);
  });
});
