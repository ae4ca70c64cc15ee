/**
 * The indexed one-pass matcher finds exactly the pairs a brute-force check of every
 * subscription against every speech finds: candidate generation may never drop a match.
 */
import { describe, expect, it } from 'vitest';
import { speechDoc } from '../../src/alert/match/compile.js';
import { buildBatchIndex, evaluate, matchBatch, requiredKeys } from '../../src/alert/match/matcher.js';
import type { CompiledSubscription, SpeechDoc } from '../../src/alert/match/types.js';
import { parseTsQuery, type QueryNode } from '../../src/alert/query/tsquery.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

const VOCAB = Array.from({ length: 60 }, (_, i) => `w${i}`);
const TAGS = ['privatisation', 'outsourcing', 'stp', 'aco'];
const PEOPLE = ['p1', 'p2', 'p3', 'p4', 'p5'];

function randomSpeech(random: () => number, i: number): SpeechDoc {
  // Zipf-ish: low word numbers are common, high ones rare.
  const word = () => VOCAB[Math.floor(VOCAB.length * random() ** 2.5)]!;
  const paragraphs = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, seq) => {
    const lexemes = new Map<string, number[]>();
    for (let pos = 1; pos <= 4 + Math.floor(random() * 12); pos++)
      lexemes.set(
        word(),
        [...(lexemes.get(word()) ?? []), pos].sort((a, b) => a - b),
      );
    return { seq, lexemes };
  });
  const tags = new Map(
    TAGS.filter(() => random() < 0.15).map((t) => [t, Math.round(random() * 100) / 100] as const),
  );
  return speechDoc({
    gid: `s${i}`,
    personId: random() < 0.9 ? PEOPLE[Math.floor(random() * PEOPLE.length)]! : null,
    house: random() < 0.7 ? 'house-of-commons' : 'house-of-lords',
    type: random() < 0.5 ? 'debates' : 'westminhall',
    tags,
    paragraphs,
  });
}

function randomQuery(random: () => number, depth = 0): string {
  const lex = () => `'${VOCAB[Math.floor(random() * VOCAB.length)]}'`;
  if (depth > 2 || random() < 0.35) return lex();
  const r = random();
  if (r < 0.15) return `!${lex()}`;
  if (r < 0.4) return `( ${randomQuery(random, depth + 1)} & ${randomQuery(random, depth + 1)} )`;
  if (r < 0.65) return `( ${randomQuery(random, depth + 1)} | ${randomQuery(random, depth + 1)} )`;
  const d = random() < 0.7 ? '<->' : `<${Math.floor(random() * 3)}>`;
  return `( ${randomQuery(random, depth + 1)} ${d} ${randomQuery(random, depth + 1)} )`;
}

function randomSubscription(random: () => number, ordinal: number): CompiledSubscription {
  const pick = <T>(list: readonly T[], p: number) => list.filter(() => random() < p);
  let query: QueryNode | null = random() < 0.8 ? parseTsQuery(randomQuery(random)) : null;
  const personIds = pick(PEOPLE, 0.12);
  const tags = pick(TAGS, 0.1);
  if (!query && personIds.length === 0 && tags.length === 0) query = parseTsQuery(randomQuery(random));
  return {
    ordinal,
    id: `sub${ordinal}`,
    query,
    tags,
    minConfidence: Math.round(random() * 10) / 10,
    personIds,
    houses: random() < 0.1 ? ['house-of-lords'] : [],
    types: random() < 0.1 ? ['debates'] : [],
  };
}

describe('one-pass matcher', () => {
  it.each([1, 2, 3, 4, 5])('equals brute force on random data (seed %i)', (seed) => {
    const random = rng(seed);
    const speeches = Array.from({ length: 150 }, (_, i) => randomSpeech(random, i));
    const subs = Array.from({ length: 3000 }, (_, i) => randomSubscription(random, i));
    const fast = matchBatch(subs, speeches).map((m) => `${m.subscription.id}/${m.speech.gid}/${m.paragraph}`);
    const slow: string[] = [];
    for (const speech of speeches)
      for (const sub of subs) {
        const p = evaluate(sub, speech);
        if (p !== false) slow.push(`${sub.id}/${speech.gid}/${p}`);
      }
    expect(slow.length).toBeGreaterThan(100);
    expect(fast.sort()).toEqual(slow.sort());
  });

  it('files a subscription under its rarest necessary keys, and not at all when they are absent', () => {
    const freq = new Map([
      ['nhs', 50],
      ['privat', 3],
      ['sector', 8],
    ]);
    expect(requiredKeys(parseTsQuery("'nhs' & 'privat' <-> 'sector'")!, freq)).toEqual({
      keys: ['privat'],
      cost: 3,
    });
    expect(requiredKeys(parseTsQuery("'nhs' | 'privat'")!, freq)).toEqual({
      keys: ['nhs', 'privat'],
      cost: 53,
    });
    expect(requiredKeys(parseTsQuery("!'nhs'")!, freq)).toBeNull();
    expect(requiredKeys(parseTsQuery("'nhs' & !'privat'")!, freq)).toEqual({ keys: ['nhs'], cost: 50 });
    const speech = speechDoc({
      gid: 's',
      personId: 'p1',
      house: null,
      type: 'debates',
      tags: new Map(),
      paragraphs: [{ seq: 0, lexemes: new Map([['nhs', [1]]]) }],
    });
    const sub = (id: string, q: string): CompiledSubscription => ({
      ordinal: Number(id),
      id,
      query: parseTsQuery(q),
      tags: [],
      minConfidence: 0.5,
      personIds: [],
      houses: [],
      types: [],
    });
    const index = buildBatchIndex(
      [sub('0', "'nhs' & 'absent'"), sub('1', "'nhs'"), sub('2', "!'absent'")],
      [speech],
    );
    expect(index.filed).toBe(2);
    expect(index.scan).toEqual([2]);
    expect(index.bare.get('nhs')).toEqual([1]);
    expect(index.postings.lexemes.size).toBe(0);
  });
});
