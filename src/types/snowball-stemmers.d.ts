// snowball-stemmers ships no types; only the English stemmer is used (src/search/headline.ts).
declare module 'snowball-stemmers' {
  export interface Stemmer {
    stem(word: string): string;
  }
  export function newStemmer(language: string): Stemmer;
}
