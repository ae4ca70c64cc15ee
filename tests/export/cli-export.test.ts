/**
 * `hansard-watch export` to a file: CSV in this thread, Parquet on its worker thread with a
 * capped heap (src/cli/export-command.ts). Both must hold every paragraph of the store.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport } from '../../src/cli/export-command.js';
import { VOTE_COLUMNS } from '../../src/export/vote-export.js';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable } from '../support/corpus.js';
import { testDatabaseUrl } from '../support/db.js';
import { webStore } from '../web/api-fixture.js';
import { parseCsv } from './rfc4180.js';

describe.skipIf(!corpusAvailable())('hansard-watch export (the shared week)', () => {
  let db: Db & { schema?: string };
  let dir: string;
  const saved = { url: process.env.DATABASE_URL, level: process.env.LOG_LEVEL };

  beforeAll(async () => {
    db = await webStore('postgres');
    const url = new URL(testDatabaseUrl);
    url.searchParams.set('options', `-c search_path=${(db as { schema: string }).schema}`);
    // The CLI (and its worker, which inherits the environment) reads its store from the config.
    process.env.DATABASE_URL = url.toString();
    process.env.LOG_LEVEL = 'warn';
    dir = mkdtempSync(path.join(os.tmpdir(), 'hw-cli-export-'));
  }, 600_000);
  afterAll(async () => {
    process.env.DATABASE_URL = saved.url;
    process.env.LOG_LEVEL = saved.level;
    if (dir) rmSync(dir, { recursive: true, force: true });
    await db?.close();
  });

  const paragraphs = async (): Promise<number> =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM paragraphs'))[0]!.n;

  it('writes Parquet on its worker thread, every paragraph with its citation', async () => {
    const out = path.join(dir, 'week.parquet');
    expect(await runExport({ format: 'parquet', out })).toBe(0);
    const bytes = readFileSync(out);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const meta = parquetMetadata(file);
    expect(Number(meta.num_rows)).toBe(await paragraphs());
    const rows = await parquetReadObjects({ file, columns: ['gid', 'citation'], rowStart: 0, rowEnd: 50 });
    expect(rows).toHaveLength(50);
    // Every citation names the sitting (`HC Deb 26 October 2009 c12`, …).
    expect(
      rows.every((r) => typeof r.gid === 'string' && / (October|November) 2009\b/.test(String(r.citation))),
    ).toBe(true);
  });

  it('reports a failure in the worker as the export failing', async () => {
    const out = path.join(dir, 'missing-dir', 'week.parquet');
    await expect(runExport({ format: 'parquet', out })).rejects.toThrow(/ENOENT|no such file/);
  });

  it('writes CSV in this thread with the same number of rows', async () => {
    const out = path.join(dir, 'week.csv');
    expect(await runExport({ format: 'csv', out })).toBe(0);
    const text = readFileSync(out, 'utf8');
    // Records end in CRLF; paragraphs may hold bare LFs inside quoted fields.
    expect(text.split('\r\n').filter((l) => l !== '').length - 1).toBe(await paragraphs());
  });

  it('writes one row per vote with --per vote, in every format', async () => {
    const csvOut = path.join(dir, 'sp-votes.csv');
    expect(await runExport({ format: 'csv', out: csvOut, per: 'vote', type: 'sp' })).toBe(0);
    const [header, ...records] = parseCsv(readFileSync(csvOut, 'utf8'));
    expect(header).toEqual([...VOTE_COLUMNS]);
    // Five Scottish Parliament divisions of 117 votes on 29 October.
    expect(records).toHaveLength(585);
    const citation = header!.indexOf('citation');
    const party = header!.indexOf('party');
    expect(
      records.every((r) => /^SP OR 29 October 2009, col \d+$/.test(r[citation]!) && r[party] !== ''),
    ).toBe(true);

    const pqOut = path.join(dir, 'sp-votes.parquet');
    expect(await runExport({ format: 'parquet', out: pqOut, per: 'vote', type: 'sp' })).toBe(0);
    const bytes = readFileSync(pqOut);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    expect(Number(parquetMetadata(file).num_rows)).toBe(585);

    await expect(
      runExport({ format: 'csv', out: path.join(dir, 'x.csv'), per: 'vote', q: 'nhs' }),
    ).rejects.toThrow('--q: does not apply to per=vote');
  });
});
