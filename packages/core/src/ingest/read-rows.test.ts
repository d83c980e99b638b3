import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Invalid } from '../errors.js';
import { detectFormat, readCsvRows, readJsonArray, readJsonLines, type RowItem } from './read-rows.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** The text as a byte stream cut into pieces of `size` bytes, so characters and lines straddle chunks. */
function bytes(text: string, size = 3): Readable {
  const buffer = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += size) chunks.push(buffer.subarray(i, i + size));
  return Readable.from(chunks);
}

describe('readCsvRows', () => {
  it('reads quoted commas and line breaks, drops the BOM, and reports a ragged row without stopping', async () => {
    const csv = '\ufeffid, name ,note\n1,"Smith, John","two\nlines"\n2,only two\n\n3,"Łódź ""Old"" Town",x\n4,trailing,empty,,\n';
    const items = await collect(readCsvRows(bytes(csv)));
    expect(items).toEqual<RowItem[]>([
      { rowNumber: 1, row: { id: '1', name: 'Smith, John', note: 'two\nlines' } },
      { rowNumber: 2, error: 'the row has 2 fields and the header 3' },
      { rowNumber: 3, row: { id: '3', name: 'Łódź "Old" Town', note: 'x' } },
      { rowNumber: 4, row: { id: '4', name: 'trailing', note: 'empty' } },
    ]);
  });

  it('refuses a row in another encoding, naming its column, instead of storing it garbled; UTF-8 rows around it are read', async () => {
    const latin1 = Buffer.concat([Buffer.from('id,name\n1,Zoë Brandt\n', 'utf8'), Buffer.from('2,M\xfcller\n', 'latin1'), Buffer.from('3,Łukasz\n', 'utf8')]);
    const items = await collect(readCsvRows(Readable.from([latin1])));
    expect(items[0]).toEqual({ rowNumber: 1, row: { id: '1', name: 'Zoë Brandt' } });
    expect(items[1]).toMatchObject({ rowNumber: 2, error: expect.stringMatching(/^column name is not valid UTF-8 text: .*Latin-1/) as string });
    expect(items[2]).toEqual({ rowNumber: 3, row: { id: '3', name: 'Łukasz' } });
    const lines = await collect(readJsonLines(Readable.from([Buffer.from('{"name":"M\xfcller"}\n', 'latin1')])));
    expect(lines).toMatchObject([{ rowNumber: 1, error: expect.stringMatching(/^the record is not valid UTF-8/) as string }]);
  });

  it('reads CRLF files and other delimiters', async () => {
    expect(await collect(readCsvRows(bytes('a;b\r\n1;"x\r\ny"\r\n2;z\r\n'), { delimiter: ';' }))).toEqual([
      { rowNumber: 1, row: { a: '1', b: 'x\r\ny' } },
      { rowNumber: 2, row: { a: '2', b: 'z' } },
    ]);
  });

  it('reports an unclosed quote after the rows before it', async () => {
    const items = await collect(readCsvRows(Readable.from(['id,name\n1,a\n2,"never closed\n3,c\n'])));
    expect(items[0]).toEqual({ rowNumber: 1, row: { id: '1', name: 'a' } });
    expect(items[1]).toMatchObject({ rowNumber: 2, error: expect.stringMatching(/quoted field is never closed.*rest of the file could not be read/) as string });
    expect(items).toHaveLength(2);
  });

  it('stops at a runaway record instead of holding the file in memory', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i},row ${i}`).join('\n');
    const items = await collect(readCsvRows(Readable.from([`id,name\n0,ok\n1,"open\n${rows}\n`]), { maxRecordSize: 100 }));
    expect(items[0]).toEqual({ rowNumber: 1, row: { id: '0', name: 'ok' } });
    expect(items.at(-1)).toMatchObject({ error: expect.stringMatching(/longer than 100 characters/) as string });
  });

  it('refuses a header that names a column twice', async () => {
    await expect(collect(readCsvRows(Readable.from(['a,b,a\n1,2,3\n'])))).rejects.toThrow(new Invalid('the CSV header names the column "a" twice'));
  });

  it('reads only as much input as the consumer asks for', async () => {
    let produced = 0;
    function* lines(): Generator<string> {
      yield 'id,name\n';
      for (let i = 0; i < 1_000_000; i += 1) {
        produced += 1;
        yield `${i},${'x'.repeat(50)}\n`;
      }
    }
    const first: RowItem[] = [];
    for await (const item of readCsvRows(Readable.from(lines()))) {
      first.push(item);
      if (first.length === 3) break;
    }
    expect(first.map((item) => item.rowNumber)).toEqual([1, 2, 3]);
    expect(produced).toBeLessThan(10_000);
  });

  it('passes on a failure of the input stream', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk gone'));
      },
    });
    await expect(collect(readCsvRows(failing))).rejects.toThrow('disk gone');
  });
});

