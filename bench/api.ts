/**
 * API and export under load, on a store of at least 2 million speeches: the shared week is
 * ingested once, tagged by SQL rules, then replicated inside Postgres (INSERT … SELECT,
 * every copy moved 28 days further on, gids rewritten with the new dates) until the store
 * holds the target. Then, against a server in a child process on 127.0.0.1:
 *
 *   - p95 latency of the MP record (GET /api/v1/people/{id}) and of search
 *     (GET /api/v1/search with a mix of queries and filters) under concurrent load;
 *     targets ≤ 50 ms and ≤ 100 ms;
 *   - p95 latency of the day page (GET /days/{date}/{house}, the HTML page with every
 *     heading of the day, its speech counts and tags) over sittings all through the store;
 *     target ≤ 100 ms;
 *   - the research export (CSV, JSONL, Parquet) in a child process each: rows/s and peak
 *     RSS; targets ≥ 50,000 rows/s and ≤ 200 MB.
 *
 *   npm run bench api [-- --speeches 2000000 --concurrency 1,4,16 --requests 1000 --seconds 45
 *                         --export-rows 1000000 --keep --only load|export --schema NAME]
 *
 * Baselines, measured in the same run:
 *   - MP record: the same endpoint counting from the speeches (minConfidence=0.55 is not the
 *     summary's threshold, so the record is counted live, as it was before the summary);
 *   - day page: the debate page (GET /debates/{gid}) of each day's first debate, an existing
 *     page over the same days;
 *   - search: the planner's own plan for each search (the `scan` driver, every search walking
 *     speeches newest first), run in-process one at a time with a statement timeout;
 *   - export: the same query read through the same cursor and thrown away (the database and
 *     the driver alone, no formatting): how close each format comes to the read's own speed.
 *
 * --keep builds into (and reuses) the schema hw_bench_api instead of a throwaway one, so a
 * second run skips the build.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import type { Pool } from 'undici';
import { cursorBatches, ExportRepository, exportQuery } from '../src/export/export-repository.js';
import type { SpeechFilters } from '../src/search/filters.js';
import { exportRows, isExportFormat, type ExportFormat } from '../src/export/index.js';
import { openDb, type Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { corpusDir, positiveArg, requireCorpus } from './support.js';

// The server, the load loop and the ingest are imported where they are used, so that an
// export child loads only the export's own code and its peak RSS is the export's.

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const KEEP_SCHEMA = 'hw_bench_api';
/** Each copy of the week moves this far on: more than the 23 days the week's files span, so copies never share a date. */
const SHIFT_DAYS = 28;
const TARGETS = {
  recordP95Ms: 50,
  searchP95Ms: 100,
  dayPageP95Ms: 100,
  exportRowsPerSecond: 50_000,
  exportPeakRssMb: 200,
};

interface Options {
  speeches: number;
  /** Load is measured at each of these numbers of concurrent connections. */
  concurrency: number[];
  requests: number;
  seconds: number;
  exportRows: number;
  keep: boolean;
  /** Run only this part (with --keep, to iterate on one figure). */
  only: 'load' | 'export' | null;
  /** An existing store to measure (bench archive's), neither built nor dropped. */
  schema: string | null;
}

