/**
 * One interface over where parlparse output comes from: theyworkforyou.com's pwdata
 * over HTTP, or a local rsync'd mirror of it. Both lay files out the same way:
 * `scrapedxml/<type>/changedates.txt`, `scrapedxml/<type>/<name>`, `members/people.json`.
 */
import { sha256Hex } from '../store/checksum.js';
import {
  isSafeFolder,
  isSafeName,
  type ChangeCursor,
  type ChangeEntry,
  type ChangedatesIssue,
} from './changedates.js';

/** What the caller stored about the version it already has. */
export interface PreviousVersion {
  etag?: string | undefined;
  lastModified?: string | undefined;
  /** sha256 hex of the bytes. Conditional requests are only made when this is known. */
  checksum?: string | undefined;
}

interface FetchResultBase {
  /** Where the bytes came from (http(s):// or file://), for logs and errors. */
  url: string;
  /** sha256 hex of the (decompressed) bytes. */
  checksum: string;
  etag?: string | undefined;
  lastModified?: string | undefined;
}

export interface NewFetchResult extends FetchResultBase {
  status: 'new';
  /** Verified complete (XML root closed, or people.json with `persons`). */
  bytes: Buffer;
}

/** The caller's previous version is current: a 304, or a 200 with the same checksum. */
export interface UnchangedFetchResult extends FetchResultBase {
  status: 'unchanged';
  bytes?: undefined;
}

export type FetchResult = NewFetchResult | UnchangedFetchResult;

export interface ChangeList {
  /** Unprocessed file versions in order (see pendingSince). */
  pending: ChangeEntry[];
  /** Unreadable changedates.txt lines, skipped; worth a warning, not a failure. */
  issues: ChangedatesIssue[];
}

export interface CallOptions {
  /** Abandons the request and any backoff wait (e.g. on shutdown). */
  signal?: AbortSignal | undefined;
}

export interface FeedSource {
  /** New and revised files of `type` after `cursor` (everything listed when null). */
  listChanges(type: string, cursor?: ChangeCursor | null, options?: CallOptions): Promise<ChangeList>;
  /** One file of `type`; 'unchanged' (no bytes) when `previous` is still current. */
  fetchFile(
    type: string,
    name: string,
    previous?: PreviousVersion,
    options?: CallOptions,
  ): Promise<FetchResult>;
  /** `members/people.json`, conditionally like fetchFile. */
  fetchPeople(previous?: PreviousVersion, options?: CallOptions): Promise<FetchResult>;
  /** Releases connections; the source is unusable afterwards. */
  close(): Promise<void>;
}

/** Paths inside the pwdata layout, shared by both sources so they cannot drift apart. */
export const feedPaths = {
  changedates: (type: string): string => `scrapedxml/${type}/changedates.txt`,
  file: (type: string, name: string): string => `scrapedxml/${type}/${name}`,
  people: (): string => 'members/people.json',
};

/**
 * The result for freshly obtained, verified bytes: 'unchanged' when they match what the
 * caller already has (a server that ignores conditionals, or a mirror), else 'new'.
 */
export function resultFor(
  url: string,
  bytes: Buffer,
  previous: PreviousVersion | undefined,
  validators: { etag?: string | undefined; lastModified?: string | undefined },
): FetchResult {
  const checksum = sha256Hex(bytes);
  if (previous?.checksum === checksum) return { status: 'unchanged', url, checksum, ...validators };
  return { status: 'new', url, checksum, bytes, ...validators };
}

/**
 * Refuses a feed folder (see isSafeFolder) and file names that could escape the pwdata
 * layout (callers pass names from the network).
 */
export function assertSafeNames(folder: string, ...names: string[]): void {
  if (!isSafeFolder(folder)) throw new RangeError(`Unsafe feed name ${JSON.stringify(folder)}`);
  for (const name of names) {
    if (!isSafeName(name)) throw new RangeError(`Unsafe feed name ${JSON.stringify(name)}`);
  }
}
