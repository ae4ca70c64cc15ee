/**
 * Keyword tagger: the taxonomy's patterns run over one paragraph and return every
 * surviving match with its character span. Pure and allocation-light, because it runs
 * on every paragraph of every ingested debate.
 */
import type { KeywordMatch } from './types.js';
import { regexFlags, type Taxonomy, type TagDefinition } from './taxonomy.js';

interface CompiledPattern {
  id: string;
  re: RegExp;
  weight: number;
  /** Any one of these nearby makes the match count (empty: no requirement). */
  require: RegExp[];
  /** Any one of these nearby cancels the match. */
  veto: RegExp[];
  /** Characters either side searched for context; null means the whole paragraph. */
  window: number | null;
}

interface CompiledNegative {
  id: string;
  re: RegExp;
  scope: 'overlap' | 'paragraph';
}

export interface CompiledTagRules {
  tag: string;
  keywordThreshold: number;
  noMatchPrior: number;
  weakMatchPrior: number;
  /** Any of these in the paragraph stops a tag that no strong pattern supports (empty: none). */
  unsupportedVeto: RegExp[];
  /** Cheap first pass: when none of these matches, no pattern of the tag can (most paragraphs stop here). */
  prefilter: RegExp[];
  patterns: CompiledPattern[];
  negatives: CompiledNegative[];
}

/** Compiled once per tagger (RegExp objects stay inside a thread; the taxonomy is what crosses). */
export interface KeywordRules {
  tags: CompiledTagRules[];
  /** Classifier concept lexicons, sorted by name. */
  concepts: { name: string; res: RegExp[] }[];
}

export interface MatchOptions {
  /**
   * Text of neighbouring paragraphs in the same speech. An acronym whose required context
   * is not in its own paragraph may still count if the speech around it supplies it.
   */
  neighbourText?: string;
}

type PatternList = Taxonomy['contexts'][string]['patterns'];

/**
 * Joins patterns into one alternation per flag set, so a lexicon or a tag costs one or
 * two scans instead of dozens. A pattern that cannot be joined safely (back-references
 * or named groups would be renumbered or clash) keeps its own RegExp.
 */
