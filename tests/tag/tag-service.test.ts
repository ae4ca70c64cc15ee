/**
 * The tag service's decisions (which day, busy, failed, what changed) against an in-memory
 * tag store: no database, since these tests are about the service, not the SQL. The SQL
 * is tested against Postgres and PGlite in store.test.ts and corrections.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/store/db.js';
import type { DayParagraph } from '../../src/tag/tag-repository.js';
import { tagNextDay, tagPendingDays, type TagServiceDeps } from '../../src/tag/tag-service.js';
import type { Tagger } from '../../src/tag/tagger.js';
import type { SpeechTagging } from '../../src/tag/types.js';

/** Tags each speech with the words its paragraphs hold that the test names as tags. */
function wordTagger(tags: string[], opts: { failOn?: string } = {}): Tagger {
  return {
    modelVersion: 'fake-1',
    tags,
    scoreParagraph: () => [],
    tagParagraph: () => [],
    tagSpeech(paragraphs) {
      if (opts.failOn && paragraphs.some((p) => p.text.includes(opts.failOn!)))
        throw new Error('tagger broke');
      const found = tags.filter((t) => paragraphs.some((p) => p.text.includes(t)));
      return {
        paragraphs: paragraphs.map((p) => ({
          pid: p.pid,
          seq: p.seq,
          tags: found
            .filter((t) => p.text.includes(t))
            .map((tag) => ({
              tag,
              confidence: 0.9,
              method: 'keyword' as const,
              keywordConfidence: 0.9,
              classifierConfidence: null,
              evidence: [],
            })),
        })),
        speech: found.map((tag) => ({ tag, confidence: 0.9, method: 'keyword' as const, paragraphs: [] })),
      };
    },
  };
}

/** An in-memory tag store and a transaction that answers the few statements the service runs itself. */
function fakeStore(days: Record<string, DayParagraph[]>, opts: { locked?: Set<string> } = {}) {
  const queue = Object.keys(days);
  const stored = new Map<string, Set<string>>();
  const failures: { groupKey: string; message: string }[] = [];
  const writes: { groupKey: string; tagged: Map<string, SpeechTagging>; only: string[] | null }[] = [];
  const tx: Queryable = {
    async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
      if (sql.startsWith('SELECT pg_try_advisory_xact_lock'))
        return [{ ok: !opts.locked?.has(params[0] as string) }] as R[];
      if (sql.startsWith('SAVEPOINT') || sql.startsWith('ROLLBACK TO')) return [];
      if (sql.includes('FROM tag_corrections')) return [];
      if (sql.includes('INSERT INTO ingest_errors')) {
        const [groupKey, , message] = params as string[];
        queue.splice(queue.indexOf(groupKey!), 1);
        failures.push({ groupKey: groupKey!, message: message! });
        return [{ file: `${groupKey}.xml` }] as R[];
      }
      throw new Error(`unexpected SQL in a fake: ${sql}`);
    },
    copyColumns: () => Promise.reject(new Error('not in a fake')),
    copyText: () => Promise.reject(new Error('not in a fake')),
  };
  const keys = (groupKey: string, only: string[] | null) =>
    new Set(
      [...(stored.get(groupKey) ?? [])].filter((k) => only === null || only.includes(k.split('|')[1]!)),
    );
  const deps: TagServiceDeps = {
    db: { transaction: (fn) => fn(tx) },
    tags: {
      claimDay: async () => queue[0] ?? null,
      dayParagraphs: async (_tx, groupKey) => days[groupKey] ?? [],
      daySpeechTags: async (_tx, groupKey, only) => keys(groupKey, only),
      async replaceDay(_tx, groupKey, tagged, _model, only) {
        writes.push({ groupKey, tagged, only });
        const kept = [...(stored.get(groupKey) ?? [])].filter(
          (k) => only !== null && !only.includes(k.split('|')[1]!),
        );
        const fresh = [...tagged].flatMap(([gid, t]) =>
          t.speech.filter((s) => only === null || only.includes(s.tag)).map((s) => `${gid}|${s.tag}`),
        );
        stored.set(groupKey, new Set([...kept, ...fresh]));
      },
      finishDay: async (_tx, groupKey) => void queue.splice(queue.indexOf(groupKey), 1),
    },
  };
  return { deps, queue, stored, failures, writes };
}

