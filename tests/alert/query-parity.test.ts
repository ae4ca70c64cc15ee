/**
 * The in-memory evaluator against Postgres itself: for hundreds of queries (websearch
 * input as people type it, and hand-built tsqueries that stress phrase operators with
 * negation, OR and nesting inside), the set of corpus paragraphs matched in JS must equal
 * the set `tsv @@ query` selects.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matches } from '../../src/alert/query/evaluate.js';
import { parseTsQuery, TsQueryParseError } from '../../src/alert/query/tsquery.js';
import { parseTsVector, type LexemePositions } from '../../src/alert/query/tsvector.js';
import { SubscriptionRepository } from '../../src/alert/subscription-repository.js';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { freshStore } from '../support/db.js';
import { ingest, pick, readPeople } from '../support/ingest.js';

interface Para {
  key: string;
  lexemes: LexemePositions;
}

/** Deterministic pseudo-random numbers, so a failure can be reproduced. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

const q = (lexeme: string) => `'${lexeme.replace(/'/g, "''").replace(/\\/g, '\\\\')}'`;

/** Hand-built shapes over three lexemes that occur in this order (A B C) somewhere. */
function shapes(a: string, b: string, c: string, x: string): string[] {
  const [A, B, C, X] = [a, b, c, x].map(q);
  return [
    `${A} <-> ${B}`,
    `${A} <2> ${C}`,
    `${A} <-> ${C}`,
    `${A} <0> ${A}`,
    `${A} <-> !${B}`,
    `!${A} <-> ${B}`,
    `!${A} <-> !${B}`,
    `${A} <-> ( ${B} <-> ${C} )`,
    `${A} <-> ${B} <-> ${C}`,
    `( ${A} | ${X} ) <-> ${B}`,
    `( ${A} & ${B} ) <-> ${C}`,
    `${A} <-> ( ${B} | !${C} )`,
    `!( ${A} <-> ${B} ) <-> ${C}`,
    `${A} <-> !( ${B} <-> ${C} )`,
    `( ${A} <-> ${B} ) | !${C}`,
    `!( ${A} | ${B} )`,
    `${A} & !${B} | ${C}`,
    `( ${A} <-> ${B} ) & ( ${B} <-> ${C} )`,
    `( ${A} <-> !${B} ) <-> ${C}`,
    `( !${A} | ${B} ) <-> ${C}`,
    `( ${A} | ${B} ) <-> ( ${B} | ${C} )`,
    `( ${A} <3> ${B} ) <-> ( ${C} <-> ${A} )`,
    `${A} <-> ( !${B} & ${C} )`,
    `( ${X} <-> ${A} ) | ( ${B} <-> ${C} )`,
    `!( !${A} <-> ${B} ) <-> ${C}`,
    `( ${A} | ${B} | ${C} ) <2> ${C}`,
    `( !${A} | !${B} ) <-> ${C}`,
    `${A} <-> ( !${B} | !${C} )`,
    `( !${A} & !${X} ) <-> ${C}`,
    `!( !${A} | !${B} ) <-> ${C}`,
    `( ${A} <-> ${B} | !${X} ) <-> ${C}`,
  ];
}

