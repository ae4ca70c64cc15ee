import type { FastifyInstance } from 'fastify';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS } from '../../src/export/index.js';
import { ExportRepository, evidenceTerms } from '../../src/export/export-repository.js';
import { DEFAULT_MIN_CONFIDENCE } from '../../src/tag/types.js';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable } from '../support/corpus.js';
import { parseCsv } from '../export/rfc4180.js';
import { MP_ID, MP_SHORT_ID, webServer, webStore } from './api-fixture.js';

const PARAGRAPHS = 19_714;
const SPEECHES = 7_942;

type Row = Record<string, unknown>;

describe.skipIf(!corpusAvailable())('export endpoint on the shared week (Postgres)', () => {
  let db: Db;
  let app: FastifyInstance;

  const download = async (query: string) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/export?${query}` });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    return res;
  };
  const csvRows = (text: string): Row[] => {
    const [header, ...records] = parseCsv(text);
    expect(header).toEqual([...EXPORT_COLUMNS]);
    return records.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
  };
  const jsonlRows = (text: string): Row[] => {
    expect(text.endsWith('\n')).toBe(true);
    return text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
  };
  const parquetRows = async (bytes: Buffer): Promise<Row[]> => {
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return (await parquetReadObjects({ file })) as Row[];
  };

  /** Citation fields every row must carry. */
  const expectCitations = (rows: Row[]) => {
    for (const r of rows) {
      expect(r.gid).toMatch(/^uk\.org\.publicwhip\//);
      expect(typeof r.citation).toBe('string');
      expect((r.citation as string).length).toBeGreaterThan(8);
    }
    const commons = rows.find((r) => r.gid === 'uk.org.publicwhip/debate/2009-10-26b.1.2');
    expect(commons).toMatchObject({
      citation: 'HC Deb 26 October 2009 c1',
      twfy_url: 'https://www.theyworkforyou.com/debates/?id=2009-10-26b.1.2',
      colnum: '1',
      type: 'debates',
    });
    expect(commons?.hansard_url).toMatch(/^http:\/\/www\.publications\.parliament\.uk\//);
    // Times as HH:MM in every format (the feed wrote `14:30:00` here, `011:32:00` elsewhere).
    expect(commons?.time).toBe('14:30');
    const timed = rows.filter((r) => r.time !== null && r.time !== '' && r.time !== undefined);
    expect(timed.length).toBeGreaterThan(rows.length / 2);
    for (const r of timed) expect(r.time).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
    const withTwfy = rows.filter((r) => r.twfy_url).length;
    // Public Bill Committee rows have no TheyWorkForYou url without the bill's session.
    expect(withTwfy).toBeGreaterThan(rows.length * 0.85);
  };

  beforeAll(async () => {
    db = await webStore('postgres');
    app = await webServer(db);
  }, 600_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('exports the whole corpus per paragraph as CSV (RFC 4180, header row, citations)', async () => {
    const res = await download('format=csv');
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="hansard-watch-paragraphs-\d{8}-\d{6}\.csv"$/,
    );
    const rows = csvRows(res.body);
    expect(rows).toHaveLength(PARAGRAPHS);
    expectCitations(rows);
    expect(new Set(rows.map((r) => `${r.gid as string}#${r.paragraph_seq as string}`)).size).toBe(PARAGRAPHS);
    const tagged = rows.filter((r) => r.tags !== '');
    const [{ n } = { n: 0 }] = await db.query<{ n: number }>(
      `SELECT count(DISTINCT (speech_gid, seq))::int AS n FROM paragraph_tags WHERE confidence >= 0.5`,
    );
    expect(tagged).toHaveLength(n);
    expect(tagged.find((r) => (r.tags as string).includes('privatisation:0.92'))?.evidence_terms).toMatch(
      /^privatisation:\S/i,
    );
  });

  it('exports the whole corpus per speech as JSONL, in date order', async () => {
    const res = await download('format=jsonl&per=speech');
    expect(res.headers['content-type']).toBe('application/jsonl; charset=utf-8');
    const rows = jsonlRows(res.body);
    expect(rows).toHaveLength(SPEECHES);
    expectCitations(rows);
    expect(rows.every((r) => r.paragraph_seq === null && r.pid === null)).toBe(true);
    const dates = rows.map((r) => r.sitting_date as string);
    expect(dates).toEqual([...dates].sort());
    const speech = rows.find((r) => r.gid === 'uk.org.publicwhip/debate/2009-10-26b.1.2');
    expect((speech?.text as string).split('\n\n')).toHaveLength(2);
  });

  it('exports the whole corpus as Parquet that hyparquet reads back', async () => {
    const res = await download('format=parquet');
    expect(res.headers['content-type']).toBe('application/vnd.apache.parquet');
    const bytes = res.rawPayload;
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const meta = parquetMetadata(file);
    expect(Number(meta.num_rows)).toBe(PARAGRAPHS);
    expect(meta.key_value_metadata?.find((kv) => kv.key === 'hansard-watch.mode')?.value).toBe('paragraph');
    const rows = await parquetRows(bytes);
    expect(rows).toHaveLength(PARAGRAPHS);
    expectCitations(rows);
    const perSpeech = await parquetRows((await download('format=parquet&per=speech')).rawPayload);
    expect(perSpeech).toHaveLength(SPEECHES);
  });

  it('applies the filters: tags per paragraph, person, dates, query', async () => {
    const byTag = jsonlRows((await download('format=jsonl&tag=privatisation')).body);
    const [{ n } = { n: 0 }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM paragraph_tags WHERE tag = 'privatisation' AND confidence >= 0.5`,
    );
    expect(byTag).toHaveLength(n);
    for (const r of byTag) {
      const tags = r.tags as { tag: string; confidence: number; method: string; evidence_terms: string[] }[];
      const t = tags.find((x) => x.tag === 'privatisation');
      expect(t?.confidence).toBeGreaterThanOrEqual(0.5);
      expect(t?.method).toBe('keyword');
      expect(t?.evidence_terms.length).toBeGreaterThan(0);
      expect(r.evidence_terms).toEqual(expect.arrayContaining(t!.evidence_terms));
    }
    const strong = jsonlRows((await download('format=jsonl&tag=privatisation&minConfidence=0.9')).body);
    expect(strong.length).toBeLessThan(byTag.length);

    const mine = csvRows(
      (await download(`format=csv&per=speech&person=${MP_SHORT_ID}&from=2009-10-29&to=2009-10-29`)).body,
    );
    expect(mine.length).toBeGreaterThan(0);
    expect(
      mine.every(
        (r) =>
          r.person_id === MP_ID &&
          r.sitting_date === '2009-10-29' &&
          r.party === 'Labour' &&
          r.constituency === 'Corby',
      ),
    ).toBe(true);

    const royal = jsonlRows((await download(`format=jsonl&q=${encodeURIComponent('"Royal Mail"')}`)).body);
    expect(royal.length).toBe(35);
    expect(royal.every((r) => /royal mail/i.test(r.text as string))).toBe(true);
    const royalSpeeches = jsonlRows(
      (await download(`format=jsonl&per=speech&q=${encodeURIComponent('"Royal Mail"')}`)).body,
    );
    expect(royalSpeeches.length).toBe(30);
  });

  it('makes CSV safe for spreadsheets when asked', async () => {
    const res = await download('format=csv&excel=true&type=wms');
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    const rows = csvRows(res.body.slice(1));
    expect(rows.length).toBe(
      await new ExportRepository(db).count(
        { minConfidence: DEFAULT_MIN_CONFIDENCE, types: ['wms'] },
        'paragraph',
      ),
    );
    expect(rows.some((r) => /^[=+\-@]/.test(r.text as string))).toBe(false);
  });

  it('refuses bad parameters with 400 naming the field', async () => {
    for (const [query, field] of [
      ['format=xlsx', 'format'],
      ['', 'format'],
      ['format=csv&per=word', 'per'],
      ['format=csv&from=31/10/2009', 'from'],
    ] as const) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/export?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json<{ issues: { field: string }[] }>().issues.map((i) => i.field)).toContain(field);
    }
  });

  it('reads evidence terms from either stored shape', () => {
    expect(evidenceTerms([{ term: 'sell-off', start: 1 }, { term: 'sell-off' }, { term: 'tender' }])).toEqual(
      ['sell-off', 'tender'],
    );
    expect(
      evidenceTerms([
        { seq: 0, terms: ['contract', 'tender'] },
        { seq: 2, terms: ['contract'] },
      ]),
    ).toEqual(['contract', 'tender']);
    expect(evidenceTerms(['a', ' ', null, 3])).toEqual(['a']);
    expect(evidenceTerms({ evidence: [{ term: 'x' }] })).toEqual(['x']);
  });

  it('stops reading the cursor when the consumer stops early', async () => {
    const repo = new ExportRepository(db);
    let n = 0;
    for await (const _row of repo.rows({ minConfidence: 0.5 }, 'paragraph', { batchSize: 100 }))
      if (++n === 250) break;
    expect(n).toBe(250);
    // The connection went back to the pool in a usable state.
    expect((await db.query<{ one: number }>('SELECT 1 AS one'))[0]?.one).toBe(1);
  });
});
