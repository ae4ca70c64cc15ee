import { readDoctype } from './doctype.js';
import {
  decodeEntities,
  predefinedEntities,
  type BadReference,
  type EntityTable,
  type ExpansionBudget,
} from './entities.js';
import type { Issues } from './issues.js';
import { DEFAULT_PARSE_LIMITS, limitMessage, type ParseLimits } from './limits.js';

export const TEXT = 1;
export const OPEN = 2;
export const CLOSE = 3;
export const END = 4;
export type TokenKind = typeof TEXT | typeof OPEN | typeof CLOSE | typeof END;

/** Attributes of one element. */
export type Attributes = Record<string, string>;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c >= 0x80;
}

const ATTR_WHITESPACE = /[\t\n\r]/g;

/**
 * A pull tokenizer for well-formed XML, written for speed on parlparse files: one pass of
 * indexOf/charCodeAt, nothing built that the caller does not ask for (text is decoded and
 * attributes parsed only on request). It enforces what makes a file trustworthy — every
 * element closed by its own end tag, nothing cut off, one root — and reports the rest
 * (bad references, odd attributes) as warnings. What one document may build is bounded by
 * ParseLimits: text nodes and attribute values are measured before they are sliced, and
 * entity expansions before they are appended.
 *
 * A self-closing element yields OPEN then CLOSE, so walkers see one shape for both.
 */
export class XmlScanner {
  kind: TokenKind = END;
  /** Element name of the current OPEN or CLOSE token. */
  name = '';
  /** Source offset of the current token (for issues). */
  start = 0;
  readonly entities: EntityTable = predefinedEntities();

  private pos = 0;
  private textEnd = 0;
  private cdata = false;
  private attrFrom = 0;
  private attrTo = 0;
  private closeSelf = false;
  private attrValueAt = 0;
  private attrName = '';
  private readonly openNames: string[] = [];
  private readonly openStarts: number[] = [];
  private readonly badTextRef: BadReference;
  private readonly badAttrRef: BadReference;
  private readonly textBudget: ExpansionBudget;
  private readonly attrBudget: ExpansionBudget;
  /** Characters general entities have expanded to so far in this document. */
  private expanded = 0;

  constructor(
    readonly src: string,
    private readonly issues: Issues,
    readonly limits: Readonly<ParseLimits> = DEFAULT_PARSE_LIMITS,
  ) {
    this.badTextRef = (at, message) => issues.warn(this.start + at, 'text', message);
    this.badAttrRef = (at, message) =>
      issues.warn(this.attrValueAt + at, `${this.name}@${this.attrName}`, message);
    this.textBudget = (at, chars) => this.spend(this.start + at, chars);
    this.attrBudget = (at, chars) => this.spend(this.attrValueAt + at, chars);
  }

  /** The line of a source offset (for messages that point back to where something began). */
  lineOf(offset: number): number {
    return this.issues.position(offset).line;
  }

  /** Refuses the document at `offset` for exceeding one of its limits. */
  overLimit(offset: number, limit: keyof ParseLimits, what: string, field?: string): never {
    return this.issues.fail(offset, limitMessage(limit, this.limits[limit], what), field);
  }

  private spend(offset: number, chars: number): void {
    this.expanded += chars;
    if (this.expanded > this.limits.maxEntityExpansion)
      this.overLimit(offset, 'maxEntityExpansion', 'text from entity references in this document', 'entity');
  }

  /** Skips the XML declaration, comments and DOCTYPE (collecting its entities) up to the root tag. */
  readProlog(): void {
    const src = this.src;
    let i = src.charCodeAt(0) === 0xfeff ? 1 : 0;
    for (;;) {
      while (i < src.length && isSpace(src.charCodeAt(i))) i++;
      if (i >= src.length) this.issues.fail(i, 'no root element: the file is empty or not XML');
      if (src.startsWith('<?', i)) i = this.find('?>', i + 2, 'a processing instruction') + 2;
      else if (src.startsWith('<!--', i)) i = this.find('-->', i + 4, 'a comment') + 3;
      else if (src.startsWith('<!DOCTYPE', i))
        i = readDoctype(src, i, this.entities, this.issues, (at, chars) => this.spend(at, chars));
      else if (src.charCodeAt(i) === 0x3c && isNameStart(src.charCodeAt(i + 1))) break;
      else this.issues.fail(i, 'not an XML document: expected the root element');
    }
    this.pos = i;
  }

