/**
 * What happens to speeches after they are written, as events. The order, and who acts on
 * each, is set once in the composition root (src/app/subscriptions.ts):
 *
 *   file-ingested      published by ingest after its commit (one file live, or a whole batch);
 *                      days wait in search_pending and tag_pending
 *     → search index   drains search_pending, then publishes days-indexed
 *     → tagging        drains tag_pending, then publishes speeches-tagged (in a batch on a
 *                      server, at the same time as the search index; it returns when both have)
 *   speeches-ingested  published by the pipeline's `speeches-ingested` stage, after the file's
 *                      days were indexed and tagged: alerts match the speeches
 *
 * A day that cannot be indexed or tagged is recorded in ingest_errors and dequeued by the
 * subscriber, never thrown, so it does not make the file's job retry for ever.
 */
import { EventBus } from './bus.js';

/** A day whose indexing or tagging failed (recorded in ingest_errors, dequeued). */
export interface DayFailureNote {
  file: string;
  message: string;
}

/** Filled in by subscribers while one publication runs, for the publisher's summary. */
export interface IngestReport {
  /** Paragraphs given their search vector. */
  indexed: number;
  /** Speeches tagged. */
  tagged: number;
  failed: DayFailureNote[];
}

export function emptyReport(): IngestReport {
  return { indexed: 0, tagged: 0, failed: [] };
}

export interface FileIngested {
  /** Feed files whose rows were committed (or found already committed). */
  files: readonly string[];
  /** True for a batch (`hansard-watch ingest`), false for one file of the live pipeline. */
  batch: boolean;
  report: IngestReport;
}

export interface DaysIndexed {
  paragraphs: number;
  batch: boolean;
  report: IngestReport;
}

export interface SpeechesTagged {
  speeches: number;
  batch: boolean;
  report: IngestReport;
}

/**
 * The announcement of a file's new and changed speeches (the `speeches-ingested` queue
 * stage). Delivery is at least once: the job is retried when a subscriber throws, and an
 * ingest whose worker died after committing announces the file's speeches again
 * (`replay: true`), so subscribers must be idempotent per speech gid.
 */
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

export interface IngestEvents {
  'file-ingested': FileIngested;
  'days-indexed': DaysIndexed;
  'speeches-tagged': SpeechesTagged;
  'speeches-ingested': SpeechesIngested;
}

export type IngestBus = EventBus<IngestEvents>;

export function createIngestBus(): IngestBus {
  return new EventBus<IngestEvents>();
}
