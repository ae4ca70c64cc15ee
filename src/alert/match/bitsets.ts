/**
 * Which lexemes each speech and each paragraph of a chunk of speeches holds, as bitsets
 * over the chunk's own vocabulary. Testing a lexeme is then one array read and a mask,
 * where a Map lookup would hash and compare strings: the matcher tests millions of
 * lexemes per batch, and this is most of its time. Phrase operators still read positions
 * from the paragraph's Map.
 */
import type { QueryNode } from '../query/tsquery.js';
import type { SpeechDoc } from './types.js';

export class LexemeBits {
  /** Lexeme → bit. */
  readonly ids = new Map<string, number>();
  /** 32-bit words per row. */
  readonly words: number;
  /** One row per speech of the chunk. */
  readonly speeches: Uint32Array;
  /** One row per paragraph of the chunk, speech after speech. */
  readonly paragraphs: Uint32Array;
  /** Row in `paragraphs` of each speech's first paragraph. */
  readonly firstParagraph: Int32Array;

  constructor(speeches: readonly SpeechDoc[]) {
    let rows = 0;
    this.firstParagraph = new Int32Array(speeches.length);
    speeches.forEach((s, i) => {
      this.firstParagraph[i] = rows;
      rows += s.paragraphs.length;
      for (const lexeme of s.lexemeParagraphs.keys())
        if (!this.ids.has(lexeme)) this.ids.set(lexeme, this.ids.size);
    });
    this.words = Math.max(1, (this.ids.size + 31) >>> 5);
    this.speeches = new Uint32Array(speeches.length * this.words);
    this.paragraphs = new Uint32Array(rows * this.words);
    speeches.forEach((s, i) => {
      for (const [lexeme, paragraphs] of s.lexemeParagraphs) {
        const id = this.ids.get(lexeme)!;
        const bit = 1 << (id & 31);
        const word = id >>> 5;
        this.speeches[i * this.words + word]! |= bit;
        for (const p of paragraphs)
          this.paragraphs[(this.firstParagraph[i]! + p) * this.words + word]! |= bit;
      }
    });
  }

  /** Gives every lexeme node of `node` its bit in this chunk (-1: absent from the chunk). */
  bind(node: QueryNode): void {
    if (node.op === 'lex') node.id = this.ids.get(node.lexeme) ?? -1;
    else if (node.op === 'not') this.bind(node.arg);
    else {
      this.bind(node.left);
      this.bind(node.right);
    }
  }
}

/** Whether row `row` of `bits` holds bit `id`. */
export function hasBit(bits: Uint32Array, words: number, row: number, id: number): boolean {
  return id >= 0 && (bits[row * words + (id >>> 5)]! & (1 << (id & 31))) !== 0;
}
