/**
 * The `speeches-ingested` extension point. Tagging and alerts register a handler with
 * `pipeline.onSpeechesIngested(name, handler)`; the stage's job runs every handler in
 * registration order. Delivery is at least once: a job is retried when any handler
 * throws, and an ingest whose worker died after committing announces the file's speeches
 * again (`replay: true`), so handlers must be idempotent per speech gid.
 */
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';

export interface SpeechesIngested {
  type: string;
  /** Feed file, e.g. `debates2009-10-26b.xml`. */
  name: string;
  checksum: string;
  /** Speeches new or changed by this file (all of the file's speeches when `replay`). */
  changedSpeechGids: string[];
  /** True when re-announced after a crash: some of these may have been handled already. */
  replay: boolean;
}

export interface HookContext {
  db: Db;
  log: Logger;
  signal: AbortSignal;
}

export type SpeechesIngestedHandler = (event: SpeechesIngested, ctx: HookContext) => Promise<void>;

export class SpeechHooks {
  private readonly handlers: { name: string; handler: SpeechesIngestedHandler }[] = [];

  /** Adds a handler; returns a function that removes it. */
  add(name: string, handler: SpeechesIngestedHandler): () => void {
    if (this.handlers.some((h) => h.name === name))
      throw new Error(`speeches-ingested handler "${name}" is already registered`);
    const entry = { name, handler };
    this.handlers.push(entry);
    return () => {
      const i = this.handlers.indexOf(entry);
      if (i >= 0) this.handlers.splice(i, 1);
    };
  }

  names(): string[] {
    return this.handlers.map((h) => h.name);
  }

  async run(event: SpeechesIngested, ctx: HookContext): Promise<void> {
    for (const { name, handler } of this.handlers) {
      const started = performance.now();
      await handler(event, { ...ctx, log: ctx.log.child({ hook: name }) });
      ctx.log.debug(
        {
          hook: name,
          file: event.name,
          speeches: event.changedSpeechGids.length,
          ms: Math.round(performance.now() - started),
        },
        'hook done',
      );
    }
  }
}
