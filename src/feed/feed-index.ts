/**
 * Listing a feed type from its directory index: every poll, for every type, since
 * changedates.txt does not name every file (and lordswms, lordswrans have none), and for
 * backfills reaching further back than changedates.txt does. Over HTTP that is the web
 * server's index page of `scrapedxml/<type>/` (Apache mod_autoindex or nginx autoindex),
 * asked for conditionally so an unchanged listing costs one 304; for a mirror, readdir,
 * skipped while the directory's mtime stands still.
 * Each entry carries a stamp (the modification time and size the index shows): a file
 * whose stamp changes is listed again, as a changedates.txt line would have done.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import {
  FeedError,
  FeedHttpError,
  FeedNotFoundError,
  IncompleteBodyError,
  isSafeFolder,
  isSafeName,
  RateLimiter,
} from './index.js';
import { getOnce, type GetResponse } from './http.js';
import { backoffDelay, isRetryableStatus, sleep } from './retry.js';

/** One file as a directory index lists it. */
export interface IndexEntry {
  name: string;
  /** What the index shows about the file (date, size): a change means a new version. */
  stamp: string;
}

/** What identifies one state of a listing: HTTP validators, or a mirror directory's mtime. */
export interface IndexValidators {
  etag: string | null;
  lastModified: string | null;
}

export type IndexListing =
  /** The listing is the one `previous` described (a 304, or an untouched directory). */
  | { status: 'unchanged' }
  | {
      status: 'listed';
      entries: IndexEntry[];
      /** Sub-folders the index shows (`meeting-of-the-parliament`), sorted: where nested feeds keep their files. */
      folders?: string[];
      /** To store with the recorded listing and pass back as `previous`; nulls when the source vouches for nothing. */
      validators: IndexValidators;
    };

export interface FeedIndex {
  /** XML files of `type` as the index shows them; FeedNotFoundError when there is no such folder. */
  list(type: string, signal?: AbortSignal): Promise<IndexEntry[]>;
  /**
   * The listing, or 'unchanged' when it is still the one `previous` (the validators of a
   * listing recorded earlier) describes: one conditional request, or one stat of a mirror.
   */
  listIfChanged(type: string, previous: IndexValidators | null, signal?: AbortSignal): Promise<IndexListing>;
}

/**
 * A directory changed this recently might change again within its own timestamp's
 * granularity (a second or two on some file systems), leaving the mtime as it was: its
 * listing is not vouched for, so the next poll lists it again.
 */
const SETTLE_MS = 2000;

export class DirectoryFeedIndex implements FeedIndex {
  constructor(
    private readonly root: string,
    private readonly now: () => number = Date.now,
  ) {}

  async list(type: string): Promise<IndexEntry[]> {
    return this.entries(this.dirOf(type));
  }

  async listIfChanged(type: string, previous: IndexValidators | null): Promise<IndexListing> {
    const dir = this.dirOf(type);
    // A file added, removed or renamed into place (as rsync and parlparse publish) touches
    // the directory's mtime; an in-place rewrite does not, which the daily full listing covers.
    const info = await this.statDir(dir);
    const mtime = String(info.mtimeNs);
    if (previous?.lastModified === mtime) return { status: 'unchanged' };
    const entries = await this.entries(dir);
    const folders = await this.folders(dir);
    const settled = this.now() - Number(info.mtimeMs) >= SETTLE_MS;
    return {
      status: 'listed',
      entries,
      folders,
      validators: { etag: null, lastModified: settled ? mtime : null },
    };
  }

  private dirOf(type: string): string {
    if (!isSafeFolder(type)) throw new RangeError(`Unsafe feed type ${JSON.stringify(type)}`);
    return path.join(this.root, 'scrapedxml', ...type.split('/'));
  }

  private async folders(dir: string): Promise<string[]> {
    const found = await readdir(dir, { withFileTypes: true });
    return found
      .filter((e) => e.isDirectory() && isSafeName(e.name))
      .map((e) => e.name)
      .sort();
  }

  private async statDir(dir: string): Promise<{ mtimeNs: bigint; mtimeMs: bigint }> {
    try {
      return await stat(dir, { bigint: true });
    } catch (err) {
      throw missingOr(err, dir);
    }
  }

  private async entries(dir: string): Promise<IndexEntry[]> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      throw missingOr(err, dir);
    }
    const xml = names.filter((n) => n.endsWith('.xml') && isSafeName(n)).sort();
    return Promise.all(
      xml.map(async (name) => {
        const info = await stat(path.join(dir, name));
        return { name, stamp: `${info.mtime.toISOString()} ${info.size}` };
      }),
    );
  }
}

/** ENOENT is a missing folder (FeedNotFoundError); other I/O trouble a retryable FeedError. */
function missingOr(err: unknown, dir: string): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const url = `file://${dir}`;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FeedNotFoundError(url);
  return new FeedError(`Cannot list ${url}: ${String(err)}`, {
    url,
    attempts: 1,
    retryable: true,
    cause: err,
  });
}

export interface HttpFeedIndexOptions {
  baseUrl: string;
  dispatcher: Dispatcher;
  limiter: RateLimiter;
  userAgent: string;
  timeoutMs: number;
  attempts?: number;
  baseDelayMs?: number;
}

