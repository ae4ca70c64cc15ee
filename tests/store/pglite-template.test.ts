import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listSourceFiles } from '../../src/ingest/source-files.js';
import { migrationsDir } from '../../src/paths.js';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { pgliteVersion, templateFile, unpackTemplate } from '../../src/store/pglite-template.js';
import { storeDigest } from '../support/db.js';
import { ingest, readPeople } from '../support/ingest.js';

const mini = path.join(import.meta.dirname, '..', 'fixtures', 'pwdata-mini');
const dirs: string[] = [];
const open: Db[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmpDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'hw-template-test-'));
  dirs.push(d);
  return d;
}

async function track(db: Promise<Db>): Promise<Db> {
  const d = await db;
  open.push(d);
  return d;
}

/** Columns of every table, to compare two stores' schemas. */
async function schema(db: Db): Promise<string[]> {
  const rows = await db.query<{ c: string }>(
    `SELECT table_name || '.' || column_name || ':' || data_type AS c FROM information_schema.columns
     WHERE table_schema = current_schema() ORDER BY 1`,
  );
  return rows.map((r) => r.c);
}

describe('embedded store made from the shipped template', () => {
  it('exists for the installed PGlite (after upgrading it: npm run pglite:template)', () => {
    expect(existsSync(templateFile()), `no ${templateFile()} for PGlite ${pgliteVersion()}`).toBe(true);
  });

  it('is fully migrated and usable, with the same schema and rows as a store made by initdb', async () => {
    const dataDir = path.join(tmpDir(), 'pglite');
    expect(await unpackTemplate(dataDir)).toBe(true);
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);

    const db = await track(openDb({ dataDir }));
    const result = await migrate(db);
    const files = readdirSync(migrationsDir).filter((f) => /^\d+_.*\.sql$/.test(f));
    expect(result.applied.length).toBe(files.length);
    expect(result.alreadyApplied).toEqual([]);

    const people = readPeople(path.join(mini, 'members', 'people.json'));
    const summary = await ingest(db, listSourceFiles(mini), people);
    expect(summary.failed).toEqual([]);
    expect(summary.speeches).toBeGreaterThan(0);
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM speeches');
    expect(row?.n).toBe(summary.speeches);

    // PGlite's own initdb, in memory: what a store was made from before the template.
    const byInitdb = await track(openDb({ dataDir: 'memory://' }));
    await migrate(byInitdb);
    await ingest(byInitdb, listSourceFiles(mini), people);
    expect(await schema(db)).toEqual(await schema(byInitdb));
    expect(await storeDigest(db)).toEqual(await storeDigest(byInitdb));
  });

  it('is what openDb makes a new directory from, and reopens with nothing left to migrate', async () => {
    const systemId = async (db: Db) =>
      (await db.query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()'))[0]
        ?.id;
    const unpacked = path.join(tmpDir(), 'pglite');
    await unpackTemplate(unpacked);
    const fromTemplate = await openDb({ dataDir: unpacked });
    const templateId = await systemId(fromTemplate);
    await fromTemplate.close();

    const dataDir = path.join(tmpDir(), 'pglite');
    const first = await openDb({ dataDir });
    // initdb would have given the new store an identifier of its own.
    expect(await systemId(first)).toBe(templateId);
    const files = readdirSync(migrationsDir).filter((f) => /^\d+_.*\.sql$/.test(f));
    expect((await migrate(first)).applied.length).toBe(files.length);
    await first.close();

    const again = await track(openDb({ dataDir }));
    const result = await migrate(again);
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied.length).toBe(files.length);
  });

  it('unpacks again over a directory a crash left without PG_VERSION', async () => {
    const dataDir = path.join(tmpDir(), 'pglite');
    expect(await unpackTemplate(dataDir)).toBe(true);
    rmSync(path.join(dataDir, 'PG_VERSION'));
    rmSync(path.join(dataDir, 'global', 'pg_control'));
    const db = await track(openDb({ dataDir }));
    await migrate(db);
    const [row] = await db.query<{ one: number }>('SELECT 1 AS one');
    expect(row?.one).toBe(1);
  });

  it('is not used for a PGlite version it was not made by', async () => {
    const dataDir = path.join(tmpDir(), 'pglite');
    expect(await unpackTemplate(dataDir, templateFile('0.0.0-none'))).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });
});
