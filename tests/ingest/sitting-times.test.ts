/**
 * Times in the store: an unreadable one costs the speech nothing and is reported; and
 * migration 017 on a store written before it, where times stored as the feed gave them
 * become Postgres `time`s by the parser's rules, and what is no time becomes NULL.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestBytes } from '../../src/ingest/ingest-one.js';
import { SpeechRepository } from '../../src/speech/speech-repository.js';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { migrationsDir } from '../../src/paths.js';
import { storePerTest, testDatabaseUrl, type StoreKind } from '../support/db.js';

const MIGRATION = '017_sitting_times_and_index_validators.sql';

/** Raw values the old ingest stored, with what 017 must leave. */
const CASES: [string | null, string | null][] = [
  ['011:32:00', '11:32'],
  ['009:30:00', '09:30'],
  ['14:30:00', '14:30'],
  ['11:32', '11:32'],
  ['9:05', '09:05'],
  ['1132', '11:32'],
  ['11.32', '11:32'],
  [' 10:45 ', '10:45'],
  ['unknown', null],
  ['', null],
  [null, null],
  ['018:1', null],
  ['25:10:00', null],
  ['011:60:00', null],
  ['half past', null],
];

describe.each<StoreKind>(['postgres', 'pglite'])('migration 017 on %s', (kind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function storeBefore017(): Promise<Db> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hw-mig-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    for (const f of readdirSync(migrationsDir).filter((f) => f.endsWith('.sql') && f < MIGRATION))
      copyFileSync(path.join(migrationsDir, f), path.join(dir, f));
    const schema = `hw_test_mig_${Math.random().toString(16).slice(2, 10)}`;
    const db =
      kind === 'postgres'
        ? await openDb({ databaseUrl: testDatabaseUrl, schema, poolSize: 2 })
        : await openDb({ dataDir: 'memory://' });
    cleanups.push(async () => {
      await db.close();
      if (kind !== 'postgres') return;
      const admin = new pg.Client({ connectionString: testDatabaseUrl });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    });
    await migrate(db, dir);
    return db;
  }

  it('normalises stored times to time values and nulls what is not a time', async () => {
    const db = await storeBefore017();
    const gids = CASES.map((_, i) => `g${i}`);
    const raws = CASES.map(([raw]) => raw);
    await db.query(
      `INSERT INTO speeches (gid, group_key, type, sitting_date, seq, kind, nospeaker, time, content_hash)
       SELECT g, 'debates2009-10-26', 'debates', '2009-10-26', n::int, 'speech', false, t, 'h'
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(g, t, n)`,
      [gids, raws],
    );
    await db.query(
      `INSERT INTO headings (gid, group_key, type, sitting_date, seq, kind, title, time)
       VALUES ('h1', 'debates2009-10-26', 'debates', '2009-10-26', 0, 'major', 'T', '016:31:00')`,
    );
    await db.query(
      `INSERT INTO divisions (gid, group_key, type, sitting_date, seq, time, counts)
       VALUES ('d1', 'debates2009-10-26', 'debates', '2009-10-26', 0, 'unknown', '{}')`,
    );

    // Later migrations follow it; 017 is the first applied to the old store.
    expect((await migrate(db)).applied[0]).toBe(MIGRATION);

    const rows = await db.query<{ gid: string; time: string | null }>(
      `SELECT gid, to_char(time, 'HH24:MI') AS time FROM speeches ORDER BY seq`,
    );
    expect(rows.map((r) => r.time)).toEqual(CASES.map(([, want]) => want));
    const [heading] = await db.query<{ time: string }>(
      `SELECT to_char(time, 'HH24:MI') AS time FROM headings`,
    );
    expect(heading?.time).toBe('16:31');
    const [division] = await db.query<{ time: string | null }>('SELECT time FROM divisions');
    expect(division?.time).toBeNull();
    // The column is a time now: a malformed value can no longer get in.
    await expect(db.query(`UPDATE speeches SET time = 'half past' WHERE gid = 'g0'`)).rejects.toThrow(/time/);
  });
});

describe.each<StoreKind>(['postgres', 'pglite'])('ingesting times on %s', (kind) => {
  const store = storePerTest(kind);
  const NAME = 'debates2031-03-04a.xml';
  const gid = (n: number) => `uk.org.publicwhip/debate/2031-03-04a.1.${n}`;
  const FILE = `<?xml version="1.0" encoding="UTF-8"?>
<publicwhip latest="yes">
<major-heading id="${gid(0)}" time="009:30:00">Invented Business</major-heading>
<speech id="${gid(1)}" speakername="A Member" time="016:31:00"><p>First.</p></speech>
<speech id="${gid(2)}" speakername="A Member" time="quarter to"><p>Second.</p></speech>
</publicwhip>
`;

  it('stores HH:MM, keeps a speech with an unreadable time without one, and records a warning', async () => {
    const db = await store();
    const res = await ingestBytes(
      db,
      { name: NAME, bytes: Buffer.from(FILE) },
      null,
      pino({ level: 'silent' }),
    );
    expect(res.status).toBe('current');
    const speeches = new SpeechRepository(db);
    expect((await speeches.get(gid(1)))?.time).toBe('16:31');
    const second = await speeches.get(gid(2));
    expect(second?.time).toBeNull();
    expect(second?.paragraphs.map((p) => p.body)).toEqual(['Second.']);
    const errors = await db.query(
      'SELECT file_name, severity, line, field, message FROM ingest_errors ORDER BY id',
    );
    expect(errors).toEqual([
      {
        file_name: NAME,
        severity: 'warning',
        line: 5,
        field: 'speech@time',
        message: `unreadable time "quarter to" on ${gid(2)}; stored without a time`,
      },
    ]);
  });
});
