import {
  FEED_TYPE_REGISTRY,
  feedTypeOfPrefix,
  isFeedType,
  type FeedType,
  type FeedTypeEntry,
} from '../parliament/feed-types.js';
import { ParseError, type FeedFileName } from './types.js';

const DATE = /\d{4}-\d{2}-\d{2}/g;
// The version letter sits directly after the (last) date: `…2009-10-26b.xml`.
const VERSION = /\d([a-z]?)\.xml$/i;

function baseName(name: string): string {
  const cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  return cut < 0 ? name : name.slice(cut + 1);
}

/** The folder a path names its file in (`…/senedd/cy/senedd2026-01-14.xml` → `cy`), or ''. */
function parentFolder(name: string): string {
  const parts = name.split(/[/\\]/);
  return parts.length > 1 ? (parts[parts.length - 2] ?? '') : '';
}

function typeFromPrefix(name: string): FeedType | undefined {
  const prefix = /^[a-z]+/i.exec(name)?.[0].toLowerCase() ?? '';
  return feedTypeOfPrefix(prefix);
}

/** Names the file as the caller gave it (a path helps more than the bare name). */
function fail(name: string, message: string): never {
  throw new ParseError({ severity: 'error', file: name, field: 'file name', message });
}

/**
 * Reads what a parlparse file name says. The type comes from the name's prefix unless
 * given (folders and prefixes differ: `westminster…` lives in `westminhall/`).
 */
export function parseFeedFileName(name: string, type?: FeedType): FeedFileName {
  const bare = baseName(name);
  if (type !== undefined && !isFeedType(type)) {
    fail(name, `unknown feed type "${String(type)}"`);
  }
  const resolved = type ?? typeFromPrefix(bare);
  if (resolved === undefined) fail(name, 'cannot tell the feed type from the file name');
  const version = VERSION.exec(bare);
  if (version === null) fail(name, 'expected a name ending in a date, an optional version letter and ".xml"');
  const dates = bare.match(DATE);
  // Standing committee names carry the bill's session start first and the sitting date last.
  const date = dates?.[dates.length - 1];
  if (date === undefined) fail(name, 'no YYYY-MM-DD date in the file name');
  const letter = (version[1] ?? '').toLowerCase();
  const groupKey = bare.slice(0, bare.length - '.xml'.length - letter.length);
  const languages = (FEED_TYPE_REGISTRY[resolved] as FeedTypeEntry).languages;
  if (languages === undefined) return { type: resolved, name: bare, groupKey, date, version: letter };
  const language = parentFolder(name);
  if (!languages.includes(language))
    fail(name, `a ${resolved} file's path must name its language folder (${languages.join(' or ')}/)`);
  return {
    type: resolved,
    name: `${language}/${bare}`,
    groupKey: `${language}/${groupKey}`,
    date,
    version: letter,
    language,
  };
}

/** Orders version letters: '' (unversioned) < 'a' < 'b' < … < 'z' < 'aa'. */
export function compareVersions(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
