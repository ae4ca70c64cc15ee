/**
 * Ingest throughput: ≥ 100 MB of replicated corpus into real Postgres, end to end (read →
 * parse on worker threads → resolve speakers → committed rows), beside fast-xml-parser's
 * parse-only speed on the same bytes measured in this run. Target: ≥ 20 MB/s end to end.
 * `--embedded`: the same ingest into Postgres and into PGlite, each in its own process with
 * its peak RSS, and the README's command with its peak RSS (lib/embedded-ingest.ts).
 *
 * Stages, each timed from the start: committed; full-text indexed (the vectors the parse
 * workers could not work out, by to_tsvector after the commit); tagged. Target (#21):
 * ≥ 15 MB/s through tagged. `--compare` also runs the ingest with vectors worked out in
 * the parse workers (search-vector.ts), `--no-tag` / `--no-index` leave those stages out.
 * `--sequential` also runs the ingest with indexing, then tagging, one after the other (as
 * before #21's overlap), in the same run.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { pino } from 'pino';
import pg from 'pg';
import { decodeXml } from '../src/debate/decode.js';
import { ingestBatch } from '../src/app/ingest.js';
import type { IngestSummary } from '../src/ingest/ingest.js';
import { listSourceFiles, type SourceFile } from '../src/ingest/source-files.js';
import type { PeopleData } from '../src/member/types.js';
import { createDefaultTagger } from '../src/tag/index.js';
import { nodeCpuSeconds, sampleBackendCpu, tagUrl } from './lib/backend-cpu.js';
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
  const t = performance.now();
  for (const text of texts) parser.parse(text);
  const parseOnly = mbps(bytes, (performance.now() - t) / 1000);
  console.log(`baseline  fast-xml-parser parse only (1 thread, decoded text): ${parseOnly.toFixed(1)} MB/s`);
  if (embedded) {
    // Each store in a process of its own: this one holds the decoded corpus above.
    texts.length = 0;
    await (await import('./lib/embedded-ingest.js')).runEmbedded({ url, dir, workers, parseOnly });
    return;
  }

  const people = parsePeople(
    JSON.parse(readFileSync(path.join(corpusDir, 'members', 'people.json'), 'utf8')),
  ).data;
  const run = (vectors: boolean, overlap = true) =>
    ingestOnce(url, sources, {
      workers,
      writeConnections,
      people,
      searchIndex: !args.includes('--no-index'),
      searchVectors: vectors,
      tag: !args.includes('--no-tag'),
      overlap,
    });
  const now = await run(false);
  report('hansard-watch (vectors by to_tsvector after the commit, the default)', now, workers, parseOnly);
  // --compare: vectors worked out in the parse workers and written with the rows, same run.
  if (args.includes('--compare')) {
    const vectors = await run(true);
    report('with vectors from the parse workers (searchVectors)', vectors, workers, parseOnly);
    console.log(
      `ratio end to end MB/s, worker vectors / default: ${(mbps(vectors.bytes, vectors.seconds) / mbps(now.bytes, now.seconds)).toFixed(2)}; ` +
        `CPU seconds ${(vectors.nodeCpu + vectors.pgCpu).toFixed(1)} / ${(now.nodeCpu + now.pgCpu).toFixed(1)}`,
    );
  }
  // --sequential: indexing, then tagging, as before they overlapped, same run.
  if (args.includes('--sequential')) {
    const sequential = await run(false, false);
    report('indexing, then tagging (sequential)', sequential, workers, parseOnly);
    console.log(
      `ratio end to end MB/s, overlapped / sequential: ${(mbps(now.bytes, now.seconds) / mbps(sequential.bytes, sequential.seconds)).toFixed(2)}`,
    );
  }
  const endToEnd = mbps(now.bytes, now.seconds);
  console.log(`ratio end to end / fast-xml-parser parse-only: ${(endToEnd / parseOnly).toFixed(2)}`);
  console.log(`target: >= 15 MB/s committed, indexed and tagged: ${endToEnd >= 15 ? 'met' : 'NOT met'}`);
}

interface RunOptions {
  workers: number;
  writeConnections: number;
  people: PeopleData;
  searchIndex: boolean;
  searchVectors: boolean;
  tag: boolean;
  overlap: boolean;
}

type Measured = IngestSummary & { nodeCpu: number; pgCpu: number };

/** One ingest into a schema of its own, dropped afterwards, with the CPU seconds it took. */
async function ingestOnce(url: string, sources: SourceFile[], opts: RunOptions): Promise<Measured> {
  const schema = `hw_bench_${Date.now()}`;
  const db = await openDb({ databaseUrl: tagUrl(url, schema), schema });
  try {
    await migrate(db);
    // Loaded before the clock starts, as `hansard-watch ingest` loads it before its first file.
    const tagger = opts.tag ? createDefaultTagger() : null;
    const cpu0 = nodeCpuSeconds();
    const stopCpu = await sampleBackendCpu(url, schema);
    const summary = await ingestBatch(db, sources, {
      workers: opts.workers,
      writeConnections: opts.writeConnections,
      people: opts.people,
      searchIndex: opts.searchIndex,
      searchVectors: opts.searchVectors,
      tagger,
      overlap: opts.overlap,
      log: pino({ level: 'error' }),
    });
    const pgCpu = await stopCpu();
    return { ...summary, nodeCpu: nodeCpuSeconds() - cpu0, pgCpu };
  } finally {
    await db.close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

function report(label: string, s: Measured, workers: number, parseOnly: number): void {
  const rate = (seconds: number) => `${mbps(s.bytes, seconds).toFixed(1)} MB/s (${seconds.toFixed(1)} s)`;
  console.log(`${label}: ${s.speeches} speeches, ${s.paragraphs} paragraphs, ${s.failed.length} failed`);
  console.log(`  read → parse (${workers} workers) → committed:  ${rate(s.committedSeconds)}`);
  if (s.indexedSeconds > 0)
    console.log(
      `  … and full-text indexed (${s.indexed} paragraphs left to to_tsvector): ${rate(s.indexedSeconds)}`,
    );
  if (s.taggedSeconds > 0) console.log(`  … and tagged (${s.tagged} speeches): ${rate(s.taggedSeconds)}`);
  console.log(
    `  end to end: ${rate(s.seconds)}; ratio to fast-xml-parser: ${(mbps(s.bytes, s.seconds) / parseOnly).toFixed(2)}`,
  );
  console.log(
    `  CPU seconds: Node ${s.nodeCpu.toFixed(1)} (all threads), Postgres backends ${s.pgCpu.toFixed(1)}`,
  );
}