function parseOptions(args: string[]): Options {
  const opts: Options = {
    speeches: 2_000_000,
    concurrency: [1, 4, 16],
    requests: 1000,
    seconds: 45,
    exportRows: 1_000_000,
    keep: false,
    only: null,
    schema: null,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): number => positiveArg(a, args[++i]);
    if (a === '--speeches') opts.speeches = value();
    else if (a === '--concurrency')
      opts.concurrency = String(args[++i])
        .split(',')
        .map(Number)
        .filter((n) => n > 0);
    else if (a === '--requests') opts.requests = value();
    else if (a === '--seconds') opts.seconds = value();
    else if (a === '--export-rows') opts.exportRows = value();
    else if (a === '--keep') opts.keep = true;
    else if (a === '--schema') {
      opts.schema = String(args[++i]);
      opts.keep = true;
    } else if (a === '--only') {
      const part = args[++i];
      if (part !== 'load' && part !== 'export') throw new Error('--only takes load or export');
      opts.only = part;
    } else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

export async function main(args: string[]): Promise<void> {
  if (args[0] === '--serve') return serveChild(args[1]!);
  if (args[0] === '--export') return exportChild(args.slice(1));
  requireCorpus();
  const opts = parseOptions(args);
  const schema = opts.schema ?? (opts.keep ? KEEP_SCHEMA : `hw_bench_api_${Date.now()}`);
  const db = await openDb({ databaseUrl: DATABASE_URL, schema, poolSize: 4 });
  try {
    const store = await buildStore(db, opts.speeches);
    const loadAverage = os.loadavg();
    const load = opts.only === 'export' ? [] : await measureLoad(schema, opts);
    const exports = opts.only === 'load' ? [] : await measureExports(schema, store, opts.exportRows);
    report(store, load, exports, opts, loadAverage);
  } finally {
    await db.close();
    if (!opts.keep) await dropSchema(schema);
  }
}

// ─── The store ────────────────────────────────────────────────────────────────────────

interface StoreInfo {
  speeches: number;
  paragraphs: number;
  taggedSpeeches: number;
  copies: number;
  /** Sitting dates of the original week. */
  firstDate: string;
  lastDate: string;
  buildSeconds: number | null;
}

/** Tag rules standing in for the tagger (SQL, deterministic): [tag, regex, confidence]. */
const TAG_RULES: [string, string, number][] = [
  ['privatisation', String.raw`part-privati[sz]\w*|privati[sz]\w*|sell-off`, 0.92],
  ['privatisation', String.raw`Royal Mail|private sector`, 0.64],
  ['outsourcing', String.raw`outsourc\w*|contracted out|private contractors?|private providers?`, 0.81],
  ['outsourcing', String.raw`\mcontract(s|ed|ors?)?\M`, 0.56],
  ['stp', String.raw`primary care trusts?|strategic health authorit\w*`, 0.58],
  ['aco', String.raw`foundation trusts?|integrated care`, 0.61],
];

async function buildStore(db: Db, target: number): Promise<StoreInfo> {
  await migrate(db);
  const existing = await counts(db);
  if (existing.speeches >= target) {
    console.log(`store: reusing ${existing.speeches.toLocaleString()} speeches`);
    await copySittings(db);
    return { ...existing, buildSeconds: null };
  }
  if (existing.speeches > 0) throw new Error('the bench schema holds a partial store; drop it and run again');
  const started = performance.now();
  await ingestWeek(db);
  await seedTags(db);
  const week = await counts(db);
  const copies = Math.ceil(target / week.speeches);
  await replicate(db, copies);
  await copySittings(db);
  const built = await counts(db);
  return { ...built, buildSeconds: (performance.now() - started) / 1000 };
}

async function counts(db: Db): Promise<Omit<StoreInfo, 'buildSeconds'>> {
  const [row] = await db.query<{
    speeches: number;
    paragraphs: number;
    tagged: number;
    first: string | null;
    last: string | null;
    max: string | null;
  }>(
    `SELECT (SELECT count(*)::int FROM speeches) AS speeches, (SELECT count(*)::int FROM paragraphs) AS paragraphs,
            (SELECT count(DISTINCT speech_gid)::int FROM speech_tags WHERE confidence >= 0.5) AS tagged,
            (SELECT min(sitting_date)::text FROM speeches) AS first,
            (SELECT (min(sitting_date) + 22)::text FROM speeches) AS last, (SELECT max(sitting_date)::text FROM speeches) AS max`,
  );
  const r = row!;
  const copies =
    r.first && r.max
      ? Math.floor((Date.parse(r.max) - Date.parse(r.first)) / 86_400_000 / SHIFT_DAYS) + 1
      : 0;
  return {
    speeches: r.speeches,
    paragraphs: r.paragraphs,
    taggedSpeeches: r.tagged,
    copies,
    firstDate: r.first ?? '',
    lastDate: r.last ?? '',
  };
}

async function ingestWeek(db: Db): Promise<void> {
  const { pino } = await import('pino');
  const { ingestBatch } = await import('../src/app/ingest.js');
  const { listSourceFiles } = await import('../src/ingest/source-files.js');
  const { loadMembersFile } = await import('../src/member/member-service.js');
  const { MemberRepository } = await import('../src/member/member-repository.js');
  const { parsePeople } = await import('../src/member/people.js');
  const peopleFile = path.join(corpusDir, 'members', 'people.json');
  await loadMembersFile(new MemberRepository(db), peopleFile, pino({ level: 'warn' }));
  const people = parsePeople(JSON.parse((await import('node:fs')).readFileSync(peopleFile, 'utf8'))).data;
  const t = performance.now();
  const summary = await ingestBatch(db, listSourceFiles(corpusDir), {
    workers: Math.min(4, os.availableParallelism()),
    people,
    log: pino({ level: 'warn' }),
  });
  console.log(
    `ingest: the week, ${summary.speeches} speeches in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}

async function seedTags(db: Db): Promise<void> {
  await db.query(
    `INSERT INTO paragraph_tags (speech_gid, seq, tag, confidence, method, evidence, model_version)
     SELECT DISTINCT ON (p.speech_gid, p.seq, r.tag) p.speech_gid, p.seq, r.tag, r.confidence, 'keyword',
            jsonb_build_array(jsonb_build_object('term', substring(p.body from '(?i)(' || r.pattern || ')'), 'source', 'keyword')), 'bench'
       FROM paragraphs p JOIN unnest($1::text[], $2::text[], $3::real[]) AS r(tag, pattern, confidence) ON p.body ~* r.pattern
      ORDER BY p.speech_gid, p.seq, r.tag, r.confidence DESC`,
    [TAG_RULES.map((r) => r[0]), TAG_RULES.map((r) => r[1]), TAG_RULES.map((r) => r[2])],
  );
  await db.query(
    `INSERT INTO speech_tags (speech_gid, tag, confidence, method, evidence, model_version)
     SELECT speech_gid, tag, max(confidence), 'keyword',
            jsonb_agg(jsonb_build_object('seq', seq, 'confidence', confidence, 'terms', jsonb_build_array(evidence->0->>'term')) ORDER BY seq), 'bench'
       FROM paragraph_tags GROUP BY speech_gid, tag`,
  );
}

/**
 * Tables copied, parents first. Each is first snapshotted (the week's rows, with the
 * sitting date they belong to as src_date) so that every copy reads the small snapshot
 * rather than the growing table; `columns` are the values of copy k.
 */
const COPIES: { table: string; source: string; columns: [string, string][] }[] = [
  {
    table: 'headings',
    source: 'SELECT x.*, x.sitting_date AS src_date FROM headings x',
    columns: [
      ['gid', 'shift_gid(x.gid, x.src_date, k)'],
      ['group_key', 'shift_gid(x.group_key, x.src_date, k)'],
      ...['type', 'seq', 'kind', 'title', 'colnum', 'time', 'url'].map((c): [string, string] => [
        c,
        `x.${c}`,
      ]),
      ['sitting_date', `x.src_date + ${SHIFT_DAYS} * k`],
      ['parent_gid', 'shift_gid(x.parent_gid, x.src_date, k)'],
    ],
  },
  {
    table: 'speeches',
    source: 'SELECT x.*, x.sitting_date AS src_date FROM speeches x',
    columns: [
      ['gid', 'shift_gid(x.gid, x.src_date, k)'],
      ['group_key', 'shift_gid(x.group_key, x.src_date, k)'],
      ...[
        'type',
        'seq',
        'kind',
        'speaker_id',
        'person_id',
        'membership_id',
        'speaker_name',
        'party',
        'constituency',
        'house',
        'nospeaker',
        'time',
        'colnum',
        'url',
        'oldstyle_id',
        'content_hash',
      ].map((c): [string, string] => [c, `x.${c}`]),
      ['sitting_date', `x.src_date + ${SHIFT_DAYS} * k`],
      ['major_heading_gid', 'shift_gid(x.major_heading_gid, x.src_date, k)'],
      ['minor_heading_gid', 'shift_gid(x.minor_heading_gid, x.src_date, k)'],
    ],
  },
  ...(['paragraphs', 'paragraph_search', 'paragraph_tags', 'speech_tags'] as const).map((table) => ({
    table,
    source: `SELECT x.*, s.sitting_date AS src_date FROM ${table} x JOIN speeches s ON s.gid = x.speech_gid`,
    columns: [
      ['speech_gid', 'shift_gid(x.speech_gid, x.src_date, k)'] as [string, string],
      ...copiedColumns(table),
    ],
  })),
];

function copiedColumns(table: string): [string, string][] {
  const names: Record<string, string[]> = {
    paragraphs: ['seq', 'pid', 'cls', 'html', 'body'],
    paragraph_search: ['seq', 'tsv'],
    paragraph_tags: ['seq', 'tag', 'confidence', 'method', 'evidence', 'model_version'],
    speech_tags: ['tag', 'confidence', 'method', 'evidence', 'model_version'],
  };
  const columns = (names[table] ?? []).map((c): [string, string] => [c, `x.${c}`]);
  // The search table keeps its paragraph's sitting date (migration 011), which moves with the copy.
  // So does a speech tag (migration 012): the copy runs with triggers off, so the date is copied here.
  if (table === 'paragraph_search' || table === 'speech_tags')
    columns.push(['sitting_date', `x.src_date + ${SHIFT_DAYS} * k`]);
  return columns;
}

/**
 * A sitting for each copied day, as an ingest records one per file: the calendar and the
 * day pages start from them. Idempotent, so a store kept from before this step gets them too.
 */
async function copySittings(db: Db): Promise<void> {
  const rows = await db.query(
    `INSERT INTO sittings (group_key, type, sitting_date, current_file, current_version)
     SELECT DISTINCT ON (h.group_key) h.group_key, h.type, h.sitting_date, 'bench-copy', 'a' FROM headings h
      WHERE NOT EXISTS (SELECT 1 FROM sittings s WHERE s.group_key = h.group_key)
     RETURNING 1`,
  );
  if (rows.length > 0) console.log(`sittings: ${rows.length} copied days recorded`);
}

/**
 * Copies 1 … copies-1 of the week. Secondary indexes are dropped first and rebuilt after
 * (one sorted build is far cheaper than millions of inserts), the copied tables are
 * unlogged (a throwaway store needs no WAL) and FK triggers are skipped (the copies are
 * consistent by construction).
 */
async function replicate(db: Db, copies: number): Promise<void> {
  const t = performance.now();
  await db.query(`CREATE OR REPLACE FUNCTION shift_gid(g text, d date, k int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN g IS NULL THEN NULL WHEN strpos(g, d::text) > 0 THEN replace(g, d::text, (d + ${SHIFT_DAYS} * k)::text) ELSE g || '.r' || k END $$`);
  for (const c of COPIES) await db.query(`CREATE TABLE src_${c.table} AS ${c.source}`);
  // Referencing tables first: a logged table may not point at an unlogged one.
  for (const table of [
    'paragraph_search',
    'paragraph_tags',
    'speech_tags',
    'paragraphs',
    'speeches',
    'headings',
  ])
    await db
      .query(`ALTER TABLE ${table} SET UNLOGGED`)
      .catch((err: Error) => console.warn(`(${table} stays logged: ${err.message})`));
  const indexes = await dropSecondaryIndexes(
    db,
    COPIES.map((c) => c.table),
  );
  const batch = 25;
  for (let k0 = 1; k0 < copies; k0 += batch) {
    const k1 = Math.min(copies - 1, k0 + batch - 1);
    await db.transaction(async (tx) => {
      await tx.query('SET LOCAL session_replication_role = replica');
      await tx.query('SET LOCAL synchronous_commit = off');
      // One copy per statement, in the week's order: each copy's rows lie together on disk,
      // as a day-by-day ingest leaves them (interleaved copies would make every read random).
      for (let k = k0; k <= k1; k++)
        for (const c of COPIES)
          await tx.query(
            `INSERT INTO ${c.table} (${c.columns.map(([n]) => n).join(', ')})
             SELECT ${c.columns.map(([, e]) => e).join(', ')} FROM src_${c.table} x, (SELECT $1::int AS k) copy ORDER BY x.src_date`,
            [k],
          );
    });
    process.stdout.write(
      `\rreplicate: copies ${k1 + 1}/${copies} (${((performance.now() - t) / 1000).toFixed(0)} s)`,
    );
  }
  process.stdout.write('\n');
  for (const c of COPIES) await db.query(`DROP TABLE src_${c.table}`);
  const ti = performance.now();
  await db.transaction(async (tx) => {
    await tx.query(`SET LOCAL maintenance_work_mem = '1GB'`);
    for (const def of indexes) await tx.query(def);
  });
  console.log(`indexes: ${indexes.length} rebuilt in ${((performance.now() - ti) / 1000).toFixed(0)} s`);
  // The copies went in with triggers off (replica role): queue every day for the speaking-record summary and build it.
  const ts = performance.now();
  await db.query('INSERT INTO record_pending (sitting_date) SELECT DISTINCT sitting_date FROM speeches');
  const { RecordSummary } = await import('../src/person/record-summary.js');
  const days = await new RecordSummary(db).refreshAll();
  console.log(`record summary: ${days} days in ${((performance.now() - ts) / 1000).toFixed(0)} s`);
  await db.query(
    `VACUUM (ANALYZE) ${[...COPIES.map((c) => c.table), 'person_day_speeches', 'person_day_tags'].join(', ')}`,
  );
  console.log(
    `replicate: ${copies} copies in ${((performance.now() - t) / 1000).toFixed(0)} s (with index builds and VACUUM ANALYZE)`,
  );
}

/** Drops the non-unique indexes of `tables` and returns their definitions. */
async function dropSecondaryIndexes(db: Db, tables: string[]): Promise<string[]> {
  const rows = await db.query<{ name: string; def: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(ix.indexrelid) AS def
       FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = current_schema() AND t.relname = ANY($1::text[]) AND NOT ix.indisunique AND NOT ix.indisprimary`,
    [tables],
  );
  for (const r of rows) await db.query(`DROP INDEX ${r.name}`);
  return rows.map((r) => r.def);
}

async function dropSchema(schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
}

// ─── Load ─────────────────────────────────────────────────────────────────────────────

interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  seconds: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Baseline searches stopped at the statement timeout (counted at the timeout). */
  timeouts?: number;
  /** Median latency per request path, for telling which queries are the slow ones. */
  medianByPath: [string, number][];
}

/** The server, in a child process so that the load loop does not share its event loop. */
async function serveChild(schema: string): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const { webPlugin } = await import('../src/web/api/web.js');
  const db = await openDb({ databaseUrl: await webSessionUrl(schema), poolSize: 8 });
  const app = Fastify({ logger: false });
  await app.register(webPlugin, { db, rateLimit: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
  process.on(
    'SIGTERM',
    () =>
      void app
        .close()
        .then(() => db.close())
        .then(() => process.exit(0)),
  );
}

/**
 * The serve command's session settings (JIT and parallel workers off), with the bench
 * schema as search_path: settings in the URL take precedence over openDb's own schema option.
 */
async function webSessionUrl(schema: string): Promise<string> {
  const { withWebSessionSettings } = await import('../src/app/store.js');
  const url = new URL(DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return withWebSessionSettings(url.toString());
}

function benchChild(args: string[]): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'run.ts'), 'api', ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    },
  );
}

