/**
 * The composition root's subscriptions (src/app/subscriptions.ts): after an ingest, search
 * indexing and tagging both finish before the publisher goes on, so the speeches carry
 * their tags by the time they are announced to alerts. A batch on a server runs them at
 * once; otherwise (or with `overlap: false`) indexing runs before tagging.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { subscribeIngest } from '../../src/app/subscriptions.js';
import { createIngestBus, emptyReport } from '../../src/events/ingest.js';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { createDefaultTagger } from '../../src/tag/index.js';
import { storePerTest } from '../support/db.js';
import { pick, silentLog } from '../support/ingest.js';

const mini = path.join(import.meta.dirname, '..', 'fixtures', 'pwdata-mini');

describe('ingest events', () => {
  const store = storePerTest('postgres');

  it.each([
    ['indexes and tags at once', true],
    ['indexes, then tags', false],
  ])('%s within the ingest, and reports both in its summary', async (_, overlap) => {
    const db = await store();
    const bus = createIngestBus();
    subscribeIngest(bus, { db, tagger: createDefaultTagger(), overlap });
    const order: string[] = [];
    bus.on('days-indexed', 'test', async (e) => void order.push(`indexed ${e.paragraphs > 0}`));
    bus.on('speeches-tagged', 'test', async (e) => void order.push(`tagged ${e.speeches > 0}`));
    const summary = await ingestFiles(db, pick(mini, 'debates2030-01-07a.xml'), {
      workers: 0,
      people: null,
      log: silentLog,
      events: bus,
    });
    if (overlap) expect(order.sort()).toEqual(['indexed true', 'tagged true']);
    else expect(order).toEqual(['indexed true', 'tagged true']);
    expect(summary.indexed).toBeGreaterThan(0);
    expect(summary.tagged).toBeGreaterThan(0);
    const [queued] = await db.query<{ n: number }>(
      'SELECT (SELECT count(*) FROM search_pending) + (SELECT count(*) FROM tag_pending) AS n',
    );
    expect(Number(queued?.n)).toBe(0);
  });

  it('leaves the days queued when nothing subscribes', async () => {
    const db = await store();
    const summary = await ingestFiles(db, pick(mini, 'debates2030-01-07a.xml'), {
      workers: 0,
      people: null,
      log: silentLog,
      events: createIngestBus(),
    });
    expect(summary).toMatchObject({ indexed: 0, tagged: 0, failed: [] });
    const report = emptyReport();
    const bus = createIngestBus();
    subscribeIngest(bus, { db });
    await bus.publish('file-ingested', { files: [], batch: false, report }, { log: silentLog });
    expect(report.indexed).toBeGreaterThan(0);
    expect(report.tagged).toBe(0);
    const [tagQueue] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tag_pending');
    expect(tagQueue?.n).toBe(1);
  });

  it('fails a batch with both reasons when indexing and tagging both fail at once', async () => {
    const db = await store();
    // Both queues gone: each subscriber fails on its first statement, with its own error.
    await db.exec('DROP TABLE search_pending; DROP TABLE tag_pending');
    const bus = createIngestBus();
    subscribeIngest(bus, { db, tagger: createDefaultTagger() });
    const publish = bus.publish(
      'file-ingested',
      { files: [], batch: true, report: emptyReport() },
      { log: silentLog },
    );
    const err: unknown = await publish.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AggregateError);
    const messages = (err as AggregateError).errors.map((e: Error) => e.message).join(' | ');
    expect(messages).toMatch(/search_pending/);
    expect(messages).toMatch(/tag_pending/);
  });
});