function union(patterns: { source: string; caseSensitive: boolean }[]): RegExp[] {
  const separate = patterns.filter((p) => /\\[1-9]|\\k<|\(\?<[a-zA-Z]/.test(p.source));
  const joinable = patterns.filter((p) => !separate.includes(p));
  const out = separate.map((p) => new RegExp(p.source, regexFlags(p.caseSensitive, false)));
  for (const caseSensitive of [false, true]) {
    const group = joinable.filter((p) => p.caseSensitive === caseSensitive);
    if (group.length > 0)
      out.push(new RegExp(group.map((p) => `(?:${p.source})`).join('|'), regexFlags(caseSensitive, false)));
  }
  return out;
}

const compileList = (patterns: PatternList): RegExp[] =>
  union(
    patterns.map((p) =>
      typeof p === 'string'
        ? { source: p, caseSensitive: false }
        : { source: p.pattern, caseSensitive: p.caseSensitive },
    ),
  );

export function compileKeywordRules(tax: Taxonomy): KeywordRules {
  const contextSet = (name: string): RegExp[] => compileList(tax.contexts[name]?.patterns ?? []);
  const concepts = Object.keys(tax.concepts)
    .sort()
    .map((name) => ({ name, res: compileList(tax.concepts[name]!.patterns) }));
  return { tags: tax.tags.map((tag) => compileTag(tag, contextSet)), concepts };
}

/** Names of the concept lexicons that occur in the paragraph (sorted). */
export function conceptsPresent(rules: KeywordRules, text: string): string[] {
  return rules.concepts.filter((c) => c.res.some((re) => re.test(text))).map((c) => c.name);
}

function compileTag(tag: TagDefinition, contextSet: (name: string) => RegExp[]): CompiledTagRules {
  return {
    tag: tag.id,
    keywordThreshold: tag.decision.keywordThreshold,
    noMatchPrior: tag.decision.noMatchPrior,
    weakMatchPrior: tag.decision.weakMatchPrior ?? 0.5,
    unsupportedVeto: (tag.decision.unsupportedVeto ?? []).flatMap(contextSet),
    prefilter: union(tag.patterns.map((p) => ({ source: p.pattern, caseSensitive: p.caseSensitive }))),
    patterns: tag.patterns.map((p) => ({
      id: p.id,
      re: new RegExp(p.pattern, regexFlags(p.caseSensitive, true)),
      weight: p.weight,
      require: (p.context?.require ?? []).flatMap(contextSet),
      veto: (p.context?.veto ?? []).flatMap(contextSet),
      window: p.context?.window ?? null,
    })),
    negatives: tag.negatives.map((n) => ({
      id: n.id,
      re: new RegExp(n.pattern, regexFlags(n.caseSensitive, true)),
      scope: n.scope,
    })),
  };
}

/** Matches of every tag in one paragraph, sorted by tag order then position. */
export function findKeywordMatches(
  rules: KeywordRules,
  text: string,
  opts: MatchOptions = {},
): KeywordMatch[] {
  const out: KeywordMatch[] = [];
  for (const tag of rules.tags) out.push(...matchTag(tag, text, opts));
  return out;
}

export function matchTag(tag: CompiledTagRules, text: string, opts: MatchOptions = {}): KeywordMatch[] {
  if (!tag.prefilter.some((re) => re.test(text))) return [];
  let found: KeywordMatch[] = [];
  for (const p of tag.patterns) {
    for (const [start, end] of spans(p.re, text)) {
      if (contextAllows(p, text, start, end, opts.neighbourText)) {
        found.push({
          tag: tag.tag,
          patternId: p.id,
          term: text.slice(start, end),
          start,
          end,
          weight: p.weight,
        });
      }
    }
  }
  if (found.length === 0) return found;
  found = applyNegatives(tag.negatives, text, found);
  return strongestPerSpan(found);
}

function spans(re: RegExp, text: string): [number, number][] {
  const out: [number, number][] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++; // never loop on an empty match
      continue;
    }
    out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

function contextAllows(
  p: CompiledPattern,
  text: string,
  start: number,
  end: number,
  neighbour?: string,
): boolean {
  if (p.require.length === 0 && p.veto.length === 0) return true;
  const around =
    p.window === null
      ? text
      : text.slice(Math.max(0, start - p.window), Math.min(text.length, end + p.window));
  if (p.veto.some((re) => re.test(around))) return false;
  if (p.require.length === 0 || p.require.some((re) => re.test(around))) return true;
  if (neighbour === undefined || !p.require.some((re) => re.test(neighbour))) return false;
  return !p.veto.some((re) => re.test(neighbour));
}

function applyNegatives(negatives: CompiledNegative[], text: string, found: KeywordMatch[]): KeywordMatch[] {
  let kept = found;
  for (const n of negatives) {
    const hits = spans(n.re, text);
    if (hits.length === 0) continue;
    if (n.scope === 'paragraph') return [];
    kept = kept.filter((m) => !hits.some(([s, e]) => s < m.end && m.start < e));
  }
  return kept;
}

/** Where patterns overlap ("competitive tendering" is also "tendering"), keep the surest. */
function strongestPerSpan(found: KeywordMatch[]): KeywordMatch[] {
  const byStrength = [...found].sort(
    (a, b) => b.weight - a.weight || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: KeywordMatch[] = [];
  for (const m of byStrength) {
    if (!kept.some((k) => k.start < m.end && m.start < k.end)) kept.push(m);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Whether one of the tag's `unsupportedVeto` context sets occurs in the paragraph. */
export function unsupportedVetoed(tag: CompiledTagRules, text: string): boolean {
  return tag.unsupportedVeto.some((re) => re.test(text));
}

/** Strongest matched weight (0 when nothing matched). */
export function strongestWeight(matches: readonly KeywordMatch[]): number {
  let best = 0;
  for (const m of matches) if (m.weight > best) best = m.weight;
  return best;
}
