import { describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS, writeJsonl } from '../../src/export/index.js';
import { collector, sampleRows } from './fixtures.js';

describe('writeJsonl', () => {
  it('writes one JSON object per LF-terminated line and round-trips every field', async () => {
    const { out, text } = collector();
    const rows = sampleRows();
    expect(await writeJsonl(rows, out)).toEqual({ rows: rows.length });
    const raw = text();
    expect(raw.endsWith('\n')).toBe(true);
    expect(raw).not.toContain('\r\n');
    const lines = raw.slice(0, -1).split('\n');
    expect(lines).toHaveLength(rows.length);
    lines.forEach((line, i) => {
      const record = JSON.parse(line) as Record<string, unknown>;
      const row = rows[i];
      expect(Object.keys(record)).toEqual([...EXPORT_COLUMNS]);
      expect(record).toMatchObject({ ...row, tags: row?.tags });
    });
  });

  it('keeps tags structured, with evidence terms per tag and in total', async () => {
    const { out, text } = collector();
    await writeJsonl(sampleRows().slice(0, 1), out);
    const record = JSON.parse(text()) as { tags: unknown; evidence_terms: unknown; text: string };
    expect(record.tags).toEqual([
      {
        tag: 'outsourcing',
        confidence: 0.93,
        method: 'combined',
        source: 'classifier',
        evidence_terms: ['private provider', 'contract'],
      },
      {
        tag: 'privatisation',
        confidence: 0.7149,
        method: 'classifier',
        source: 'classifier',
        evidence_terms: [],
      },
    ]);
    expect(record.evidence_terms).toEqual(['private provider', 'contract']);
    expect(record.text).toContain('Ysbyty Gwynedd — £12m');
  });

  it('escapes newlines inside text so a speech stays on one line', async () => {
    const { out, text } = collector();
    await writeJsonl(sampleRows().slice(1, 2), out);
    expect(text().split('\n')).toHaveLength(2);
    expect((JSON.parse(text()) as { text: string }).text).toContain('\n\nSecond paragraph\r\n');
  });

  it('writes nothing for no rows', async () => {
    const { out, text } = collector();
    expect(await writeJsonl([], out)).toEqual({ rows: 0 });
    expect(text()).toBe('');
  });
});