async function firstLine(child: ChildProcess, prefix: string): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) if (line.startsWith(prefix)) return line.slice(prefix.length).trim();
  throw new Error(`child exited before printing "${prefix}"`);
}

/** Search requests: phrases, words, OR, negation, tags, filters, as a campaigner would mix them. */
function searchPaths(people: string[]): string[] {
  const year = (y: number) => `from=${y}-01-01&to=${y}-12-31`;
  const qs = [
    'q=%22Royal+Mail%22',
    'q=privatisation',
    'q=%22private+sector%22',
    'q=hospital+OR+hospitals',
    'q=NHS+-Scotland',
    'q=%22primary+care+trust%22',
    'tag=privatisation',
    'tag=outsourcing&minConfidence=0.8',
    'tagged=true',
    'q=health&party=Labour',
    `q=school&${year(2015)}`,
    'q=contract&type=wrans',
    'q=police&house=house-of-lords',
    `tag=stp&${year(2020)}`,
    ...people.slice(0, 6).map((p) => `person=${p}&q=health`),
    ...people.slice(6, 10).map((p) => `person=${p}`),
  ];
  return qs.map((q) => `/api/v1/search?${q}&limit=20`);
}

/** The same searches as pages: the total count, evidence beside tags and people matching the words come with each. */
function searchPagePaths(people: string[]): string[] {
  return searchPaths(people).map((p) => p.replace('/api/v1/search?', '/search?').replace(/&limit=20$/, ''));
}

