import { mkdirSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { PGlite as PGliteType, Transaction } from '@electric-sql/pglite';

/**
 * The one door to SQL. Services reach Postgres only through repositories that take a
 * `Db`; the same SQL runs on a real server (pg) and on embedded PGlite, so the schema and
 * queries are written once and tested on both.
 */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /**
   * Bulk-loads rows given as one array per column. Postgres streams them with COPY (the
   * fastest path in); PGlite inserts them from arrays with unnest.
   */
  copyColumns(table: string, columns: [name: string, pgType: string][], data: unknown[][]): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs a multi-statement script without parameters (migrations). */
  exec(sql: string): Promise<void>;
  transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
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
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 8,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R>(sql: string, params?: unknown[]) {
      const res = await c.query(sql, params);
      return res.rows as R[];
    },
    async copyColumns(table, columns, data) {
      if ((data[0]?.length ?? 0) === 0) return;
      if (!('release' in c)) throw new Error('copyColumns needs a transaction client');
      await copyIn(c, table, columns, data);
    },
  });
  return {
    kind: 'postgres',
    ...wrap(pool),
    async exec(sql) {
      await pool.query(sql);
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
        await client.query('BEGIN');
        if (txOpts?.asyncCommit) await client.query('SET LOCAL synchronous_commit = off');
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
    async close() {
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string, opts: DbOptions): Promise<Db> {
  checkSchema(opts.schema);
  // Loaded lazily: the WASM build is large and only needed without a server.
  const { PGlite } = await import('@electric-sql/pglite');
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const db: PGliteType = await PGlite.create(dataDir);
  if (opts.schema)
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}; SET search_path TO ${opts.schema}`);
  const wrap = (c: PGliteType | Transaction): Queryable => ({
    async query<R>(sql: string, params?: unknown[]) {
      const res = await c.query<R>(sql, params);
      return res.rows;
    },
    async copyColumns(table, columns, data) {
      if ((data[0]?.length ?? 0) === 0) return;
      await c.query(unnestInsertSql(table, columns), data);
    },
  });
  return {
    kind: 'pglite',
    ...wrap(db),
    async exec(sql) {
      await db.exec(sql);
    },
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    async close() {
      await db.close();
    },
  };
}

export function unnestInsertSql(table: string, columns: [string, string][]): string {
  const names = columns.map(([c]) => c).join(', ');
  const arrays = columns.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ');
  return `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays})`;
}

/** COPY text format: backslash escapes for the four characters that would end a field or row. */
function copyField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  const s = typeof v === 'string' ? v : String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (ch) => COPY_ESCAPES[ch] ?? ch) : s;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

async function copyIn(
  client: pg.PoolClient,
  table: string,
  columns: [string, string][],
  data: unknown[][],
): Promise<void> {
  const rows = data[0]?.length ?? 0;
  const cols = columns.length;
  // Chunks of rows rather than one string: a file's paragraphs can run to megabytes.
  function* chunks(): Generator<string> {
    let buf = '';
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) buf += (c ? '\t' : '') + copyField(data[c]![r]);
      buf += '\n';
      if (buf.length > 1 << 16) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  const sink = client.query(copyFrom(`COPY ${table} (${columns.map(([c]) => c).join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks()), sink);
}
