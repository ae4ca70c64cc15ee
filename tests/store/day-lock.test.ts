/**
 * The day lock (src/store/day-lock.ts): an indexer and a tagger hold it shared, so a batch
 * can index and tag the same day at once, while the writer of that day keeps both out.
 */
import { describe, expect, it } from 'vitest';
import { tryLockDay } from '../../src/store/day-lock.js';
import { storePerTest } from '../support/db.js';

describe('day lock', () => {
  const store = storePerTest('postgres');

  it('is shared between indexer and tagger, and refused to both while the writer holds it', async () => {
    const db = await store();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // An indexer holds the day in one transaction…
    const indexer = db.transaction(async (tx) => {
      expect(await tryLockDay(tx, 'debates/2009-10-26')).toBe(true);
      await held;
    });
    await new Promise((r) => setTimeout(r, 50));
    // …and a tagger gets it as well.
    expect(await db.transaction((tx) => tryLockDay(tx, 'debates/2009-10-26'))).toBe(true);
    release();
    await indexer;
    // The writer (migration 010's ingest functions) takes it exclusively: readers must wait.
    let done!: () => void;
    const writing = new Promise<void>((r) => (done = r));
    const writer = db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['debates/2009-10-26']);
      await writing;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(await db.transaction((tx) => tryLockDay(tx, 'debates/2009-10-26'))).toBe(false);
    expect(await db.transaction((tx) => tryLockDay(tx, 'debates/2009-10-27'))).toBe(true);
    done();
    await writer;
    expect(await db.transaction((tx) => tryLockDay(tx, 'debates/2009-10-26'))).toBe(true);
  });
});
