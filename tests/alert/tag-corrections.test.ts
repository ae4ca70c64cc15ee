/**
 * Editors' corrections and alerts: a tag an editor adds alerts its subscribers once, on the
 * dispatcher's next pass; a tag an editor removed never alerts.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { recordCorrection } from '../../src/tag/correction-repository.js';
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

describe('alerts after a correction', () => {
  let db: Db;
  let h: Harness;
  let key: string;
  const tags = ['outsourcing', 'privatisation', 'stp', 'aco'];

  beforeAll(async () => {
    db = await freshStore('postgres');
    await loadMiniMembers(db);
    h = await harness(db, testSettings(), undefined, false);
    key = (await h.alerts.service.createApiKey('t')).key;
    await ingest(
      db,
      pick(mini, 'debates2030-01-07b.xml'),
      readPeople(path.join(mini, 'members', 'people.json')),
    );
    await db.query('DELETE FROM tag_pending'); // as if tagged, with no tags found
  });
  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  const feed = (tag: string) => feedSubscription(h, key, { tag });
  const delivered = async (id: string) =>
    (
      await db.query<{ speech_gid: string }>(
        'SELECT speech_gid FROM alert_deliveries WHERE subscription_id = $1 ORDER BY speech_gid',
        [id],
      )
    ).map((r) => r.speech_gid);
  const correct = (gid: string, action: 'add' | 'remove', tag: string) =>
    db.transaction((tx) =>
      recordCorrection(tx, {
        gid,
        paragraph: '1',
        changes: [{ action, tag }],
        note: null,
        origin: 'cli',
        knownTags: tags,
      }),
    );

  it('alerts an added tag once, and never a removed one', async () => {
    const aco = await feed('aco');
    const stp = await feed('stp');
    const gids = [miniGid('b.10.1'), miniGid('b.10.2'), miniGid('b.10.3')];
    await h.alerts.handleSpeeches(gids);
    expect(await delivered(aco)).toEqual([]);

    await correct(miniGid('b.10.1'), 'add', 'aco');
    await h.alerts.housekeeping();
    expect(await delivered(aco)).toEqual([miniGid('b.10.1')]);
    // The same verdict again, and the day matched again: still one alert.
    await correct(miniGid('b.10.1'), 'add', 'aco');
    await h.alerts.housekeeping();
    await h.alerts.handleSpeeches(gids);
    expect(await delivered(aco)).toEqual([miniGid('b.10.1')]);

    // Tagged stp by the tagger, removed by an editor before alerts read it: never alerts.
    await db.query(
      `INSERT INTO paragraph_tags (speech_gid, seq, tag, confidence, method, evidence, model_version) VALUES ($1, 0, 'stp', 0.9, 'keyword', '[]', 't')`,
      [miniGid('b.10.2')],
    );
    await db.query(
      `INSERT INTO speech_tags (speech_gid, tag, confidence, method, evidence, model_version) VALUES ($1, 'stp', 0.9, 'keyword', '[]', 't')`,
      [miniGid('b.10.2')],
    );
    await correct(miniGid('b.10.2'), 'remove', 'stp');
    await h.alerts.handleSpeeches(gids);
    await h.alerts.housekeeping();
    expect(await delivered(stp)).toEqual([]);
  });
});
