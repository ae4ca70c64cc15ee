/**
 * Opens the configured feed: pwdata over HTTP (FEED_BASE_URL), or a local mirror
 * (FEED_DIR). The file source and the directory index share one connection pool and one
 * rate limiter, so politeness covers every request this process makes.
 */
import { Agent, interceptors } from 'undici';
import {
  DirectoryFeedSource,
  HttpFeedSource,
  RateLimiter,
  defaultUserAgent,
  type FeedSource,
} from './index.js';
import type { Logger } from '../log.js';
import { DirectoryFeedIndex, HttpFeedIndex, type FeedIndex } from './feed-index.js';

export interface FeedOptions {
  baseUrl: string;
  /** A pwdata mirror directory; when set, used instead of baseUrl. */
  dir?: string | undefined;
  minIntervalMs: number;
  timeoutMs: number;
  userAgent?: string | undefined;
  /** Tries per request inside the feed client (the queue retries on top). Default 5. */
  attempts?: number;
  /** Backoff scale inside the feed client. Default 500 ms. */
  baseDelayMs?: number;
  log: Logger;
}

export interface Feed {
  source: FeedSource;
  index: FeedIndex;
  /** For logs and status. */
  location: string;
  close(): Promise<void>;
}

export function openFeed(options: FeedOptions): Feed {
  if (options.dir) {
    const source = new DirectoryFeedSource(options.dir);
    return {
      source,
      index: new DirectoryFeedIndex(options.dir),
      location: options.dir,
      close: () => source.close(),
    };
  }
  const dispatcher = new Agent({ keepAliveTimeout: 30_000 }).compose(
    interceptors.redirect({ maxRedirections: 3 }),
  );
  const limiter = new RateLimiter(options.minIntervalMs);
  const userAgent = options.userAgent ?? defaultUserAgent();
  const baseUrl = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const source = new HttpFeedSource({
    baseUrl,
    dispatcher,
    rateLimiter: limiter,
    userAgent,
    timeoutMs: options.timeoutMs,
    attempts: options.attempts ?? 5,
    baseDelayMs: options.baseDelayMs ?? 500,
    logger: options.log.child({ component: 'feed' }),
  });
  const index = new HttpFeedIndex({
    baseUrl,
    dispatcher,
    limiter,
    userAgent,
    timeoutMs: options.timeoutMs,
    baseDelayMs: options.baseDelayMs ?? 500,
  });
  return {
    source,
    index,
    location: baseUrl,
    close: async () => {
      await source.close();
      await dispatcher.close();
    },
  };
}
