/**
 * Modern written ministerial statements (`wms/ministerial<date>.xml`) and modern Lords
 * debates (`lordspages/daylord<date><letter>.xml`) on fixtures derived from their writers in
 * mysociety/parlparse: no real post-2014 file of either could be found
 * (tests/fixtures/feeds-today/README.md). Counts are checked against a plain count of the
 * XML, not against our parser; every speaker resolves at the date or is listed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeedFile } from '../../src/debate/parse.js';
import { listIngestErrors } from '../../src/ingest/error-repository.js';
import { listSourceFiles } from '../../src/ingest/source-files.js';
import { MemberRepository } from '../../src/member/member-repository.js';
import { unresolvedReport } from '../../src/member/unresolved-report.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { storeDigest, storePerTest, type StoreKind } from '../support/db.js';
import { ingest, readPeople } from '../support/ingest.js';

const root = path.join(import.meta.dirname, '..', 'fixtures', 'feeds-today');
const WMS = path.join(root, 'scrapedxml', 'wms', 'ministerial2026-02-24.xml');
const LORDS = path.join(root, 'scrapedxml', 'lordspages', 'daylord2026-01-14a.xml');

/** Independent of the parser: opening tags and the person ids they carry. */
function countXml(file: string) {
  const xml = readFileSync(file, 'utf8');
  const opens = [...xml.matchAll(/<speech\s[^>]*>/g)].map((m) => m[0]);
  const voters = [...xml.matchAll(/<lord\s[^>]*person_id="([^"]*)"/g)].map((m) => m[1]!);
  return {
    speeches: opens.length,
    headings: (xml.match(/<(major|minor)-heading\s/g) ?? []).length,
    personIds: opens.map((o) => /person_id="([^"]*)"/.exec(o)?.[1] ?? null),
    divisions: (xml.match(/<division\s/g) ?? []).length,
    voters,
    // Attachments are the writer's `<p><a href>title</a> (type, n.nKB)</p>` paragraphs.
    attachments: (xml.match(/<p><a href="[^"]+">[^<]+<\/a> \([A-Z]+, \d+\.\dKB\)<\/p>/g) ?? []).length,
  };
}

describe('modern written ministerial statements (parse)', () => {
  it('reads one speech per statement under its department and title, with person id and url', () => {
    const doc = parseFeedFile(readFileSync(WMS), WMS);
    const xml = countXml(WMS);
    expect(doc.file).toMatchObject({ type: 'wms', date: '2026-02-24', version: '' });
    expect(doc.speeches).toHaveLength(xml.speeches);
    expect(doc.headings).toHaveLength(xml.headings);
    expect(doc.speeches.map((s) => s.personId)).toEqual(xml.personIds);
    const [first, withAttachment, treasury] = doc.speeches;
    expect(first!.majorHeadingGid).toBe('uk.org.publicwhip/wms/2026-02-24.hcws1301.mh');
    expect(first!.minorHeadingGid).toBe('uk.org.publicwhip/wms/2026-02-24.hcws1301.h');
    expect(first!.url).toBe(
      'https://questions-statements.parliament.uk/written-statements/detail/2026-02-24/hcws1301',
    );
    // The second statement of a department stays under the first one's major heading.
    expect(withAttachment!.majorHeadingGid).toBe('uk.org.publicwhip/wms/2026-02-24.hcws1301.mh');
    expect(xml.attachments).toBe(1);
    expect(withAttachment!.paragraphs.at(-1)!.text).toBe(
      'Local highways maintenance allocations 2026-27 (PDF, 245.3KB)',
    );
    expect(withAttachment!.paragraphs.at(-1)!.html).toContain(
      '<a href="https://questions-statements.parliament.uk/api/Attachment/Statement/1302/allocations.pdf">',
    );
    expect(treasury!.majorHeadingGid).toBe('uk.org.publicwhip/wms/2026-02-24.hcws1303.mh');
    expect(doc.headings.find((h) => h.gid.endsWith('hcws1303.mh'))!.title).toBe('HM Treasury');
    expect(doc.warnings).toEqual([]);
  });
});

