import { intern } from './intern.js';

/**
 * Postgres tsvector text (`'lexeme':1,5 'other':2`) → lexeme → sorted positions. Read from
 * `paragraph_search.tsv`, so the lexemes and positions are the ones search indexed.
 */

/** Positions are 14-bit in Postgres; weights (A–D suffixes) are dropped, as to_tsvector sets none. */
export type Positions = readonly number[];
export type LexemePositions = Map<string, Positions>;

export class TsVectorParseError extends Error {
  override readonly name = 'TsVectorParseError';
}

export function parseTsVector(text: string): LexemePositions {
  const out: LexemePositions = new Map();
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (text.charCodeAt(i) === 32) {
      i++;
      continue;
    }
    if (text[i] !== "'") throw new TsVectorParseError(`expected ' at ${i} in tsvector`);
    const [lexeme, after] = readQuoted(text, i);
    i = after;
    const positions: number[] = [];
    if (text[i] === ':') {
      i++;
      for (;;) {
        let value = 0;
        let digits = 0;
        for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) {
          value = value * 10 + (c - 48);
          digits++;
        }
        if (digits === 0) throw new TsVectorParseError(`expected a position at ${i} in tsvector`);
        positions.push(value);
        // Weight letters A–D (never written by to_tsvector alone).
        for (
          let c = text.charCodeAt(i);
          (c >= 65 && c <= 68) || (c >= 97 && c <= 100);
          c = text.charCodeAt(++i)
        );
        if (text.charCodeAt(i) !== 44) break;
        i++;
      }
    }
    out.set(intern(lexeme), positions);
  }
  return out;
}

function readQuoted(text: string, start: number): [string, number] {
  let i = start + 1;
  let value = '';
  // Fast path: most lexemes need no unescaping.
  const close = text.indexOf("'", i);
  const slash = text.indexOf('\\', i);
  if (close > 0 && text[close + 1] !== "'" && (slash < 0 || slash > close))
    return [text.slice(i, close), close + 1];
  for (;;) {
    const c = text[i];
    if (c === undefined) throw new TsVectorParseError('unterminated lexeme in tsvector');
    if (c === "'" && text[i + 1] === "'") {
      value += "'";
      i += 2;
    } else if (c === "'") return [value, i + 1];
    else if (c === '\\' && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
}
