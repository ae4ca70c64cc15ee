/**
 * Listing a feed type from its directory index, for types that have no changedates.txt
 * (in the shared corpus: lordswms, lordswrans) and for backfills reaching further back
 * than changedates.txt does. Over HTTP that is the web server's index page of
 * `scrapedxml/<type>/` (Apache mod_autoindex or nginx autoindex); for a mirror, readdir.
 * Each entry carries a stamp (the modification time and size the index shows): a file
 * whose stamp changes is listed again, as a changedates.txt line would have done.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import { FeedHttpError, FeedNotFoundError, isSafeName, RateLimiter } from '../feed/index.js';
import { getOnce } from '../feed/http.js';
import { backoffDelay, isRetryableStatus, sleep } from '../feed/retry.js';
import type { IndexEntry } from './cursor-repository.js';

export interface FeedIndex {
  /** XML files of `type` as the index shows them; FeedNotFoundError when there is no such folder. */
  list(type: string, signal?: AbortSignal): Promise<IndexEntry[]>;
}

export class DirectoryFeedIndex implements FeedIndex {
  constructor(private readonly root: string) {}

  async list(type: string): Promise<IndexEntry[]> {
    if (!isSafeName(type)) throw new RangeError(`Unsafe feed type ${JSON.stringify(type)}`);
    const dir = path.join(this.root, 'scrapedxml', type);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new FeedNotFoundError(`file://${dir}`);
      throw err;
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

export interface HttpFeedIndexOptions {
  baseUrl: string;
  dispatcher: Dispatcher;
  limiter: RateLimiter;
  userAgent: string;
  timeoutMs: number;
  attempts?: number;
  baseDelayMs?: number;
}

export class HttpFeedIndex implements FeedIndex {
  constructor(private readonly options: HttpFeedIndexOptions) {}

  async list(type: string, signal?: AbortSignal): Promise<IndexEntry[]> {
    if (!isSafeName(type)) throw new RangeError(`Unsafe feed type ${JSON.stringify(type)}`);
    const url = new URL(`scrapedxml/${type}/`, this.options.baseUrl).toString();
    return parseIndexPage(await this.get(url, signal));
  }

  private async get(url: string, signal: AbortSignal | undefined): Promise<string> {
    const attempts = this.options.attempts ?? 3;
    for (let tries = 1; ; tries++) {
      await this.options.limiter.acquire(signal);
      try {
        const res = await getOnce(url, {
          dispatcher: this.options.dispatcher,
          headers: { 'user-agent': this.options.userAgent },
          timeoutMs: this.options.timeoutMs,
          maxBytes: 64 * 1024 * 1024,
          signal,
        });
        if (res.status === 200) return res.body.toString('utf8');
        if (res.status === 404 || res.status === 410) throw new FeedNotFoundError(url, res.status, tries);
        throw new FeedHttpError(`GET ${url} answered ${res.status}`, {
          url,
          status: res.status,
          attempts: tries,
          retryable: isRetryableStatus(res.status),
        });
      } catch (err) {
        const retryable = err instanceof FeedHttpError && err.retryable;
        if (!retryable || tries >= attempts) throw err;
        await sleep(
          backoffDelay(tries, { baseDelayMs: this.options.baseDelayMs ?? 500, maxDelayMs: 10_000 }),
          signal,
        );
      }
    }
  }
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
