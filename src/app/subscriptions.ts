/**
 * Which feature acts on which event, and in what order: the one place that says what
 * follows an ingest, for the live pipeline and `hansard-watch ingest` alike.
 *
 *   file-ingested      1. search index: drains search_pending → publishes days-indexed
 *                      2. tagging: drains tag_pending → publishes speeches-tagged
 *   speeches-ingested  alerts match the announced speeches (their tags exist by then:
 *                      the ingest stage queues the announcement after file-ingested returns)
 *
 * Subscription order is run order (src/events/bus.ts). A day that cannot be indexed or
 * tagged is recorded in ingest_errors and dequeued by the feature itself; it goes into the
 * publisher's report rather than being thrown, so it does not make the file retry for ever.
 */
import type { EventHandler } from '../events/bus.js';
import {
  createIngestBus,
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
  const { db } = features;
  const noteFailure = (report: IngestReport) => (f: DayFailure) =>
    report.failed.push({ file: f.file, message: f.message });
  if (features.searchIndex !== false)
    bus.on('file-ingested', 'search index', async (event, ctx) => {
      // A batch indexes on two connections of a server; one file's days need one.
      const parallel = event.batch && db.kind === 'postgres' ? 2 : 1;
      const paragraphs = await indexPendingDays(db, parallel, {
        log: ctx.log,
        onFailure: noteFailure(event.report),
      });
      event.report.indexed += paragraphs;
      await bus.publish('days-indexed', { paragraphs, batch: event.batch, report: event.report }, ctx);
    });
  const { tagger } = features;
  if (tagger) {
    const current = typeof tagger === 'function' ? tagger : () => tagger;
    const queue = new TagRepository(db);
    bus.on('file-ingested', 'tagging', async (event, ctx) => {
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
    });
  }
}

/** Alerts match announced speeches; subscribed after any other `speeches-ingested` subscriber. */
export function subscribeAlerts(bus: IngestBus, alerts: AlertSubscriber): () => void {
  return bus.on('speeches-ingested', ALERTS_SUBSCRIBER, alerts.onSpeechesIngested);
}
