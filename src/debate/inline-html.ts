import type { Issues } from './issues.js';
import { OPEN, TEXT, type Attributes, type XmlScanner } from './xml-scanner.js';

/** Tags that survive into paragraph HTML (lower-cased; feeds also write `<I>`). */
const KEPT = new Set([
  'i',
  'b',
  'em',
  'strong',
  'u',
  'small',
  'sup',
  'sub',
  'br',
  'a',
  'table',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'td',
  'th',
  'ul',
  'ol',
  'li',
]);
const VOID = new Set(['br']);
/** Known feed markup with no use in the output: the tag goes, its text stays, no warning. */
const UNWRAPPED = new Set(['phrase', 'span', 'citation', 'place-holder', 'center', 'p', 'font', 'div']);
/** Active or embedding content: nothing of it reaches the HTML (its text still counts as text). */
const HIDDEN = new Set([
  'script',
  'style',
  'iframe',
  'object',
  'embed',
  'noscript',
  'template',
  'svg',
  'math',
]);

const SAFE_HREF = /^https?:\/\/[^\s"'<>\\]+$/i;
const SPAN = /^[1-9][0-9]{0,2}$/;

// ElementTree-compatible collapsing: Python's str.split() whitespace, which (unlike
// JavaScript's \s) includes U+001C–U+001F and U+0085 and excludes U+FEFF. The patterns
// match only runs that need rewriting (not each lone space), which keeps replace() cheap.
const PY_WHITESPACE =
  // eslint-disable-next-line no-control-regex -- U+001C–U+001F are whitespace to Python, so must match here
  /[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]{2,}|[\t\n\v\f\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/g;
// HTML collapses only ASCII whitespace when rendering; no-break spaces must stay.
const HTML_WHITESPACE = /[\t\n\f\r ]{2,}|[\t\n\f\r]/g;
const HTML_SPECIAL = /[&<>"]/g;
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function trimSpaces(s: string): string {
  const from = s.charCodeAt(0) === 0x20 ? 1 : 0;
  const to = s.length > from && s.charCodeAt(s.length - 1) === 0x20 ? s.length - 1 : s.length;
  return from === 0 && to === s.length ? s : s.slice(from, to);
}

/** Whitespace runs to one space, ends trimmed — as `' '.join(text.split())` does. */
export function collapseText(s: string): string {
  return trimSpaces(s.replace(PY_WHITESPACE, ' '));
}

function collapseHtml(html: string): string {
  // Most paragraphs sit on one line; single-character searches are far cheaper than the regex.
  const ragged = html.includes('\n') || html.includes('\t') || html.includes('\r') || html.includes('  ');
  return trimSpaces(ragged ? html.replace(HTML_WHITESPACE, ' ') : html);
}

/**
 * Escapes text the way the parser writes paragraph HTML: & < > " but not apostrophes, so
 * that a plain paragraph's HTML equals its escaped text (src/ingest/rows.ts stores no HTML
 * then). Not src/html/escape.ts's escapeHtml: the parser imports nothing, and the two
 * differ on purpose (that one escapes apostrophes, for attributes of any quoting).
 */
export function escapeParagraphHtml(s: string): string {
  // Four single-character searches measured several times faster than a character-class test.
  const special = s.includes('&') || s.includes('<') || s.includes('>') || s.includes('"');
  return special ? s.replace(HTML_SPECIAL, (c) => HTML_ESCAPES[c] ?? c) : s;
}

function safeAttributes(tag: string, attrs: Attributes): string | null {
  if (tag === 'a') {
    const href = (attrs.href ?? '').trim();
    return SAFE_HREF.test(href) ? ` href="${escapeParagraphHtml(href)}"` : null;
  }
  let out = '';
  for (const name of ['colspan', 'rowspan']) {
    const value = attrs[name]?.trim();
    if (value !== undefined && SPAN.test(value)) out += ` ${name}="${value}"`;
  }
  return out;
}

/** Closes active content (its end emits nothing), as opposed to an end tag to emit. */
const HIDDEN_END = Symbol('hidden');
type ElementEnd = string | typeof HIDDEN_END;

/**
 * Builds one paragraph's sanitised HTML and its plain text in a single walk of the tokens.
 * HTML comes from an allow-list (unknown tags dropped, their text kept; only safe
 * attributes); text is every descendant text node, as ElementTree's itertext gives it.
 * The walk keeps its own stack of open elements instead of recursing, so no nesting a
 * document chooses can exhaust the call stack.
 */
export class InlineBuilder {
  private html = '';
  private raw = '';
  private hidden = 0;
  /** Where the paragraph starts, for the error when it grows past its limit. */
  private readonly from: number;

  constructor(
    private readonly sc: XmlScanner,
    private readonly issues: Issues,
  ) {
    this.from = sc.start;
  }

  addText(text: string): void {
    this.raw += text;
    if (this.raw.length > this.sc.limits.maxParagraph) this.tooLong('text');
    this.emit(escapeParagraphHtml(text));
  }

  /** Adds the element at the scanner's current OPEN token, markup included where allowed. */
  addElement(): void {
    this.walk([this.open()]);
  }

  /** Adds everything up to the end tag of the element whose OPEN was just read. */
  addChildren(): void {
    this.walk([]);
  }

  /**
   * Reads tokens until the end tag that closes the bottom of `ends` (with `ends` empty: the
   * end tag of the element already open), each element's end kept on `ends`.
   */
  private walk(ends: ElementEnd[]): void {
    const element = ends.length > 0;
    for (;;) {
      const kind = this.sc.next();
      if (kind === TEXT) this.addText(this.sc.text());
      else if (kind === OPEN) ends.push(this.open());
      else {
        const end = ends.pop();
        if (end === undefined) return;
        this.close(end);
        if (element && ends.length === 0) return;
      }
    }
  }

  /** Starts the element at the current OPEN token; returns what its end tag emits. */
  private open(): ElementEnd {
    const tag = this.sc.name.toLowerCase();
    if (HIDDEN.has(tag)) {
      // Active content: its text still counts as text, but nothing of it reaches the HTML.
      this.issues.warn(this.sc.start, `<${this.sc.name}>`, 'active content removed from paragraph HTML');
      this.hidden++;
      return HIDDEN_END;
    }
    const [open, close] = this.tagsFor(tag);
    this.emit(open);
    return close;
  }

  private close(end: ElementEnd): void {
    if (end === HIDDEN_END) this.hidden--;
    else this.emit(end);
  }

  private tooLong(what: 'text' | 'HTML'): never {
    return this.sc.overLimit(
      this.sc.start,
      'maxParagraph',
      `the ${what} of the paragraph from line ${this.sc.lineOf(this.from)}`,
      `<${this.sc.name}>`,
    );
  }

  get isEmpty(): boolean {
    return this.raw === '' && this.html === '';
  }

  finish(): { html: string; text: string } {
    return { html: collapseHtml(this.html), text: collapseText(this.raw) };
  }

  private emit(markup: string): void {
    if (this.hidden > 0) return;
    this.html += markup;
    if (this.html.length > this.sc.limits.maxParagraph) this.tooLong('HTML');
  }

  /** Start and end tag to emit for an element; empty when only its content is kept. */
  private tagsFor(tag: string): [string, string] {
    if (KEPT.has(tag)) {
      const attrs =
        tag === 'a' || tag === 'td' || tag === 'th' ? safeAttributes(tag, this.sc.attributes()) : '';
      if (attrs === null) return ['', ''];
      return VOID.has(tag) ? [`<${tag}>`, ''] : [`<${tag}${attrs}>`, `</${tag}>`];
    }
    if (!UNWRAPPED.has(tag)) {
      const field = `<${this.sc.name}>`;
      this.issues.warnOnce(
        `inline:${tag}`,
        this.sc.start,
        field,
        'unknown inline element; tag dropped, text kept',
      );
    }
    return ['', ''];
  }
}

/** All text inside the current element (headings, names in vote lists), collapsed. */
export function readElementText(sc: XmlScanner): string {
  let raw = '';
  let depth = 0;
  const from = sc.start;
  for (;;) {
    const kind = sc.next();
    if (kind === TEXT) {
      raw += sc.text();
      if (raw.length > sc.limits.maxParagraph)
        sc.overLimit(sc.start, 'maxParagraph', `the text of the element from line ${sc.lineOf(from)}`);
    } else if (kind === OPEN) depth++;
    else if (depth-- === 0) return collapseText(raw);
  }
}

/** Consumes the current element without looking at its content. */
export function skipElement(sc: XmlScanner): void {
  let depth = 0;
  for (;;) {
    const kind = sc.next();
    if (kind === OPEN) depth++;
    else if (kind !== TEXT && depth-- === 0) return;
  }
}
