/**
 * Ingest throughput: ≥ 100 MB of replicated corpus into real Postgres, end to end (read →
 * parse on worker threads → resolve speakers → committed rows), beside fast-xml-parser's
 * parse-only speed on the same bytes measured in this run. Target: ≥ 20 MB/s end to end.
 * `--embedded`: the same ingest into Postgres and into PGlite, each in its own process with
 * its peak RSS, and the README's command with its peak RSS (lib/embedded-ingest.ts).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { pino } from 'pino';
import pg from 'pg';
import { decodeXml } from '../src/debate/decode.js';
import { ingestBatch } from '../src/app/ingest.js';
import { listSourceFiles } from '../src/ingest/source-files.js';
import { parsePeople } from '../src/member/people.js';
import { openDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { corpusDir, mbps, replicateCorpus, requireCorpus } from './support.js';

export async function main(args: string[]): Promise<void> {
  requireCorpus();
  const minMb = Number(args.find((a) => /^\d+$/.test(a)) ?? 100);
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const workers = Number(process.env.HW_INGEST_WORKERS ?? os.availableParallelism());
  const writeConnections = Number(process.env.HW_WRITE_CONNECTIONS ?? 2);
  // `npm run bench ingest --embedded` hands the flag to npm, which passes it on as npm_config_embedded.
  const embedded = args.includes('--embedded') || process.env.npm_config_embedded === 'true';
  // Embedded: a directory of this size alone, as the shared one keeps every earlier size's copies.
  const { dir, bytes, files } = embedded
    ? replicateCorpus(minMb * 1e6, path.join(os.tmpdir(), `hw-bench-corpus-${minMb}mb`))
    : replicateCorpus(minMb * 1e6);
  console.log(`corpus: ${files} files, ${(bytes / 1e6).toFixed(1)} MB (replicated from ${corpusDir})`);

  const sources = listSourceFiles(dir);
  const texts = sources.map((f) => decodeXml(readFileSync(f.path)));
  const parser = new XMLParser();
  let t = performance.now();
  for (const text of texts) parser.parse(text);
  const parseOnly = mbps(bytes, (performance.now() - t) / 1000);
  console.log(`baseline  fast-xml-parser parse only (1 thread, decoded text): ${parseOnly.toFixed(1)} MB/s`);
  if (embedded) {
    // Each store in a process of its own: this one holds the decoded corpus above.
    texts.length = 0;
    await (await import('./lib/embedded-ingest.js')).runEmbedded({ url, dir, workers, parseOnly });
    return;
  }

  const schema = `hw_bench_${Date.now()}`;
  const db = await openDb({ databaseUrl: url, schema });
  try {
    await migrate(db);
    const people = parsePeople(
      JSON.parse(readFileSync(path.join(corpusDir, 'members', 'people.json'), 'utf8')),
    ).data;
    t = performance.now();
    // --no-index measures the commit path alone, with search indexing left for later.
    const searchIndex = !args.includes('--no-index');
    const summary = await ingestBatch(db, sources, {
      workers,
      writeConnections,
      people,
      searchIndex,
      log: pino({ level: 'warn' }),
    });
    const seconds = (performance.now() - t) / 1000;
    const committed = mbps(summary.bytes, summary.committedSeconds);
    console.log(
      `hansard-watch end to end, read → parse (${workers} workers) → resolved speeches committed in Postgres: ` +
        `${committed.toFixed(1)} MB/s in ${summary.committedSeconds.toFixed(1)} s ` +
        `(${summary.speeches} speeches, ${summary.paragraphs} paragraphs, ${summary.failed.length} failed)`,
    );
    if (searchIndex) {
      console.log(
        `  and full-text indexed (to_tsvector + GIN, ${summary.indexed} paragraphs): ` +
          `${mbps(summary.bytes, seconds).toFixed(1)} MB/s in ${seconds.toFixed(1)} s`,
      );
    }
    console.log(`ratio committed / fast-xml-parser parse-only: ${(committed / parseOnly).toFixed(2)}`);
    console.log(`target: >= 20 MB/s end to end: ${committed >= 20 ? 'met' : 'NOT met'}`);
  } finally {
    await db.close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}