/** Tag pages: each tag unfiltered, and with the filters a campaigner would use (a year, a house, a party, a confidence). */
function tagPagePaths(): string[] {
  const tags = [...new Set(TAG_RULES.map((r) => r[0]))];
  const year = (y: number) => `from=${y}-01-01&to=${y}-12-31`;
  return tags.flatMap((t) => [
    `/tags/${t}`,
    `/tags/${t}?${year(2015)}`,
    `/tags/${t}?house=house-of-commons`,
    `/tags/${t}?party=Labour&minConfidence=0.6`,
  ]);
}

async function topPeople(schema: string, n: number): Promise<string[]> {
  const db = await openDb({ databaseUrl: DATABASE_URL, schema, poolSize: 1 });
  try {
    // The week's most frequent speakers: each has a few hundred to tens of thousands of speeches in the replicated store.
    const rows = await db.query<{ id: string }>(
      `SELECT split_part(person_id, '/', 3) AS id FROM speeches WHERE person_id IS NOT NULL AND sitting_date <= (SELECT min(sitting_date) + 22 FROM speeches)
        GROUP BY person_id ORDER BY count(*) DESC, person_id LIMIT $1`,
      [n],
    );
    return rows.map((r) => r.id);
  } finally {
    await db.close();
  }
}

/** Day pages spread over the whole store (every copy of the week), and each day's first debate page. */
async function dayPaths(schema: string, n: number): Promise<{ days: string[]; debates: string[] }> {
  const { FEED_TYPE_REGISTRY } = await import('../src/parliament/index.js');
  const db = await openDb({ databaseUrl: DATABASE_URL, schema, poolSize: 1 });
  try {
    const rows = await db.query<{ d: string; type: string; gid: string }>(
      `SELECT d, type, gid FROM (
         SELECT s.sitting_date::text AS d, s.type, md5(s.group_key) AS k,
                (SELECT h.gid FROM headings h WHERE h.group_key = s.group_key ORDER BY h.seq LIMIT 1) AS gid
           FROM sittings s) x
        WHERE gid IS NOT NULL ORDER BY k LIMIT $1`,
      [n],
    );
    const house = (type: string) => (FEED_TYPE_REGISTRY as Record<string, { house: string }>)[type]!.house;
    return {
      days: [...new Set(rows.map((r) => `/days/${r.d}/${house(r.type)}`))],
      debates: rows.map((r) => `/debates/${encodeURI(r.gid)}`),
    };
  } finally {
    await db.close();
  }
}

