/**
 * One ingest in a process of its own, so that its peak RSS is its alone (the parent holds
 * the baseline's decoded corpus). Run by bench/ingest.ts --embedded:
 *   node --import tsx bench/lib/ingest-child.ts <postgres-url|pglite-dir> <corpus dir> <workers>
 * Prints one JSON line: the summary's figures and this process's peak RSS.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { ingestBatch } from '../../src/app/ingest.js';
import { listSourceFiles } from '../../src/ingest/source-files.js';
import { parsePeople } from '../../src/member/people.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { corpusDir } from '../support.js';

const [target = '', dir = '', workersArg = '2'] = process.argv.slice(2);
const postgres = target.startsWith('postgres');
const schema = postgres ? `hw_bench_${process.pid}_${Date.now()}` : undefined;
const db = await openDb(
  postgres ? { databaseUrl: target, ...(schema ? { schema } : {}) } : { dataDir: target },
);
try {
  await migrate(db);
  const people = parsePeople(
    JSON.parse(readFileSync(path.join(corpusDir, 'members', 'people.json'), 'utf8')),
  ).data;
  const t = performance.now();
  const summary = await ingestBatch(db, listSourceFiles(dir), {
    workers: Number(workersArg),
    writeConnections: postgres ? 2 : 1,
    people,
    log: pino({ level: 'warn' }),
  });
  process.stdout.write(
    JSON.stringify({
      bytes: summary.bytes,
      committedSeconds: summary.committedSeconds,
      seconds: (performance.now() - t) / 1000,
      speeches: summary.speeches,
      paragraphs: summary.paragraphs,
      failed: summary.failed.length,
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    }) + '\n',
  );
} finally {
  if (postgres && schema) await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db.close();
}
