/**
 * The Welsh Senedd on fixtures derived from its writer (mysociety/parlparse
 * `pyscraper/wa/parse.py`; no real file was found, see tests/fixtures/feeds-today/README.md):
 * one day as `senedd/en/senedd2026-01-14.xml` and `senedd/cy/senedd2026-01-14.xml`. The two
 * files must give one set of speeches with two languages. Counts are checked against a
 * plain count of the XML, not against our parser.
 */
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { parseFeedFile } from '../../src/debate/parse.js';
import { parseFeedFileName } from '../../src/debate/feed-file.js';
import { citation } from '../../src/export/index.js';
import { HOUSES, twfyUrl } from '../../src/parliament/index.js';
import { listSourceFiles } from '../../src/ingest/source-files.js';
import { ingestBytes } from '../../src/ingest/ingest-one.js';
import { MemberRepository } from '../../src/member/member-repository.js';
import { MemberResolver } from '../../src/member/resolve.js';
import { SearchRepository } from '../../src/search/search-repository.js';
import { SpeechRepository } from '../../src/speech/speech-repository.js';
import { storeDigest, storePerTest, type StoreKind } from '../support/db.js';
import { ingest, readPeople, silentLog } from '../support/ingest.js';

const root = path.join(import.meta.dirname, '..', 'fixtures', 'feeds-today');
const EN = path.join(root, 'scrapedxml', 'senedd', 'en', 'senedd2026-01-14.xml');
const CY = path.join(root, 'scrapedxml', 'senedd', 'cy', 'senedd2026-01-14.xml');
const PEOPLE = path.join(root, 'senedd-people.json');
const gid = (lang: string, item: string) => `uk.org.publicwhip/senedd/${lang}/2026-01-14.${item}`;

/** Independent of the parser: speech opening tags and what they say about themselves. */
function countXml(file: string) {
  const xml = readFileSync(file, 'utf8');
  const opens = [...xml.matchAll(/<speech\s[^>]*>/g)].map((m) => m[0]);
  return {
    speeches: opens.length,
    personIds: opens.map((o) => /person_id="([^"]*)"/.exec(o)?.[1] ?? null),
    // A Welsh file's speech printed in English (`lang="en"`) has no Welsh text to add.
    inOwnLanguage: opens.filter((o) => !/\slang="/.test(o)).length,
    divisions: (xml.match(/<division\s/g) ?? []).length,
    votes: (xml.match(/<msname\s/g) ?? []).length,
  };
}

describe('Senedd files (names and parse)', () => {
  it('lists both languages of a day under different names and day keys', () => {
    const files = listSourceFiles(root, { types: ['senedd'] });
    expect(files.map((f) => [f.name, f.groupKey, f.date, f.language, f.path])).toEqual([
      ['cy/senedd2026-01-14.xml', 'cy/senedd2026-01-14', '2026-01-14', 'cy', CY],
      ['en/senedd2026-01-14.xml', 'en/senedd2026-01-14', '2026-01-14', 'en', EN],
    ]);
  });

  it('refuses a Senedd file whose path does not name its language, by name', () => {
    expect(() => parseFeedFileName('senedd2026-01-14.xml', 'senedd')).toThrow(
      /senedd2026-01-14\.xml.*must name its language folder \(en or cy\/\)/,
    );
    expect(() => parseFeedFileName('senedd/fr/senedd2026-01-14.xml')).toThrow(/language folder/);
  });

  it('reads speeches with person ids, the language attributes and the inline division', () => {
    const doc = parseFeedFile(readFileSync(EN), EN);
    const xml = countXml(EN);
    expect(doc.file).toMatchObject({ type: 'senedd', name: 'en/senedd2026-01-14.xml', language: 'en' });
    expect(doc.speeches).toHaveLength(xml.speeches);
    expect(doc.speeches.map((s) => s.personId)).toEqual(xml.personIds);
    expect(doc.speeches.find((s) => s.gid === gid('en', '1.512004'))).toMatchObject({
      originalLang: 'cy',
      textLang: null,
      speakerName: 'Dafydd Rees',
    });
    // Member 7: printed as "Member of the Senedd", no person, nothing to warn about.
    expect(doc.speeches.find((s) => s.gid === gid('en', '1.512006'))).toMatchObject({
      personId: null,
      speakerName: 'Member of the Senedd',
    });
    expect(doc.divisions).toHaveLength(xml.divisions);
    expect(doc.divisions[0]).toMatchObject({
      gid: gid('en', '5.512041.v'),
      number: '2345',
      date: '2026-01-14',
      counts: { for: 2, against: 1, abstain: 0 },
    });
    expect(doc.divisions[0]!.votes.map((v) => [v.personId, v.vote])).toEqual([
      ['uk.org.publicwhip/person/90002', 'for'],
      ['uk.org.publicwhip/person/90003', 'for'],
      ['uk.org.publicwhip/person/90004', 'against'],
    ]);
    expect(doc.warnings).toEqual([]);
  });
});

