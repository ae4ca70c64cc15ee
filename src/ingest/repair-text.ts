/**
 * Repairs a store ingested before the parser read references 128–159 the HTML5 way and
 * dropped control characters: it still holds U+0092 for committee files' `&#146;`, U+0096
 * for `&#150;`, and any raw C0/C1 controls. The store keeps no feed bytes (`feed_files`
 * has name and checksum only; fetched bytes leave `feed_blobs` once ingested), so the
 * affected files are re-ingested from a pwdata directory. Re-ingesting a day queues its
 * search indexing, tagging and MP record again, so search, tags and exports follow.
 */
import type { Db, Queryable } from '../store/db.js';
import { ingestFiles, type IngestOptions, type IngestSummary } from './ingest.js';
import { listSourceFiles, type SourceFile } from './source-files.js';

/** C0 controls but tab, LF and CR, and C1 controls, as a Postgres (ARE) bracket expression. */
const CONTROL_CHARS = '[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x80-\\x9f]';

/** A day's current file whose stored text holds control characters. */
export interface AffectedFile {
  name: string;
  type: string;
  groupKey: string;
  /** Paragraphs of the day holding one. */
  paragraphs: number;
}

/** Current files of the days whose paragraphs, headings, speaker or voter names hold control characters. */
export async function filesWithControlText(db: Queryable): Promise<AffectedFile[]> {
  return db.query<AffectedFile>(
    `WITH bad_paragraphs AS (
       SELECT s.group_key, count(*)::int AS n FROM paragraphs p JOIN speeches s ON s.gid = p.speech_gid
        WHERE p.body ~ $1 OR p.html ~ $1 GROUP BY s.group_key),
     bad AS (
       SELECT group_key FROM bad_paragraphs
       UNION SELECT group_key FROM speeches WHERE speaker_name ~ $1
       UNION SELECT group_key FROM headings WHERE title ~ $1
       UNION SELECT d.group_key FROM votes v JOIN divisions d ON d.gid = v.division_gid WHERE v.name ~ $1)
     SELECT t.current_file AS name, t.type, t.group_key AS "groupKey", coalesce(b.n, 0) AS paragraphs
       FROM sittings t JOIN bad USING (group_key) LEFT JOIN bad_paragraphs b USING (group_key)
      ORDER BY t.group_key`,
    [CONTROL_CHARS],
  );
}

export interface TextRepair {
  /** Files whose days held control characters before the repair. */
  affected: AffectedFile[];
  /** Affected files not found in the source directory (left as they were). */
  missing: string[];
  /** The re-ingest of the files found; null when nothing needed it. */
  ingest: IngestSummary | null;
  /** Files whose days still hold control characters afterwards. */
  remaining: AffectedFile[];
}

/**
 * Re-ingests, from `sourceDir`, the current file of every day whose stored text holds
 * control characters. Their stored checksums are marked first so that the ingest writes
 * them again although their bytes are unchanged; a file the run cannot write keeps the
 * mark, so the next ordinary ingest of the directory picks it up too.
 */
export async function repairText(
  db: Db,
  sourceDir: string,
  opts: IngestOptions & { dryRun?: boolean },
): Promise<TextRepair> {
  const affected = await filesWithControlText(db);
  const byName = new Map<string, SourceFile>(listSourceFiles(sourceDir).map((f) => [f.name, f]));
  const found = affected.flatMap((a) => byName.get(a.name) ?? []);
  const missing = affected.filter((a) => !byName.has(a.name)).map((a) => a.name);
  if (opts.dryRun || found.length === 0) return { affected, missing, ingest: null, remaining: affected };
  await db.query(
    `UPDATE feed_files SET checksum = 'repair:' || checksum WHERE name = ANY($1) AND checksum NOT LIKE 'repair:%'`,
    [found.map((f) => f.name)],
  );
  const ingest = await ingestFiles(db, found, opts);
  return { affected, missing, ingest, remaining: await filesWithControlText(db) };
}
