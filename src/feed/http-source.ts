/**
 * FeedSource over HTTP (theyworkforyou.com/pwdata or anything laid out like it).
 * Politeness and resilience live here: conditional requests, a shared request rate,
 * per-attempt timeouts and retries with full-jitter backoff that honour Retry-After.
 */
import { Agent, interceptors, type Dispatcher } from 'undici';
import { DEFAULT_PWDATA_URL } from './defaults.js';
import type { Logger } from '../log.js';
import { parseChangedates, pendingSince, type ChangeCursor } from './changedates.js';
import { assertPeopleJson, feedXmlCheck } from './complete.js';
import { FeedError, FeedHttpError, FeedNotFoundError, withAttempts } from './errors.js';
import { getOnce, type GetResponse } from './http.js';
import { RateLimiter } from './rate.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter, sleep } from './retry.js';
import {
  assertSafeNames,
  feedPaths,
  resultFor,
  type CallOptions,
  type ChangeList,
  type FeedSource,
  type FetchResult,
  type PreviousVersion,
} from './source.js';
import { defaultUserAgent } from './user-agent.js';

export { DEFAULT_PWDATA_URL };

export interface HttpFeedSourceOptions {
  /** pwdata base URL; a missing trailing slash is added. */
  baseUrl?: string;
  /** Per attempt, headers and body together. Default 30 s. */
  timeoutMs?: number;
  /** Total tries per request, including the first. Default 5. */
  attempts?: number;
  /** Backoff scale (full jitter, doubling per retry). Default 500 ms. */
  baseDelayMs?: number;
  /** Cap on one backoff wait; a longer Retry-After fails the call at once. Default 30 s. */
  maxDelayMs?: number;
  /** Minimum spacing of request starts. Default 1000 ms. Ignored when `rateLimiter` is given. */
  minIntervalMs?: number;
  /** Share one limiter between sources hitting the same host. */
  rateLimiter?: RateLimiter;
  userAgent?: string;
  /** Largest body accepted, compressed or not. Default 256 MiB. */
  maxBytes?: number;
  /** Root element every XML file must have; null accepts any. Default 'publicwhip'. */
  expectedRoot?: string | null;
  /** Uses this dispatcher instead of an own Agent (then close() leaves it open). */
  dispatcher?: Dispatcher;
  logger?: Logger;
  /** For deterministic jitter in tests. */
  random?: () => number;
}

interface CachedListing {
  etag: string | undefined;
  lastModified: string | undefined;
  text: string;
}

export class HttpFeedSource implements FeedSource {
  readonly baseUrl: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly limiter: RateLimiter;
  private readonly userAgent: string;
  private readonly checkXml: (bytes: Uint8Array, url: string) => void;
  /** Last changedates.txt per type, so an idle poll costs a 304 and no body. */
  private readonly listings = new Map<string, CachedListing>();

  constructor(private readonly options: HttpFeedSourceOptions = {}) {
    const base = options.baseUrl ?? DEFAULT_PWDATA_URL;
    this.baseUrl = base.endsWith('/') ? base : `${base}/`;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Agent({ keepAliveTimeout: 30_000 }).compose(interceptors.redirect({ maxRedirections: 3 }));
    this.limiter = options.rateLimiter ?? new RateLimiter(options.minIntervalMs ?? 1000);
    this.userAgent = options.userAgent ?? defaultUserAgent();
    this.checkXml = feedXmlCheck(options.expectedRoot);
  }

  async listChanges(
    type: string,
    cursor?: ChangeCursor | null,
    options: CallOptions = {},
  ): Promise<ChangeList> {
    assertSafeNames(type);
    const url = this.urlFor(feedPaths.changedates(type));
    const cached = this.listings.get(type);
    const text = await this.withRetries(url, options, async () => {
      const response = await this.get(url, cached, options);
      if (response.status === 304 && cached) return cached.text;
      const body = this.expectOk(url, response).toString('utf8');
      const complete = response.hadLength ? body : dropUnterminatedTail(body);
      // The validators describe the whole body: only cache what we kept all of, or a
      // 304 would pin the shortened listing until the file next changes.
      if (complete === body) this.listings.set(type, { ...validatorsOf(response), text: body });
      else this.listings.delete(type);
      return complete;
    });
    const { entries, issues } = parseChangedates(text);
    return { pending: pendingSince(entries, cursor), issues };
  }

  async fetchFile(
    type: string,
    name: string,
    previous?: PreviousVersion,
    options: CallOptions = {},
  ): Promise<FetchResult> {
    assertSafeNames(type, name);
    return this.fetchVerified(this.urlFor(feedPaths.file(type, name)), previous, options, this.checkXml);
  }