  /** After the root element has closed: only comments, processing instructions and space may follow. */
  readEpilog(): void {
    const src = this.src;
    let i = this.pos;
    for (;;) {
      while (i < src.length && isSpace(src.charCodeAt(i))) i++;
      if (i >= src.length) return;
      if (src.startsWith('<?', i)) i = this.find('?>', i + 2, 'a processing instruction') + 2;
      else if (src.startsWith('<!--', i)) i = this.find('-->', i + 4, 'a comment') + 3;
      else this.issues.fail(i, 'content after the end of the root element');
    }
  }

  next(): TokenKind {
    if (this.closeSelf) {
      this.closeSelf = false;
      return (this.kind = CLOSE);
    }
    const src = this.src;
    for (;;) {
      const i = this.pos;
      if (i >= src.length) return this.atEnd();
      if (src.charCodeAt(i) !== 0x3c) return this.textUntil(src.indexOf('<', i), false);
      const c = src.charCodeAt(i + 1);
      if (c === 0x2f /* / */) return this.closeTag(i);
      if (c === 0x21 /* ! */) {
        if (src.startsWith('<!--', i)) this.pos = this.find('-->', i + 4, 'a comment') + 3;
        else if (src.startsWith('<![CDATA[', i)) return this.cdataSection(i);
        else this.issues.fail(i, 'unexpected markup declaration inside the document');
      } else if (c === 0x3f /* ? */) this.pos = this.find('?>', i + 2, 'a processing instruction') + 2;
      else return this.openTag(i);
    }
  }

  /** The current TEXT token with references expanded. */
  text(): string {
    const raw = this.src.slice(this.start, this.textEnd);
    if (this.cdata) return raw;
    const text = decodeEntities(raw, this.entities, this.badTextRef, this.textBudget);
    if (text.length > this.limits.maxTextNode)
      this.overLimit(this.start, 'maxTextNode', 'a text node with its entities expanded', 'text');
    return text;
  }

  /** Whether the current TEXT token is only XML whitespace (cheap: no slice, no decoding). */
  isBlank(): boolean {
    const src = this.src;
    for (let i = this.start; i < this.textEnd; i++) if (!isSpace(src.charCodeAt(i))) return false;
    return true;
  }

  /** Attributes of the current OPEN token. */
  attributes(): Attributes {
    // A plain literal, not Object.create(null): V8 keeps it in fast mode, and elements of
    // one kind share a hidden class. `__proto__` is refused below, and lookups only ever
    // ask for known attribute names.
    const out: Attributes = {};
    const src = this.src;
    const end = this.attrTo;
    let i = this.attrFrom;
    while (i < end) {
      while (i < end && isSpace(src.charCodeAt(i))) i++;
      if (i >= end) break;
      const nameStart = i;
      while (i < end && !isSpace(src.charCodeAt(i)) && src.charCodeAt(i) !== 0x3d) i++;
      if (i > nameStart) i = this.attribute(out, src.slice(nameStart, i), nameStart, i);
      else {
        this.issues.warn(i, `${this.name}@`, 'stray "=" in a start tag');
        i++;
      }
    }
    return out;
  }

  private attribute(out: Attributes, name: string, nameStart: number, i: number): number {
    const src = this.src;
    const end = this.attrTo;
    while (i < end && isSpace(src.charCodeAt(i))) i++;
    if (src.charCodeAt(i) !== 0x3d || i >= end) {
      this.issues.warn(nameStart, `${this.name}@${name}`, 'attribute without a value');
      if (name !== '__proto__' && !Object.hasOwn(out, name)) out[name] = '';
      return i;
    }
    i++;
    while (i < end && isSpace(src.charCodeAt(i))) i++;
    const q = src.charCodeAt(i);
    let valueEnd: number;
    let next: number;
    if (q === 0x22 || q === 0x27) {
      valueEnd = src.indexOf(src.charAt(i), i + 1);
      i++;
      next = valueEnd + 1;
    } else {
      this.issues.warn(nameStart, `${this.name}@${name}`, 'attribute value without quotes');
      valueEnd = i;
      while (valueEnd < end && !isSpace(src.charCodeAt(valueEnd))) valueEnd++;
      next = valueEnd;
    }
    if (name === '__proto__') this.issues.warn(nameStart, `${this.name}@${name}`, 'attribute ignored');
    else if (Object.hasOwn(out, name))
      this.issues.warn(nameStart, `${this.name}@${name}`, 'duplicate attribute; the first is kept');
    else out[name] = this.attributeValue(name, src.slice(i, valueEnd), i);
    return next;
  }