describe.skipIf(!corpusAvailable())('keyword matching agrees with Postgres', () => {
  let db: Db;
  let paragraphs: Para[];

  beforeAll(async () => {
    db = await freshStore('postgres');
    const people = readPeople(path.join(corpusDir, 'members', 'people.json'));
    await ingest(
      db,
      pick(corpusDir, 'westminster2009-10-27a.xml', 'lordswms2009-10-29a.xml', 'ni2009-10-13.xml'),
      people,
    );
    const rows = await db.query<{ k: string; tsv: string }>(
      `SELECT speech_gid || '#' || seq AS k, tsv::text AS tsv FROM paragraph_search`,
    );
    paragraphs = rows.map((r) => ({ key: r.k, lexemes: parseTsVector(r.tsv) }));
  }, 120_000);

  afterAll(async () => {
    await db?.close();
  });

  async function compare(tsqueries: string[]): Promise<number> {
    const rows = await db.query<{ i: number; keys: string[] }>(
      `SELECT x.i::int AS i, array_agg(ps.speech_gid || '#' || ps.seq) AS keys
         FROM unnest($1::text[]) WITH ORDINALITY AS x(q, i)
         JOIN paragraph_search ps ON ps.tsv @@ x.q::tsquery
        GROUP BY x.i`,
      [tsqueries],
    );
    const expected = new Map(rows.map((r) => [r.i - 1, new Set(r.keys)]));
    let hits = 0;
    tsqueries.forEach((text, i) => {
      const node = parseTsQuery(text);
      expect(node, text).not.toBeNull();
      const got = new Set(paragraphs.filter((p) => matches(node!, p.lexemes)).map((p) => p.key));
      const want = expected.get(i) ?? new Set<string>();
      if (got.size !== want.size || [...got].some((k) => !want.has(k)))
        expect({
          query: text,
          onlyJs: [...got].filter((k) => !want.has(k)).slice(0, 5),
          onlyPg: [...want].filter((k) => !got.has(k)).slice(0, 5),
        }).toEqual({ query: text, onlyJs: [], onlyPg: [] });
      hits += got.size;
    });
    return hits;
  }

  it('has a corpus sample to work on', () => {
    expect(paragraphs.length).toBeGreaterThan(500);
  });

  it('matches websearch queries as people type them', async () => {
    const typed = [
      'NHS',
      'privatisation',
      '"private sector"',
      '"primary care trust"',
      'health -Wales',
      'hospital OR clinic',
      '"the Government" OR minister -Scotland',
      '"Northern Ireland" Assembly',
      'care "local authority" OR council',
      'energy "climate change" -nuclear',
      '"will the Minister"',
      "O'Neill",
      'e-mail',
      '"not only" "but also"',
      'police OR "armed forces" OR army',
      'school -"primary school"',
      'money "£5 million"',
      '"Department of Health"',
    ];
    const normalised = await new SubscriptionRepository(db).normaliseQueries(typed);
    const usable = normalised.filter((t) => t !== '');
    expect(usable.length).toBe(typed.length);
    expect(await compare(usable)).toBeGreaterThan(0);
  });

  it('matches phrase, negation and nesting shapes exactly', async () => {
    const random = rng(42);
    const withTriples = paragraphs.filter((p) => p.lexemes.size > 12);
    const queries: string[] = [];
    for (let n = 0; n < 40; n++) {
      const p = withTriples[Math.floor(random() * withTriples.length)]!;
      // Lexemes at three consecutive positions of this paragraph: phrase queries that hit.
      const byPos = new Map<number, string>();
      for (const [lexeme, positions] of p.lexemes) for (const pos of positions) byPos.set(pos, lexeme);
      const starts = [...byPos.keys()].filter((pos) => byPos.has(pos + 1) && byPos.has(pos + 2));
      const start = starts[Math.floor(random() * starts.length)];
      if (start === undefined) continue;
      const other = withTriples[Math.floor(random() * withTriples.length)]!;
      const x = [...other.lexemes.keys()][0]!;
      queries.push(...shapes(byPos.get(start)!, byPos.get(start + 1)!, byPos.get(start + 2)!, x));
    }
    expect(queries.length).toBeGreaterThan(500);
    expect(await compare(queries)).toBeGreaterThan(1000);
  }, 60_000);

  it('reads Postgres quoting of odd lexemes', () => {
    expect(parseTsQuery(`'it''s' & 'a\\\\b'`)).toEqual({
      op: 'and',
      left: { op: 'lex', lexeme: "it's", id: -1 },
      right: { op: 'lex', lexeme: 'a\\b', id: -1 },
    });
    expect([...parseTsVector(`'a\\\\b':1 'it''s':2,3A 'x':4`)]).toEqual([
      ['a\\b', [1]],
      ["it's", [2, 3]],
      ['x', [4]],
    ]);
    expect(parseTsQuery('')).toBeNull();
    expect(() => parseTsQuery(`'a':*`)).toThrow(TsQueryParseError);
    expect(() => parseTsQuery(`'a' &`)).toThrow(TsQueryParseError);
  });
});
