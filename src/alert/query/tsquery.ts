/**
 * Postgres tsquery text (as `websearch_to_tsquery('english', q)::text` prints it) → a tree
 * we can evaluate in memory. Subscriptions store that text rather than the words the
 * person typed, so stemming, stop words and websearch's reading of quotes, OR and - are
 * Postgres's own: alerts match exactly what search matches.
 *
 * Grammar of the printed form: operands `'lexeme'` ('' escapes a quote, \\ a backslash),
 * optionally `:*` (prefix) and weights `:ABCD`; operators `!` (tightest), `<->` / `<N>`,
 * `&`, `|` (loosest), all binary ones left-associative; parentheses.
 */
import { intern } from './intern.js';

export type QueryNode =
  /** `id`: the lexeme's bit in the chunk being matched (set by match/bitsets.ts; -1 otherwise). */
  | { op: 'lex'; lexeme: string; id: number }
  | { op: 'not'; arg: QueryNode }
  | { op: 'and'; left: QueryNode; right: QueryNode }
  | { op: 'or'; left: QueryNode; right: QueryNode }
  | { op: 'phrase'; distance: number; left: QueryNode; right: QueryNode };

export class TsQueryParseError extends Error {
  override readonly name = 'TsQueryParseError';
}

type Token =
  | { kind: 'lex'; value: string }
  | { kind: '!' | '&' | '|' | '(' | ')' }
  | { kind: 'phrase'; distance: number };

/** Parses tsquery text; an empty string (no searchable words) gives null. */
export function parseTsQuery(text: string): QueryNode | null {
  const tokens = tokenize(text);
  if (tokens.length === 0) return null;
  const parser = new Parser(tokens);
  const node = parser.parseOr();
  if (!parser.done()) throw new TsQueryParseError(`unexpected ${describe(parser.peek())} in tsquery`);
  return node;
}

function describe(t: Token | undefined): string {
  if (!t) return 'end';
  return t.kind === 'lex' ? `'${t.value}'` : t.kind === 'phrase' ? `<${t.distance}>` : `'${t.kind}'`;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n') i++;
    else if (c === "'") i = readLexeme(text, i, tokens);
    else if (c === '<') i = readPhrase(text, i, tokens);
    else if (c === '!' || c === '&' || c === '|' || c === '(' || c === ')') {
      tokens.push({ kind: c });
      i++;
    } else throw new TsQueryParseError(`unexpected character ${JSON.stringify(c)} at ${i} in tsquery`);
  }
  return tokens;
}

function readLexeme(text: string, start: number, out: Token[]): number {
  let value = '';
  let i = start + 1;
  for (;;) {
    const c = text[i];
    if (c === undefined) throw new TsQueryParseError('unterminated lexeme in tsquery');
    if (c === "'" && text[i + 1] === "'") {
      value += "'";
      i += 2;
    } else if (c === "'") break;
    else if (c === '\\' && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
  i++;
  // websearch_to_tsquery never writes prefix or weight markers; anything else is not ours to guess at.
  if (text[i] === ':')
    throw new TsQueryParseError(
      `prefix or weight markers are not supported ('${value}'${text.slice(i, i + 5)})`,
    );
  out.push({ kind: 'lex', value: intern(value) });
  return i;
}

function readPhrase(text: string, start: number, out: Token[]): number {
  const m = /^<(-|\d+)>/.exec(text.slice(start, start + 8));
  if (!m) throw new TsQueryParseError(`bad phrase operator at ${start} in tsquery`);
  out.push({ kind: 'phrase', distance: m[1] === '-' ? 1 : Number(m[1]) });
  return start + m[0].length;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  done(): boolean {
    return this.i >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  parseOr(): QueryNode {
    let left = this.parseAnd();
    while (this.peek()?.kind === '|') {
      this.i++;
      left = { op: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): QueryNode {
    let left = this.parsePhrase();
    while (this.peek()?.kind === '&') {
      this.i++;
      left = { op: 'and', left, right: this.parsePhrase() };
    }
    return left;
  }

  private parsePhrase(): QueryNode {
    let left = this.parseUnary();
    for (let t = this.peek(); t?.kind === 'phrase'; t = this.peek()) {
      this.i++;
      left = { op: 'phrase', distance: t.distance, left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): QueryNode {
    const t = this.tokens[this.i++];
    if (t?.kind === '!') return { op: 'not', arg: this.parseUnary() };
    if (t?.kind === 'lex') return { op: 'lex', lexeme: t.value, id: -1 };
    if (t?.kind === '(') {
      const inner = this.parseOr();
      if (this.tokens[this.i++]?.kind !== ')') throw new TsQueryParseError('missing ) in tsquery');
      return inner;
    }
    throw new TsQueryParseError(`unexpected ${describe(t)} in tsquery`);
  }
}

/** Every lexeme the query mentions (negated ones too). */
export function queryLexemes(node: QueryNode, out = new Set<string>()): Set<string> {
  if (node.op === 'lex') out.add(node.lexeme);
  else if (node.op === 'not') queryLexemes(node.arg, out);
  else {
    queryLexemes(node.left, out);
    queryLexemes(node.right, out);
  }
  return out;
}

/** The positive lexemes: words the query looks for rather than excludes. */
export function positiveLexemes(node: QueryNode, negated = false, out = new Set<string>()): Set<string> {
  if (node.op === 'lex') {
    if (!negated) out.add(node.lexeme);
  } else if (node.op === 'not') positiveLexemes(node.arg, !negated, out);
  else {
    positiveLexemes(node.left, negated, out);
    positiveLexemes(node.right, negated, out);
  }
  return out;
}
