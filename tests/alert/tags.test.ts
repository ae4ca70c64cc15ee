/**
 * Tag and person subscriptions: matched on speech_tags (at the minimum confidence) and
 * on the resolved speaker, quoted from the strongest tagged paragraph; and a day
 * announced before the tagger had finished with it is matched again once tagged.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertItem } from '../../src/alert/types.js';
import type { Db, Queryable, TransactionOptions } from '../../src/store/db.js';
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

describe('tag and person alerts', () => {
  let db: Db;
  let h: Harness;
  let key: string;

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
  });

  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  const feed = (criteria: Record<string, unknown>) => feedSubscription(h, key, criteria);
  const items = async (id: string) =>
    (
      await db.query<{ item: AlertItem }>(
        'SELECT item FROM alert_deliveries WHERE subscription_id = $1 ORDER BY speech_gid',
        [id],
      )
    ).map((r) => r.item);

  it('matches a day again once the tagger has tagged it', async () => {
    const tagged = await feed({ tag: 'privatisation', minConfidence: 0.6 });
    const person = await feed({ person: '90001' });
    const gids = [miniGid('b.10.1'), miniGid('b.10.2'), miniGid('b.10.3')];
    // The day is still queued for tagging (this ingest ran no tagger): no tags yet.
    const first = await h.alerts.handleSpeeches(gids);
    expect(first.recorded).toBe(2); // the person's two speeches
    expect((await items(person)).map((i) => i.gid)).toEqual([miniGid('b.10.1'), miniGid('b.10.3')]);
    expect((await items(person))[0]!.reason.person).toBe('uk.org.publicwhip/person/90001');
    expect(await items(tagged)).toEqual([]);
    expect((await db.query('SELECT group_key FROM alert_rematch')).length).toBe(1);

    // The tagger gets to it: b.10.3 tagged on its second paragraph, b.10.2 below the threshold.
    await db.query(
      `INSERT INTO speech_tags (speech_gid, tag, confidence, method, evidence, model_version) VALUES
         ($1, 'privatisation', 0.9, 'keyword', '{}', 't'), ($2, 'privatisation', 0.55, 'keyword', '{}', 't')`,
      [miniGid('b.10.3'), miniGid('b.10.2')],
    );
    await db.query(
      `INSERT INTO paragraph_tags (speech_gid, seq, tag, confidence, method, evidence, model_version) VALUES ($1, 1, 'privatisation', 0.9, 'keyword', '{}', 't')`,
      [miniGid('b.10.3')],
    );
    await h.alerts.housekeeping(); // still queued for tagging: nothing yet
    expect(await items(tagged)).toEqual([]);
    await db.query('DELETE FROM tag_pending');
    await h.alerts.housekeeping();
    const got = await items(tagged);
    expect(got.map((i) => i.gid)).toEqual([miniGid('b.10.3')]);
    expect(got[0]!.reason.tags).toEqual([{ tag: 'privatisation', confidence: 0.9 }]);
    expect(got[0]!.excerpt).toBe('Staff deserve to know.'); // the tagged paragraph, not the first
    expect((await db.query('SELECT 1 FROM alert_rematch')).length).toBe(0);
    expect((await items(person)).length).toBe(2); // nothing twice
  });
});

/**
 * The tagger may commit while a batch is being matched (another worker tags the day while
 * this one matches it). The matcher must still come back to the day: it asks whether the
 * day is tagged before reading the tags, not after.
 */
describe('a day tagged while its speeches are being matched', () => {
  let db: Db;
  let h: Harness;

  /** `db`, except that the first read of speech_tags (in a transaction or not) is followed by the tagger's commit. */
  function taggedDuringFirstTagRead(inner: Db, tagger: () => Promise<void>): Db {
    let fired = false;
    const query =
      (q: Queryable) =>
      async <R>(sql: string, params?: unknown[]): Promise<R[]> => {
        const rows = await q.query<R>(sql, params);
        if (!fired && /FROM speech_tags/.test(sql)) {
          fired = true;
          await tagger();
        }
        return rows;
      };
    return new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'query') return query(target);
        if (prop === 'transaction')
          return <T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions) =>
            target.transaction(
              (tx) => fn({ ...tx, query: query(tx), copyColumns: tx.copyColumns.bind(tx) }),
              opts,
            );
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }

  beforeAll(async () => {
    db = await freshStore('postgres');
    await loadMiniMembers(db);
    await ingest(
      db,
      pick(mini, 'debates2030-01-07b.xml'),
      readPeople(path.join(mini, 'members', 'people.json')),
    );
    const tagger = async () => {
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO speech_tags (speech_gid, tag, confidence, method, evidence, model_version) VALUES ($1, 'privatisation', 0.9, 'keyword', '{}', 't')`,
          [miniGid('b.10.3')],
        );
        await tx.query(
          `INSERT INTO paragraph_tags (speech_gid, seq, tag, confidence, method, evidence, model_version) VALUES ($1, 1, 'privatisation', 0.9, 'keyword', '{}', 't')`,
          [miniGid('b.10.3')],
        );
        await tx.query('DELETE FROM tag_pending');
      });
    };
    h = await harness(taggedDuringFirstTagRead(db, tagger), testSettings(), undefined, false);
  });

  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  it('matches the day again and finds the tag it could not see', async () => {
    const key = (await h.alerts.service.createApiKey('t')).key;
    const id = await feedSubscription(h, key, { tag: 'privatisation', minConfidence: 0.6 });
    const gids = [miniGid('b.10.1'), miniGid('b.10.2'), miniGid('b.10.3')];
    expect((await h.alerts.handleSpeeches(gids)).recorded).toBe(0); // read before the tags existed
    expect((await db.query('SELECT 1 FROM tag_pending')).length).toBe(0); // …which exist now
    expect((await db.query('SELECT 1 FROM alert_rematch')).length).toBe(1);
    await h.alerts.housekeeping();
    const got = await db.query<{ speech_gid: string }>(
      'SELECT speech_gid FROM alert_deliveries WHERE subscription_id = $1',
      [id],
    );
    expect(got.map((r) => r.speech_gid)).toEqual([miniGid('b.10.3')]);
    expect((await db.query('SELECT 1 FROM alert_rematch')).length).toBe(0);
  });
});
