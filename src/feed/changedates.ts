/**
 * parlparse's `scrapedxml/<type>/changedates.txt`: one `<unix time>,<file name>` line per
 * publication or revision, appended over time. Pure functions only; fetching lives in the
 * sources.
 */
import { z } from 'zod';

export interface ChangeEntry {
  /** Unix time (seconds) the file was published or revised. */
  time: number;
  name: string;
  /** 1-based line in changedates.txt, for messages. */
  line: number;
}

export interface ChangedatesIssue {
  line: number;
  text: string;
  reason: string;
}

export interface ParsedChangedates {
  entries: ChangeEntry[];
  issues: ChangedatesIssue[];
}

/**
 * Where a type's processing stands: the last unix time handled and every name handled at
 * that time. Keeping the names (not just the time) is what lets two files published in
 * the same second be neither skipped nor repeated.
 */
export interface ChangeCursor {
  time: number;
  names: readonly string[];
}

/** For validating a cursor read back from storage. */
export const changeCursorSchema = z.object({
  time: z.number().int().nonnegative(),
  names: z.array(z.string()),
});

/**
 * File and type names become URL and filesystem path segments, so anything beyond plain
 * characters (slashes, `..`, spaces) is refused rather than escaped.
 */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isSafeName(name: string): boolean {
  return SAFE_NAME.test(name) && !name.includes('..');
}

/**
 * A feed folder below `scrapedxml/`: a type (`debates`) or, for feeds laid out in meeting
 * folders, the type and one folder (`sp-new/meeting-of-the-parliament`), each part a safe name.
 */
export function isSafeFolder(folder: string): boolean {
  const parts = folder.split('/');
  return parts.length <= 2 && parts.every(isSafeName);
}

const LINE = /^(\d{1,12}),(.+)$/;

export function parseChangedates(text: string): ParsedChangedates {
  const entries: ChangeEntry[] = [];
  const issues: ChangedatesIssue[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    const parsed = parseLine(trimmed);
    if (typeof parsed === 'string') issues.push({ line, text: raw, reason: parsed });
    else entries.push({ ...parsed, line });
  });
  return { entries, issues };
}

function parseLine(text: string): { time: number; name: string } | string {
  const match = LINE.exec(text);
  if (!match) return 'expected "<unix time>,<file name>"';
  const time = Number(match[1]);
  const name = (match[2] ?? '').trim();
  if (!isSafeName(name)) return `unsafe file name ${JSON.stringify(name)}`;
  return { time, name };
}

/**
 * Entries not yet processed according to `cursor`, oldest first. A name listed more than
 * once after the cursor is returned once, at its latest time: only the current content
 * can be fetched, so earlier listings add nothing. A name already processed comes back
 * when it is listed again at a later time (a revision).
 */
export function pendingSince(entries: readonly ChangeEntry[], cursor?: ChangeCursor | null): ChangeEntry[] {
  const seenAtCursor = new Set(cursor?.names ?? []);
  const latest = new Map<string, ChangeEntry>();
  for (const entry of sortByTime(entries)) {
    if (cursor && entry.time < cursor.time) continue;
    if (cursor && entry.time === cursor.time && seenAtCursor.has(entry.name)) continue;
    latest.delete(entry.name); // re-insert so Map order follows the latest listing
    latest.set(entry.name, entry);
  }
  return [...latest.values()];
}

/** The cursor after processing `entry` (entries must be processed in pendingSince order). */
export function advanceCursor(cursor: ChangeCursor | null | undefined, entry: ChangeEntry): ChangeCursor {
  if (cursor && entry.time < cursor.time) return cursor;
  if (cursor && entry.time === cursor.time) {
    return cursor.names.includes(entry.name)
      ? cursor
      : { time: cursor.time, names: [...cursor.names, entry.name] };
  }
  return { time: entry.time, names: [entry.name] };
}

/** Stable sort by time: changedates.txt is appended in time order, but do not rely on it. */
function sortByTime(entries: readonly ChangeEntry[]): ChangeEntry[] {
  return [...entries].sort((a, b) => a.time - b.time || a.line - b.line);
}
