/**
 * Checks that a downloaded body is a whole document before anything downstream sees it.
 * A connection that drops mid-file can still look like a clean response (chunked
 * encoding, or a proxy that ends the stream), and a half file parsed as if whole would
 * silently lose speeches, so a body is only good once its root element has closed.
 *
 * This is a structural check, not a parse: the ingest parser does the real work later.
 */
import { IncompleteBodyError, InvalidBodyError } from './errors.js';

export interface CompleteXmlOptions {
  /** Refuse any other root element (parlparse files are all `<publicwhip>`). */
  expectedRoot?: string | undefined;
}

/** Every parlparse scrapedxml file's root element. */
export const PARLPARSE_ROOT = 'publicwhip';

/**
 * The check both sources apply to a feed file: complete, with `expectedRoot` (default
 * `publicwhip`; null accepts any root).
 */
export function feedXmlCheck(
  expectedRoot: string | null = PARLPARSE_ROOT,
): (bytes: Uint8Array, url: string) => void {
  return (bytes, url) => void assertCompleteXml(bytes, url, { expectedRoot: expectedRoot ?? undefined });
}

/** Throws IncompleteBodyError/InvalidBodyError unless `bytes` is a complete XML document; returns the root name. */
export function assertCompleteXml(bytes: Uint8Array, url: string, options: CompleteXmlOptions = {}): string {
  // latin1 maps each byte to one char: markup is ASCII in both ISO-8859-1 and UTF-8 files.
  const text = stripBom(asBuffer(bytes).toString('latin1'));
  const truncated = (): IncompleteBodyError =>
    new IncompleteBodyError(url, bytes.byteLength, { reason: 'truncated' });

  const rootStart = skipProlog(text);
  if (rootStart === null) throw truncated();
  const root = /^<([A-Za-z_:][-A-Za-z0-9_.:]*)/.exec(text.slice(rootStart, rootStart + 256))?.[1];
  if (root === undefined) {
    if (cutInMarkup(text.slice(rootStart))) throw truncated();
    throw new InvalidBodyError(`No XML root element in body from ${url}`, url, 'no-root', bytes.byteLength);
  }
  if (options.expectedRoot !== undefined && root !== options.expectedRoot) {
    const message = `Expected <${options.expectedRoot}> but found <${root}> in ${url}`;
    throw new InvalidBodyError(message, url, 'unexpected-root', bytes.byteLength);
  }
  if (!rootCloses(text, rootStart, root)) throw truncated();
  return root;
}

/** Throws unless `bytes` is JSON with a `persons` array (parlparse's people.json). */
export function assertPeopleJson(bytes: Uint8Array, url: string): void {
  let data: unknown;
  try {
    data = JSON.parse(asBuffer(bytes).toString('utf8'));
  } catch (cause) {
    // A cut-off JSON body is by far the likeliest reason it does not parse.
    throw new IncompleteBodyError(url, bytes.byteLength, { reason: 'invalid-json', cause });
  }
  const persons =
    typeof data === 'object' && data !== null ? (data as { persons?: unknown }).persons : undefined;
  if (!Array.isArray(persons)) {
    const message = `people.json from ${url} has no "persons" array`;
    throw new InvalidBodyError(message, url, 'no-persons', bytes.byteLength);
  }
}

/** A Buffer view of the same memory (no copy), for its string decoders. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Whether what follows the prolog is the start of markup that the body ends in the middle of. */
function cutInMarkup(rest: string): boolean {
  return ['<!DOCTYPE', '<!--', '<?', '<'].some((markup) => markup.startsWith(rest));
}

function stripBom(text: string): string {
  return text.startsWith('\xEF\xBB\xBF') ? text.slice(3) : text;
}

/**
 * Index of the root element's `<`, after the declaration, comments, processing
 * instructions and DOCTYPE (whose internal subset may hold `>` inside entity values);
 * null when the text ends inside the prolog.
 */
function skipProlog(text: string): number | null {
  let pos = skipSpace(text, 0);
  for (;;) {
    if (text.startsWith('<?', pos)) pos = after(text, '?>', pos);
    else if (text.startsWith('<!--', pos)) pos = after(text, '-->', pos);
    else if (text.startsWith('<!DOCTYPE', pos)) pos = skipDoctype(text, pos);
    else return pos;
    if (pos < 0) return null;
    pos = skipSpace(text, pos);
  }
}

function skipDoctype(text: string, start: number): number {
  let quote: string | null = null;
  let inSubset = false;
  for (let i = start + '<!DOCTYPE'.length; i < text.length; i++) {
    const c = text[i];
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (inSubset && text.startsWith('<!--', i)) {
      i = after(text, '-->', i) - 1;
      if (i < 0) return -1;
    } else if (c === '[') inSubset = true;
    else if (c === ']') inSubset = false;
    else if (c === '>' && !inSubset) return i + 1;
  }
  return -1;
}

/** Whether the root element opened at `rootStart` is closed, with only comments/PIs/space after it. */
function rootCloses(text: string, rootStart: number, root: string): boolean {
  const end = trimTrailingMisc(text);
  const startTagEnd = endOfStartTag(text, rootStart);
  if (startTagEnd < 0) return false;
  if (text[startTagEnd - 2] === '/') return startTagEnd === end; // <root/>
  const closing = new RegExp(`</${root.replace(/[.]/g, '\\.')}\\s*>$`).exec(
    text.slice(Math.max(startTagEnd, end - root.length - 64), end),
  );
  return closing !== null;
}

/** End index (exclusive) once trailing whitespace, comments and PIs are removed. */
function trimTrailingMisc(text: string): number {
  let end = text.trimEnd().length;
  for (;;) {
    const tail = text.slice(0, end);
    const open = tail.endsWith('-->')
      ? tail.lastIndexOf('<!--')
      : tail.endsWith('?>')
        ? tail.lastIndexOf('<?')
        : -1;
    if (open < 0) return end;
    end = text.slice(0, open).trimEnd().length;
  }
}

/** Index just past the `>` of the start tag at `start`, skipping quoted attribute values; -1 if cut off. */
function endOfStartTag(text: string, start: number): number {
  let quote: string | null = null;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i + 1;
  }
  return -1;
}

function skipSpace(text: string, pos: number): number {
  while (pos < text.length && /\s/.test(text[pos] ?? '')) pos++;
  return pos;
}

/** Index just past the next `marker` at or after `from`, or -1. */
function after(text: string, marker: string, from: number): number {
  const at = text.indexOf(marker, from);
  return at < 0 ? -1 : at + marker.length;
}
