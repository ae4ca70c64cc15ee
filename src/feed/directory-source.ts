/**
 * FeedSource over a local mirror of pwdata (e.g. `rsync -a data.theyworkforyou.com::parldata`).
 * Same layout, same results as HttpFeedSource; "unchanged" is decided by checksum.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseChangedates, pendingSince, type ChangeCursor } from './changedates.js';
import { assertPeopleJson, feedXmlCheck } from './complete.js';
import { FeedError, FeedNotFoundError } from './errors.js';
import {
  assertSafeNames,
  feedPaths,
  resultFor,
  type ChangeList,
  type FeedSource,
  type FetchResult,
  type PreviousVersion,
} from './source.js';

export interface DirectoryFeedSourceOptions {
  /** Root element every XML file must have; null accepts any. Default 'publicwhip'. */
  expectedRoot?: string | null;
}

export class DirectoryFeedSource implements FeedSource {
  readonly root: string;
  private readonly checkXml: (bytes: Uint8Array, url: string) => void;

  constructor(root: string, options: DirectoryFeedSourceOptions = {}) {
    this.root = path.resolve(root);
    this.checkXml = feedXmlCheck(options.expectedRoot);
  }

  async listChanges(type: string, cursor?: ChangeCursor | null): Promise<ChangeList> {
    assertSafeNames(type);
    const { bytes } = await this.read(feedPaths.changedates(type));
    const { entries, issues } = parseChangedates(bytes.toString('utf8'));
    return { pending: pendingSince(entries, cursor), issues };
  }

  async fetchFile(type: string, name: string, previous?: PreviousVersion): Promise<FetchResult> {
    assertSafeNames(type, name);
    const { url, bytes, lastModified } = await this.read(feedPaths.file(type, name));
    this.checkXml(bytes, url);
    return resultFor(url, bytes, previous, { lastModified });
  }

  async fetchPeople(previous?: PreviousVersion): Promise<FetchResult> {
    const { url, bytes, lastModified } = await this.read(feedPaths.people());
    assertPeopleJson(bytes, url);
    return resultFor(url, bytes, previous, { lastModified });
  }

  async close(): Promise<void> {}

  /** Reads a layout path; missing → FeedNotFoundError, other I/O trouble → retryable FeedError. */
  private async read(relative: string): Promise<{ url: string; bytes: Buffer; lastModified: string }> {
    const file = path.join(this.root, relative);
    const url = pathToFileURL(file).toString();
    try {
      const [bytes, info] = await Promise.all([readFile(file), stat(file)]);
      return { url, bytes, lastModified: info.mtime.toUTCString() };
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new FeedNotFoundError(url);
      throw new FeedError(`Cannot read ${url}: ${String(cause)}`, {
        url,
        attempts: 1,
        retryable: true,
        cause,
      });
    }
  }
}