async function measureLoad(schema: string, opts: Options): Promise<LoadResult[]> {
  const { Pool } = await import('undici');
  const people = await topPeople(schema, 60);
  const server = benchChild(['--serve', schema]);
  try {
    const port = Number(await firstLine(server, 'listening'));
    const pool = new Pool(`http://127.0.0.1:${port}`, {
      connections: Math.max(...opts.concurrency),
      pipelining: 1,
    });
    try {
      const record = people.map((p) => `/api/v1/people/${p}`);
      await checkRecord(pool, schema, people[0]!);
      const search = searchPaths(people);
      const { days, debates } = await dayPaths(schema, 60);
      const searchPages = searchPagePaths(people);
      const tagPages = tagPagePaths();
      // Warm-up: the first touch of each page comes from disk, not what steady state looks like.
      await runLoad(
        pool,
        'warm-up',
        [...record, ...search, ...days, ...debates, ...searchPages, ...tagPages, ...record, ...search],
        2 * (record.length + search.length) +
          days.length +
          debates.length +
          searchPages.length +
          tagPages.length,
        4,
        opts.seconds,
      );
      const results: LoadResult[] = [];
      const liveRecord = record.map((p) => `${p}?minConfidence=${LIVE_RECORD_CONFIDENCE}`);
      for (const c of opts.concurrency) {
        results.push(
          await runLoad(
            pool,
            `MP record  GET /api/v1/people/{id}  x${c}`,
            record,
            opts.requests,
            c,
            opts.seconds,
          ),
        );
        results.push(
          await runLoad(
            pool,
            `  baseline: record counted live     x${c}`,
            liveRecord,
            opts.requests,
            c,
            opts.seconds,
          ),
        );
        results.push(
          await runLoad(
            pool,
            `search     GET /api/v1/search       x${c}`,
            search,
            opts.requests,
            c,
            opts.seconds,
          ),
        );
        results.push(
          await runLoad(
            pool,
            `day page   GET /days/{date}/{house} x${c}`,
            days,
            opts.requests,
            c,
            opts.seconds,
          ),
        );
        results.push(
          await runLoad(
            pool,
            `  baseline: debate page that day   x${c}`,
            debates,
            opts.requests,
            c,
            opts.seconds,
          ),
        );
        results.push(
          await runLoad(
            pool,
            `search page with total  GET /search  x${c}`,
            searchPages,
            opts.requests,
            c,
            opts.seconds,
          ),
        );
        results.push(
          await runLoad(
            pool,
            `tag page   GET /tags/{tag}          x${c}`,
            tagPages,
            opts.requests,
            c,
            opts.seconds,
          ),
        );
      }
      results.push(await plannerBaseline(schema, search));
      return results;
    } finally {
      await pool.close();
    }
  } finally {
    server.kill('SIGTERM');
  }
}

