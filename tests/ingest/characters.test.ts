/**
 * The shared week stored as a reader would quote it: no C0 or C1 control character in any
 * stored text, and the public bill committee files' `&#146;` read as ’ (as browsers show
 * it), in the store, the speech API and the CSV export, on both engines.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesWithControlText } from '../../src/ingest/repair-text.js';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable } from '../support/corpus.js';
import type { StoreKind } from '../support/db.js';
import { parseCsv } from '../export/rfc4180.js';
import { webServer, webStore } from '../web/api-fixture.js';

const CONTROL = '[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x80-\\x9f]';
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_JS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x80-\x9f]/;
const NAME = 'Neil O\u2019Brien';
/** `<p>`s of standing2009-10-20_CHILDPOV_05-0_2009-10-27a.xml that name him as `Neil O&#146;Brien`. */
const HIS_PARAGRAPHS = 6;

describe.skipIf(!corpusAvailable()).each<StoreKind>(['postgres', 'pglite'])(
  'characters of the shared week on %s',
  (kind) => {
    let db: Db;
    let app: FastifyInstance;
    beforeAll(async () => {
      db = await webStore(kind);
      app = await webServer(db);
    }, 600_000);
    afterAll(async () => {
      await app?.close();
      await db?.close();
    });

    it('stores no C0 or C1 control character in any text', async () => {
      const [counts] = await db.query<Record<string, number>>(
        `SELECT (SELECT count(*)::int FROM paragraphs WHERE body ~ $1 OR html ~ $1) AS paragraphs,
                (SELECT count(*)::int FROM headings WHERE title ~ $1) AS headings,
                (SELECT count(*)::int FROM speeches WHERE speaker_name ~ $1) AS speakers,
                (SELECT count(*)::int FROM votes WHERE name ~ $1) AS votes`,
        [CONTROL],
      );
      expect(counts).toEqual({ paragraphs: 0, headings: 0, speakers: 0, votes: 0 });
      expect(await filesWithControlText(db)).toEqual([]);
    });

    it('reads the committee’s “Neil O&#146;Brien” as “Neil O’Brien” in the store, the API and the CSV export', async () => {
      const rows = await db.query<{ speech_gid: string; body: string; html: string }>(
        `SELECT p.speech_gid, p.body, paragraph_html(p.html, p.body) AS html
           FROM paragraphs p JOIN speeches s ON s.gid = p.speech_gid
          WHERE s.type = 'standing' AND p.body LIKE '%Neil O%Brien%' ORDER BY s.seq, p.seq`,
      );
      expect(rows).toHaveLength(HIS_PARAGRAPHS);
      for (const r of rows) {
        expect(r.body).toContain(NAME);
        expect(r.html).toContain(NAME);
      }

      const speech = await app.inject({
        method: 'GET',
        url: `/api/v1/speeches/${rows[0]!.speech_gid}`,
      });
      expect(speech.statusCode).toBe(200);
      expect(speech.body).toContain(NAME);
      expect(speech.body).not.toMatch(CONTROL_JS);

      // The page a reader quotes from: the speech's address leads to its place in the debate.
      const to = await app.inject({ method: 'GET', url: `/speeches/${rows[0]!.speech_gid}` });
      expect(to.statusCode).toBe(301);
      const page = await app.inject({ method: 'GET', url: to.headers.location!.split('#')[0]! });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(NAME);
      expect(page.body).not.toMatch(CONTROL_JS);

      const csv = await app.inject({
        method: 'GET',
        url: '/api/v1/export?format=csv&type=standing&from=2009-10-27&to=2009-10-27',
      });
      expect(csv.statusCode, csv.body.slice(0, 300)).toBe(200);
      expect(csv.body).not.toMatch(CONTROL_JS);
      const [header, ...records] = parseCsv(csv.body);
      const text = header!.indexOf('text');
      expect(records.filter((r) => r[text]!.includes(NAME))).toHaveLength(HIS_PARAGRAPHS);
      // The week's committee files use &#145;–&#151; throughout: their characters arrive.
      expect(records.some((r) => r[text]!.includes('\u2014'))).toBe(true);
    });

    it("finds the committee paragraphs that write “people&#146;s” in a search for people's, as a user types it", async () => {
      const [{ n }] = (await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM paragraphs p JOIN speeches s ON s.gid = p.speech_gid
          WHERE s.type = 'standing' AND p.body LIKE '%people\u2019s%'`,
      )) as [{ n: number }];
      expect(n).toBeGreaterThan(0);
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/search?q=${encodeURIComponent('"people\'s"')}&type=standing&limit=100`,
      });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      const hits = (res.json() as { results: { type?: string }[] }).results;
      expect(hits.length).toBeGreaterThan(0);
    });
  },
);
