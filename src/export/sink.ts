/**
 * Writing to a Node Writable with backpressure. Shared by every format so that each one
 * stops pulling rows while the destination (a slow HTTP client, a disk) catches up, and so
 * that a destination that fails or goes away ends the export instead of hanging it.
 */
import { finished } from 'node:stream/promises';

export type RowSource<T> = AsyncIterable<T> | Iterable<T>;

/** Options every writer takes. */
export interface WriteOptions {
  /**
   * End `out` once the last row is written and wait for it to finish (default true), so
   * that a resolved export means a complete file or response. Pass false to append more.
   */
  end?: boolean;
  /** Called with the running row count after each chunk or row group is handed to `out`. */
  onProgress?: (rows: number) => void;
}

export interface WriteResult {
  rows: number;
}

/** The destination closed or was destroyed before the export finished (e.g. the client hung up). */
export class DestinationClosedError extends Error {
  constructor() {
    super('export destination closed before the export finished');
    this.name = 'DestinationClosedError';
  }
}

/**
 * `out` for the duration of one export. It listens for 'error' and 'close' throughout, not
 * only while waiting for 'drain': an 'error' with no listener would crash the process, and
 * a 'close' before 'drain' (a client that hung up) would leave the export waiting forever.
 */
export class Destination {
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly out: NodeJS.WritableStream) {
    out.on('error', this.onError);
    out.on('close', this.onClose);
  }

  /** Writes without waiting; true when `out` has room for more (Writable.write's contract). */
  write(chunk: string | Uint8Array): boolean {
    this.check();
    return this.out.write(chunk);
  }

  /** Writes, then waits for 'drain' if that filled the destination's buffer. */
  async send(chunk: string | Uint8Array): Promise<void> {
    if (!this.write(chunk)) await this.drained();
  }

  async drained(): Promise<void> {
    this.check();
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.out.off('drain', done);
        this.wake = null;
        resolve();
      };
      this.wake = done;
      this.out.on('drain', done);
    });
    this.check();
  }

  /** Ends `out` and waits until everything written has been flushed. */
  async end(): Promise<void> {
    this.check();
    this.out.end();
    await finished(this.out);
  }

  /** Stops listening; `out` is the caller's again. */
  release(): void {
    this.out.off('error', this.onError);
    this.out.off('close', this.onClose);
  }

  private check(): void {
    if (this.failure) throw this.failure;
    // NodeJS.WritableStream does not declare these; Writables and HTTP responses have them.
    // A destroyed stream's 'error' event comes a tick later: report the error itself if known.
    const state = this.out as { destroyed?: boolean; errored?: Error | null };
    if (state.errored) throw state.errored;
    if (state.destroyed === true) throw new DestinationClosedError();
  }

  private readonly onError = (err: Error): void => {
    this.failure ??= err;
    this.wake?.();
  };

  private readonly onClose = (): void => {
    this.failure ??= new DestinationClosedError();
    this.wake?.();
  };
}

/**
 * Runs one export against `out`: sets up the Destination, ends `out` when asked (after the
 * writer's own last bytes) and always stops listening, whether the export worked or not.
 */
export async function withDestination(
  out: NodeJS.WritableStream,
  opts: WriteOptions,
  write: (dest: Destination) => Promise<number>,
): Promise<WriteResult> {
  const dest = new Destination(out);
  try {
    const rows = await write(dest);
    opts.onProgress?.(rows);
    if (opts.end ?? true) await dest.end();
    return { rows };
  } finally {
    dest.release();
  }
}

/**
 * Collects text rows into chunks of about `chunkChars` before writing: one `write` per
 * row costs more than formatting the row, and an HTTP response would send each as its own
 * chunk. Memory stays bounded by one chunk plus the destination's highWaterMark.
 */
export class TextSink {
  private buffer = '';

  constructor(
    private readonly dest: Destination,
    private readonly chunkChars = 64 * 1024,
  ) {}

  /** Queues text; true when the chunk is full and flush() should be awaited. */
  push(text: string): boolean {
    this.buffer += text;
    return this.buffer.length >= this.chunkChars;
  }

  async flush(): Promise<void> {
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    await this.dest.send(chunk);
  }
}

/** The loop every text format shares: format each row, write in chunks, report progress. */
export function writeTextRows<T>(
  rows: RowSource<T>,
  out: NodeJS.WritableStream,
  format: (row: T) => string,
  opts: WriteOptions & { preamble?: string },
): Promise<WriteResult> {
  return withDestination(out, opts, async (dest) => {
    const sink = new TextSink(dest);
    if (opts.preamble) sink.push(opts.preamble);
    let count = 0;
    for await (const row of rows) {
      count++;
      if (sink.push(format(row))) {
        await sink.flush();
        opts.onProgress?.(count);
      }
    }
    await sink.flush();
    return count;
  });
}
