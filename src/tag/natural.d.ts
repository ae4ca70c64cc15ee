// natural's package entry pulls in every storage adapter (and dotenv, which reads .env
// into process.env); we import only the stemmer, tokenizer and stop-word modules, which
// ship without their own declarations.
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}

declare module 'natural/lib/natural/tokenizers/regexp_tokenizer.js' {
  const tokenizers: { WordTokenizer: new () => { tokenize(text: string): string[] } };
  export default tokenizers;
}

declare module 'natural/lib/natural/util/stopwords.js' {
  const stopwords: { words: string[] };
  export default stopwords;
}
