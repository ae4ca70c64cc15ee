/**
 * Bounds on long-running responses (exports). Each export holds a database connection and
 * a transaction for as long as it streams, so the number running at once is capped
 * server-wide (below the pool size, so search and pages always find a connection) and per
 * client address, and a request over either cap is refused at once with Retry-After
 * rather than queued (a queue would hold sockets and, once admitted, connections). A
 * running export is ended when its client stops reading for too long or when it has run
 * too long altogether, so a slow client cannot keep its transaction open indefinitely.
 */
import type { Writable } from 'node:stream';
import type { Config } from '../../config.js';

export interface StreamLimits {
  /** Exports streaming at once, server-wide. */
  exports: number;
  /** Streaming responses at once from one client address. */
  perClient: number;
  /** An export whose client has taken nothing for this long is ended. */
  stallMs: number;
  /** Longest an export may run. */
  maxMs: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  exports: 2,
  perClient: 1,
  stallMs: 30_000,
  maxMs: 30 * 60_000,
};

export function streamLimitsFromConfig(config: Config): StreamLimits {
  return {
    exports: config.EXPORT_MAX_CONCURRENT,
    perClient: config.STREAMS_PER_CLIENT,
    stallMs: config.EXPORT_STALL_MS,
    maxMs: config.EXPORT_MAX_MS,
  };
}

/** Seconds a refused client is told to wait: about how long a typical export takes. */
export const RETRY_AFTER_SECONDS = 30;

export type SlotRefusal = { refused: 'client' | 'server'; message: string };
export interface Slot {
  /** Gives the slot back; later calls do nothing. */
  release(): void;
}

/** Counting slots, server-wide and per key (client address), taken without waiting. */
export class StreamSlots {
  private active = 0;
  private readonly perKey = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly perKeyMax: number,
  ) {}

  get running(): number {
    return this.active;
  }

  tryAcquire(key: string): Slot | SlotRefusal {
    const mine = this.perKey.get(key) ?? 0;
    if (mine >= this.perKeyMax)
      return {
        refused: 'client',
        message: `Your address already has ${mine} export${mine === 1 ? '' : 's'} running; wait for ${mine === 1 ? 'it' : 'one'} to finish.`,
      };
    if (this.active >= this.max)
      return {
        refused: 'server',
        message: `The server is running as many exports as it allows (${this.max}); try again shortly.`,
      };
    this.active++;
    this.perKey.set(key, mine + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.active--;
        const left = (this.perKey.get(key) ?? 1) - 1;
        if (left > 0) this.perKey.set(key, left);
        else this.perKey.delete(key);
      },
    };
  }
}

/** An export ended by a limit rather than by a fault. */
export class StreamLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamLimitError';
  }
}

/**
 * Destroys `out` (with a StreamLimitError) once its reader has left it full for `stallMs`
 * or it has been open for `maxMs`; the writer then fails on its next write or wait for
 * 'drain', which ends the export's cursor and transaction. Returns a function to stop watching.
 */
export function watchStream(
  out: Writable,
  limits: Pick<StreamLimits, 'stallMs' | 'maxMs'>,
  now: () => number = Date.now,
): () => void {
  const started = now();
  let fullSince: number | null = null;
  const tick = setInterval(
    () => {
      const t = now();
      // Full means the writer is waiting for the reader (a slow or stalled client), not for the database.
      if (out.writableNeedDrain) fullSince ??= t;
      else fullSince = null;
      const reason =
        t - started >= limits.maxMs
          ? `export ended after running ${limits.maxMs} ms, the longest allowed`
          : fullSince !== null && t - fullSince >= limits.stallMs
            ? `export ended: the client took nothing for ${limits.stallMs} ms`
            : null;
      if (reason) {
        clearInterval(tick);
        out.destroy(new StreamLimitError(reason));
      }
    },
    Math.min(1000, Math.max(20, Math.floor(limits.stallMs / 4))),
  );
  tick.unref();
  return () => clearInterval(tick);
}
