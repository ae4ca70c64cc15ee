import { describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS, csvField, writeCsv, type ExportColumn } from '../../src/export/index.js';
import { collector, sampleRows } from './fixtures.js';
import { parseCsv } from './rfc4180.js';

async function csvOf(
  opts: Parameters<typeof writeCsv>[2] = {},
): Promise<{ raw: string; records: string[][] }> {
  const { out, text } = collector();
  await writeCsv(sampleRows(), out, opts);
  const raw = text();
  return { raw, records: parseCsv(raw.replace(/^\uFEFF/, '')) };
}

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "no"', '"say ""no"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['carriage\rreturn', '"carriage\rreturn"'],
    ['Ysbyty Gwynedd — £12m', 'Ysbyty Gwynedd — £12m'],
    ['=1+1', '=1+1'],
  ])('%j → %j', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+44', "'+44"],
    ['-£3m', "'-£3m"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tindented', "'\tindented"],
    ['\rreturn', `"'\rreturn"`],
    ['=HYPERLINK("x","y")', `"'=HYPERLINK(""x"",""y"")"`],
    ['safe text', 'safe text'],
    ['a-b', 'a-b'],
  ])('safeForSpreadsheets: %j → %j', (value, field) => {
    expect(csvField(value, true)).toBe(field);
  });
});

describe('writeCsv', () => {
  it('round-trips through a strict RFC 4180 parser, header first', async () => {
    const { records } = await csvOf();
    const rows = sampleRows();
    expect(records[0]).toEqual([...EXPORT_COLUMNS]);
    expect(records).toHaveLength(rows.length + 1);
    rows.forEach((row, i) => {
      const record = records[i + 1] ?? [];
      const cell = (name: ExportColumn): string | undefined => record[EXPORT_COLUMNS.indexOf(name)];
      expect(record).toHaveLength(EXPORT_COLUMNS.length);
      expect(cell('gid')).toBe(row.gid);
      expect(cell('text')).toBe(row.text);
      expect(cell('minor_heading')).toBe(row.minor_heading ?? '');
      expect(cell('time')).toBe(row.time ?? '');
      expect(cell('citation')).toBe(row.citation);
      expect(cell('twfy_url')).toBe(row.twfy_url ?? '');
    });
  });

  it('ends every record with CRLF and keeps non-ASCII as UTF-8', async () => {
    const { out, bytes } = collector();
    await writeCsv(sampleRows(), out);
    const raw = bytes();
    expect(raw.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    const text = raw.toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')[0]).toBe(EXPORT_COLUMNS.join(','));
    expect(raw.includes(Buffer.from('Ysbyty Gwynedd — £12m', 'utf8'))).toBe(true);
    expect(raw.includes(Buffer.from('Ynys Môn', 'utf8'))).toBe(true);
  });

  it('flattens tags and evidence terms into matching cells', async () => {
    const { records } = await csvOf();
    const tags = records[1]?.[EXPORT_COLUMNS.indexOf('tags')];
    const evidence = records[1]?.[EXPORT_COLUMNS.indexOf('evidence_terms')];
    expect(tags).toBe('outsourcing:0.93;privatisation:0.71');
    expect(evidence).toBe('outsourcing:private provider|contract');
    expect(records[3]?.[EXPORT_COLUMNS.indexOf('tags')]).toBe('');
    expect(records[1]?.[EXPORT_COLUMNS.indexOf('paragraph_seq')]).toBe('0');
    expect(records[2]?.[EXPORT_COLUMNS.indexOf('paragraph_seq')]).toBe('');
  });

  it('writes a BOM only when asked', async () => {
    const { raw } = await csvOf({ bom: true });
    expect(raw.startsWith('\uFEFFgid,')).toBe(true);
  });

  it('leaves formula-like text alone by default and neutralises it when asked', async () => {
    const plain = await csvOf();
    const safe = await csvOf({ safeForSpreadsheets: true });
    const text = EXPORT_COLUMNS.indexOf('text');
    expect(plain.records[3]?.[text]).toBe('-£3m was saved; +4% growth; @mention; \ttabbed');
    expect(safe.records[3]?.[text]).toBe("'-£3m was saved; +4% growth; @mention; \ttabbed");
    // Only the start of a cell matters: `=SUM` after a blank line is not a formula.
    expect(safe.records[2]?.[text]).toBe(sampleRows()[1]?.text);
  });

  it('writes just the header for no rows', async () => {
    const { out, text } = collector();
    expect(await writeCsv([], out)).toEqual({ rows: 0 });
    expect(parseCsv(text())).toEqual([[...EXPORT_COLUMNS]]);
  });
});
