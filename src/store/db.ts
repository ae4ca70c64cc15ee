import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { PGlite as PGliteType, Transaction } from '@electric-sql/pglite';
import { encodeColumns } from './copy-text.js';
import { PGLITE_INITDB_SETTINGS, unpackTemplate } from './pglite-template.js';
import { acquireStoreLock, type LockHolder } from './store-lock.js';

/**
 * The one door to SQL. Services reach Postgres only through repositories that take a
 * `Db`; the same SQL runs on a real server (pg) and on embedded PGlite, so the schema and
 * queries are written once and tested on both.
 */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<R[]>;
  /** Bulk-loads rows given as one array per column, with COPY. */
  copyColumns(table: string, columns: [name: string, pgType: string][], data: unknown[][]): Promise<void>;
  /**
   * Bulk-loads rows already encoded as COPY text (see copy-text.ts): Postgres streams them
   * with COPY FROM STDIN, PGlite reads them as a blob. The fastest path in on both.
   */
  copyText(table: string, columns: readonly string[], data: Uint8Array): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs a multi-statement script without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs one maintenance statement (VACUUM) outside any transaction and without the
   * statement timeout, which is for requests: on an archive a VACUUM takes minutes. It
   * waits at most `lockTimeoutMs` (default: no limit) for a lock another session holds.
   */
  maintenance(sql: string, opts?: { lockTimeoutMs?: number }): Promise<void>;
  transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /** Connections in use and waited for (Postgres); null on PGlite, which has one and no queue to count. */
  poolStats(): PoolStats | null;
  close(): Promise<void>;
}

export interface PoolStats {
  /** Most connections the pool opens. */
  max: number;
  /** Connections open now, busy or idle. */
  total: number;
  idle: number;
  /** Queries and transactions waiting for a connection. */
  waiting: number;
}

export interface QueryOptions {
  /**
   * Keep the statement prepared under this name on each connection (Postgres; PGlite
   * ignores it). For hot lookups whose plan does not depend on their parameters: after five
   * runs Postgres reuses a generic plan and stops planning, which for a small lookup costs
   * as much as running it. One name per SQL text.
   */
  prepare?: string;
}

export interface TransactionOptions {
  /**
   * Commit without waiting for the WAL flush. Only for writes that are idempotent and
   * re-done when lost: a crash can drop the last few hundred milliseconds of them, never
   * corrupt them, and any later ordinary commit makes them durable too.
   */
  asyncCommit?: boolean;
}

export interface DbOptions {
  /** postgres:// URL; absent means embedded PGlite in `dataDir`. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  /** Schema to create and use (tests isolate themselves this way). */
  schema?: string;
  poolSize?: number;
  /**
   * Postgres cancels a statement running longer (0 or absent: no limit). Set on every
   * connection at start-up. PGlite runs in-process with no timer signals: not applied there.
   */
  statementTimeoutMs?: number;
  /**
   * Postgres ends a session left idle inside a transaction this long (0 or absent: no limit),
   * so that a transaction abandoned by its client cannot hold a connection and its locks.
   * Not applied on PGlite (one in-process session; its transactions are ours alone).
   */
  idleInTransactionTimeoutMs?: number;
  /** A query waiting this long for a free connection fails instead of queueing on (absent: waits). */
  acquireTimeoutMs?: number;
  /** Told when an embedded store's lock left by a process that is gone is taken over. */
  onStaleLock?: (holder: LockHolder, lockFile: string) => void;
}

/** The lock file of an embedded store: beside its directory, so that it is no part of PGDATA. */
export function storeLockFile(dataDir: string): string {
  return `${path.resolve(dataDir)}.lock`;
}