describe.each<StoreKind>(['postgres', 'pglite'])('the Senedd stored on %s', (kind) => {
  const store = storePerTest(kind);
  const people = readPeople(PEOPLE);
  // Welsh first: the link must not depend on which language's file arrives first.
  const files = () => listSourceFiles(root, { types: ['senedd'] });
  const tmp: string[] = [];
  afterEach(() => {
    for (const d of tmp.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const load = async () => {
    const db = await store();
    await new MemberRepository(db).replaceAll(people, { name: 'senedd-people.json', checksum: 'x' });
    const summary = await ingest(db, files(), people);
    return { db, summary };
  };

  it('gives one set of speeches in two languages; speakers and voters resolve at the date', async () => {
    const { db, summary } = await load();
    const en = countXml(EN);
    const cy = countXml(CY);
    expect(summary).toMatchObject({ ingested: 2, failed: [], speeches: en.speeches });
    const speeches = await db.query<{ gid: string; house: string | null; membership_id: string | null }>(
      'SELECT gid, house, membership_id FROM speeches ORDER BY seq',
    );
    expect(speeches).toHaveLength(en.speeches);
    expect(speeches.every((s) => s.gid.startsWith('uk.org.publicwhip/senedd/en/'))).toBe(true);
    const named = speeches.filter((s, i) => en.personIds[i] !== null);
    expect(named.length).toBe(en.personIds.filter((p) => p !== null).length);
    expect(named.every((s) => s.membership_id !== null && s.house === 'welsh-parliament')).toBe(true);

    const welsh = await db.query<{ speech_gid: string; gid: string; original: boolean }>(
      `SELECT speech_gid, gid, original FROM speech_translations WHERE lang = 'cy' ORDER BY seq`,
    );
    expect(welsh).toHaveLength(cy.inOwnLanguage);
    for (const w of welsh) expect(w.gid.replace('/senedd/cy/', '/senedd/en/')).toBe(w.speech_gid);
    expect(welsh.find((w) => w.speech_gid === gid('en', '1.512004'))?.original).toBe(true);
    expect(welsh.find((w) => w.speech_gid === gid('en', '1.512002'))?.original).toBe(false);

    const repo = new SpeechRepository(db);
    // A Welsh id is the same speech.
    expect((await repo.get(gid('cy', '1.512004')))?.gid).toBe(gid('en', '1.512004'));
    const texts = await repo.translations(gid('en', '1.512004'));
    expect(texts.map((t) => [t.lang, t.body])).toEqual([
      [
        'cy',
        "Diolch, Llywydd. Pa asesiad y mae'r Llywodraeth wedi'i wneud o wasanaethau bysiau yng nghefn gwlad?\nMae llawer o bentrefi heb fws ar ddydd Sul.",
      ],
    ]);

    const divisions = await db.query<{ gid: string; counts: Record<string, number>; votes: number }>(
      `SELECT d.gid, d.counts, (SELECT count(*)::int FROM votes v WHERE v.division_gid = d.gid AND v.membership_id IS NOT NULL) AS votes
         FROM divisions d`,
    );
    expect(divisions).toEqual([
      { gid: gid('en', '5.512041.v'), counts: { for: 2, against: 1, abstain: 0 }, votes: en.votes },
    ]);
  });

  it('searches each language in its own: a Welsh word and an English one find the same single speech', async () => {
    const { db } = await load();
    const search = new SearchRepository(db);
    const hits = async (q: string) =>
      (await search.search({ q, minConfidence: 0.5 }, { limit: 20 })).results.map((r) => [r.gid, r.excerpt]);
    expect(await hits('bysiau')).toEqual([
      [gid('en', '1.512004'), expect.stringContaining('wasanaethau bysiau yng nghefn gwlad')],
    ]);
    expect(await hits('"Cyfarfod Llawn"')).toEqual([
      [gid('en', '1.512002'), expect.stringContaining('Cyfarfod Llawn')],
    ]);
    // English stemming still applies to English text ("villages" ← "village").
    expect(await hits('village')).toEqual([
      [gid('en', '1.512004'), 'Many villages have no bus on a Sunday.'],
    ]);
    // The total and the relevance order count and rank the Welsh text as the search finds it.
    expect(await search.total({ q: 'bysiau', minConfidence: 0.5 })).toEqual({ count: 1, exact: true });
    const ranked = await search.search(
      { q: 'bysiau', minConfidence: 0.5 },
      { limit: 20, order: 'relevance' },
    );
    expect(ranked.results.map((r) => r.gid)).toEqual([gid('en', '1.512004')]);
    expect(await search.total({ q: 'bus', minConfidence: 0.5 })).toEqual({ count: 2, exact: true });
    const bus = await hits('bus');
    expect(bus.map(([g]) => g)).toEqual([gid('en', '1.512005'), gid('en', '1.512004')]);
    const filtered = await search.search(
      { q: 'bysiau', minConfidence: 0.5, houses: ['welsh-parliament'], types: ['senedd'] },
      { limit: 5 },
    );
    expect(filtered.results.map((r) => [r.gid, r.house, r.twfyUrl])).toEqual([
      [
        gid('en', '1.512004'),
        'welsh-parliament',
        'https://www.theyworkforyou.com/senedd/?id=2026-01-14.1.512004',
      ],
    ]);
  });

  it('is idempotent, and a revised Welsh file replaces its translations (none doubled, no speech added)', async () => {
    const { db } = await load();
    const before = await storeDigest(db);
    const again = await ingest(db, files(), people);
    expect(again).toMatchObject({ ingested: 0, unchanged: 2 });
    expect(await storeDigest(db)).toEqual(before);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'hw-senedd-'));
    tmp.push(dir);
    mkdirSync(path.join(dir, 'senedd', 'cy'), { recursive: true });
    const revised = path.join(dir, 'senedd', 'cy', 'senedd2026-01-14.xml');
    copyFileSync(CY, revised);
    writeFileSync(revised, readFileSync(CY, 'utf8').replace('heb fws ar ddydd Sul', 'heb fws ar y Sul'));
    const resolver = new MemberResolver(people);
    const res = await ingestBytes(
      db,
      { name: 'senedd/cy/senedd2026-01-14.xml', type: 'senedd', bytes: readFileSync(revised) },
      resolver,
      silentLog,
    );
    expect(res).toMatchObject({ status: 'current', changedSpeechGids: [] });
    const rows = await db.query<{ body: string }>(
      `SELECT body FROM speech_translations WHERE speech_gid = $1`,
      [gid('en', '1.512004')],
    );
    expect(rows.map((r) => r.body)).toEqual([expect.stringContaining('heb fws ar y Sul')]);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM speech_translations'))[0]?.n).toBe(
      countXml(CY).inOwnLanguage,
    );
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM speeches'))[0]?.n).toBe(
      countXml(EN).speeches,
    );
  });
});

describe('the Senedd as a house and a series', () => {
  it('is a house, polled by default, cited as the Record of Proceedings and linked to TheyWorkForYou', () => {
    expect(HOUSES).toContain('welsh-parliament');
    expect(loadConfig({}).FEED_TYPES).toEqual(expect.arrayContaining(['senedd', 'senedd-votes']));
    expect(citation({ type: 'senedd', sitting_date: '2026-01-14', colnum: null })).toBe(
      'Senedd Record of Proceedings 14 January 2026',
    );
    expect(citation({ type: 'sp-new', sitting_date: '2026-03-13', colnum: '12' })).toBe(
      'SP OR 13 March 2026, col 12',
    );
    // Both languages' ids lead to the one page.
    for (const lang of ['en', 'cy'])
      expect(twfyUrl(gid(lang, '1.512004'))).toBe(
        'https://www.theyworkforyou.com/senedd/?id=2026-01-14.1.512004',
      );
  });
});
