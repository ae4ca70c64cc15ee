import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseFeedFileName } from '../debate/feed-file.js';
import { FEED_TYPES, NESTED_FEED_TYPES, type FeedType } from '../parliament/index.js';
import type { FeedFileName } from '../debate/types.js';

export interface SourceFile extends FeedFileName {
  path: string;
}

export interface SourceFilter {
  types?: FeedType[] | undefined;
  /** Inclusive ISO dates on the sitting date. */
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * Lists the XML files of a pwdata-shaped directory (`scrapedxml/<type>/*.xml`), each type in
 * the order its changedates.txt published them (files it does not mention follow, by name),
 * because that is the order the live feed delivers them in.
 */
export function listSourceFiles(sourceDir: string, filter: SourceFilter = {}): SourceFile[] {
  const root = path.join(sourceDir, 'scrapedxml');
  if (!existsSync(root))
    throw new Error(`${sourceDir}: no scrapedxml/ folder (expected a TheyWorkForYou pwdata layout)`);
  const types = filter.types ?? FEED_TYPES.filter((t) => existsSync(path.join(root, t)));
  const out: SourceFile[] = [];
  for (const type of types) {
    const top = path.join(root, type);
    if (!existsSync(top)) continue;
    for (const dir of folders(top, type)) {
      for (const name of orderedNames(dir)) {
        // The path, not the bare name: a Senedd file's language is its folder.
        const meta = parseFeedFileName(path.join(dir, name), type);
        if (filter.from && meta.date < filter.from) continue;
        if (filter.to && meta.date > filter.to) continue;
        out.push({ ...meta, path: path.join(dir, name) });
      }
    }
  }
  return out;
}

/** The type's folder, or for a nested feed each of its meeting folders, by name. */
function folders(top: string, type: FeedType): string[] {
  if (!NESTED_FEED_TYPES.has(type)) return [top];
  return readdirSync(top, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => path.join(top, name));
}

function orderedNames(dir: string): string[] {
  const names = readdirSync(dir).filter((n) => n.endsWith('.xml'));
  const present = new Set(names);
  const changes = path.join(dir, 'changedates.txt');
  const ordered: string[] = [];
  if (existsSync(changes)) {
    for (const line of readFileSync(changes, 'utf8').split(/\r?\n/)) {
      const name = line.split(',')[1]?.trim();
      if (name && present.delete(name)) ordered.push(name);
    }
  }
  return [...ordered, ...[...present].sort()];
}