/** Both autoindex layouts end the page so; a body cut short without a Content-Length does not. */
const PAGE_END = /<\/html>\s*$/i;

export class HttpFeedIndex implements FeedIndex {
  constructor(private readonly options: HttpFeedIndexOptions) {}

  async list(type: string, signal?: AbortSignal): Promise<IndexEntry[]> {
    const listing = await this.listIfChanged(type, null, signal);
    if (listing.status !== 'listed') throw new Error('unreachable: an unconditional listing was not listed');
    return listing.entries;
  }

  async listIfChanged(
    type: string,
    previous: IndexValidators | null,
    signal?: AbortSignal,
  ): Promise<IndexListing> {
    if (!isSafeFolder(type)) throw new RangeError(`Unsafe feed type ${JSON.stringify(type)}`);
    const url = new URL(`scrapedxml/${type}/`, this.options.baseUrl).toString();
    const conditional = conditionalHeaders(previous);
    const res = await this.get(url, conditional, signal);
    if (res.status === 304 && Object.keys(conditional).length > 0) return { status: 'unchanged' };
    const html = res.body.toString('utf8');
    return {
      status: 'listed',
      entries: parseIndexPage(html),
      folders: parseIndexFolders(html),
      validators: { etag: res.header('etag') ?? null, lastModified: res.header('last-modified') ?? null },
    };
  }

  /** A 200 with the whole page, or a 304 to a conditional request; retries what may pass. */
  private async get(
    url: string,
    conditional: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<GetResponse> {
    const attempts = this.options.attempts ?? 3;
    for (let tries = 1; ; tries++) {
      await this.options.limiter.acquire(signal);
      try {
        const res = await getOnce(url, {
          dispatcher: this.options.dispatcher,
          headers: { 'user-agent': this.options.userAgent, ...conditional },
          timeoutMs: this.options.timeoutMs,
          maxBytes: 64 * 1024 * 1024,
          signal,
        });
        if (res.status === 304 && Object.keys(conditional).length > 0) return res;
        if (res.status === 200) {
          // Without a Content-Length only the page's own end shows that all of it came.
          if (
            !res.hadLength &&
            !PAGE_END.test(res.body.toString('latin1', Math.max(0, res.body.length - 64)))
          )
            throw new IncompleteBodyError(url, res.body.length, { reason: 'truncated' });
          return res;
        }
        if (res.status === 404 || res.status === 410) throw new FeedNotFoundError(url, res.status, tries);
        throw new FeedHttpError(`GET ${url} answered ${res.status}`, {
          url,
          status: res.status,
          attempts: tries,
          retryable: isRetryableStatus(res.status),
        });
      } catch (err) {
        const retryable = err instanceof FeedError && err.retryable;
        if (!retryable || tries >= attempts) throw err;
        await sleep(
          backoffDelay(tries, { baseDelayMs: this.options.baseDelayMs ?? 500, maxDelayMs: 10_000 }),
          signal,
        );
      }
    }
  }
}

function conditionalHeaders(previous: IndexValidators | null): Record<string, string> {
  const headers: Record<string, string> = {};
  if (previous?.etag) headers['if-none-match'] = previous.etag;
  if (previous?.lastModified) headers['if-modified-since'] = previous.lastModified;
  return headers;
}

const LINK = /<a\s[^>]*?href\s*=\s*"([^"]+)"[^>]*>/gi;

/**
 * The `.xml` links of an autoindex page with the text after each link up to the end of
 * its row (date and size in both Apache's table and nginx's <pre> layouts) as its stamp.
 */
export function parseIndexPage(html: string): IndexEntry[] {
  const out = new Map<string, string>();
  for (const match of html.matchAll(LINK)) {
    const name = safeDecode(match[1] ?? '');
    if (name === null || !name.endsWith('.xml') || !isSafeName(name)) continue;
    const after = html.slice((match.index ?? 0) + match[0].length);
    out.set(name, rowText(after));
  }
  return [...out].map(([name, stamp]) => ({ name, stamp }));
}

/**
 * The sub-folder links of an autoindex page (`meeting-of-the-parliament/`), relative ones
 * only: the parent (`../` or an absolute path) and sort links (`?C=N;O=D`) are not folders.
 */
export function parseIndexFolders(html: string): string[] {
  const out = new Set<string>();
  for (const match of html.matchAll(LINK)) {
    const href = safeDecode(match[1] ?? '');
    if (href === null || !href.endsWith('/')) continue;
    const name = href.slice(0, -1);
    if (isSafeName(name)) out.add(name);
  }
  return [...out].sort();
}

/** Text following a link's closing tag to the end of its table row or line, tags stripped. */
function rowText(after: string): string {
  const close = after.search(/<\/a>/i);
  const rest = close < 0 ? after : after.slice(close + 4);
  const ends = [rest.search(/<\/tr>/i), rest.indexOf('\n'), rest.search(/<a\s/i)].filter((i) => i >= 0);
  const row = rest.slice(0, ends.length ? Math.min(...ends) : 200);
  return row
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function safeDecode(href: string): string | null {
  try {
    return decodeURIComponent(href.replace(/^\.\//, ''));
  } catch {
    return null;
  }
}
