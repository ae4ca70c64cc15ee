/**
 * Which feature acts on which event, and in what order: the one place that says what
 * follows an ingest, for the live pipeline and `hansard-watch ingest` alike.
 *
 *   file-ingested      1. search index: drains search_pending → publishes days-indexed
 *                      2. tagging: drains tag_pending → publishes speeches-tagged
 *                      (a batch on a server runs 1 and 2 at once: see `overlaps`)
 *   speeches-ingested  alerts match the announced speeches (their tags exist by then:
 *                      the ingest stage queues the announcement after file-ingested returns)
 *
 * Subscription order is run order (src/events/bus.ts). A day that cannot be indexed or
 * tagged is recorded in ingest_errors and dequeued by the feature itself; it goes into the
 * publisher's report rather than being thrown, so it does not make the file retry for ever.
 */
import type { EventContext, EventHandler } from '../events/bus.js';
import {
  createIngestBus,
  type FileIngested,
  type IngestBus,
  type IngestReport,
  type SpeechesIngested,
} from '../events/ingest.js';
import type { DayFailure } from '../ingest/day-failure.js';
import { indexPendingDays } from '../ingest/search-index.js';
import type { Db } from '../store/db.js';
import { createDefaultTagger, type Tagger } from '../tag/index.js';
import { TagRepository } from '../tag/tag-repository.js';
import { tagPendingDays } from '../tag/tag-service.js';

export interface IngestFeatures {
  db: Db;
  /** false: leave days queued for search indexing (`bench ingest --no-index`). Default true. */
  searchIndex?: boolean;
  /** The tagger, or a function giving it on first use; null or absent: leave days queued for tagging. */
  tagger?: Tagger | (() => Tagger) | null;
  /** false: a batch indexes, then tags, one after the other (`bench ingest --sequential`). Default true. */
  overlap?: boolean;
}

/** Alerts as a subscriber: their `speeches-ingested` handler. */
export interface AlertSubscriber {
  onSpeechesIngested: EventHandler<SpeechesIngested>;
}

/** Name of the alerts' subscription to `speeches-ingested`. */
export const ALERTS_SUBSCRIBER = 'alerts';

/** One tagger per process, made when first needed: loading the taxonomy and model takes a moment. */
export function lazyTagger(make: () => Tagger = createDefaultTagger): () => Tagger {
  let tagger: Tagger | undefined;
  return () => (tagger ??= make());
}

/** A new bus with search indexing and (when given a tagger) tagging subscribed. */
export function ingestBus(features: IngestFeatures): IngestBus {
  const bus = createIngestBus();
  subscribeIngest(bus, features);
  return bus;
}

export function subscribeIngest(bus: IngestBus, features: IngestFeatures): void {
  const { db, tagger } = features;
  const noteFailure = (report: IngestReport) => (f: DayFailure) =>
    report.failed.push({ file: f.file, message: f.message });
  /**
   * A batch on a server indexes and tags at once: indexing is Postgres CPU (to_tsvector, GIN),
   * tagging mostly Node CPU, so on two cores they overlap instead of queueing (measured:
   * docs/operations.md, "Where the time goes"). They touch different tables and hold the
   * day lock shared (store/day-lock.ts), so neither waits for the other. The search index
   * subscriber leaves its work here and the tagging subscriber awaits it with its own, so
   * the publish still returns only when both are done. One file (the live pipeline) and
   * PGlite (one connection) keep the order.
   */
  const indexing = new WeakMap<FileIngested, Promise<void>>();
  const overlaps = (event: FileIngested) =>
    Boolean(tagger) && features.overlap !== false && event.batch && db.kind === 'postgres';
  if (features.searchIndex !== false)
    bus.on('file-ingested', 'search index', async (event, ctx) => {
      const work = (async () => {
        // A batch indexes on two connections of a server; one file's days need one.
        const parallel = event.batch && db.kind === 'postgres' ? 2 : 1;
        const paragraphs = await indexPendingDays(db, parallel, {
          log: ctx.log,
          onFailure: noteFailure(event.report),
        });
        event.report.indexed += paragraphs;
        await bus.publish('days-indexed', { paragraphs, batch: event.batch, report: event.report }, ctx);
      })();
      if (!overlaps(event)) return work;
      work.catch(() => undefined); // awaited, and its failure thrown, by the tagging subscriber
      indexing.set(event, work);
    });
  if (tagger) {
    const current = typeof tagger === 'function' ? tagger : () => tagger;
    const queue = new TagRepository(db);
    const tagQueued = async (event: FileIngested, ctx: EventContext): Promise<void> => {
      // Polls publish too (their safety net): loading the tagger waits for a day to tag.
      const tagged = (await queue.anyDayQueued())
        ? await tagPendingDays({ db, tags: queue }, current(), { log: ctx.log })
        : { speeches: 0, failed: [] };
      event.report.tagged += tagged.speeches;
      tagged.failed.forEach(noteFailure(event.report));
      await bus.publish(
        'speeches-tagged',
        { speeches: tagged.speeches, batch: event.batch, report: event.report },
        ctx,
      );
    };
    bus.on('file-ingested', 'tagging', async (event, ctx) => {
      const alongside = indexing.get(event);
      indexing.delete(event);
      const [tagging, indexed] = await Promise.allSettled([tagQueued(event, ctx), alongside]);
      const failures = [indexed, tagging].flatMap((r) =>
        r.status === 'rejected' ? [r.reason as unknown] : [],
      );
      // Both reasons, not the first: before the overlap a failed index meant no tagging, so
      // there was only ever one.
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new AggregateError(failures, 'search indexing and tagging both failed');
    });
  }
}

/** Alerts match announced speeches; subscribed after any other `speeches-ingested` subscriber. */
export function subscribeAlerts(bus: IngestBus, alerts: AlertSubscriber): () => void {
  return bus.on('speeches-ingested', ALERTS_SUBSCRIBER, alerts.onSpeechesIngested);
}
