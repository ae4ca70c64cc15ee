/**
 * Checks on what a person typed as keywords, before Postgres reads it. websearch syntax
 * never fails (it quietly ignores what it cannot use), which is right for a search box
 * but not for an alert that runs for months: a missing closing quote or a dangling OR
 * would silently watch for something else. Those are refused here with a reason; what
 * passes is handed to websearch_to_tsquery, the same reading search uses.
 */
import { positiveLexemes, type QueryNode } from './tsquery.js';

export const MAX_QUERY_CHARS = 500;

/** Why the text is not a usable keyword query, or null. */
export function querySyntaxProblem(text: string): string | null {
  if (text.length > MAX_QUERY_CHARS) return `must be at most ${MAX_QUERY_CHARS} characters`;
  if ((text.match(/"/g)?.length ?? 0) % 2 === 1)
    return 'has a " without its closing " (put phrases in double quotes: "private sector")';
  const bare = text.replace(/"[^"]*"/g, ' x ').trim();
  const words = bare.split(/\s+/).filter(Boolean);
  if (words[0]?.toUpperCase() === 'OR' || words[words.length - 1]?.toUpperCase() === 'OR')
    return 'has OR without words on both sides (write: privatisation OR outsourcing)';
  if (words.some((w, i) => w.toUpperCase() === 'OR' && words[i + 1]?.toUpperCase() === 'OR'))
    return 'has OR twice in a row';
  if (words.some((w) => /^-+$/.test(w)))
    return 'has a - that is not followed by a word (write -word to exclude a word)';
  return null;
}

/** Why the normalised query cannot be an alert on its own, or null. */
export function queryMeaningProblem(node: QueryNode | null, hasOtherCriteria: boolean): string | null {
  if (!node)
    return 'has no words that can be searched for (only very common words such as "the" or "and", or punctuation)';
  if (positiveLexemes(node).size === 0 && !hasOtherCriteria)
    return 'only excludes words: say what to look for too (e.g. NHS -Wales), or add a tag or a person';
  return null;
}
