import path from 'node:path';
import {
  compileKeywordRules,
  findKeywordMatches,
  type KeywordRules,
  type MatchOptions,
} from '../../src/tag/keyword.js';
import { loadTaggerInput } from '../../src/tag/load.js';
import { createTagger, type Tagger } from '../../src/tag/tagger.js';
import { loadTaxonomy, type Taxonomy } from '../../src/tag/taxonomy.js';

export const repoTagsDir = path.resolve(import.meta.dirname, '..', '..', 'tags');
export const committedTaxonomy = (): Taxonomy => loadTaxonomy(path.join(repoTagsDir, 'taxonomy.json'));

let rules: KeywordRules | undefined;
let tagger: Tagger | undefined;

/** The committed rules, compiled once per test file. */
export function committedRules(): KeywordRules {
  rules ??= compileKeywordRules(committedTaxonomy());
  return rules;
}

/** The committed taxonomy and current model. */
export function committedTagger(): Tagger {
  tagger ??= createTagger(loadTaggerInput(repoTagsDir));
  return tagger;
}

/** Tags the rules alone give a paragraph (a pattern at or above its tag's keyword threshold). */
export function keywordTags(text: string, opts?: MatchOptions): string[] {
  const r = committedRules();
  const matches = findKeywordMatches(r, text, opts);
  return r.tags
    .filter((t) => matches.some((m) => m.tag === t.tag && m.weight >= t.keywordThreshold))
    .map((t) => t.tag);
}

/** Tags the combined tagger gives a paragraph. */
export function combinedTags(text: string): string[] {
  return committedTagger()
    .tagParagraph(text)
    .map((t) => t.tag);
}
