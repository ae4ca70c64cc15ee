/**
 * `tsvector @@ tsquery` in memory, ported from Postgres's tsvector_op.c (TS_execute and
 * TS_phrase_execute, PG 13+) so that phrase operators, negation inside phrases and the
 * position arithmetic agree with the database exactly, quirks included. A test checks this
 * against Postgres on the shared corpus.
 */
import type { QueryNode } from './tsquery.js';
import type { LexemePositions, Positions } from './tsvector.js';

/** Where a phrase sub-match ends, how wide it is, and whether it means "everywhere but". */
interface PhraseData {
  pos: number[] | Positions;
  width: number;
  negate: boolean;
}

const fresh = (): PhraseData => ({ pos: [], width: 0, negate: false });

const L_ONLY = 1;
const R_ONLY = 2;
const BOTH = 4;

/** True when the paragraph (its lexemes with positions) matches the query. */
export function matches(node: QueryNode, doc: LexemePositions): boolean {
  switch (node.op) {
    case 'lex':
      return doc.has(node.lexeme);
    case 'not':
      return !matches(node.arg, doc);
    case 'and':
      return matches(node.left, doc) && matches(node.right, doc);
    case 'or':
      return matches(node.left, doc) || matches(node.right, doc);
    case 'phrase':
      return phrase(node, doc, null);
  }
}

/** TS_phrase_execute; `data` null at the top of a phrase, where only yes/no is wanted. */
function phrase(node: QueryNode, doc: LexemePositions, data: PhraseData | null): boolean {
  switch (node.op) {
    case 'lex': {
      const pos = doc.get(node.lexeme);
      if (!pos) return false;
      if (data) data.pos = pos;
      return true;
    }
    case 'not':
      return phraseNot(node.arg, doc, data ?? fresh());
    case 'or':
      return phraseOr(node.left, node.right, doc, data ?? fresh());
    case 'and':
    case 'phrase':
      return phraseAnd(node, doc, data);
  }
}

function phraseNot(arg: QueryNode, doc: LexemePositions, data: PhraseData): boolean {
  // A NOT does not change the match width.
  if (!phrase(arg, doc, data)) {
    data.negate = true; // "nowhere" becomes "everywhere"
    return true;
  }
  if (data.pos.length > 0) {
    data.negate = !data.negate;
    return true;
  }
  if (data.negate) {
    data.negate = false; // "everywhere" becomes "nowhere"
    return false;
  }
  return false;
}

function phraseOr(
  leftNode: QueryNode,
  rightNode: QueryNode,
  doc: LexemePositions,
  data: PhraseData,
): boolean {
  const l = fresh();
  const r = fresh();
  const lm = phrase(leftNode, doc, l);
  const rm = phrase(rightNode, doc, r);
  if (!lm && !rm) return false;
  if (!lm) l.width = 0;
  if (!rm) r.width = 0;
  const maxWidth = Math.max(l.width, r.width);
  data.width = maxWidth;
  const lo = maxWidth - l.width;
  const ro = maxWidth - r.width;
  if (l.negate && r.negate) return negated(output(data, l, r, BOTH, lo, ro), data);
  if (l.negate) return negated(output(data, l, r, L_ONLY, lo, ro), data);
  if (r.negate) return negated(output(data, l, r, R_ONLY, lo, ro), data);
  return output(data, l, r, BOTH | L_ONLY | R_ONLY, lo, ro);
}

function negated(_: boolean, data: PhraseData): true {
  data.negate = true;
  return true;
}

function phraseAnd(
  node: Extract<QueryNode, { op: 'and' | 'phrase' }>,
  doc: LexemePositions,
  data: PhraseData | null,
): boolean {
  const l = fresh();
  const r = fresh();
  if (!phrase(node.left, doc, l)) return false;
  if (!phrase(node.right, doc, r)) return false;
  let lo: number;
  let ro: number;
  if (node.op === 'phrase') {
    lo = node.distance + r.width;
    ro = 0;
    if (data) data.width = node.distance + l.width + r.width;
  } else {
    const maxWidth = Math.max(l.width, r.width);
    lo = maxWidth - l.width;
    ro = maxWidth - r.width;
    if (data) data.width = maxWidth;
  }
  if (l.negate && r.negate) {
    // !L <-> !R means !(L | R): true at the top, whatever the positions.
    output(data, l, r, BOTH | L_ONLY | R_ONLY, lo, ro);
    if (data) data.negate = true;
    return true;
  }
  if (l.negate) return output(data, l, r, R_ONLY, lo, ro);
  if (r.negate) return output(data, l, r, L_ONLY, lo, ro);
  return output(data, l, r, BOTH, lo, ro);
}

/** TS_phrase_output: merge-joins the two position lists, emitting the kinds asked for. */
function output(
  data: PhraseData | null,
  l: PhraseData,
  r: PhraseData,
  emit: number,
  lo: number,
  ro: number,
): boolean {
  const out: number[] = [];
  let li = 0;
  let ri = 0;
  while (li < l.pos.length || ri < r.pos.length) {
    let lpos: number;
    let rpos: number;
    if (li < l.pos.length) lpos = getPos(l.pos[li]!) + lo;
    else if (!(emit & R_ONLY)) break;
    else lpos = Number.MAX_SAFE_INTEGER;
    if (ri < r.pos.length) rpos = getPos(r.pos[ri]!) + ro;
    else if (!(emit & L_ONLY)) break;
    else rpos = Number.MAX_SAFE_INTEGER;
    let emitted = 0;
    if (lpos < rpos) {
      if (emit & L_ONLY) emitted = lpos;
      li++;
    } else if (lpos === rpos) {
      if (emit & BOTH) emitted = rpos;
      li++;
      ri++;
    } else {
      if (emit & R_ONLY) emitted = rpos;
      ri++;
    }
    if (emitted > 0) {
      if (!data) return true;
      // Postgres keeps positions in a uint16 (WordEntryPos): mimic its wrap-around.
      out.push(emitted & 0xffff);
    }
  }
  if (data) data.pos = out;
  return out.length > 0;
}

/** WEP_GETPOS: the 14 position bits. */
function getPos(p: number): number {
  return p & 0x3fff;
}
