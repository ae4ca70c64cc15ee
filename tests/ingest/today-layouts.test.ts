/**
 * Today's layouts on verbatim excerpts of real files (tests/fixtures/feeds-today/README.md):
 * modern written answers (`<ques person_id url>`, `<p qnum>`, `<reply person_id>`) and the
 * Scottish Parliament's sp_2024 Official Report (`sp-new/<meeting>/<date>_<id>.xml`, `spor`
 * ids, `person_id="unknown"`). Counts are checked against a plain count of the XML, not
 * against our parser; speakers either resolve at the date or are listed by `errors`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { parseFeedFile } from '../../src/debate/parse.js';
import { citation } from '../../src/export/index.js';
import { twfyUrl } from '../../src/parliament/index.js';
import { typeLabel } from '../../src/web/pages/labels.js';
import { listIngestErrors } from '../../src/ingest/error-repository.js';
import { listSourceFiles } from '../../src/ingest/source-files.js';
import { unresolvedReport } from '../../src/member/unresolved-report.js';
import { MemberRepository } from '../../src/member/member-repository.js';
import { SpeechRepository } from '../../src/speech/speech-repository.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { storeDigest, storePerTest, type StoreKind } from '../support/db.js';
import { ingest, readPeople } from '../support/ingest.js';

const root = path.join(import.meta.dirname, '..', 'fixtures', 'feeds-today');
const WRANS = path.join(root, 'scrapedxml', 'wrans', 'answers2026-02-23.xml');
const SP = path.join(root, 'scrapedxml', 'sp-new', 'meeting-of-the-parliament', '2026-03-13_20136.xml');

/** Independent of the parser: opening tags of speech-like elements, and their person ids. */
function countXml(file: string): { speeches: number; headings: number; personIds: string[] } {
  const xml = readFileSync(file, 'utf8');
  const opens = [...xml.matchAll(/<(speech|ques|reply)\s[^>]*>/g)].map((m) => m[0]);
  return {
    speeches: opens.length,
    headings: (xml.match(/<(major|minor)-heading\s/g) ?? []).length,
    personIds: opens.map((o) => /person_id="([^"]*)"/.exec(o)?.[1] ?? ''),
  };
}

describe('modern written answers (parse)', () => {
  it('reads every question and reply with its person id, url and heading', () => {
    const doc = parseFeedFile(readFileSync(WRANS), WRANS);
    const xml = countXml(WRANS);
    expect(doc.file).toMatchObject({ type: 'wrans', date: '2026-02-23', version: '' });
    expect(doc.speeches).toHaveLength(xml.speeches);
    expect(doc.headings).toHaveLength(xml.headings);
    expect(doc.speeches.map((s) => s.personId)).toEqual(xml.personIds);
    expect(doc.speeches.map((s) => s.kind)).toEqual(['ques', 'reply', 'ques', 'ques', 'reply', 'ques']);
    const q = doc.speeches[0]!;
    expect(q.url).toBe(
      'https://questions-statements.parliament.uk/written-questions/detail/2026-02-10/112103',
    );
    expect(q.speakerId).toBeNull();
    expect(q.majorHeadingGid).toBe('uk.org.publicwhip/wrans/2026-02-10.112103.mh');
    expect(q.minorHeadingGid).toBe('uk.org.publicwhip/wrans/2026-02-10.112103.h');
    expect(doc.headings[0]!.title).toBe('Ministry of Justice');
    expect(doc.speeches[1]!.paragraphs[0]!.text).toMatch(/^As set out in the Government’s IPP Action Plan/);
    expect(doc.warnings).toEqual([]);
  });
});

describe('Scottish Parliament sp-new (parse and list)', () => {
  it('finds files in the meeting folders below sp-new/', () => {
    const files = listSourceFiles(root, { types: ['sp-new'] });
    expect(files.map((f) => [f.type, f.name, f.groupKey, f.date, f.path])).toEqual([
      ['sp-new', '2026-03-13_20136.xml', '2026-03-13_20136', '2026-03-13', SP],
    ]);
  });

  it('reads the spor layout: headings, speeches with person ids, urls; "unknown" is no person', () => {
    const doc = parseFeedFile(readFileSync(SP), SP, 'sp-new');
    const xml = countXml(SP);
    expect(doc.speeches).toHaveLength(xml.speeches);
    expect(doc.headings).toHaveLength(xml.headings);
    expect(doc.speeches.map((s) => s.personId ?? 'unknown')).toEqual(xml.personIds);
    expect(doc.headings.map((h) => h.gid)).toEqual([
      'uk.org.publicwhip/spor/2026-03-13.0.0',
      'uk.org.publicwhip/spor/2026-03-13.1.0',
    ]);
    const anonymous = doc.speeches.find((s) => s.gid === 'uk.org.publicwhip/spor/2026-03-13.1.1')!;
    expect(anonymous).toMatchObject({ personId: null, speakerName: null });
    expect(anonymous.paragraphs.map((p) => p.text)).toEqual(['09:41']);
    expect(doc.speeches[0]!.url).toContain('meeting=20136&iob=215699#orscontributions_');
    const bill = doc.speeches.find((s) => s.gid.endsWith('.1.2'))!.paragraphs[1]!;
    expect(bill).toMatchObject({
      cls: 'or-bill-section',
      text: 'Section 21A—Offence of advertising assisted dying',
    });
    // An empty printed name has nothing to keep, so nothing to warn about.
    expect(doc.warnings).toEqual([]);
  });
});