/** Not the summary's threshold, so the server counts the record from the speeches. */
const LIVE_RECORD_CONFIDENCE = 0.55;
/** A baseline search still running after this is stopped and counted at this time. */
const BASELINE_TIMEOUT_MS = 5000;

/**
 * The search baseline: each search as the planner would run it without the index-driven
 * drivers (src/search/search-repository.ts), one at a time, in this process, straight to
 * Postgres (no HTTP, which only flatters the baseline). Same filters, same page of 21.
 */
async function plannerBaseline(schema: string, paths: string[]): Promise<LoadResult> {
  const { buildSearchSql } = await import('../src/search/search-repository.js');
  const { searchQuery } = await import('../src/web/api/schemas.js');
  const { toSpeechFilters } = await import('../src/search/filters.js');
  const db = await openDb({ databaseUrl: await webSessionUrl(schema), poolSize: 1 });
  const latencies: number[] = [];
  const byPath: [string, number][] = [];
  let timeouts = 0;
  const started = performance.now();
  try {
    await db.query(`SET statement_timeout = ${BASELINE_TIMEOUT_MS}`);
    for (const p of paths) {
      const query = Object.fromEntries(new URLSearchParams(p.split('?')[1]));
      const q = searchQuery.parse(query);
      const { sql, values } = buildSearchSql(toSpeechFilters(q), null, q.limit + 1, 'scan');
      const t = performance.now();
      try {
        await db.query(sql, values);
      } catch (err) {
        if (!/statement timeout/.test((err as Error).message)) throw err;
        timeouts++;
      }
      const ms = Math.min(performance.now() - t, BASELINE_TIMEOUT_MS);
      latencies.push(ms);
      byPath.push([p, ms]);
    }
  } finally {
    await db.close();
  }
  latencies.sort((a, b) => a - b);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    name: `  baseline: planner's plan (scan)  x1`,
    requests: latencies.length,
    errors: 0,
    timeouts,
    seconds: (performance.now() - started) / 1000,
    p50: pct(0.5),
    p95: pct(0.95),
    p99: pct(0.99),
    max: latencies[latencies.length - 1] ?? 0,
    medianByPath: byPath,
  };
}

/** A fast answer must also be a right one: the busiest MP's record counts every speech in the store. */
async function checkRecord(pool: Pool, schema: string, person: string): Promise<void> {
  const res = await pool.request({ method: 'GET', path: `/api/v1/people/${person}` });
  const body = (await res.body.json()) as { record: { speeches: number } };
  const db = await openDb({ databaseUrl: DATABASE_URL, schema, poolSize: 1 });
  try {
    const [row] = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM speeches WHERE person_id = $1',
      [`uk.org.publicwhip/person/${person}`],
    );
    if (body.record.speeches !== row?.n)
      throw new Error(
        `MP record for ${person} counts ${body.record.speeches} speeches; the store holds ${row?.n}`,
      );
    console.log(`check: person ${person}'s record counts all ${row.n.toLocaleString()} of their speeches`);
  } finally {
    await db.close();
  }
}

