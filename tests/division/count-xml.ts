/**
 * Divisions and votes counted straight from the XML text, independently of the project's
 * parser: a division is a `<division id=…>…</division>`, or in standing committee files a
 * top-level `<divisioncount id=…>…</divisioncount>`; a vote is an `<mpname>`, `<lord>` or
 * `<mspname>` element inside one.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

export interface XmlCounts {
  divisions: number;
  votes: number;
}

export function countXml(file: string): XmlCounts {
  // Tags and attribute names are ASCII: latin1 reads them whatever the declared encoding.
  const xml = readFileSync(file, 'latin1');
  // Attendance lists of committees use <mpname> too: only names inside a division are votes.
  const blocks = [
    ...(xml.match(/<division\s[^>]*\bid="[\s\S]*?<\/division>/g) ?? []),
    ...(xml.match(/<divisioncount\s[^>]*\bid="[\s\S]*?<\/divisioncount>/g) ?? []),
  ];
  const votes = blocks.reduce((n, b) => n + (b.match(/<(mpname|lord|mspname)[\s>]/g) ?? []).length, 0);
  return { divisions: blocks.length, votes };
}

/** Every feed XML file of a pwdata directory, as `type/name`. */
export function feedFiles(root: string): { type: string; name: string; file: string }[] {
  const scraped = path.join(root, 'scrapedxml');
  return readdirSync(scraped).flatMap((type) =>
    readdirSync(path.join(scraped, type))
      .filter((n) => n.endsWith('.xml'))
      .map((name) => ({ type, name, file: path.join(scraped, type, name) })),
  );
}
