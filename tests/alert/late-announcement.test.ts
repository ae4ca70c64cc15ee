/**
 * An announcement handled after the next version of its day has replaced it (a busy
 * worker, a retried job): its gids are gone, and the new version announces only what it
 * changed. The speeches the two versions share must still be matched, once, under their
 * new gids, and nothing already alerted is alerted again.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { freshStore } from '../support/db.js';
import { ingest, pick, readPeople } from '../support/ingest.js';
import {
  feedSubscription,
  harness,
  loadMiniMembers,
  mini,
  miniGid,
  testSettings,
  type Harness,
} from './support.js';

describe('an announcement handled after its day was replaced', () => {
  let db: Db;
  let h: Harness;

  beforeAll(async () => {
    db = await freshStore('postgres');
    await loadMiniMembers(db);
    h = await harness(db, testSettings(), undefined, false);
    const people = readPeople(path.join(mini, 'members', 'people.json'));
    await ingest(db, pick(mini, 'debates2030-01-07a.xml'), people);
    await ingest(db, pick(mini, 'debates2030-01-07b.xml'), people);
  });

  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  const delivered = async (id: string) =>
    (
      await db.query<{ speech_gid: string }>(
        'SELECT speech_gid FROM alert_deliveries WHERE subscription_id = $1 ORDER BY speech_gid',
        [id],
      )
    ).map((r) => r.speech_gid);

  it('matches the speeches under their new gids, and each once', async () => {
    const { key } = await h.alerts.service.createApiKey('t');
    const id = await feedSubscription(h, key, { q: 'contract OR tender OR "private contractor"' });
    // Version a's gids no longer exist: b replaced the day before a's hook ran.
    expect((await db.query('SELECT 1 FROM speeches WHERE gid = $1', [miniGid('a.10.1')])).length).toBe(0);
    const late = await h.alerts.handleSpeeches([miniGid('a.10.1'), miniGid('a.10.2')]);
    expect(late.recorded).toBe(2);
    expect(await delivered(id)).toEqual([miniGid('b.10.1'), miniGid('b.10.2')]);
    // b's own announcement (what it changed: 10.2 revised, 10.3 new) adds only the new speech.
    const own = await h.alerts.handleSpeeches([miniGid('b.10.2'), miniGid('b.10.3')]);
    expect(own.recorded).toBe(1);
    expect(await delivered(id)).toEqual([miniGid('b.10.1'), miniGid('b.10.2'), miniGid('b.10.3')]);
  });
});
