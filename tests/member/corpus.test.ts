import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { lowerBound, upperBound } from '../../src/member/dates.js';
import { listUnresolvable, MemberResolver, parsePeople, type ParsedPeople } from '../../src/member/index.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';

const person = (n: number): string => `uk.org.publicwhip/person/${n}`;
const member = (n: number): string => `uk.org.publicwhip/member/${n}`;

interface SpeakerUse {
  speakerId: string;
  date: string;
}

/** Every distinct (speaker id, sitting date) in the week; the date is the last one in the file name. */
function speakerUses(): SpeakerUse[] {
  const root = path.join(corpusDir, 'scrapedxml');
  const uses = new Map<string, SpeakerUse>();
  for (const dir of readdirSync(root)) {
    for (const file of readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.xml'))) {
      const date = file.match(/\d{4}-\d{2}-\d{2}/g)?.at(-1);
      if (!date) throw new Error(`no date in ${file}`);
      // Ids are ASCII, so latin1 reads them correctly whatever the declared encoding.
      const xml = readFileSync(path.join(root, dir, file), 'latin1');
      for (const [, speakerId] of xml.matchAll(/speakerid="([^"]+)"/g)) {
        if (speakerId && speakerId !== 'unknown') uses.set(`${speakerId} ${date}`, { speakerId, date });
      }
    }
  }
  return [...uses.values()];
}

describe.skipIf(!corpusAvailable())('members/people.json of the 2009 week', () => {
  let raw: { persons: { id: string; shortcuts?: { latest_name?: string } }[] };
  let parsed: ParsedPeople;
  let resolver: MemberResolver;
  let uses: SpeakerUse[];

  beforeAll(() => {
    raw = JSON.parse(readFileSync(path.join(corpusDir, 'members', 'people.json'), 'utf8'));
    parsed = parsePeople(raw, 'people.json');
    resolver = new MemberResolver(parsed.data);
    uses = speakerUses();
  });

  it('loads with zero issues', () => {
    expect(parsed.issues).toEqual([]);
    const { persons, memberships, organizations, posts } = parsed.data;
    expect([persons.length, memberships.length, organizations.length, posts.length]).toEqual([
      2411, 4451, 38, 930,
    ]);
  });

  it("names everyone as TheyWorkForYou's latest_name does", () => {
    const latest = new Map(raw.persons.map((p) => [p.id, p.shortcuts?.latest_name]));
    const differ = parsed.data.persons.filter((p) => latest.get(p.id) !== p.name).map((p) => [p.id, p.name]);
    // The one difference is a missing space in the file's own shortcut ("LordJames Douglas-Hamilton").
    expect(differ).toEqual([[person(17208), 'James Douglas-Hamilton']]);
  });

  it('resolves all 842 speaker ids to a membership valid on the sitting date, with a party', () => {
    expect(new Set(uses.map((u) => u.speakerId)).size).toBe(842);
    for (const { speakerId, date } of uses) {
      const r = resolver.resolve({ speakerId }, date);
      expect(r, `${speakerId} on ${date}`).not.toBeNull();
      const m = resolver.membership(r?.membershipId ?? '');
      expect(m?.id, `${speakerId} on ${date}`).toBe(speakerId);
      expect(lowerBound(m?.startDate ?? null) <= date && date <= upperBound(m?.endDate ?? null)).toBe(true);
      expect(r?.party, `${speakerId} on ${date}`).toBeTruthy();
      expect(r?.house).toBeTruthy();
    }
    expect(listUnresolvable(resolver, uses)).toEqual([]);
  });

  it('gives the 2009 party of a member who crossed the floor', () => {
    // Quentin Davies: Conservative until June 2007, Labour afterwards.
    expect(resolver.resolve({ speakerId: member(2025) }, '2009-10-27')).toMatchObject({
      personId: person(10160),
      name: 'Quentin Davies',
      party: 'Labour',
      constituency: 'Grantham & Stamford',
      house: 'house-of-commons',
    });
    expect(resolver.resolve({ speakerId: member(1598) }, '2009-10-27')?.membershipId).toBe(member(2025));
    expect(resolver.resolve({ personId: person(10160) }, '2006-01-10')?.party).toBe('Conservative');
    // John Bercow sits as Speaker since June 2009.
    expect(resolver.resolve({ personId: person(10040) }, '2009-10-26')?.party).toBe('Speaker');
    expect(resolver.resolve({ personId: person(10040) }, '2009-01-26')?.party).toBe('Conservative');
  });

  it('gives the 2009 seat of a member whose constituency changed', () => {
    // Andrew MacKay: Berkshire East 1992–97, Bracknell since.
    expect(resolver.resolve({ speakerId: member(1439) }, '2009-10-29')?.constituency).toBe('Bracknell');
    expect(resolver.resolve({ personId: person(10391) }, '1995-01-01')?.constituency).toBe('Berkshire East');
  });

  it('separates a double-jobbing MP and MLA by house', () => {
    // William McCrea sat for South Antrim both at Westminster and in the Assembly.
    const mp = resolver.resolve({ personId: person(10679), house: 'house-of-commons' }, '2009-10-12');
    const mla = resolver.resolve(
      { personId: person(10679), house: 'northern-ireland-assembly' },
      '2009-10-12',
    );
    expect(mp).toMatchObject({ membershipId: member(1376), house: 'house-of-commons' });
    expect(mla).toMatchObject({ membershipId: member(90307), house: 'northern-ireland-assembly' });
  });

  it('names peers by title', () => {
    expect(resolver.resolve({ speakerId: 'uk.org.publicwhip/lord/100869' }, '2009-10-26')).toMatchObject({
      name: 'Lord Anderson of Swansea',
      house: 'house-of-lords',
      party: 'Labour',
      constituency: null,
    });
  });
});
