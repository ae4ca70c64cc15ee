/**
 * `hansard-watch ingest`'s batch, as the CLI, the benchmarks and the tests run it: the
 * ingest core (src/ingest/ingest.ts) with this root's subscribers on its `file-ingested`
 * (search indexing unless `searchIndex: false`, tagging when given a tagger).
 */
import { ingestFiles, type IngestOptions, type IngestSummary } from '../ingest/ingest.js';
import type { SourceFile } from '../ingest/source-files.js';
import type { Db } from '../store/db.js';
import { ingestBus, type IngestFeatures } from './subscriptions.js';

export type BatchOptions = Omit<IngestOptions, 'events'> & Omit<IngestFeatures, 'db'>;

export function ingestBatch(db: Db, files: SourceFile[], opts: BatchOptions): Promise<IngestSummary> {
  const { searchIndex, tagger, overlap, ...rest } = opts;
  return ingestFiles(db, files, { ...rest, events: ingestBus({ db, searchIndex, tagger, overlap }) });
}
