/**
 * Per batch, where each subscription is filed. A subscription is a conjunction (keywords
 * AND tags AND people AND houses AND types), so one conjunct is enough to find its
 * candidates: it is filed under the key set of its most selective conjunct, judged by how
 * many of the batch's speeches hold each key — a person, a tag, or the lexemes some
 * paragraph must hold for the keywords to match (`requiredKeys`). A subscription whose
 * keys no speech in the batch holds cannot match and is not filed at all, which is most
 * of them on a normal day.
 */
import type { QueryNode } from '../query/tsquery.js';
import type { CompiledSubscription, SpeechDoc } from './types.js';

type Counts = Map<string, number>;

interface BatchStats {
  lexemes: Counts;
  tags: Counts;
  persons: Counts;
  houses: Counts;
  types: Counts;
}

/** Where a subscription is filed for this batch. */
type Anchor = { kind: keyof BatchStats; keys: readonly string[] } | { kind: 'scan' } | { kind: 'none' };

interface KeySet {
  keys: string[];
  cost: number;
}

function count(map: Counts, key: string | null): void {
  if (key !== null) map.set(key, (map.get(key) ?? 0) + 1);
}

function batchStats(speeches: readonly SpeechDoc[]): BatchStats {
  const stats: BatchStats = {
    lexemes: new Map(),
    tags: new Map(),
    persons: new Map(),
    houses: new Map(),
    types: new Map(),
  };
  for (const s of speeches) {
    for (const lexeme of s.lexemeParagraphs.keys()) count(stats.lexemes, lexeme);
    for (const tag of s.tags.keys()) count(stats.tags, tag);
    count(stats.persons, s.personId);
    count(stats.houses, s.house);
    count(stats.types, s.type);
  }
  return stats;
}

/**
 * Lexemes of which every matching paragraph holds at least one, with the number of
 * speeches holding them; null when no such set exists (a query that is all negation).
 * AND and phrase need both sides, so the cheaper side's set will do; OR needs one side, so
 * both sides' sets are needed together.
 */
export function requiredKeys(node: QueryNode, freq: Counts): KeySet | null {
  switch (node.op) {
    case 'lex':
      return { keys: [node.lexeme], cost: freq.get(node.lexeme) ?? 0 };
    case 'not':
      return null;
    case 'and':
    case 'phrase': {
      const l = requiredKeys(node.left, freq);
      const r = requiredKeys(node.right, freq);
      if (!l || !r) return l ?? r;
      return l.cost <= r.cost ? l : r;
    }
    case 'or': {
      const l = requiredKeys(node.left, freq);
      const r = requiredKeys(node.right, freq);
      if (!l || !r) return null;
      return { keys: [...new Set([...l.keys, ...r.keys])], cost: l.cost + r.cost };
    }
  }
}

function listCost(list: readonly string[], freq: Counts): KeySet | null {
  if (list.length === 0) return null;
  let cost = 0;
  for (const k of list) cost += freq.get(k) ?? 0;
  return { keys: [...list], cost };
}

function chooseAnchor(sub: CompiledSubscription, stats: BatchStats, queryKeys: KeySet | null): Anchor {
  const options: [keyof BatchStats, KeySet | null][] = [
    ['persons', listCost(sub.personIds, stats.persons)],
    ['tags', listCost(sub.tags, stats.tags)],
    ['lexemes', queryKeys],
    ['houses', listCost(sub.houses, stats.houses)],
    ['types', listCost(sub.types, stats.types)],
  ];
  let best: { kind: keyof BatchStats; set: KeySet } | null = null;
  for (const [kind, set] of options) if (set && (!best || set.cost < best.set.cost)) best = { kind, set };
  if (!best) return { kind: 'scan' };
  return best.set.cost === 0 ? { kind: 'none' } : { kind: best.kind, keys: best.set.keys };
}

type Postings = Record<keyof BatchStats, Map<string, number[]>>;

function file(postings: Map<string, number[]>, keys: readonly string[], ordinal: number): void {
  for (const k of keys) {
    const list = postings.get(k);
    if (list) list.push(ordinal);
    else postings.set(k, [ordinal]);
  }
}

export interface BatchIndex {
  postings: Postings;
  /**
   * Subscriptions that are a single keyword and nothing else, by that lexeme: every speech
   * holding the lexeme matches them, so they skip candidate checks altogether. On a real
   * day they are a third of all subscriptions and most of the matches.
   */
  bare: Map<string, number[]>;
  /** Subscriptions with no indexable condition: checked against every speech. */
  scan: number[];
  /** Subscriptions filed (could match something in the batch). */
  filed: number;
}

export function isBare(
  sub: CompiledSubscription,
): sub is CompiledSubscription & { query: { op: 'lex'; lexeme: string } } {
  return (
    sub.query?.op === 'lex' &&
    sub.tags.length === 0 &&
    sub.personIds.length === 0 &&
    sub.houses.length === 0 &&
    sub.types.length === 0
  );
}

export function buildBatchIndex(
  subs: readonly CompiledSubscription[],
  speeches: readonly SpeechDoc[],
): BatchIndex {
  const stats = batchStats(speeches);
  const postings: Postings = {
    lexemes: new Map(),
    tags: new Map(),
    persons: new Map(),
    houses: new Map(),
    types: new Map(),
  };
  const bare = new Map<string, number[]>();
  const scan: number[] = [];
  let filed = 0;
  for (const sub of subs) {
    if (isBare(sub)) {
      if (!stats.lexemes.has(sub.query.lexeme)) continue;
      file(bare, [sub.query.lexeme], sub.ordinal);
      filed++;
      continue;
    }
    const qk = sub.query ? requiredKeys(sub.query, stats.lexemes) : null;
    const anchor = chooseAnchor(sub, stats, qk);
    if (anchor.kind === 'none') continue;
    filed++;
    if (anchor.kind === 'scan') scan.push(sub.ordinal);
    else file(postings[anchor.kind], anchor.keys, sub.ordinal);
  }
  return { postings, bare, scan, filed };
}