describe.skipIf(!corpusAvailable()).each<StoreKind>(['postgres', 'pglite'])(
  'today’s layouts stored on %s',
  (kind) => {
    const store = storePerTest(kind);
    const people = readPeople(path.join(corpusDir, 'members', 'people.json'));
    const files = () => listSourceFiles(root, { types: ['wrans', 'sp-new'] });

    it('stores every speech; each speaker resolves at the date or is listed by errors', async () => {
      const db = await store();
      await new MemberRepository(db).replaceAll(people, { name: 'people.json', checksum: 'x' });
      const summary = await ingest(db, files(), people);
      const expected = countXml(WRANS).speeches + countXml(SP).speeches;
      expect(summary).toMatchObject({ ingested: 2, speeches: expected, failed: [] });
      const rows = await db.query<{
        gid: string;
        type: string;
        person_id: string | null;
        membership_id: string | null;
        house: string | null;
      }>('SELECT gid, type, person_id, membership_id, house FROM speeches ORDER BY gid');
      expect(rows).toHaveLength(expected);
      const report = await unresolvedReport(new MemberRepository(db));
      const listed = new Set(report.speakers.map((s) => s.id));
      for (const r of rows) {
        if (r.person_id === null) continue; // no id given (the timestamp speech): nothing to resolve
        if (r.membership_id === null) expect(listed, `${r.gid} ${r.person_id}`).toContain(r.person_id);
      }
      // John Swinney and Patrick Harvie: MSPs on the date through people.json's open memberships.
      const msp = rows.filter((r) => r.type === 'sp-new' && r.membership_id !== null);
      expect(msp.map((r) => r.person_id).sort()).toEqual([
        'uk.org.publicwhip/person/10581',
        'uk.org.publicwhip/person/14006',
      ]);
      expect(new Set(msp.map((r) => r.house))).toEqual(new Set(['scottish-parliament']));
      // People the 2009 file does not know are listed, not dropped.
      expect(listed).toContain('uk.org.publicwhip/person/25091');
      expect(listed).toContain('uk.org.publicwhip/person/26486');
      const speech = await new SpeechRepository(db).get('uk.org.publicwhip/spor/2026-03-13.1.1');
      expect(speech?.gid).toBe('uk.org.publicwhip/spor/2026-03-13.1.1');
    });

    it('is idempotent: the same files again change no row', async () => {
      const db = await store();
      await ingest(db, files(), people);
      const before = await storeDigest(db);
      const again = await ingest(db, files(), people);
      expect(again.ingested).toBe(0);
      expect(await storeDigest(db)).toEqual(before);
      expect((await listIngestErrors(db)).filter((e) => e.severity === 'error')).toEqual([]);
    });
  },
);

describe('FEED_TYPES', () => {
  it('includes sp-new by default', () => {
    expect(loadConfig({}).FEED_TYPES).toContain('sp-new');
    expect(loadConfig({ FEED_TYPES: 'sp-new' }).FEED_TYPES).toEqual(['sp-new']);
  });
});

describe('sp-new on pages and in exports', () => {
  it('is cited as the Official Report, links to TheyWorkForYou’s Scottish section and has its own label', () => {
    expect(citation({ type: 'sp-new', sitting_date: '2026-03-13', colnum: null })).toBe(
      'SP OR 13 March 2026',
    );
    expect(twfyUrl('uk.org.publicwhip/spor/2026-03-13.0.1')).toBe(
      'https://www.theyworkforyou.com/sp/?id=2026-03-13.0.1',
    );
    expect(typeLabel('sp-new')).toBe('Scottish Parliament (since 2024)');
    expect(typeLabel('sp-new')).not.toBe(typeLabel('sp'));
  });
});

describe('person_id="unknown" with a printed name', () => {
  // A rule check, not a layout sample: the real excerpt's only "unknown" speech has no name.
  it('keeps the name, resolves no one and warns with the gid', () => {
    const xml =
      '<publicwhip><speech id="uk.org.publicwhip/spor/2026-03-13.9.1" speakername="A Member" person_id="unknown">' +
      '<p>Text.</p></speech></publicwhip>';
    const doc = parseFeedFile(new TextEncoder().encode(xml), '2026-03-13_1.xml', 'sp-new');
    expect(doc.speeches[0]).toMatchObject({ speakerName: 'A Member', personId: null, speakerId: null });
    expect(doc.warnings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        field: 'speech@person_id',
        message: expect.stringContaining(
          'uk.org.publicwhip/spor/2026-03-13.9.1: speaker "A Member" not identified',
        ),
      }),
    ]);
  });
});
