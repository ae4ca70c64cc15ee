/**
 * However a search is driven (the scan, the text index, the text index one window of dates
 * at a time), following its cursors must list exactly the matching speeches, newest first:
 * the same list as one plain query for all of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpeechFilters } from '../../src/search/filters.js';
import {
  buildSearchSql,
  firstWindowDays,
  LexemeCounts,
  nextWindowDays,
  SearchRepository,
} from '../../src/search/search-repository.js';
import type { Db, Queryable } from '../../src/store/db.js';
import { corpusAvailable } from '../support/corpus.js';
import { MP_ID, webStore } from './api-fixture.js';

/** Runs every statement on the real store and keeps its text, to tell which plan ran. */
function recording(db: Db, statements: string[]): Queryable {
  return {
    query: (sql, params) => {
      statements.push(sql);
      return db.query(sql, params);
    },
    copyColumns: (table, columns, data) => db.copyColumns(table, columns, data),
    copyText: (table, columns, data) => db.copyText(table, columns, data),
  };
}

/** A windowed search's hits: only the rarest word goes to the index, the query is checked after. */
const WINDOWED = /tsv @@ \$\d+::tsquery AND \(tsv @@ websearch_to_tsquery/;

const base = { minConfidence: 0.5 };
// "Windowed" needs a query whose rarest word is in a few thousand paragraphs: in the week,
// only the commonest words (government, hon, ask, state, minister…) are.
/** A tag walk: one tag's speeches read newest first off speech_tags' dated index. */
const WALKED = /FROM speech_tags t JOIN speeches s ON s\.gid = t\.speech_gid/;

const CASES: { name: string; filters: SpeechFilters; windowed: boolean; walked?: boolean }[] = [
  { name: 'one tag', filters: { ...base, tags: ['privatisation'] }, windowed: false, walked: true },
  {
    name: 'one tag at a higher confidence in Commons debates',
    filters: { ...base, tags: ['outsourcing'], minConfidence: 0.8, types: ['debates'] },
    windowed: false,
    walked: true,
  },
  {
    name: 'one tag within dates',
    filters: { ...base, tags: ['outsourcing'], from: '2009-10-20', to: '2009-10-27' },
    windowed: false,
    walked: true,
  },
  {
    name: 'two tags (each speech listed once)',
    filters: { ...base, tags: ['outsourcing', 'privatisation'] },
    windowed: false,
    walked: true,
  },
  { name: 'any tag', filters: { ...base, tagged: true }, windowed: false, walked: true },
  {
    name: 'any tag in written answers within dates',
    filters: { ...base, tagged: true, types: ['wrans'], from: '2009-10-13', to: '2009-10-29' },
    windowed: false,
    walked: true,
  },
  {
    name: 'one tag by one MP',
    filters: { ...base, tags: ['privatisation'], personId: MP_ID },
    windowed: false,
  },
  { name: 'a common word', filters: { ...base, q: 'government' }, windowed: true },
  { name: 'a phrase of common words', filters: { ...base, q: '"Minister of State"' }, windowed: true },
  {
    name: 'a common word by one MP (walked newest first instead)',
    filters: { ...base, q: 'government', personId: MP_ID },
    windowed: false,
  },
  {
    name: 'a common word in the NI Assembly (fewer matches per window)',
    filters: { ...base, q: 'government', types: ['ni'] },
    windowed: true,
  },
  {
    name: 'a common word within dates',
    filters: { ...base, q: 'government', from: '2009-10-20', to: '2009-10-27' },
    windowed: true,
  },
  {
    name: 'a common word in written answers',
    filters: { ...base, q: 'government', types: ['wrans'] },
    windowed: true,
  },
  { name: 'a rarer phrase', filters: { ...base, q: '"Royal Mail"' }, windowed: true },
  { name: 'OR', filters: { ...base, q: 'hospital OR hospitals' }, windowed: false },
  {
    name: 'a word and a tag',
    filters: { ...base, q: 'government', tags: ['privatisation'] },
    windowed: true,
  },
];

describe.skipIf(!corpusAvailable())('search plans (Postgres, the shared week)', () => {
  let db: Db;

  beforeAll(async () => {
    db = await webStore('postgres');
    // The plan choice reads the column's statistics, as on a store autovacuum has analysed.
    await db.query('ANALYZE paragraph_search');
  }, 600_000);
  afterAll(async () => {
    await db?.close();
  });

  /** Every matching speech, newest first, in one query with no driver and no page limit. */
  const allMatching = async (f: SpeechFilters): Promise<string[]> => {
    const { sql, values } = buildSearchSql(f, null, 1_000_000, 'scan');
    return (await db.query<{ gid: string }>(sql, values)).map((r) => r.gid);
  };

  it.each(CASES)('$name: pages list exactly the matching speeches', async ({ filters, windowed, walked }) => {
    const statements: string[] = [];
    const repo = new SearchRepository(recording(db, statements));
    const listed: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await repo.search(filters, { limit: 25, ...(cursor ? { cursor } : {}) });
      listed.push(...page.results.map((h) => h.gid));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 6);
    const expected = await allMatching(filters);
    expect(expected.length).toBeGreaterThan(0);
    expect(listed).toEqual(expected.slice(0, listed.length));
    if (!cursor) expect(listed.length).toBe(expected.length);
    expect(statements.some((s) => WINDOWED.test(s))).toBe(windowed);
    expect(statements.some((s) => WALKED.test(s))).toBe(walked ?? false);
  });

  it('reads the text statistics once, not for every search, and plans plain queries without EXPLAIN', async () => {
    const statements: string[] = [];
    const repo = new SearchRepository(recording(db, statements));
    for (const q of ['government', '"Royal Mail"', 'hospital OR hospitals', 'Minister'])
      await repo.search({ ...base, q }, { limit: 5 });
    expect(statements.filter((s) => s.includes('pg_stats'))).toHaveLength(1);
    // Only the OR query needs the planner's estimate.
    expect(statements.filter((s) => s.startsWith('EXPLAIN'))).toHaveLength(1);
  });
});

