/**
 * A small pwdata-shaped tree of our own invented text, written to a temp dir, for the
 * feed client's unit tests (the real corpus is only read by the corpus suite).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface FixtureTree {
  root: string;
  write(relative: string, content: string | Buffer): void;
  remove(): void;
}

/** A parlparse-like debates file with `speeches` invented speeches (about 300 bytes each). */
export function debatesXml(date: string, speeches: number, latest = true): string {
  const body = Array.from(
    { length: speeches },
    (_, i) =>
      `<speech id="uk.org.publicwhip/debate/${date}a.${i}.0" speakerid="uk.org.publicwhip/member/${1000 + (i % 7)}" ` +
      `speakername="Invented Member ${i % 7}" time="14:${String(i % 60).padStart(2, '0')}:00">\n` +
      `<p pid="${i}/1">Invented remark number ${i} about the invented hospital trust &amp; its budget.</p>\n</speech>\n`,
  ).join('');
  return (
    `<?xml version="1.0" encoding="ISO-8859-1"?>\n` +
    `<!DOCTYPE publicwhip [\n<!ENTITY pound   "&#163;">\n<!ENTITY ndash   "&#8211;">\n]>\n\n` +
    `<publicwhip scraperversion="a" latest="${latest ? 'yes' : 'no'}">\n` +
    `<major-heading id="uk.org.publicwhip/debate/${date}a.0.0">Invented Business</major-heading>\n` +
    body +
    `</publicwhip>\n\n`
  );
}

export const PEOPLE_JSON = JSON.stringify({
  persons: [
    { id: 'uk.org.publicwhip/person/1000', other_names: [{ given_name: 'Invented', family_name: 'Member' }] },
  ],
  memberships: [{ id: 'uk.org.publicwhip/member/1000', person_id: 'uk.org.publicwhip/person/1000' }],
  organizations: [],
  posts: [],
});

/**
 * debates: a, b (same second as a), then a revised `…01a` again later; wrans: one file
 * listed with CRLF line endings; westminhall: a file never listed.
 */
export function makeFixtureTree(): FixtureTree {
  const root = mkdtempSync(path.join(tmpdir(), 'hw-feed-'));
  const write = (relative: string, content: string | Buffer): void => {
    const file = path.join(root, ...relative.split('/'));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  };
  write('scrapedxml/debates/debates2020-01-01a.xml', debatesXml('2020-01-01', 400));
  write('scrapedxml/debates/debates2020-01-02a.xml', debatesXml('2020-01-02', 20));
  write('scrapedxml/debates/debates2020-01-03a.xml', debatesXml('2020-01-03', 5));
  write(
    'scrapedxml/debates/changedates.txt',
    '1577900000,debates2020-01-01a.xml\n1577990000,debates2020-01-02a.xml\n' +
      '1577990000,debates2020-01-03a.xml\n1578000000,debates2020-01-01a.xml\n',
  );
  write('scrapedxml/wrans/answers2020-01-01a.xml', debatesXml('2020-01-01', 3));
  write('scrapedxml/wrans/changedates.txt', '1577950000,answers2020-01-01a.xml\r\n\r\n');
  write('scrapedxml/westminhall/westminster2020-01-01a.xml', debatesXml('2020-01-01', 2));
  write('members/people.json', PEOPLE_JSON);
  return { root, write, remove: () => rmSync(root, { recursive: true, force: true }) };
}
