import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listSourceFiles, type SourceFile } from '../../src/ingest/source-files.js';
import type { Db } from '../../src/store/db.js';

/** A debates file of one day: a heading and one speech holding `paragraphs` (raw XML). */
export function debatesDay(day: string, paragraphs: string, doctype = ''): string {
  const gid = `uk.org.publicwhip/debate/${day}a`;
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n${doctype}\n<publicwhip>\n` +
    `<major-heading id="${gid}.1.0">Health services</major-heading>\n` +
    `<speech id="${gid}.1.1" speakername="A Member">${paragraphs}</speech>\n</publicwhip>\n`
  );
}

export const fileOf = (day: string): string => `debates${day}a.xml`;

/** A pwdata-shaped directory holding the given debates files (name → content). */
export function debatesTree(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hw-ingest-'));
  const debates = path.join(dir, 'scrapedxml', 'debates');
  mkdirSync(debates, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(debates, name), content);
  return dir;
}

/** The files of `dir` with these names. */
export function filesNamed(dir: string, ...names: string[]): SourceFile[] {
  return listSourceFiles(dir).filter((f) => names.includes(f.name));
}

/** What a day holds in the store and whether its indexing and tagging are done. */
export async function dayState(db: Db, day: string) {
  const groupKey = `debates${day}`;
  const [row] = await db.query<{
    paragraphs: number;
    indexed: number;
    search_queued: boolean;
    tag_queued: boolean;
  }>(
    `SELECT (SELECT count(*)::int FROM paragraphs p JOIN speeches s ON s.gid = p.speech_gid WHERE s.group_key = $1) AS paragraphs,
            (SELECT count(*)::int FROM paragraph_search ps JOIN speeches s ON s.gid = ps.speech_gid WHERE s.group_key = $1) AS indexed,
            EXISTS (SELECT 1 FROM search_pending WHERE group_key = $1) AS search_queued,
            EXISTS (SELECT 1 FROM tag_pending WHERE group_key = $1) AS tag_queued`,
    [groupKey],
  );
  return row!;
}

/** A paragraph an NHS tagger tags (privatisation and outsourcing). */
export const TAGGABLE =
  '<p>The privatisation of NHS hospitals and the outsourcing of clinical services to private contractors must stop.</p>';
