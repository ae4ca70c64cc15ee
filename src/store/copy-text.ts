/**
 * Rows in Postgres's COPY text format: the cheapest way into a table for both the server
 * (COPY FROM STDIN) and PGlite (COPY FROM '/dev/blob'). Pure, so parse workers can encode
 * a file's rows where they parse it and hand the main thread finished bytes.
 */
export type CopyValue = string | number | boolean | null | undefined;

const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Four single-character searches: measured several times faster than one character-class regex. */
function needsEscape(s: string): boolean {
  return s.includes('\\') || s.includes('\t') || s.includes('\n') || s.includes('\r');
}

/** One field: `\N` for null, `t`/`f` for booleans, backslash escapes for the four characters that would end a field or row. */
export function copyField(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  const s = typeof v === 'string' ? v : String(v);
  return needsEscape(s) ? s.replace(SPECIALS, (ch) => ESCAPES[ch] ?? ch) : s;
}

/**
 * Accumulates rows of one table as UTF-8 in a buffer of its own (so it can be transferred
 * between threads). Each row is written straight in: joining the rows into one string
 * first, then encoding that, copied every byte twice.
 */
export class CopyText {
  private buf: Buffer = Buffer.allocUnsafeSlow(1 << 16);
  private length = 0;
  private count = 0;

  constructor(readonly columnCount: number) {}

  get rows(): number {
    return this.count;
  }

  add(values: readonly CopyValue[]): void {
    // A short row would shift every later column into the wrong place: fail loudly, at the source.
    if (values.length !== this.columnCount)
      throw new Error(`COPY row has ${values.length} values for ${this.columnCount} columns`);
    let line = copyField(values[0]);
    for (let i = 1; i < values.length; i++) line += '\t' + copyField(values[i]);
    line += '\n';
    // UTF-8 takes at most three bytes for each UTF-16 code unit.
    if (this.length + line.length * 3 > this.buf.length) this.grow(line.length * 3);
    this.length += this.buf.write(line, this.length, 'utf8');
    this.count++;
  }

  encode(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  private grow(atLeast: number): void {
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.length + atLeast));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
}

/** Rows given as one array per column, as COPY text. */
export function encodeColumns(data: readonly (readonly unknown[])[]): Uint8Array {
  const out = new CopyText(data.length);
  const rows = data[0]?.length ?? 0;
  for (let r = 0; r < rows; r++) out.add(data.map((col) => col[r] as CopyValue));
  return out.encode();
}