const para = (speech_gid: string, seq: number, body: string): DayParagraph => ({
  speech_gid,
  seq,
  pid: null,
  body,
});

describe('tagNextDay (in-memory store)', () => {
  it('returns null when no day is queued', async () => {
    const { deps } = fakeStore({});
    expect(await tagNextDay(deps, wordTagger(['nhs']))).toBeNull();
  });

  it('tags every speech of the day, counts what changed and dequeues the day', async () => {
    const store = fakeStore({ d1: [para('a', 0, 'nhs'), para('a', 1, 'pfi'), para('b', 0, 'nothing')] });
    store.stored.set('d1', new Set(['b|nhs']));
    const result = await tagNextDay(store.deps, wordTagger(['nhs', 'pfi']));
    expect(result).toEqual({ groupKey: 'd1', speeches: 2, added: 2, removed: 1 });
    expect([...store.stored.get('d1')!].sort()).toEqual(['a|nhs', 'a|pfi']);
    expect([...store.writes[0]!.tagged.keys()]).toEqual(['a', 'b']);
    expect(store.queue).toEqual([]);
  });

  it('counts only the tags it was asked to redo', async () => {
    const store = fakeStore({ d1: [para('a', 0, 'nhs pfi')] });
    store.stored.set('d1', new Set(['a|nhs']));
    const result = await tagNextDay(store.deps, wordTagger(['nhs', 'pfi']), ['pfi']);
    expect(result).toMatchObject({ added: 1, removed: 0 });
    expect(store.writes[0]!.only).toEqual(['pfi']);
    expect([...store.stored.get('d1')!].sort()).toEqual(['a|nhs', 'a|pfi']);
  });

  it('leaves a day that is being rewritten queued, untouched', async () => {
    const store = fakeStore({ d1: [para('a', 0, 'nhs')] }, { locked: new Set(['d1']) });
    expect(await tagNextDay(store.deps, wordTagger(['nhs']))).toEqual({
      groupKey: 'd1',
      speeches: 0,
      added: 0,
      removed: 0,
      busy: true,
    });
    expect(store.writes).toEqual([]);
    expect(store.queue).toEqual(['d1']);
  });

  it('records a day the tagger cannot tag as failed and takes it off the queue', async () => {
    const store = fakeStore({ d1: [para('a', 0, 'poison')] });
    const result = await tagNextDay(store.deps, wordTagger(['nhs'], { failOn: 'poison' }));
    expect(result?.failed).toMatchObject({ stage: 'tagging', groupKey: 'd1', file: 'd1.xml' });
    expect(store.failures[0]!.message).toContain('tagger broke');
    expect(store.writes).toEqual([]);
    expect(store.queue).toEqual([]);
  });
});

describe('tagPendingDays (in-memory store)', () => {
  it('drains the queue, summing tagged days and collecting failed ones', async () => {
    const store = fakeStore({
      d1: [para('a', 0, 'nhs')],
      d2: [para('b', 0, 'poison')],
      d3: [para('c', 0, 'nhs'), para('d', 0, 'nhs')],
    });
    const seen: string[] = [];
    const sum = await tagPendingDays(store.deps, wordTagger(['nhs'], { failOn: 'poison' }), {
      onDay: (r) => seen.push(r.groupKey),
    });
    expect(sum).toMatchObject({ days: 2, speeches: 3, added: 3, removed: 0 });
    expect(sum.failed.map((f) => f.groupKey)).toEqual(['d2']);
    expect(seen).toEqual(['d1', 'd3']);
    expect(store.queue).toEqual([]);
  });
});