/** `total` requests (or until `seconds` pass) over `paths` in turn, `concurrency` at a time. */
async function runLoad(
  pool: Pool,
  name: string,
  paths: string[],
  total: number,
  concurrency: number,
  seconds: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const byPath = new Map<string, number[]>();
  let next = 0;
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total && performance.now() < deadline) {
      const p = paths[next++ % paths.length]!;
      const t = performance.now();
      const res = await pool.request({ method: 'GET', path: p });
      await res.body.text();
      const ms = performance.now() - t;
      latencies.push(ms);
      byPath.set(p, [...(byPath.get(p) ?? []), ms]);
      if (res.statusCode !== 200) {
        errors++;
        if (errors <= 3) console.warn(`${name}: ${p} → ${res.statusCode}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds_ = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    name,
    requests: latencies.length,
    errors,
    seconds: seconds_,
    p50: pct(0.5),
    p95: pct(0.95),
    p99: pct(0.99),
    max: latencies[latencies.length - 1] ?? 0,
    medianByPath: [...byPath].map(([p, ms]): [string, number] => [
      p,
      ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)] ?? 0,
    ]),
  };
}

// ─── Export ───────────────────────────────────────────────────────────────────────────

/** The export baseline's name: the export's query through its cursor, rows discarded. */
const READ_ONLY = 'read';

async function readOnly(db: Db, filters: SpeechFilters, batchSize: number): Promise<{ rows: number }> {
  const { sql, order, values } = exportQuery(filters, 'paragraph');
  let rows = 0;
  for await (const batch of cursorBatches(db, `${sql} ORDER BY ${order}`, values, batchSize))
    rows += batch.length;
  return { rows };
}

interface ExportResult {
  format: ExportFormat | typeof READ_ONLY;
  rows: number;
  seconds: number;
  bytes: number;
  peakRssMb: number;
  /** RSS before the export began: node, tsx and the modules loaded (not known for the CLI). */
  baseRssMb: number | null;
}

/** In the child: one export to a file, then its figures (peak RSS from the kernel's own count) as JSON. */
async function exportChild([schema, format, from, to]: string[]): Promise<void> {
  if (!schema || !format || !(isExportFormat(format) || format === READ_ONLY) || !from || !to)
    throw new Error('usage: --export <schema> <format|read> <from> <to>');
  const db = await openDb({ databaseUrl: DATABASE_URL, schema, poolSize: 1 });
  const file = path.join(os.tmpdir(), `hw-bench-export.${format}`);
  try {
    const repo = new ExportRepository(db);
    const baseRssMb = process.memoryUsage().rss / 2 ** 20;
    const t = performance.now();
    const out = createWriteStream(file);
    const batchSize = Number(process.env.HW_EXPORT_BATCH ?? 2000);
    const filters = { minConfidence: 0.5, from, to };
    const { rows } =
      format === READ_ONLY
        ? await readOnly(db, filters, batchSize)
        : await exportRows(format, repo.rows(filters, 'paragraph', { batchSize }), out);
    const seconds = (performance.now() - t) / 1000;
    const bytes = out.bytesWritten;
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(
      `result ${JSON.stringify({ format, rows, seconds, bytes, peakRssMb, baseRssMb })}\n`,
    );
  } finally {
    rmSync(file, { force: true });
    await db.close();
  }
}

async function measureExports(schema: string, store: StoreInfo, wantRows: number): Promise<ExportResult[]> {
  // Whole copies of the week from the first: about wantRows paragraph rows, in date order.
  const copies = Math.max(
    1,
    Math.min(store.copies, Math.round((wantRows / store.paragraphs) * store.copies)),
  );
  const from = store.firstDate;
  const to = new Date(Date.parse(store.firstDate) + (copies * SHIFT_DAYS - 1) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  // The formats are measured as a researcher runs them: the compiled CLI, built fresh here.
  execFileSync(
    process.execPath,
    [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: REPO,
      stdio: 'inherit',
    },
  );
  const results: ExportResult[] = [];
  // The first read of the range comes from disk (the store is larger than the page cache
  // Postgres gets here): a warm-up read, not reported, so that no format pays for it.
  for (const format of [READ_ONLY, READ_ONLY] as const) {
    const child = benchChild(['--export', schema, format, from, to]);
    results.push(JSON.parse(await firstLine(child, 'result')) as ExportResult);
    await new Promise((resolve) => child.once('exit', resolve));
  }
  for (const format of ['csv', 'jsonl', 'parquet'] as const)
    results.push(await cliExport(schema, format, from, to));
  return results.slice(1);
}

const REPO = path.join(import.meta.dirname, '..');

/**
 * `hansard-watch export` in its own process, timed from spawn to exit (start-up included).
 * Peak RSS is the kernel's high-water mark (VmHWM), read every 20 ms while it runs.
 */
async function cliExport(
  schema: string,
  format: ExportFormat,
  from: string,
  to: string,
): Promise<ExportResult> {
  const file = path.join(os.tmpdir(), `hw-bench-export.${format}`);
  const url = new URL(DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const args = [
    'export',
    '--format',
    format,
    '--out',
    file,
    '--from',
    from,
    '--to',
    to,
    '--min-confidence',
    '0.5',
  ];
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(REPO, 'bin/hansard-watch.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: url.toString(), LOG_LEVEL: 'warn' },
  });
  let peakKb = 0;
  const poll = setInterval(() => (peakKb = Math.max(peakKb, highWaterKb(child.pid))), 20);
  // The closing summary ("N rows (…) to FILE in S s") goes to stderr, beside any warnings.
  let output = '';
  for (const stream of [child.stdout!, child.stderr!])
    stream.on('data', (d: Buffer) => {
      output += d.toString();
      process.stderr.write(d);
    });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(poll);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`hansard-watch export --format ${format} exited ${code}`);
  const rows = Number(/^(\d+) rows/m.exec(output)?.[1] ?? NaN);
  const bytes = statSync(file).size;
  rmSync(file, { force: true });
  return { format, rows, seconds, bytes, peakRssMb: peakKb / 1024, baseRssMb: null };
}

/** A live process's peak resident set so far, in kB (0 once it has gone). */
function highWaterKb(pid: number | undefined): number {
  try {
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

// ─── Report ───────────────────────────────────────────────────────────────────────────

function report(
  store: StoreInfo,
  load: LoadResult[],
  exports: ExportResult[],
  opts: Options,
  loadAverage: number[],
): void {
  const ok = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
  console.log(
    `\nstore: ${store.speeches.toLocaleString()} speeches, ${store.paragraphs.toLocaleString()} paragraphs, ` +
      `${store.taggedSpeeches.toLocaleString()} tagged speeches (${store.copies} copies of the week)` +
      (store.buildSeconds === null ? '' : `, built in ${store.buildSeconds.toFixed(0)} s`),
  );
  const [load1, load5] = loadAverage;
  console.log(
    `load: ${opts.requests} requests per endpoint and concurrency (or ${opts.seconds} s), server in a child process with JIT and parallel query off; ` +
      `${os.availableParallelism()} CPUs shared by Postgres, server and load loop; load average before the run ${load1?.toFixed(1)} (5 min ${load5?.toFixed(1)})`,
  );
  let measured: LoadResult | undefined;
  for (const r of load) {
    const line =
      `${r.name.padEnd(38)} ${r.requests} req in ${r.seconds.toFixed(1)} s (${(r.requests / r.seconds).toFixed(0)} req/s), ` +
      `p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(0)} ms, ${r.errors} errors`;
    if (r.name.trim().startsWith('baseline')) {
      // A baseline follows the figure it is the baseline of (the planner's: the x1 search).
      const ours = r.name.includes('planner') ? load.find((x) => x.name.startsWith('search')) : measured;
      const ratio = ours
        ? `; baseline p95 / measured p95 = ${(r.p95 / ours.p95).toFixed(2)}x (${ours.name.trim().replace(/\s+/g, ' ')})`
        : '';
      const timeouts = r.timeouts ? `, ${r.timeouts} stopped at ${BASELINE_TIMEOUT_MS} ms` : '';
      console.log(`${line}${timeouts}${ratio}`);
      continue;
    }
    measured = r;
    const target = r.name.startsWith('MP')
      ? TARGETS.recordP95Ms
      : r.name.startsWith('day')
        ? TARGETS.dayPageP95Ms
        : TARGETS.searchP95Ms;
    console.log(`${line}  target p95 <= ${target} ms: ${ok(r.p95 <= target && r.errors === 0)}`);
  }
  // Where search time goes: its slowest queries, measured one request at a time.
  const alone = load.find((r) => r.name.startsWith('search'));
  const planner = new Map(load.find((r) => r.name.includes('planner'))?.medianByPath ?? []);
  if (alone) {
    console.log(
      `slowest searches in "${alone.name.trim()}" (median of each; the planner's plan in brackets):`,
    );
    for (const [p, ms] of [...alone.medianByPath].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
      const base = planner.get(p);
      console.log(
        `  ${ms.toFixed(0).padStart(5)} ms ${base === undefined ? '' : `(${base.toFixed(0)} ms)`.padStart(9)}  ${decodeURIComponent(p.replace(/\+/g, ' '))}`,
      );
    }
  }
  for (const name of ['search page', 'tag page']) {
    const r = load.find((x) => x.name.startsWith(name));
    if (!r) continue;
    console.log(`slowest in "${r.name.trim().replace(/\s+/g, ' ')}" (median of each):`);
    for (const [p, ms] of [...r.medianByPath].sort((a, b) => b[1] - a[1]).slice(0, 5))
      console.log(`  ${ms.toFixed(0).padStart(5)} ms  ${decodeURIComponent(p.replace(/\+/g, ' '))}`);
  }
  const read = exports.find((e) => e.format === READ_ONLY);
  for (const e of exports) {
    const rate = e.rows / e.seconds;
    if (e === read) {
      console.log(
        `export baseline: the query alone through the cursor, ${e.rows.toLocaleString()} rows in ${e.seconds.toFixed(1)} s: ` +
          `${Math.round(rate).toLocaleString()} rows/s, peak RSS ${e.peakRssMb.toFixed(0)} MB`,
      );
      continue;
    }
    const ofRead = read
      ? ` (${((100 * rate) / (read.rows / read.seconds)).toFixed(0)}% of the read alone)`
      : '';
    console.log(
      `export ${e.format.padEnd(8)} hansard-watch export, ${e.rows.toLocaleString()} rows, ${(e.bytes / 1e6).toFixed(0)} MB in ${e.seconds.toFixed(1)} s: ` +
        `${Math.round(rate).toLocaleString()} rows/s${ofRead}, peak RSS ${e.peakRssMb.toFixed(0)} MB${e.baseRssMb === null ? ' (the CLI process)' : ` (${e.baseRssMb.toFixed(0)} MB before it began)`}` +
        `  targets >= ${TARGETS.exportRowsPerSecond.toLocaleString()} rows/s: ${ok(rate >= TARGETS.exportRowsPerSecond)}, ` +
        `RSS <= ${TARGETS.exportPeakRssMb} MB: ${ok(e.peakRssMb <= TARGETS.exportPeakRssMb)}`,
    );
  }
}
