import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { migrationsDir } from '../paths.js';
import type { Db } from './db.js';

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * Applies `migrations/NNN_name.sql` in order, each in its own transaction, recording them
 * in `schema_migrations`. An advisory lock stops two workers starting at once from racing.
 */
export async function migrate(db: Db, dir: string = migrationsDir): Promise<MigrationResult> {
  const files = readdirSync(dir)
    .filter((f) => /^\d+_.*\.sql$/.test(f))
    .sort();
  await db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  return db.transaction(async (tx) => {
    // A migration may build an index over millions of rows, and may wait for another
    // process's migration: the connection's statement_timeout is meant for queries, not this.
    if (db.kind === 'postgres') await tx.query('SET LOCAL statement_timeout = 0');
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('hansard-watch:migrate'))`);
    const done = new Set(
      (await tx.query<{ name: string }>('SELECT name FROM schema_migrations')).map((r) => r.name),
    );
    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const file of files) {
      if (done.has(file)) {
        result.alreadyApplied.push(file);
        continue;
      }
      await runScript(tx, readFileSync(path.join(dir, file), 'utf8'), file);
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
      result.applied.push(file);
    }
    return result;
  });
}

/**
 * Statements are split on lines that end with `;` so scripts run through a parameterised
 * channel; a function body between `$$` quotes is kept whole.
 */
async function runScript(
  tx: { query(sql: string): Promise<unknown> },
  sql: string,
  file: string,
): Promise<void> {
  const statements = splitStatements(sql)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
  for (const stmt of statements) {
    try {
      await tx.query(stmt);
    } catch (err) {
      throw new Error(`Migration ${file} failed at: ${stmt.slice(0, 120)}…: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
}

export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let quoted = false;
  for (const line of sql.split('\n')) {
    current.push(line);
    if ((line.split('$$').length - 1) % 2 === 1) quoted = !quoted;
    if (!quoted && /;\s*$/.test(line)) {
      out.push(current.join('\n').replace(/;\s*$/, ''));
      current = [];
    }
  }
  out.push(current.join('\n'));
  return out;
}
