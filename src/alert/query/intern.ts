/**
 * Lexemes as V8-internalized strings. The matcher's inner loop is Map lookups of query
 * lexemes in paragraph lexemes; when both sides are internalized, V8 compares keys by
 * pointer and reads a hash stored with the string, instead of hashing and comparing
 * characters of sliced or concatenated strings. Property keys are always internalized,
 * so going through one is the portable way to get such a string (V8's table is weak: no
 * table of our own grows forever).
 */
export function intern(s: string): string {
  for (const key in { [s]: 0 }) return key;
  return s;
}