describe('modern Lords debates (parse)', () => {
  it('reads speeches, headings with their debate type and the content/not-content division', () => {
    const doc = parseFeedFile(readFileSync(LORDS), LORDS);
    const xml = countXml(LORDS);
    expect(doc.file).toMatchObject({ type: 'lordspages', date: '2026-01-14', version: 'a' });
    expect(doc.speeches).toHaveLength(xml.speeches);
    expect(doc.headings).toHaveLength(xml.headings);
    expect(doc.speeches.map((s) => s.personId)).toEqual(xml.personIds);
    // new_hansard.py appends the debate type in <i> to a Lords major heading.
    expect(doc.headings[0]).toMatchObject({
      gid: 'uk.org.publicwhip/lords/2026-01-14a.1201.0',
      title: 'Bus Services: Rural Areas - Question',
    });
    expect(doc.divisions).toHaveLength(xml.divisions);
    const division = doc.divisions[0]!;
    expect(division).toMatchObject({
      gid: 'uk.org.publicwhip/lords/2026-01-14a.1201.6',
      number: '1',
      counts: { content: 2, 'not-content': 1 },
      majorHeadingGid: 'uk.org.publicwhip/lords/2026-01-14a.1201.3',
    });
    expect(division.votes.map((v) => v.personId)).toEqual(xml.voters);
    // A teller (`teller="yes"`) is recorded as a teller of the side.
    expect(division.votes.map((v) => v.vote)).toEqual(['content', 'tellcontent', 'not-content']);
    expect(doc.warnings).toEqual([]);
  });
});

describe.skipIf(!corpusAvailable()).each<StoreKind>(['postgres', 'pglite'])(
  'derived wms and lordspages stored on %s',
  (kind) => {
    const store = storePerTest(kind);
    const people = readPeople(path.join(corpusDir, 'members', 'people.json'));
    const files = () => listSourceFiles(root, { types: ['wms', 'lordspages'] });

    it('stores every speech and vote; each speaker or voter resolves at the date or is listed', async () => {
      const db = await store();
      await new MemberRepository(db).replaceAll(people, { name: 'people.json', checksum: 'x' });
      expect(
        files()
          .map((f) => f.path)
          .sort(),
      ).toEqual([LORDS, WMS]);
      const summary = await ingest(db, files(), people);
      const expected = countXml(WMS).speeches + countXml(LORDS).speeches;
      expect(summary).toMatchObject({ ingested: 2, speeches: expected, failed: [] });
      const rows = await db.query<{
        gid: string;
        type: string;
        person_id: string | null;
        membership_id: string | null;
      }>('SELECT gid, type, person_id, membership_id FROM speeches ORDER BY gid');
      expect(rows).toHaveLength(expected);
      expect(rows.filter((r) => r.type === 'wms')).toHaveLength(countXml(WMS).speeches);
      const votes = await db.query<{ person_id: string | null; membership_id: string | null }>(
        'SELECT person_id, membership_id FROM votes ORDER BY person_id',
      );
      expect(votes.map((v) => v.person_id)).toEqual([...countXml(LORDS).voters].sort());
      const listed = new Set((await unresolvedReport(new MemberRepository(db))).speakers.map((s) => s.id));
      for (const r of rows) {
        if (r.person_id === null) continue; // procedure text: no speaker to resolve
        if (r.membership_id === null) expect(listed, `${r.gid} ${r.person_id}`).toContain(r.person_id);
      }
      // The illustrative person ids are in no people.json: all are listed, none dropped.
      expect(rows.filter((r) => r.membership_id !== null)).toEqual([]);
      for (const id of ['90101', '90102', '90201', '90202'])
        expect(listed).toContain(`uk.org.publicwhip/person/${id}`);
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
