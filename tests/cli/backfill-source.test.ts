/**
 * `hansard-watch backfill --source`: killed with SIGKILL mid-run and run again, the store
 * ends exactly as one clean ingest of the same mirror leaves it (content, search vectors,
 * tags, nothing left queued).
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestBatch } from '../../src/app/ingest.js';
import { chunkByDay } from '../../src/cli/backfill-source.js';
import { listSourceFiles } from '../../src/ingest/source-files.js';
import { MemberRepository } from '../../src/member/member-repository.js';
import { loadMembersFile } from '../../src/member/member-service.js';
import type { Db } from '../../src/store/db.js';
import { createDefaultTagger } from '../../src/tag/index.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { freshStore, storeDigest, testDatabaseUrl } from '../support/db.js';
import { silentLog } from '../support/ingest.js';
import { runTs } from '../pipeline/children.js';
import { waitFor } from '../pipeline/harness.js';

/** Smaller feeds of the week, copied under two new years (new dates, gids and names). */
const TYPES = ['westminhall', 'wms', 'lordswms', 'ni'];
const YEARS = ['2101', '2102'];

function replicate(dir: string): void {
  mkdirSync(path.join(dir, 'members'), { recursive: true });
  copyFileSync(path.join(corpusDir, 'members', 'people.json'), path.join(dir, 'members', 'people.json'));
  for (const type of TYPES) {
    const from = path.join(corpusDir, 'scrapedxml', type);
    const to = path.join(dir, 'scrapedxml', type);
    mkdirSync(to, { recursive: true });
    for (const year of YEARS)
      for (const name of readdirSync(from).filter((n) => n.endsWith('.xml'))) {
        const text = readFileSync(path.join(from, name), 'latin1').replaceAll('2009-', `${year}-`);
        writeFileSync(path.join(to, name.replaceAll('2009-', `${year}-`)), text, 'latin1');
      }
  }
}

/** Everything the digest of tests/support/db.ts covers, plus tags and both queues. */
async function endState(db: Db): Promise<Record<string, string>> {
  const out = await storeDigest(db);
  for (const table of ['speech_tags', 'paragraph_tags', 'tag_pending']) {
    const [row] = await db.query<{ n: number; d: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(r, '|' ORDER BY r)) AS d
         FROM (SELECT row(${table === 'tag_pending' ? 't.group_key' : 't.*'})::text AS r FROM ${table} t) x`,
    );
    out[table] = `${row?.n}:${row?.d}`;
  }
  return out;
}

async function count(db: Db, sql: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(sql);
  return row?.n ?? 0;
}

describe.skipIf(!corpusAvailable())('hansard-watch backfill --source', () => {
  const source = mkdtempSync(path.join(os.tmpdir(), 'hw-backfill-src-'));
  const stores: Db[] = [];
  beforeAll(() => replicate(source));
  afterAll(async () => {
    await Promise.all(stores.map((db) => db.close()));
    rmSync(source, { recursive: true, force: true });
  });

  it('keeps every version of a day in one chunk, days in listing order', () => {
    const files = listSourceFiles(corpusDir);
    const chunks = chunkByDay(
      files,
      files.map(() => 1),
      5,
    );
    const byPath = (list: { path: string }[]) => list.map((f) => f.path).sort();
    expect(byPath(chunks.flat())).toEqual(byPath(files));
    const firstSeen = [...new Set(files.map((f) => f.groupKey))];
    expect([...new Set(chunks.flat().map((f) => f.groupKey))]).toEqual(firstSeen);
    const dayChunk = new Map<string, number>();
    chunks.forEach((c, i) =>
      c.forEach((f) => {
        expect(dayChunk.get(f.groupKey) ?? i).toBe(i);
        dayChunk.set(f.groupKey, i);
      }),
    );
    expect(chunks.length).toBeGreaterThan(5);
  });

  it('resumes after SIGKILL to the same end state as a clean ingest', async () => {
    const clean = await freshStore('postgres');
    stores.push(clean);
    const members = new MemberRepository(clean);
    await loadMembersFile(members, path.join(source, 'members', 'people.json'), silentLog);
    const files = listSourceFiles(source);
    const summary = await ingestBatch(clean, files, {
      workers: 1,
      people: await members.load(),
      log: silentLog,
      tagger: createDefaultTagger(),
    });
    expect(summary.failed).toEqual([]);

    const db = await freshStore('postgres');
    stores.push(db);
    const url = new URL(testDatabaseUrl);
    url.searchParams.set('options', `-c search_path=${db.schema}`);
    const env = { DATABASE_URL: url.toString(), LOG_LEVEL: 'error', HW_INGEST_WORKERS: '1' };
    const args = ['backfill', '--source', source, '--chunk-mb', '1'];

    const first = runTs('src/cli/main.ts', args, env);
    // Killed once some files are committed (and their chunks perhaps indexed or tagged), not all.
    await waitFor(
      'some files committed',
      async () => (await count(db, 'SELECT count(*)::int AS n FROM feed_files')) >= 3,
      240_000,
      20,
    );
    first.kill('SIGKILL');
    await first.exited;
    expect(first.proc.signalCode).toBe('SIGKILL');
    const stored = await count(db, 'SELECT count(*)::int AS n FROM feed_files');
    expect(stored).toBeLessThan(files.length);

    const second = runTs('src/cli/main.ts', args, env);
    expect(await second.exited).toBe(0);
    expect(second.stdout()).toMatch(
      new RegExp(`backfill ${files.length}/${files.length} files, \\d+ speeches, .* MB/s`),
    );
    expect(second.stderr()).toMatch(/ETA/);

    expect(await count(db, 'SELECT count(*)::int AS n FROM search_pending')).toBe(0);
    expect(await endState(db)).toEqual(await endState(clean));
    // The loaded tables were vacuumed and analysed: the planner knows their size (VACUUM
    // updates pg_class itself; without it the search table read 0 pages after a load).
    // Not relallvisible: other tests' open transactions in the same database can hold it back.
    expect(second.stderr()).toMatch(/vacuumed and analysed in [\d.]+ s/);
    const [searchTable] = await db.query<{ pages: number; tuples: number }>(
      `SELECT relpages AS pages, reltuples::float8 AS tuples
         FROM pg_class WHERE oid = to_regclass('paragraph_search')`,
    );
    expect(searchTable?.tuples).toBeGreaterThan(0);
    expect(searchTable?.pages).toBeGreaterThan(0);
  }, 600_000);
});