  async fetchPeople(previous?: PreviousVersion, options: CallOptions = {}): Promise<FetchResult> {
    return this.fetchVerified(this.urlFor(feedPaths.people()), previous, options, assertPeopleJson);
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /** GET with conditionals from `previous`, verify the body, and say whether it is new. */
  private fetchVerified(
    url: string,
    previous: PreviousVersion | undefined,
    options: CallOptions,
    verify: (bytes: Uint8Array, url: string) => void,
  ): Promise<FetchResult> {
    // Without a checksum an 'unchanged' answer could not say which content is current.
    const known = previous?.checksum !== undefined ? previous : undefined;
    return this.withRetries(url, options, async () => {
      const response = await this.get(url, known, options);
      if (response.status === 304 && known?.checksum !== undefined) {
        const validators = validatorsOf(response);
        return {
          status: 'unchanged',
          url,
          checksum: known.checksum,
          etag: validators.etag ?? known.etag,
          lastModified: validators.lastModified ?? known.lastModified,
        };
      }
      const body = this.expectOk(url, response);
      verify(body, url);
      return resultFor(url, body, previous, validatorsOf(response));
    });
  }

  private async get(
    url: string,
    previous: { etag?: string | undefined; lastModified?: string | undefined } | undefined,
    options: CallOptions,
  ): Promise<GetResponse> {
    await this.limiter.acquire(options.signal);
    return getOnce(url, {
      dispatcher: this.dispatcher,
      headers: { 'user-agent': this.userAgent, ...conditionalHeaders(previous) },
      timeoutMs: this.options.timeoutMs ?? 30_000,
      maxBytes: this.options.maxBytes ?? 256 * 1024 * 1024,
      signal: options.signal,
    });
  }

  /** The body of a 200, or the typed error for any other status. */
  private expectOk(url: string, response: GetResponse): Buffer {
    if (response.status === 200) return response.body;
    if (response.status === 404 || response.status === 410) throw new FeedNotFoundError(url, response.status);
    throw new FeedHttpError(`GET ${url} answered ${response.status}`, {
      url,
      status: response.status,
      attempts: 1,
      retryable: isRetryableStatus(response.status),
      retryAfterMs: parseRetryAfter(response.header('retry-after')),
    });
  }

  /** Runs `attempt` until it succeeds, fails for good, or attempts run out. */
  private async withRetries<T>(url: string, options: CallOptions, attempt: () => Promise<T>): Promise<T> {
    const attempts = Math.max(1, this.options.attempts ?? 5);
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof FeedError)) throw error;
        const delay = this.retryDelay(error, tries, attempts);
        if (delay === undefined) throw withAttempts(error, tries);
        this.options.logger?.warn(
          { url, attempt: tries, delayMs: delay, err: error.message },
          'feed request failed; retrying',
        );
        await sleep(delay, options.signal);
      }
    }
  }

  /** How long to wait before try `tries + 1`, or undefined to give up now. */
  private retryDelay(error: FeedError, tries: number, attempts: number): number | undefined {
    if (!error.retryable || tries >= attempts) return undefined;
    const maxDelayMs = this.options.maxDelayMs ?? 30_000;
    const retryAfter = error instanceof FeedHttpError ? error.retryAfterMs : undefined;
    // The server's explicit wish wins over our own schedule; if it is longer than we are
    // willing to block, hand the decision (with retryAfterMs) to the caller's queue.
    if (retryAfter !== undefined) return retryAfter <= maxDelayMs ? retryAfter : undefined;
    return backoffDelay(
      tries,
      { baseDelayMs: this.options.baseDelayMs ?? 500, maxDelayMs },
      this.options.random,
    );
  }

  private urlFor(relative: string): string {
    return new URL(relative, this.baseUrl).toString();
  }
}

function conditionalHeaders(
  previous: { etag?: string | undefined; lastModified?: string | undefined } | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {};
  if (previous?.etag) headers['if-none-match'] = previous.etag;
  if (previous?.lastModified) headers['if-modified-since'] = previous.lastModified;
  return headers;
}

function validatorsOf(response: GetResponse): { etag: string | undefined; lastModified: string | undefined } {
  return { etag: response.header('etag'), lastModified: response.header('last-modified') };
}

/**
 * changedates.txt is appended one newline-terminated line at a time. When no
 * Content-Length vouched for the body, text after the last newline may be a body cut
 * short: leave it for the next poll rather than queue a half file name.
 */
function dropUnterminatedTail(text: string): string {
  const end = text.lastIndexOf('\n');
  return end < 0 ? '' : text.slice(0, end + 1);
}
