import path from 'node:path';
import type { Config } from '../config.js';
import { createLogger } from '../log.js';
import { openDb, type Db } from './db.js';
import { migrate } from './migrate.js';

/**
 * Opens the configured store and brings its schema up to date: Postgres when DATABASE_URL
 * is set, otherwise embedded PGlite under HW_DATA_DIR, so a fresh checkout needs no server.
 */
export async function openStore(config: Config, opts: { schema?: string } = {}): Promise<Db> {
  const db = await openDb({
    databaseUrl: config.DATABASE_URL,
    dataDir: path.join(config.HW_DATA_DIR, 'pglite'),
    ...(opts.schema ? { schema: opts.schema } : {}),
    poolSize: config.DB_POOL_SIZE,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: config.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    acquireTimeoutMs: config.DB_ACQUIRE_TIMEOUT_MS,
    onStaleLock: (holder, lockFile) =>
      createLogger(config.LOG_LEVEL).warn(
        { lockFile, pid: holder.pid, command: holder.command, since: holder.acquiredAt },
        `embedded store lock left by process ${holder.pid}, which is gone: taken over`,
      ),
  });
  await migrate(db);
  return db;
}