describe('readJsonLines', () => {
  it('turns objects into rows, reports bad lines by number and goes on', async () => {
    const text = '\ufeff{"id": 1, "name": "Ada", "alive": false, "nick": null, "tags": ["a"], "address": {"city": "Zürich"}}\r\n\n[1, 2]\n{"id": 2, oops\n{"id": 3.5, "name": "Grace"}\n"just text"';
    expect(await collect(readJsonLines(bytes(text, 5)))).toEqual<RowItem[]>([
      { rowNumber: 1, row: { id: '1', name: 'Ada', alive: 'false', tags: '["a"]', address: '{"city":"Zürich"}' } },
      { rowNumber: 3, error: 'expected a JSON object, got a list' },
      { rowNumber: 4, error: expect.stringMatching(/^not valid JSON: /) as string },
      { rowNumber: 5, row: { id: '3.5', name: 'Grace' } },
      { rowNumber: 6, error: 'expected a JSON object, got a string' },
    ]);
  });
});

describe('readJsonArray', () => {
  it('streams the objects of an array, reporting elements that are not objects', async () => {
    const text = ' [ {"id": 1, "note": "a ] and } and \\" inside"}, 7, {"id": 2, "list": [1, {"x": 2}]} ] \n';
    expect(await collect(readJsonArray(bytes(text, 4)))).toEqual<RowItem[]>([
      { rowNumber: 1, row: { id: '1', note: 'a ] and } and " inside' } },
      { rowNumber: 2, error: 'expected a JSON object, got a number' },
      { rowNumber: 3, row: { id: '2', list: '[1,{"x":2}]' } },
    ]);
  });

  it('reports a file that is not an array, or is cut short', async () => {
    expect(await collect(readJsonArray(Readable.from(['{"id": 1}'])))).toEqual([{ rowNumber: 1, error: 'a .json file must hold one array of objects: [ {...}, {...} ]' }]);
    expect(await collect(readJsonArray(Readable.from(['[{"id": 1}, {"id": 2'])))).toEqual([
      { rowNumber: 1, row: { id: '1' } },
      { rowNumber: 2, error: 'the array is never closed (is the file cut short?)' },
    ]);
    expect(await collect(readJsonArray(Readable.from(['[]'])))).toEqual([]);
  });
});

describe('detectFormat', () => {
  it.each([
    ['people.csv', 'csv'],
    ['PEOPLE.CSV', 'csv'],
    ['rows.jsonl', 'jsonl'],
    ['rows.ndjson', 'jsonl'],
    ['rows.json', 'json'],
    ['entities.ftm.json', 'ftm'],
    ['export/entities.ftm.jsonl', 'ftm'],
  ])('%s is %s', (name, format) => {
    expect(detectFormat(name)).toBe(format);
  });

  it('refuses a name it cannot place', () => {
    expect(() => detectFormat('ledger.xlsx')).toThrow(/cannot tell the format of "ledger\.xlsx"/);
  });
});
