import type { Worker } from 'node:worker_threads';
import type { ParseLimits } from '../debate/limits.js';
import { ParseError, type ParseIssue } from '../debate/types.js';
import type { FeedType } from '../parliament/index.js';
import { MemberResolver } from '../member/resolve.js';
import type { PeopleData } from '../member/types.js';
import { prepareFile, type PreparedFile } from './rows.js';
import { startWorker } from '../worker-thread.js';
import type { SearchVectorSettings } from './search-vector.js';

export interface PrepareRequest {
  id: number;
  bytes: Uint8Array;
  name: string;
  type: FeedType | undefined;
  checksum: string;
}

export type PrepareResponse = { id: number; prepared: PreparedFile } | { id: number; issue: ParseIssue };

/** A file that could not be prepared, carrying the issue to record. */
export class PrepareError extends Error {
  constructor(readonly issue: ParseIssue) {
    super(
      issue.line !== undefined
        ? `${issue.file}:${issue.line}: ${issue.message}`
        : `${issue.file}: ${issue.message}`,
    );
    this.name = 'PrepareError';
  }
}

export function toIssue(err: unknown, file: string): ParseIssue {
  if (err instanceof ParseError) return err.issue;
  return { severity: 'error', file, message: err instanceof Error ? err.message : String(err) };
}

/** The payload buffers of a prepared file, each with an ArrayBuffer of its own (CopyText allocates them unpooled). */
export function transferables(prepared: PreparedFile): ArrayBuffer[] {
  return [...prepared.content, prepared.redirects, prepared.search].map((c) => c.data.buffer as ArrayBuffer);
}

/** A buffer can be moved to a worker only when it alone spans its ArrayBuffer (not a slice of Node's pool). */
function movable(bytes: Uint8Array): ArrayBuffer[] {
  const buf = bytes.buffer;
  return buf instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buf.byteLength
    ? [buf]
    : [];
}

/**
 * Parsing allocates short-lived strings by the hundred megabytes: a young generation of 96 MB
 * (32 MB semi-spaces, V8's default is 16) cut parse CPU by about 12% in `bench/` runs, with
 * fewer scavenges promoting less.
 */
const PARSE_HEAP = { maxYoungGenerationSizeMb: 96 };

/** What a parse worker starts with. */
export interface ParseWorkerData {
  people: PeopleData | null;
  limits: Readonly<ParseLimits> | undefined;
  /** Work out search vectors with these settings; null leaves every day to the indexer. */
  search: SearchVectorSettings | null;
}

function startParseWorker(workerData: ParseWorkerData): Worker {
  return startWorker(import.meta.url, 'parse-worker', { workerData, resourceLimits: PARSE_HEAP });
}

/**
 * Parses files on worker threads so parsing uses every core while the main thread talks to
 * Postgres. Size 0 runs in-thread (small batches, tests, one-core machines).
 */
export class ParsePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (p: PreparedFile) => void; reject: (e: Error) => void }
  >();
  private readonly load = new Map<Worker, number>();
  private nextId = 0;
  private readonly resolver: MemberResolver | null;

  constructor(
    size: number,
    people: PeopleData | null,
    private readonly limits?: Readonly<ParseLimits>,
    private readonly search: SearchVectorSettings | null = null,
  ) {
    this.resolver = size === 0 && people ? new MemberResolver(people) : null;
    for (let i = 0; i < size; i++) this.spawn(people);
  }

  private spawn(people: PeopleData | null): void {
    const worker = startParseWorker({ people, limits: this.limits, search: this.search });
    worker.on('message', (res: PrepareResponse) => this.settle(worker, res));
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => {
      if (this.pending.size > 0) this.failAll(new Error(`parse worker exited with code ${code}`));
    });
    this.workers.push(worker);
    this.load.set(worker, 0);
  }

  private settle(worker: Worker, res: PrepareResponse): void {
    this.load.set(worker, (this.load.get(worker) ?? 1) - 1);
    const waiter = this.pending.get(res.id);
    this.pending.delete(res.id);
    if (!waiter) return;
    if ('prepared' in res) waiter.resolve(res.prepared);
    else waiter.reject(new PrepareError(res.issue));
  }

  private failAll(err: Error): void {
    for (const w of this.pending.values()) w.reject(err);
    this.pending.clear();
  }

  /** Takes ownership of `bytes`: on a worker they are moved there and no longer readable here. */
  async prepare(
    bytes: Uint8Array,
    name: string,
    type: FeedType | undefined,
    checksum: string,
  ): Promise<PreparedFile> {
    if (this.workers.length === 0) {
      try {
        return prepareFile(bytes, name, type, this.resolver, checksum, this.limits, this.search);
      } catch (err) {
        throw new PrepareError(toIssue(err, name));
      }
    }
    // Least loaded, ties taken in turn: otherwise an idle pool sends everything to its first worker.
    const start = this.nextId % this.workers.length;
    const order = [...this.workers.slice(start), ...this.workers.slice(0, start)];
    const worker = order.reduce((best, w) =>
      (this.load.get(w) ?? 0) < (this.load.get(best) ?? 0) ? w : best,
    );
    this.load.set(worker, (this.load.get(worker) ?? 0) + 1);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, bytes, name, type, checksum } satisfies PrepareRequest, movable(bytes));
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