export async function openDb(opts: DbOptions): Promise<Db> {
  return opts.databaseUrl
    ? openPostgres(opts.databaseUrl, opts)
    : openPglite(opts.dataDir ?? './data/pglite', opts);
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function checkSchema(schema: string | undefined): void {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name: ${schema}`);
}

async function openPostgres(url: string, opts: DbOptions): Promise<Db> {
  checkSchema(opts.schema);
  if (opts.schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
    await admin.end();
  }
  const max = opts.poolSize ?? 8;
  const pool = new pg.Pool({
    connectionString: url,
    max,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    // Startup parameters: in force from the first statement of every connection, never forgotten.
    ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
    ...(opts.idleInTransactionTimeoutMs
      ? { idle_in_transaction_session_timeout: opts.idleInTransactionTimeoutMs }
      : {}),
    ...(opts.acquireTimeoutMs ? { connectionTimeoutMillis: opts.acquireTimeoutMs } : {}),
  });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => {
    const copyText = async (table: string, columns: readonly string[], data: Uint8Array) => {
      if (data.length === 0) return;
      if (!('release' in c)) throw new Error('copyText needs a transaction client');
      await copyIn(c, table, columns, data);
    };
    return {
      async query<R>(sql: string, params?: unknown[], opts?: QueryOptions) {
        const res = opts?.prepare
          ? await c.query({ name: opts.prepare, text: sql, values: params ?? [] })
          : await c.query(sql, params);
        return res.rows as R[];
      },
      copyText,
      copyColumns: (table, columns, data) => copyText(table, columnNames(columns), encodeColumns(data)),
    };
  };
  return {
    kind: 'postgres',
    ...wrap(pool),
    async exec(sql) {
      await pool.query(sql);
    },
    async maintenance(sql, mOpts) {
      const client = await pool.connect();
      try {
        await client.query(
          `SET statement_timeout = 0; SET lock_timeout = ${Math.trunc(mOpts?.lockTimeoutMs ?? 0)}`,
        );
        await client.query(sql);
      } finally {
        // Destroyed rather than returned: its session setting must not reach a request.
        client.release(true);
      }
    },
    async transaction(fn, txOpts) {
      const client = await pool.connect();
      // A checked-out client whose server connection drops emits 'error'; unheard, that
      // kills the process. The failing query rejects anyway, and the broken client is
      // destroyed on release instead of going back to the pool.
      let broken: Error | undefined;
      const onError = (err: Error) => {
        broken = err;
      };
      client.on('error', onError);
      try {
        // One round trip: a simple query may carry both statements.
        await client.query(txOpts?.asyncCommit ? 'BEGIN; SET LOCAL synchronous_commit = off' : 'BEGIN');
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        broken ??= err instanceof Error && /terminat|connection/i.test(err.message) ? err : undefined;
        throw err;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    poolStats: () => ({ max, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string, opts: DbOptions): Promise<Db> {
  checkSchema(opts.schema);
  // Loaded lazily: the WASM build is large and only needed without a server.
  const { PGlite } = await import('@electric-sql/pglite');
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  // Before PGlite touches the files: a second process must not start recovery on a live store.
  const lock = inMemory ? null : acquireStoreLock(storeLockFile(dataDir));
  if (lock?.tookOverFrom) opts.onStaleLock?.(lock.tookOverFrom, lock.file);
  let db: PGliteType;
  try {
    if (!inMemory && !existsSync(path.join(dataDir, 'PG_VERSION'))) {
      // HW_PGLITE_INITDB=1: initdb as before the template, for the benchmark's baseline.
      if (process.env.HW_PGLITE_INITDB === '1' || !(await unpackTemplate(dataDir)))
        createPgliteStore(dataDir);
    }
    db = await PGlite.create(dataDir, { startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS] });
  } catch (err) {
    lock?.release();
    throw err;
  }
  if (opts.schema)
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}; SET search_path TO ${opts.schema}`);
  const wrap = (c: PGliteType | Transaction): Queryable => {
    const copyText = async (table: string, columns: readonly string[], data: Uint8Array) => {
      if (data.length === 0) return;
      await c.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`, [], { blob: new Blob([data]) });
    };
    return {
      async query<R>(sql: string, params?: unknown[]) {
        const res = await c.query<R>(sql, params);
        return res.rows;
      },
      copyText,
      copyColumns: (table, columns, data) => copyText(table, columnNames(columns), encodeColumns(data)),
    };
  };
  return {
    kind: 'pglite',
    ...wrap(db),
    async exec(sql) {
      await db.exec(sql);
    },
    async maintenance(sql) {
      await db.exec(sql);
    },
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    poolStats: () => null,
    async close() {
      try {
        await db.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * Postgres settings of the embedded store. PGlite's default shared_buffers (128 MB) lives
 * in its WASM heap, which never shrinks; the operating system's page cache holds the
 * files anyway, so a small pool costs little speed and saves its size in RSS.
 */
const PGLITE_SETTINGS = PGLITE_INITDB_SETTINGS.flatMap((s) => ['-c', s]);

/**
 * Creates a new embedded store with initdb when there is no template for the installed
 * PGlite (pglite-template.ts), in a short-lived child process. PGlite's initdb runs a
 * second Postgres instance and the initdb WASM module beside the first, and their heaps
 * (about 600 MB) are never given back to the system: done here, that would stay in this
 * process's RSS for all of its run (the README's first ingest peaked at 900 MB). A child
 * returns it all when it exits, in about three seconds.
 */
function createPgliteStore(dataDir: string): void {
  const pglite = pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href;
  const script = `
    const { PGlite } = await import(${JSON.stringify(pglite)});
    const db = await PGlite.create(process.argv[1], {
      initDbStartParams: ${JSON.stringify(PGLITE_INITDB_SETTINGS.flatMap((s) => ['--set', s]))},
    });
    await db.close();`;
  try {
    execFileSync(process.execPath, ['--input-type=module', '-e', script, dataDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`Could not create the embedded store in ${dataDir}: ${stderr || String(err)}`, {
      cause: err,
    });
  }
}

function columnNames(columns: [string, string][]): string[] {
  return columns.map(([name]) => name);
}

/** Largest CopyData message sent: a file's paragraphs can run to megabytes. */
const COPY_CHUNK = 1 << 16;

async function copyIn(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  data: Uint8Array,
): Promise<void> {
  function* chunks(): Generator<Uint8Array> {
    for (let at = 0; at < data.length; at += COPY_CHUNK) yield data.subarray(at, at + COPY_CHUNK);
  }
  const sink = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks()), sink);
}