  private attributeValue(name: string, raw: string, at: number): string {
    this.attrName = name;
    this.attrValueAt = at;
    const field = `${this.name}@${name}`;
    if (raw.length > this.limits.maxTextNode) this.overLimit(at, 'maxTextNode', 'an attribute value', field);
    // XML attribute-value normalisation: literal tabs and newlines read as spaces.
    const flat =
      raw.includes('\n') || raw.includes('\t') || raw.includes('\r')
        ? raw.replace(ATTR_WHITESPACE, ' ')
        : raw;
    const value = decodeEntities(flat, this.entities, this.badAttrRef, this.attrBudget);
    if (value.length > this.limits.maxTextNode)
      this.overLimit(at, 'maxTextNode', 'an attribute value with its entities expanded', field);
    return value;
  }

  private textUntil(lt: number, cdata: boolean): TokenKind {
    this.start = this.pos;
    this.textEnd = lt < 0 ? this.src.length : lt;
    this.checkTextLength();
    this.pos = this.textEnd;
    this.cdata = cdata;
    return (this.kind = TEXT);
  }

  private cdataSection(i: number): TokenKind {
    const close = this.find(']]>', i + 9, 'a CDATA section');
    this.start = i + 9;
    this.textEnd = close;
    this.checkTextLength();
    this.pos = close + 3;
    this.cdata = true;
    return (this.kind = TEXT);
  }

  /** Measured before anything is sliced: a 50 MB text node is refused, not copied. */
  private checkTextLength(): void {
    if (this.textEnd - this.start > this.limits.maxTextNode)
      this.overLimit(this.start, 'maxTextNode', 'a text node', 'text');
  }

  private openTag(lt: number): TokenKind {
    const src = this.src;
    let i = lt + 1;
    if (!isNameStart(src.charCodeAt(i))) this.issues.fail(lt, 'invalid "<": not the start of a tag');
    while (i < src.length) {
      const c = src.charCodeAt(i);
      if (isSpace(c) || c === 0x3e || c === 0x2f) break;
      i++;
    }
    const name = src.slice(lt + 1, i);
    const gt = this.tagEnd(i, name, lt);
    const selfClosing = gt > i && src.charCodeAt(gt - 1) === 0x2f;
    this.name = name;
    this.start = lt;
    this.attrFrom = i;
    this.attrTo = selfClosing ? gt - 1 : gt;
    this.pos = gt + 1;
    if (selfClosing) this.closeSelf = true;
    else {
      if (this.openNames.length >= this.limits.maxDepth)
        this.overLimit(lt, 'maxDepth', `element nesting (<${name}> at depth ${this.openNames.length + 1})`);
      this.openNames.push(name);
      this.openStarts.push(lt);
    }
    return (this.kind = OPEN);
  }

  /** Index of the `>` ending a start tag, skipping quoted attribute values. */
  private tagEnd(i: number, name: string, lt: number): number {
    const src = this.src;
    let quote = 0;
    for (; i < src.length; i++) {
      const c = src.charCodeAt(i);
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === 0x3e) return i;
      else if (c === 0x22 || c === 0x27) quote = c;
      else if (c === 0x3c)
        this.issues.fail(i, `"<" inside the start tag of <${name}> (line ${this.issues.position(lt).line})`);
    }
    return this.issues.fail(src.length, `unexpected end of file inside the start tag of <${name}>`);
  }

  private closeTag(lt: number): TokenKind {
    const src = this.src;
    const gt = src.indexOf('>', lt + 2);
    if (gt < 0) this.issues.fail(src.length, 'unexpected end of file inside an end tag');
    let nameEnd = gt;
    while (nameEnd > lt + 2 && isSpace(src.charCodeAt(nameEnd - 1))) nameEnd--;
    const name = src.slice(lt + 2, nameEnd);
    const open = this.openNames.pop();
    const openedAt = this.openStarts.pop();
    if (open !== name) {
      const opened = openedAt === undefined ? '' : ` (line ${this.issues.position(openedAt).line})`;
      const what = open === undefined ? 'no element is open' : `expected </${open}> for <${open}>${opened}`;
      this.issues.fail(lt, `mismatched end tag </${name}>: ${what}`);
    }
    this.name = name;
    this.start = lt;
    this.pos = gt + 1;
    return (this.kind = CLOSE);
  }

  private atEnd(): TokenKind {
    const open = this.openNames[this.openNames.length - 1];
    const openedAt = this.openStarts[this.openStarts.length - 1];
    if (open !== undefined && openedAt !== undefined) {
      const line = this.issues.position(openedAt).line;
      this.issues.fail(
        this.src.length,
        `unexpected end of file (truncated?): <${open}> from line ${line} is not closed`,
      );
    }
    this.start = this.src.length;
    return (this.kind = END);
  }

  private find(needle: string, from: number, what: string): number {
    const at = this.src.indexOf(needle, from);
    if (at < 0) this.issues.fail(this.src.length, `unexpected end of file inside ${what}`);
    return at;
  }
}
