import type { FastifyInstance } from 'fastify';
import { parquetReadObjects } from 'hyparquet';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VOTE_COLUMNS } from '../../src/export/vote-export.js';
import { MemberRepository } from '../../src/member/member-repository.js';
import { loadMembersFile } from '../../src/member/member-service.js';
import { speakerLabel } from '../../src/member/speaker-label.js';
import { unresolvedReport } from '../../src/member/unresolved-report.js';
import { SpeechRepository } from '../../src/speech/speech-repository.js';
import type { Db } from '../../src/store/db.js';
import { parseCsv } from '../export/rfc4180.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import type { StoreKind } from '../support/db.js';
import { silentLog } from '../support/ingest.js';
import { webServer, webStore } from '../web/api-fixture.js';
import { countXml, feedFiles } from './count-xml.js';

const KINDS: StoreKind[] = ['postgres', 'pglite'];
const COMMONS_DIVISION = 'uk.org.publicwhip/debate/2009-10-26b.125.5';
/** Phil Hope (Labour, Corby): a minister who voted in the week's Commons divisions. */
const VOTER = '10287';

type Row = Record<string, unknown>;

describe.skipIf(!corpusAvailable()).each(KINDS)('people and votes of the shared week on %s', (kind) => {
  let db: Db;
  let app: FastifyInstance;
  const get = (url: string) => app.inject({ method: 'GET', url });

  beforeAll(async () => {
    db = await webStore(kind);
    app = await webServer(db);
  }, 600_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it("stores each day's current divisions and votes exactly as a plain count of that file's XML", async () => {
    const stored = await db.query<{ file: string; divisions: number; votes: number }>(
      `SELECT s.current_file AS file, count(DISTINCT d.gid)::int AS divisions, count(v.seq)::int AS votes
         FROM sittings s JOIN divisions d ON d.group_key = s.group_key
         LEFT JOIN votes v ON v.division_gid = d.gid
        GROUP BY s.current_file`,
    );
    const current = new Set(
      (await db.query<{ current_file: string }>('SELECT current_file FROM sittings')).map(
        (r) => r.current_file,
      ),
    );
    const expected = feedFiles(corpusDir)
      .filter((f) => current.has(f.name))
      .map((f) => ({ file: f.name, ...countXml(f.file) }))
      .filter((c) => c.divisions > 0);
    const byFile = (a: { file: string }, b: { file: string }) => a.file.localeCompare(b.file);
    expect(stored.sort(byFile)).toEqual(expected.sort(byFile));
    const totals = stored.reduce((t, r) => ({ d: t.d + r.divisions, v: t.v + r.votes }), { d: 0, v: 0 });
    expect(totals).toEqual({ d: 27, v: 3920 });
  });

  it('resolves every vote to a person and a party at the division date', async () => {
    const [r] = await db.query<Record<string, number>>(
      `SELECT count(*)::int AS votes,
              count(*) FILTER (WHERE v.member_id IS NULL)::int AS without_id,
              count(*) FILTER (WHERE v.person_id IS NULL OR v.membership_id IS NULL OR v.person_name IS NULL)::int AS unresolved,
              count(*) FILTER (WHERE v.party IS NULL)::int AS partyless,
              count(*) FILTER (WHERE m.person_id IS DISTINCT FROM v.person_id)::int AS wrong_person,
              count(*) FILTER (WHERE m.start_date > d.sitting_date::text OR m.end_date < d.sitting_date::text)::int AS off_date
         FROM votes v JOIN divisions d ON d.gid = v.division_gid
         LEFT JOIN memberships m ON m.id = v.membership_id`,
    );
    // Every division list id is a membership valid on the day, and every one has a party:
    // nothing lacks one in this week's data (Lords crossbenchers and bishops are parties too).
    expect(r).toEqual({
      votes: 3920,
      without_id: 0,
      unresolved: 0,
      partyless: 0,
      wrong_person: 0,
      off_date: 0,
    });
    const report = await unresolvedReport(new MemberRepository(db));
    expect(report.voters).toEqual([]);
  });

  it('names office-holders by the person holding the office on the day', async () => {
    const speeches = new SpeechRepository(db);
    const cases: [string, string, string | null, string | null][] = [
      [
        'uk.org.publicwhip/spor/2009-10-29.20674.5',
        'The First Minister',
        'Alex Salmond',
        'Alex Salmond (Scottish National Party, Gordon)',
      ],
      [
        'uk.org.publicwhip/debate/2009-10-26b.5.0',
        'Mr. Speaker',
        'John Bercow',
        'John Bercow (Speaker, Buckingham)',
      ],
      [
        'uk.org.publicwhip/debate/2009-10-27d.200.0',
        'Mr. Deputy Speaker',
        'Michael Lord',
        'Michael Lord (Deputy Speaker, Central Suffolk & North Ipswich)',
      ],
      [
        'uk.org.publicwhip/spor/2009-10-28.20569.0',
        'The Presiding Officer',
        'Alex Fergusson',
        'Alex Fergusson (Galloway and Upper Nithsdale)',
      ],
      [
        'uk.org.publicwhip/spor/2009-10-28.20534.0',
        'The Deputy Presiding Officer',
        'Alasdair Morgan',
        'Alasdair Morgan (Scottish National Party, South of Scotland)',
      ],
      // The NI Assembly's deputies carry the Speaker's id: no person, the office alone.
      ['uk.org.publicwhip/ni/2009-10-12.3.4', 'Mr Deputy Speaker', null, 'Mr Deputy Speaker'],
    ];
    for (const [gid, office, personName, label] of cases) {
      const s = await speeches.get(gid);
      expect({ office: s?.office, personName: s?.personName, label: s?.speakerLabel }, gid).toEqual({
        office,
        personName,
        label,
      });
    }
    // The export carries the printed text and the same label.
    const exported = (
      await get('/api/v1/export?per=speech&format=jsonl&type=sp&from=2009-10-29&to=2009-10-29')
    ).body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Row)
      .find((r) => r.gid === 'uk.org.publicwhip/spor/2009-10-29.20674.5');
    expect(exported).toMatchObject({
      speaker_name: 'The First Minister',
      speaker_label: 'Alex Salmond (Scottish National Party, Gordon)',
    });
    const ni = await speeches.get('uk.org.publicwhip/ni/2009-10-12.3.4');
    expect(ni).toMatchObject({ speakerName: 'Mr Deputy Speaker', personId: null, party: null });
    const report = await unresolvedReport(new MemberRepository(db));
    expect(report.speakers).toEqual([
      expect.objectContaining({ id: 'uk.org.publicwhip/member/90355', reason: 'office-not-held', count: 9 }),
    ]);
  });

  it('labels every speech of the week without repeating its seat', async () => {
    const rows = await db.query<{
      speaker_name: string | null;
      person_name: string | null;
      party: string | null;
      constituency: string | null;
    }>('SELECT speaker_name, person_name, party, constituency FROM speeches');
    let labelled = 0;
    for (const r of rows) {
      const { label } = speakerLabel({
        speakerName: r.speaker_name,
        personName: r.person_name,
        party: r.party,
        constituency: r.constituency,
      });
      if (!label) continue;
      labelled++;
      expect(label, r.speaker_name ?? '').not.toMatch(/\) \(/);
      if (r.constituency) expect(label.split(r.constituency).length, label).toBeLessThanOrEqual(2);
    }
    expect(labelled).toBeGreaterThan(7000);
    // The example from the issue, through the API a page is built from.
    const hit = await get('/api/v1/speeches/uk.org.publicwhip/spor/2009-10-29.20651.0');
    expect(hit.json()).toMatchObject({
      speakerName: 'Stuart McMillan (West of Scotland) (SNP)',
      speakerLabel: 'Stuart McMillan (Scottish National Party, West of Scotland)',
      office: null,
    });
  });

  it('GET /divisions/{gid}: counts, tally and every vote with its person and party', async () => {
    const res = await get(`/api/v1/divisions/${COMMONS_DIVISION}`);
    expect(res.statusCode).toBe(200);
    const d = res.json<{
      counts: Record<string, number>;
      tally: Record<string, number>;
      resolved: Record<string, number>;
      citation: string;
      twfyUrl: string;
      house: string;
      votes: { voterName: string; personId: string; personName: string; party: string; vote: string }[];
    }>();
    expect(d.counts).toEqual({ ayes: 158, noes: 246, tellerayes: 2, tellernoes: 2 });
    expect(d.tally).toEqual({ aye: 158, no: 246, tellaye: 2, tellno: 2 });
    expect(d.resolved).toEqual({ votes: 408, withPerson: 408, withParty: 408 });
    expect(d.house).toBe('house-of-commons');
    expect(d.citation).toBe('HC Deb 26 October 2009 c125');
    expect(d.twfyUrl).toBe('https://www.theyworkforyou.com/debates/?id=2009-10-26b.125.5');
    expect(d.votes[0]).toMatchObject({
      voterName: 'Afriyie, Adam',
      personName: 'Adam Afriyie',
      party: 'Conservative',
      vote: 'aye',
    });

    const moved = await get('/api/v1/divisions/uk.org.publicwhip/debate/2009-10-26a.125.5');
    expect(moved.statusCode).toBe(301);
    expect(moved.headers.location).toBe(`/api/v1/divisions/${COMMONS_DIVISION}`);
    const missing = await get('/api/v1/divisions/uk.org.publicwhip/debate/2009-10-26b.999.9');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'Not Found' });
    const bad = await get(`/api/v1/divisions/${COMMONS_DIVISION}?limit=5`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues).toEqual([{ field: 'limit', message: 'is not a known parameter' }]);
  });

  it('GET /people/{id}/votes: newest first, paged without gaps or repeats', async () => {
    const all = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM votes WHERE person_id = 'uk.org.publicwhip/person/${VOTER}'`,
    );
    expect(all[0]!.n).toBeGreaterThan(2);
    const seen: Row[] = [];
    let url: string | null = `/api/v1/people/${VOTER}/votes?limit=2`;
    while (url) {
      const res = await get(url);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json<{ results: Row[]; next: string | null; nextCursor: string | null }>();
      expect(page.results.length).toBeLessThanOrEqual(2);
      seen.push(...page.results);
      url = page.next ? `/api/v1${page.next.replace(/^\/api\/v1/, '')}` : null;
    }
    expect(seen).toHaveLength(all[0]!.n);
    expect(new Set(seen.map((r) => r.division_gid)).size).toBe(seen.length);
    const dates = seen.map((r) => r.sitting_date as string);
    expect([...dates].sort().reverse()).toEqual(dates);
    for (const r of seen) {
      expect(r).toMatchObject({
        person_id: `uk.org.publicwhip/person/${VOTER}`,
        person_name: 'Phil Hope',
        party: 'Labour',
        constituency: 'Corby',
      });
      expect(Object.keys(r).sort()).toEqual([...VOTE_COLUMNS].sort());
      expect(r.citation).toMatch(/^(HC Deb|PBC Deb) \d+ October 2009/);
    }
    const ranged = (await get(`/api/v1/people/${VOTER}/votes?from=2009-10-28&to=2009-10-28`)).json<{
      results: Row[];
    }>();
    expect(ranged.results.every((r) => r.sitting_date === '2009-10-28')).toBe(true);

    const cases: [string, number, string][] = [
      [`/api/v1/people/${VOTER}/votes?limit=0`, 400, 'limit'],
      [`/api/v1/people/${VOTER}/votes?cursor=nonsense`, 400, 'cursor'],
      [`/api/v1/people/${VOTER}/votes?from=2009-10-29&to=2009-10-26`, 400, 'to'],
      [`/api/v1/people/${VOTER}/votes?q=x`, 400, 'q'],
    ];
    for (const [u, status, field] of cases) {
      const res = await get(u);
      expect(res.statusCode, u).toBe(status);
      expect(
        res.json<{ issues: { field: string }[] }>().issues.map((i) => i.field),
        u,
      ).toContain(field);
    }
    // A bad person id is refused as /people/{id} refuses it.
    const badId = await get('/api/v1/people/not-a-person/votes');
    expect(badId.statusCode).toBe(400);
    expect(badId.json()).toEqual((await get('/api/v1/people/not-a-person')).json());
    expect((await get('/api/v1/people/99999999/votes')).statusCode).toBe(404);
  });

  it('exports one row per vote with citations, alike in CSV, JSONL and Parquet', async () => {
    const download = async (format: string, extra = '') => {
      const res = await get(`/api/v1/export?per=vote&format=${format}&type=lordspages${extra}`);
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      expect(res.headers['content-disposition']).toMatch(/hansard-watch-votes-\d{8}-\d{6}\./);
      return res;
    };
    const [header, ...records] = parseCsv((await download('csv')).body);
    expect(header).toEqual([...VOTE_COLUMNS]);
    const csv = records.map((rec) =>
      Object.fromEntries(header!.map((h, i) => [h, rec[i] === '' ? null : rec[i]])),
    );
    const jsonl = (await download('jsonl')).body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
    const bytes = (await download('parquet')).rawPayload;
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const parquet = ((await parquetReadObjects({ file })) as Row[]).map((r) => ({
      ...r,
      sitting_date: (r.sitting_date as Date).toISOString().slice(0, 10),
    }));
    // The week's six Lords divisions: 280 + 268 + 187 + 183 + 190 + 130 votes.
    expect(csv).toHaveLength(1238);
    expect(jsonl).toEqual(csv);
    expect(parquet).toEqual(csv);
    for (const r of jsonl) {
      expect(r.house).toBe('house-of-lords');
      expect(r.person_id).toMatch(/^uk\.org\.publicwhip\/person\//);
      expect(r.party).toBeTruthy();
      expect(r.citation).toMatch(/^HL Deb 2[689] October 2009 c\d+$/);
      expect(r.twfy_url).toMatch(/^https:\/\/www\.theyworkforyou\.com\/lords\/\?id=2009-10-2/);
    }
    expect(jsonl[0]).toMatchObject({
      division_gid: 'uk.org.publicwhip/lords/2009-10-26a.1003.2',
      division_number: '1',
      sitting_date: '2009-10-26',
    });

    const person = (await download('jsonl', `&person=${VOTER}`)).body;
    expect(person).toBe('');
    // The export page's form sends its empty speech fields too: they are not refused.
    const form = await get(
      '/api/v1/export?format=csv&per=vote&q=&minConfidence=&party=&house=&person=&from=2009-10-29&to=2009-10-29',
    );
    expect(form.statusCode, form.body.slice(0, 300)).toBe(200);
    expect(
      parseCsv(form.body)
        .slice(1)
        .every((r) => r[VOTE_COLUMNS.indexOf('sitting_date')] === '2009-10-29'),
    ).toBe(true);
    const refused = await get('/api/v1/export?per=vote&format=csv&q=nhs&tag=privatisation');
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ issues: { field: string; message: string }[] }>().issues).toEqual([
      { field: 'q', message: 'does not apply to per=vote: votes have no text or tags' },
      { field: 'tag', message: 'does not apply to per=vote: votes have no text or tags' },
    ]);
  });

  it('fills in speakers and voters of rows stored before migration 018 at the next members load', async () => {
    // As migration 018 leaves an existing store: new columns empty, people.json forgotten.
    await db.query(
      `UPDATE votes SET person_id = NULL, membership_id = NULL, person_name = NULL, party = NULL, constituency = NULL, house = NULL`,
    );
    await db.query('UPDATE speeches SET person_name = NULL');
    await db.query('DELETE FROM people_sources');
    const res = await loadMembersFile(
      new MemberRepository(db),
      path.join(corpusDir, 'members', 'people.json'),
      silentLog,
    );
    expect(res.status).toBe('loaded');
    expect(res.votesUpdated).toBe(3920);
    const [after] = await db.query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM votes WHERE person_id IS NULL OR party IS NULL OR person_name IS NULL)::int AS votes,
              (SELECT count(*) FROM speeches WHERE person_id IS NOT NULL AND person_name IS NULL)::int AS speeches`,
    );
    expect(after).toEqual({ votes: 0, speeches: 0 });
    const again = await loadMembersFile(
      new MemberRepository(db),
      path.join(corpusDir, 'members', 'people.json'),
      silentLog,
    );
    expect(again).toMatchObject({ status: 'unchanged', speechesUpdated: 0, votesUpdated: 0 });
  });

  it('describes the new routes and the vote export in the OpenAPI document', async () => {
    const doc = (await get('/api/docs/openapi.json')).json<{
      paths: Record<string, { get: { parameters?: { name: string; schema: { enum?: string[] } }[] } }>;
    }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/divisions/{gid}', '/api/v1/people/{id}/votes']),
    );
    const per = doc.paths['/api/v1/export']!.get.parameters!.find((p) => p.name === 'per');
    expect(per?.schema.enum).toEqual(['paragraph', 'speech', 'vote']);
  });
});
