import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseFeedFileName } from '../debate/feed-file.js';
import { FEED_TYPES, type FeedFileName, type FeedType } from '../debate/types.js';

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
    const dir = path.join(root, type);
    if (!existsSync(dir)) continue;
    for (const name of orderedNames(dir)) {
      const meta = parseFeedFileName(name, type);
      if (filter.from && meta.date < filter.from) continue;
      if (filter.to && meta.date > filter.to) continue;
      out.push({ ...meta, path: path.join(dir, name) });
    }
  }
  return out;
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
