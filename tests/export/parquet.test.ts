import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS, writeParquet, type ExportRow, type ParquetOptions } from '../../src/export/index.js';
import { collector, generatedRow, generatedRows, sampleRows } from './fixtures.js';

function arrayBufferOf(bytes: Buffer): ArrayBuffer {
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return copy;
}

async function parquetOf(
  rows: AsyncIterable<ExportRow> | Iterable<ExportRow>,
  opts: ParquetOptions = {},
): Promise<ArrayBuffer> {
  const { out, bytes } = collector();
  await writeParquet(rows, out, opts);
  return arrayBufferOf(bytes());
}

describe('writeParquet', () => {
  it('round-trips every column, with typed dates and nested tags', async () => {
    const rows = sampleRows();
    const file = await parquetOf(rows);
    const read = await parquetReadObjects({ file });
    expect(read).toHaveLength(rows.length);
    read.forEach((record, i) => {
      const row = rows[i];
      expect(Object.keys(record)).toEqual([...EXPORT_COLUMNS]);
      expect(record).toMatchObject({
        ...row,
        sitting_date: new Date(`${row?.sitting_date}T00:00:00Z`),
        evidence_terms: [...new Set(row?.tags.flatMap((t) => t.evidence_terms))],
      });
    });
    expect(read[0]?.tags).toEqual(rows[0]?.tags);
    expect(read[2]?.tags).toEqual([]);
  });

  it('writes 25,000 rows in row groups that a reader reads back with citations intact', async () => {
    const count = 25_000;
    const file = await parquetOf(generatedRows(count), { rowGroupSize: 10_000, rowGroupBytes: 2 ** 40 });
    const meta = parquetMetadata(file);
    expect(meta.num_rows).toBe(BigInt(count));
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([10_000, 10_000, 5_000]);
    expect(meta.created_by).toBe('hansard-watch');

    const read = await parquetReadObjects({
      file,
      columns: ['gid', 'citation', 'twfy_url', 'colnum', 'tags'],
    });
    expect(read).toHaveLength(count);
    for (const i of [0, 1, 9_999, 10_000, 17_321, 24_999]) {
      const expected = generatedRow(i);
      expect(read[i]).toMatchObject({
        gid: expected.gid,
        citation: expected.citation,
        twfy_url: expected.twfy_url,
        colnum: expected.colnum,
        tags: expected.tags,
      });
    }
    const citations = read.map((r) => String(r.citation));
    expect(
      citations.every((c) =>
        /^(HC Deb|HL Deb|Westminster Hall|Written Answers|Written Ministerial Statements|SP OR|NIA Official Report) \d{1,2} (October|November) 2009/.test(
          c,
        ),
      ),
    ).toBe(true);
  });

  it('closes row groups early when rows are large, so speech mode stays bounded too', async () => {
    async function* speeches(): AsyncGenerator<ExportRow> {
      for (let i = 0; i < 100; i++)
        yield { ...generatedRow(i), text: `${i} `.padEnd(50_000, 'lorem ipsum ') };
    }
    const file = await parquetOf(speeches(), { rowGroupBytes: 2 ** 20 });
    const groups = parquetMetadata(file).row_groups.map((g) => Number(g.num_rows));
    expect(groups.reduce((a, b) => a + b, 0)).toBe(100);
    expect(Math.max(...groups)).toBeLessThanOrEqual(21);
    const read = await parquetReadObjects({ file, columns: ['text'] });
    expect(String(read[99]?.text)).toMatch(/^99 lorem/);
  });

  it('writes a valid empty file for no rows', async () => {
    const file = await parquetOf([]);
    expect(parquetMetadata(file).num_rows).toBe(0n);
    expect(await parquetReadObjects({ file })).toEqual([]);
  });

  it('stores caller metadata in the footer', async () => {
    const { out, bytes } = collector();
    await writeParquet(sampleRows(), out, { metadata: { 'hansard-watch.filters': '{"tag":"outsourcing"}' } });
    const kv = parquetMetadata(arrayBufferOf(bytes())).key_value_metadata ?? [];
    expect(kv).toContainEqual({ key: 'hansard-watch.filters', value: '{"tag":"outsourcing"}' });
    expect(kv).toContainEqual({ key: 'hansard-watch.columns', value: EXPORT_COLUMNS.join(',') });
  });

  it('rejects a malformed sitting date instead of writing a wrong day', async () => {
    const [row] = sampleRows();
    const { out } = collector();
    await expect(writeParquet([{ ...row!, sitting_date: '26/10/2009' }], out)).rejects.toThrow(/YYYY-MM-DD/);
  });

  it('rejects a nonsensical row group size', async () => {
    await expect(writeParquet([], collector().out, { rowGroupSize: 0 })).rejects.toThrow(RangeError);
    await expect(writeParquet([], collector().out, { rowGroupBytes: 1.5 })).rejects.toThrow(RangeError);
  });
});