describe('LexemeCounts', () => {
  // As pg_stats gives them: a frequency per lexeme, then the minimum, maximum and null fraction.
  const counts = new LexemeCounts(1_000_000, ['govern', 'minist'], [0.2, 0.01, 0.01, 0.2, 0]);

  it('counts a listed lexeme from its frequency', () => {
    expect(counts.paragraphsWith('govern')).toBeCloseTo(200_000);
    expect(counts.paragraphsWith('minist')).toBeCloseTo(10_000);
  });

  it('counts an unlisted lexeme as the planner does: half the rarest listed one, at most 0.5%', () => {
    expect(counts.paragraphsWith('privatis')).toBeCloseTo(5_000);
    expect(new LexemeCounts(1_000_000, ['a'], [0.3, 0.3, 0.3, 0]).paragraphsWith('b')).toBeCloseTo(5_000);
  });

  it('counts nothing before the column has statistics', () => {
    expect(new LexemeCounts(0, [], []).paragraphsWith('govern')).toBe(0);
  });
});

describe('window sizes', () => {
  it('starts with a month, or longer for a word too rare to fill a page in one', () => {
    expect(firstWindowDays(200_000, 7000, 21)).toBe(31);
    expect(firstWindowDays(1_764, 7000, 21)).toBe(167);
    expect(firstWindowDays(100, 7000, 21)).toBe(366);
    expect(firstWindowDays(0, 7000, 21)).toBe(31);
  });

  it('sizes the next window from what the last one held, at least doubling, at most a year', () => {
    expect(nextWindowDays(31, 7, 21)).toBe(186);
    expect(nextWindowDays(31, 20, 21)).toBe(66);
    expect(nextWindowDays(31, 0, 21)).toBe(366);
    expect(nextWindowDays(200, 1, 21)).toBe(366);
  });
});
