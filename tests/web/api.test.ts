import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { CONTENT_SECURITY_POLICY } from '../../src/web/api/security.js';
import type { SubscriptionRequest } from '../../src/web/api/web.js';
import { corpusAvailable } from '../support/corpus.js';
import { MP_ID, MP_SHORT_ID, webServer, webStore } from './api-fixture.js';

interface Hit {
  gid: string;
  sittingDate: string;
  type: string;
  house: string | null;
  personId: string | null;
  party: string | null;
  paragraphSeq: number | null;
  excerpt: string;
  excerptHtml: string;
  tags: { tag: string; confidence: number }[];
}
interface Page {
  results: Hit[];
  nextCursor: string | null;
  next: string | null;
}

describe.skipIf(!corpusAvailable())('REST API on the shared week (Postgres)', () => {
  let db: Db;
  let app: FastifyInstance;

  const get = async (url: string) => app.inject({ method: 'GET', url });
  const search = async (params: Record<string, string>): Promise<Page> => {
    const res = await get(`/api/v1/search?${new URLSearchParams(params)}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Page>();
  };
  /** Every result of a search, following cursors. */
  const searchAll = async (params: Record<string, string>, limit = 100): Promise<Hit[]> => {
    const all: Hit[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await search({ ...params, limit: String(limit), ...(cursor ? { cursor } : {}) });
      all.push(...page.results);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  };
  /** Does the paragraph's text match a tsquery (checked in SQL, independently of the API's query)? */
  const paragraphMatches = async (gid: string, seq: number | null, tsquery: string): Promise<boolean> => {
    const rows = await db.query<{ m: boolean }>(
      `SELECT to_tsvector('english', body) @@ to_tsquery('english', $3) AS m FROM paragraphs WHERE speech_gid = $1 AND seq = $2`,
      [gid, seq, tsquery],
    );
    return rows[0]?.m ?? false;
  };

  beforeAll(async () => {
    db = await webStore('postgres');
    app = await webServer(db);
  }, 600_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  describe('search', () => {
    it('finds "Royal Mail" with the words highlighted, newest first', async () => {
      const all = await searchAll({ q: '"Royal Mail"' });
      expect(all.length).toBe(30);
      for (const hit of all) {
        expect(hit.excerptHtml).toMatch(/<mark>Royal<\/mark> <mark>Mail<\/mark>/i);
        expect(hit.excerpt).not.toContain('<');
        expect(await paragraphMatches(hit.gid, hit.paragraphSeq, 'royal <-> mail')).toBe(true);
      }
      const keys = all.map((h) => `${h.sittingDate} ${h.gid}`);
      expect(keys).toEqual([...keys].sort().reverse());
    });

    it('treats quotes as a phrase, OR as either, and -word as exclusion', async () => {
      const phrase = await searchAll({ q: '"Royal Mail"' });
      const sectorPhrase = await searchAll({ q: '"private sector"' });
      const sectorWords = await searchAll({ q: 'private sector' });
      const either = await searchAll({ q: 'postal OR postman' });
      const postal = await searchAll({ q: 'postal' });
      const postman = await searchAll({ q: 'postman' });
      const negated = await searchAll({ q: '"Royal Mail" -strike' });

      // Both words anywhere in a paragraph is looser than the phrase.
      expect(sectorWords.length).toBeGreaterThan(sectorPhrase.length);
      for (const g of sectorPhrase.map((h) => h.gid)) expect(sectorWords.map((h) => h.gid)).toContain(g);
      for (const h of sectorPhrase)
        expect(await paragraphMatches(h.gid, h.paragraphSeq, 'private <-> sector')).toBe(true);
      // OR is the union.
      const union = new Set([...postal, ...postman].map((h) => h.gid));
      expect(new Set(either.map((h) => h.gid))).toEqual(union);
      expect(union.size).toBeGreaterThan(Math.max(postal.length, postman.length) - 1);
      // Negation: fewer speeches, and no matched paragraph mentions a strike.
      expect(negated.length).toBeGreaterThan(0);
      expect(negated.length).toBeLessThan(phrase.length);
      for (const hit of negated)
        expect(await paragraphMatches(hit.gid, hit.paragraphSeq, 'strike')).toBe(false);
    });

    it('filters by tag and minimum confidence', async () => {
      const tagged = await searchAll({ tag: 'privatisation' });
      expect(tagged.length).toBeGreaterThan(10);
      for (const h of tagged)
        expect(h.tags.find((t) => t.tag === 'privatisation')?.confidence).toBeGreaterThanOrEqual(0.5);
      const strong = await searchAll({ tag: 'privatisation', minConfidence: '0.9' });
      expect(strong.length).toBeGreaterThan(0);
      expect(strong.length).toBeLessThan(tagged.length);
      for (const h of strong) expect(h.tags.every((t) => t.confidence >= 0.9)).toBe(true);
      // foundation trusts are seeded at 0.35: invisible by default, found when asked for.
      expect(await searchAll({ tag: 'aco' })).toEqual([]);
      expect((await searchAll({ tag: 'aco', minConfidence: '0.3' })).length).toBeGreaterThan(0);
      // Several tags: any of them.
      const either = await searchAll({ tag: 'privatisation,outsourcing' });
      const outsourcing = await searchAll({ tag: 'outsourcing' });
      expect(new Set(either.map((h) => h.gid))).toEqual(
        new Set([...tagged, ...outsourcing].map((h) => h.gid)),
      );
      const [{ n } = { n: 0 }] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM speech_tags WHERE tag = 'privatisation' AND confidence >= 0.5`,
      );
      expect(tagged.length).toBe(n);
    });

    it('filters by person, party, house, type and dates', async () => {
      const mine = await searchAll({ person: MP_SHORT_ID });
      expect(mine.length).toBe(45);
      expect(mine.every((h) => h.personId === MP_ID)).toBe(true);
      expect(await searchAll({ person: MP_ID })).toEqual(mine);

      const libDem = await searchAll({ q: 'health', party: 'liberal democrat' });
      expect(libDem.length).toBeGreaterThan(0);
      expect(libDem.every((h) => h.party === 'Liberal Democrat')).toBe(true);

      const lords = await searchAll({ q: 'health', house: 'house-of-lords' });
      expect(lords.length).toBeGreaterThan(0);
      expect(lords.every((h) => h.house === 'house-of-lords')).toBe(true);

      const wrans = await searchAll({ q: 'health', type: 'wrans,lordswrans' });
      expect(wrans.length).toBeGreaterThan(0);
      expect(wrans.every((h) => ['wrans', 'lordswrans'].includes(h.type))).toBe(true);

      const days = await searchAll({ q: 'health', from: '2009-10-27', to: '2009-10-28' });
      expect(days.length).toBeGreaterThan(0);
      expect(days.every((h) => h.sittingDate >= '2009-10-27' && h.sittingDate <= '2009-10-28')).toBe(true);

      const combined = await searchAll({ q: 'health', person: MP_SHORT_ID, type: 'wrans', tag: 'stp' });
      expect(combined.length).toBeGreaterThan(0);
      expect(
        combined.every(
          (h) => h.personId === MP_ID && h.type === 'wrans' && h.tags.some((t) => t.tag === 'stp'),
        ),
      ).toBe(true);
    });

    it('pages with stable cursors: no gaps or repeats, unaffected by newer speeches arriving', async () => {
      const whole = await searchAll({ q: 'health' }, 100);
      const paged = await searchAll({ q: 'health' }, 7);
      expect(paged.map((h) => h.gid)).toEqual(whole.map((h) => h.gid));
      expect(new Set(paged.map((h) => h.gid)).size).toBe(paged.length);

      const first = await search({ q: 'health', limit: '5' });
      const second = await search({ q: 'health', limit: '5', cursor: first.nextCursor! });
      // A newer matching speech is published between the two requests.
      await db.query(
        `INSERT INTO speeches (gid, group_key, type, sitting_date, seq, kind, nospeaker, content_hash)
         VALUES ('uk.org.publicwhip/debate/2009-12-01a.1.1', 'debates2009-12-01', 'debates', '2009-12-01', 1, 'speech', true, 'x')`,
      );
      await db.query(`INSERT INTO paragraphs (speech_gid, seq, html, body) VALUES ($1, 0, $2, $2)`, [
        'uk.org.publicwhip/debate/2009-12-01a.1.1',
        'A later word on health.',
      ]);
      await db.query(
        `INSERT INTO paragraph_search (speech_gid, seq, sitting_date, tsv) VALUES ($1, 0, '2009-12-01', to_tsvector('english', $2))`,
        ['uk.org.publicwhip/debate/2009-12-01a.1.1', 'A later word on health.'],
      );
      try {
        const again = await search({ q: 'health', limit: '5', cursor: first.nextCursor! });
        expect(again.results.map((h) => h.gid)).toEqual(second.results.map((h) => h.gid));
        const top = await search({ q: 'health', limit: '1' });
        expect(top.results[0]?.gid).toBe('uk.org.publicwhip/debate/2009-12-01a.1.1');
        expect(top.next).toContain('cursor=');
      } finally {
        await db.query(
          `DELETE FROM paragraphs WHERE speech_gid = 'uk.org.publicwhip/debate/2009-12-01a.1.1'`,
        );
        await db.query(`DELETE FROM speeches WHERE gid = 'uk.org.publicwhip/debate/2009-12-01a.1.1'`);
      }
    });

    it('lists the latest speeches without a query, excerpting their first paragraph', async () => {
      const page = await search({ limit: '3', tagged: 'true' });
      expect(page.results).toHaveLength(3);
      for (const h of page.results) {
        expect(h.tags.length).toBeGreaterThan(0);
        expect(h.excerpt.length).toBeGreaterThan(0);
        expect(h.excerptHtml).not.toContain('<mark>');
      }
    });

    it('answers 400 naming each bad field', async () => {
      const cases: [string, string[]][] = [
        ['from=2009-13-01', ['from']],
        ['from=2009-10-30&to=2009-10-01', ['to']],
        ['limit=0', ['limit']],
        ['limit=abc', ['limit']],
        ['minConfidence=1.5', ['minConfidence']],
        ['tag=Not%20A%20Tag', ['tag']],
        ['type=hansard', ['type']],
        ['house=commons', ['house']],
        ['person=Joe', ['person']],
        ['cursor=not-a-cursor', ['cursor']],
        ['colour=red', ['colour']],
        [`q=${'x'.repeat(501)}`, ['q']],
        ['limit=500&foo=1', ['limit', 'foo']],
      ];
      for (const [query, fields] of cases) {
        const res = await get(`/api/v1/search?${query}`);
        expect(res.statusCode, query).toBe(400);
        const body = res.json<{ error: string; message: string; issues: { field: string }[] }>();
        expect(body.error).toBe('Bad Request');
        expect(body.issues.map((i) => i.field).sort(), query).toEqual([...fields].sort());
        for (const f of fields) expect(body.message).toContain(f);
      }
    });

    it('takes hostile text as plain data', async () => {
      for (const q of [`'; DROP TABLE speeches; --`, '<script>alert(1)</script>', '"unbalanced', '!!(&|)']) {
        const res = await get(`/api/v1/search?${new URLSearchParams({ q })}`);
        expect(res.statusCode, q).toBe(200);
      }
      expect((await db.query('SELECT 1 FROM speeches LIMIT 1')).length).toBe(1);
    });
  });

  describe('speeches and debates', () => {
    const OLD = 'uk.org.publicwhip/debate/2009-10-26a.1.2';
    const NEW = 'uk.org.publicwhip/debate/2009-10-26b.1.2';

    it('returns a speech with sanitised paragraphs, tags and citation', async () => {
      const res = await get(`/api/v1/speeches/${NEW}`);
      expect(res.statusCode).toBe(200);
      const s = res.json<{
        gid: string;
        citation: string;
        twfyUrl: string;
        paragraphs: { pid: string; html: string }[];
      }>();
      expect(s.gid).toBe(NEW);
      expect(s.citation).toBe('HC Deb 26 October 2009 c1');
      expect(s.twfyUrl).toBe('https://www.theyworkforyou.com/debates/?id=2009-10-26b.1.2');
      expect(s.paragraphs.map((p) => p.pid)).toEqual(['b.1.2/1', 'b.1.2/2']);
      // Percent-encoded gids work too.
      expect((await get(`/api/v1/speeches/${encodeURIComponent(NEW)}`)).statusCode).toBe(200);
    });

    it('gives speech times as HH:MM, whatever form the feed wrote', async () => {
      // `011:32:00` in debates2009-10-29a.xml.
      const speech = await get('/api/v1/speeches/uk.org.publicwhip/debate/2009-10-29a.443.1');
      expect(speech.json<{ time: string | null }>().time).toBe('11:32');
      const debate = (await get('/api/v1/debates/uk.org.publicwhip/debate/2009-10-29a.443.0')).json<{
        speeches: { time: string | null }[];
      }>();
      expect(debate.speeches.length).toBeGreaterThan(3);
      for (const s of debate.speeches) expect(s.time).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
      // A Westminster Hall opening the feed marks `time="unknown"`: no time, not a string.
      const opening = await get('/api/v1/speeches/uk.org.publicwhip/westminhall/2009-10-27a.1.1');
      expect(opening.json<{ time: string | null }>().time).toBeNull();
    });

    it('redirects an old gid with 301 to the current one', async () => {
      const res = await get(`/api/v1/speeches/${OLD}`);
      expect(res.statusCode).toBe(301);
      expect(res.headers.location).toBe(`/api/v1/speeches/${NEW}`);
      const debate = await get('/api/v1/debates/uk.org.publicwhip/debate/2009-10-26a.1.1');
      expect(debate.statusCode).toBe(301);
      expect(debate.headers.location).toBe('/api/v1/debates/uk.org.publicwhip/debate/2009-10-26b.1.1');
    });

    it('returns a debate under a heading, and sends a speech gid to its debate', async () => {
      const toDebate = await get(`/api/v1/debates/${NEW}`);
      expect(toDebate.statusCode).toBe(301);
      expect(toDebate.headers.location).toBe('/api/v1/debates/uk.org.publicwhip/debate/2009-10-26b.1.1');
      const res = await get('/api/v1/debates/uk.org.publicwhip/debate/2009-10-26b.1.1');
      expect(res.statusCode).toBe(200);
      const d = res.json<{ title: string; parent: { title: string }; speeches: { gid: string }[] }>();
      expect(d.title).toBe('Committee of Selection');
      expect(d.parent.title).toBe('BUSINESS BEFORE QUESTIONS');
      expect(d.speeches.map((s) => s.gid)).toEqual([NEW]);
      const major = (await get('/api/v1/debates/uk.org.publicwhip/debate/2009-10-26b.1.4')).json<{
        subheadings: unknown[];
        speeches: unknown[];
      }>();
      expect(major.subheadings.length).toBeGreaterThan(3);
      expect(major.speeches.length).toBeGreaterThan(10);
    });

    it('answers 404 for unknown gids and 400 for malformed ones', async () => {
      expect((await get('/api/v1/speeches/uk.org.publicwhip/debate/1999-01-01a.1.1')).statusCode).toBe(404);
      expect((await get('/api/v1/debates/uk.org.publicwhip/debate/1999-01-01a.1.1')).statusCode).toBe(404);
      const bad = await get('/api/v1/speeches/%3Cscript%3E');
      expect(bad.statusCode).toBe(400);
      expect(bad.json<{ issues: { field: string }[] }>().issues[0]?.field).toBe('(query)');
    });
  });

  describe('people', () => {
    it('finds people by any part of their name', async () => {
      const res = await get('/api/v1/people?q=hope');
      expect(res.statusCode).toBe(200);
      const people = res.json<{
        results: { id: string; name: string; party: string; constituency: string }[];
      }>().results;
      expect(people[0]).toMatchObject({ id: MP_ID, name: 'Phil Hope', constituency: 'Corby' });
      expect((await get('/api/v1/people?q=h')).statusCode).toBe(400);
      expect((await get(`/api/v1/people?q=${encodeURIComponent("100%_o'")}`)).statusCode).toBe(200);
    });

    it("gives an MP's party and seat in 2009 and their speaking record for the week", async () => {
      const res = await get(`/api/v1/people/${MP_SHORT_ID}`);
      expect(res.statusCode).toBe(200);
      const p = res.json<{
        name: string;
        memberships: {
          party: string;
          constituency: string;
          startDate: string;
          endDate: string | null;
          house: string;
        }[];
        record: {
          speeches: number;
          byTag: { tag: string; speeches: number }[];
          byHouseType: { house: string; type: string; speeches: number }[];
          byMonth: { month: string; speeches: number; tags: Record<string, number>; tagged: number }[];
        };
      }>();
      expect(p.name).toBe('Phil Hope');
      const in2009 = p.memberships.filter(
        (m) => m.startDate <= '2009-10-26' && (m.endDate === null || m.endDate >= '2009-10-31'),
      );
      expect(in2009).toEqual([
        expect.objectContaining({ party: 'Labour', constituency: 'Corby', house: 'house-of-commons' }),
      ]);
      // Earlier memberships show the party changing over time.
      expect(p.memberships.map((m) => m.party)).toContain('Labour/Co-operative');

      const counts = await db.query<{ tag: string; n: number }>(
        `SELECT t.tag, count(*)::int AS n FROM speech_tags t JOIN speeches s ON s.gid = t.speech_gid
          WHERE s.person_id = $1 AND t.confidence >= 0.5 GROUP BY t.tag`,
        [MP_ID],
      );
      expect(Object.fromEntries(p.record.byTag.map((t) => [t.tag, t.speeches]))).toEqual(
        Object.fromEntries(counts.map((c) => [c.tag, c.n])),
      );
      expect(p.record.speeches).toBe(45);
      expect(p.record.byHouseType.reduce((s, h) => s + h.speeches, 0)).toBe(45);
      expect(p.record.byHouseType.find((h) => h.type === 'wrans')).toMatchObject({
        house: 'house-of-commons',
      });
      expect(p.record.byMonth).toEqual([expect.objectContaining({ month: '2009-10', speeches: 45 })]);
      expect(p.record.byMonth[0]?.tagged).toBe(10);
    });

    it('narrows the record by date and confidence, and lists the speeches with a cursor', async () => {
      const narrow = (
        await get(`/api/v1/people/${MP_SHORT_ID}?from=2009-10-29&to=2009-10-29&minConfidence=0.9`)
      ).json<{
        record: { speeches: number; byTag: unknown[] };
      }>();
      expect(narrow.record.speeches).toBeLessThan(45);
      expect(narrow.record.byTag).toEqual([]);
      const page = (await get(`/api/v1/people/${encodeURIComponent(MP_ID)}/speeches?limit=40`)).json<Page>();
      expect(page.results).toHaveLength(40);
      const rest = (
        await get(`/api/v1/people/${MP_SHORT_ID}/speeches?limit=40&cursor=${page.nextCursor}`)
      ).json<Page>();
      expect(rest.results).toHaveLength(5);
    });

    it('keeps the per-day summary of speaking records in step with speeches and tags', async () => {
      type Rec = {
        speeches: number;
        byTag: { tag: string; speeches: number }[];
        byHouseType: unknown[];
        byMonth: unknown[];
      };
      const record = async (query = '') =>
        (await get(`/api/v1/people/${MP_SHORT_ID}${query}`)).json<{ record: Rec & { filters: unknown } }>()
          .record;
      const { filters: _f, ...fromSummary } = await record();
      // Above 0.5 the record is counted from the speeches directly; no seeded confidence lies in between.
      const { filters: _g, ...live } = await record('?minConfidence=0.5001');
      expect(fromSummary).toEqual(live);
      const drift = await db.query(
        `SELECT person_id FROM (SELECT person_id, sum(speeches)::int AS n FROM person_day_speeches GROUP BY 1) a
           FULL JOIN (SELECT person_id, count(*)::int AS n FROM speeches WHERE person_id IS NOT NULL GROUP BY 1) b USING (person_id)
          WHERE a.n IS DISTINCT FROM b.n`,
      );
      expect(drift).toEqual([]);
      // A whole career is read from the month rows, a range of dates from the day rows: the same counts.
      const { filters: _r, ...ranged } = await record('?from=1900-01-01&to=2100-12-31');
      expect(ranged).toEqual(fromSummary);
      const monthDrift = await db.query(
        `SELECT person_id, month FROM person_month_speeches m
           FULL JOIN (SELECT person_id, date_trunc('month', sitting_date)::date AS month, house, type, sum(speeches)::int AS n
                        FROM person_day_speeches GROUP BY 1, 2, 3, 4) d USING (person_id, month, house, type)
          WHERE m.speeches IS DISTINCT FROM d.n`,
      );
      expect(monthDrift).toEqual([]);

      // Tagging one more of the MP's speeches shows at once; untagging it restores the record.
      const [speech] = await db.query<{ gid: string }>(
        `SELECT gid FROM speeches WHERE person_id = $1 AND gid NOT IN (SELECT speech_gid FROM speech_tags) ORDER BY gid LIMIT 1`,
        [MP_ID],
      );
      await db.query(
        `INSERT INTO speech_tags (speech_gid, tag, confidence, method, evidence, model_version) VALUES ($1, 'outsourcing', 0.9, 'keyword', '[]', 'test')`,
        [speech!.gid],
      );
      const tagged = await record();
      expect(tagged.byTag.find((t) => t.tag === 'outsourcing')?.speeches).toBe(1);
      const { filters: _t, ...taggedRanged } = await record('?from=1900-01-01&to=2100-12-31');
      expect(taggedRanged).toEqual((({ filters: _x, ...r }) => r)(tagged));
      await db.query(`DELETE FROM speech_tags WHERE speech_gid = $1 AND tag = 'outsourcing'`, [speech!.gid]);
      const { filters: _h, ...restored } = await record();
      expect(restored).toEqual(fromSummary);
    });

    it('answers 404 for an unknown person and 400 for a malformed id', async () => {
      expect((await get('/api/v1/people/99999999')).statusCode).toBe(404);
      expect((await get('/api/v1/people/abc')).statusCode).toBe(400);
      expect((await get(`/api/v1/people/${MP_SHORT_ID}?from=yesterday`)).statusCode).toBe(400);
    });
  });

  describe('tags', () => {
    it('counts speeches per tag, and per tag over time', async () => {
      const tags = (await get('/api/v1/tags')).json<{
        tags: { id: string; label: string; speeches: number }[];
      }>().tags;
      expect(tags.map((t) => t.id)).toEqual(['outsourcing', 'privatisation', 'stp', 'aco']);
      expect(tags.find((t) => t.id === 'aco')?.speeches).toBe(0);
      const timeline = (await get('/api/v1/tags/timeline?interval=day&tag=privatisation')).json<{
        counts: { period: string; tag: string; speeches: number }[];
      }>();
      const total = timeline.counts.reduce((s, c) => s + c.speeches, 0);
      expect(total).toBe(tags.find((t) => t.id === 'privatisation')?.speeches);
      expect(timeline.counts.every((c) => c.tag === 'privatisation' && /^2009-10-\d\d$/.test(c.period))).toBe(
        true,
      );
      const months = (await get('/api/v1/tags/timeline')).json<{
        interval: string;
        counts: { period: string }[];
      }>();
      expect(months.interval).toBe('month');
      const expected = await db.query<{ m: string }>(
        `SELECT DISTINCT date_trunc('month', s.sitting_date)::date::text AS m FROM speech_tags t JOIN speeches s ON s.gid = t.speech_gid WHERE t.confidence >= 0.5`,
      );
      expect(new Set(months.counts.map((c) => c.period))).toEqual(new Set(expected.map((r) => r.m)));
      expect((await get('/api/v1/tags/timeline?interval=fortnight')).statusCode).toBe(400);
    });
  });

  describe('subscriptions', () => {
    const post = (payload: string | object, type = 'application/json', accept = 'application/json') =>
      app.inject({
        method: 'POST',
        url: '/api/v1/subscriptions',
        headers: { 'content-type': type, accept },
        payload,
      });

    it('validates, then answers 501 while no alerts service is registered', async () => {
      const bad = await post({ email: 'not-an-email' });
      expect(bad.statusCode).toBe(400);
      expect(
        bad
          .json<{ issues: { field: string }[] }>()
          .issues.map((i) => i.field)
          .sort(),
      ).toEqual(['email', 'q']);
      const ok = await post(
        'email=a%40example.org&tag=privatisation&frequency=weekly',
        'application/x-www-form-urlencoded',
      );
      expect(ok.statusCode).toBe(501);
      expect(ok.json<{ message: string }>().message).toMatch(/not available/);
      expect((await post({ email: 'a@example.org', q: 'x', extra: 1 })).statusCode).toBe(400);
      expect((await post('{"email":', 'application/json')).statusCode).toBe(400);
      expect((await post('email=x', 'text/plain')).statusCode).toBe(400);
      expect((await post('<email/>', 'application/xml')).statusCode).toBe(415);
    });

    it('renders the form back for a browser without JavaScript', async () => {
      const res = await post(
        'email=nope&q=',
        'application/x-www-form-urlencoded',
        'text/html,application/xhtml+xml',
      );
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('must be an email address');
      expect(res.body).toContain('value="nope"');
      const nobody = await post(
        'email=a%40example.org&speaker=Nobody+Atall',
        'application/x-www-form-urlencoded',
        'text/html',
      );
      expect(nobody.statusCode).toBe(400);
      expect(nobody.body).toContain(
        '<p class="field-error" id="f-speaker-error">no MP or peer called “Nobody Atall” is in the member data</p>',
      );
      expect(nobody.body).toMatch(/id="f-speaker"[^>]*value="Nobody Atall"/);
    });

    it('hands a valid request to the alerts service when there is one', async () => {
      const seen: SubscriptionRequest[] = [];
      const withService = await webServer(db, {
        subscriptions: {
          async subscribe(r) {
            seen.push(r);
            return { message: 'Check your email.' };
          },
        },
      });
      try {
        const res = await withService.inject({
          method: 'POST',
          url: '/api/v1/subscriptions',
          payload: { email: 'A@Example.org', tag: 'stp', person: '10287' },
        });
        expect(res.statusCode).toBe(202);
        // Only the message: no id, status or time that could differ between addresses.
        expect(res.json()).toEqual({ message: 'Check your email.' });
        expect(seen).toEqual([
          {
            email: 'A@Example.org',
            query: null,
            tags: ['stp'],
            personId: MP_ID,
            minConfidence: 0.5,
            frequency: 'daily',
          },
        ]);
      } finally {
        await withService.close();
      }
    });

    it("takes the form's person by name: one resolves to the id, none or several are said beside the field", async () => {
      const seen: SubscriptionRequest[] = [];
      const withService = await webServer(db, {
        subscriptions: {
          async subscribe(r) {
            seen.push(r);
            return { message: 'Check your email.' };
          },
        },
      });
      const form = (speaker: string) =>
        withService.inject({
          method: 'POST',
          url: '/api/v1/subscriptions',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          payload: new URLSearchParams({ email: 'b@example.org', speaker }).toString(),
        });
      try {
        for (const speaker of ['Phil Hope', 'phil hope (Labour, Corby)']) {
          const res = await form(speaker);
          expect(res.statusCode, res.body).toBe(202);
        }
        expect(seen.map((r) => r.personId)).toEqual([MP_ID, MP_ID]);
        const unknown = await form('Nobody Atall');
        expect(unknown.statusCode).toBe(400);
        expect(unknown.json<{ issues: unknown[] }>().issues).toEqual([
          { field: 'speaker', message: 'no MP or peer called “Nobody Atall” is in the member data' },
        ]);
        const several = await form('Taylor');
        expect(several.statusCode).toBe(400);
        const [issue, ...more] = several.json<{ issues: { field: string; message: string }[] }>().issues;
        expect(more).toEqual([]);
        expect(issue?.field).toBe('speaker');
        expect(issue?.message).toMatch(/^more than one person is called “Taylor”: .*David Taylor \(/);
        expect(seen).toHaveLength(2);
      } finally {
        await withService.close();
      }
    });
  });

  describe('security and docs', () => {
    it('sends security headers with a CSP that allows no inline script', async () => {
      for (const url of [
        '/api/v1/tags',
        '/',
        '/search?q=nhs',
        '/assets/site.css',
        '/api/v1/search?limit=0',
      ]) {
        const res = await get(url);
        expect(res.headers['content-security-policy'], url).toBe(CONTENT_SECURITY_POLICY);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['referrer-policy']).toBe('same-origin');
      }
      expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
      expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
      expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    });

    it('limits the request rate per client with 429 and Retry-After', async () => {
      const limited = await webServer(db, {
        rateLimit: { general: { max: 3, windowSeconds: 60 }, export: { max: 1, windowSeconds: 60 } },
      });
      try {
        const codes = [];
        for (let i = 0; i < 5; i++)
          codes.push((await limited.inject({ method: 'GET', url: '/api/v1/tags' })).statusCode);
        expect(codes).toEqual([200, 200, 200, 429, 429]);
        const res = await limited.inject({ method: 'GET', url: '/api/v1/tags', remoteAddress: '10.0.0.9' });
        expect(res.statusCode).toBe(200);
        const other = await limited.inject({ method: 'GET', url: '/api/v1/tags', remoteAddress: '10.0.0.8' });
        expect(other.statusCode).toBe(200);
        const blocked = await limited.inject({ method: 'GET', url: '/api/v1/tags' });
        expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
        expect(blocked.json()).toEqual({
          error: 'Too Many Requests',
          message: expect.stringMatching(/^Too many requests from your address\. Try again in \d+ s\.$/),
        });
        // An IPv6 client is its /64: another interface id in it shares the budget, another /64 does not.
        const v6 = (ip: string) => limited.inject({ method: 'GET', url: '/api/v1/tags', remoteAddress: ip });
        for (let i = 1; i <= 3; i++) expect((await v6(`2001:db8:1:2::${i}`)).statusCode).toBe(200);
        expect((await v6('2001:db8:1:2:ffff::9')).statusCode).toBe(429);
        expect((await v6('2001:db8:1:3::1')).statusCode).toBe(200);
      } finally {
        await limited.close();
      }
    });

    it('publishes an OpenAPI document and a docs page', async () => {
      const doc = (await get('/api/docs/openapi.json')).json<{
        openapi: string;
        paths: Record<string, unknown>;
      }>();
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/search',
          '/api/v1/speeches/{gid}',
          '/api/v1/debates/{gid}',
          '/api/v1/people',
          '/api/v1/people/{id}',
          '/api/v1/tags',
          '/api/v1/tags/timeline',
          '/api/v1/export',
          '/api/v1/subscriptions',
        ]),
      );
      const page = await get('/api/docs');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('GET /api/v1/search');
    });

    it('answers unknown API paths with a JSON 404', async () => {
      const res = await get('/api/v1/nothing-here');
      expect(res.statusCode).toBe(404);
      expect(res.json<{ error: string }>().error).toBe('Not Found');
    });
  });
});
