import { optional } from './attrs.js';
import { decodeFeedBytes } from './decode.js';
import { readDivision } from './division.js';
import { parseFeedFileName } from './feed-file.js';
import { readElementText, skipElement } from './inline-html.js';
import { Issues } from './issues.js';
import { sittingTime } from './sitting-time.js';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from './limits.js';
import { readSpeech, type Place } from './speech.js';
import type { FeedType } from '../parliament/feed-types.js';
import type { HeadingKind, ParsedDocument, SpeechKind } from './types.js';
import { OPEN, TEXT, XmlScanner } from './xml-scanner.js';

const HEADINGS: ReadonlyMap<string, HeadingKind> = new Map([
  ['major-heading', 'major'],
  ['minor-heading', 'minor'],
  ['oral-heading', 'oral'],
]);
const SPEECHES: ReadonlySet<string> = new Set<SpeechKind>(['speech', 'ques', 'reply']);
/** Top-level feed elements that carry nothing for the contract (markers, committee lists). */
const IGNORED: ReadonlySet<string> = new Set(['place-holder', 'source', 'bill', 'committee']);

/** Walks `<publicwhip>`'s children in order, keeping track of the headings in force. */
class DocumentWalk {
  private seq = 0;
  private major: string | null = null;
  private minor: string | null = null;
  private readonly gids = new Set<string>();

  constructor(
    private readonly sc: XmlScanner,
    private readonly issues: Issues,
    private readonly doc: ParsedDocument,
  ) {}

  run(): void {
    const sc = this.sc;
    for (;;) {
      const kind = sc.next();
      if (kind === OPEN) this.item();
      else if (kind !== TEXT) return;
      else if (!sc.isBlank())
        this.issues.warnOnce('top-text', sc.start, 'publicwhip', 'text between items ignored');
    }
  }

  private place(): Place {
    return { seq: this.seq, majorHeadingGid: this.major, minorHeadingGid: this.minor };
  }

  private item(): void {
    const { sc, issues, doc } = this;
    const name = sc.name;
    const at = sc.start;
    const heading = HEADINGS.get(name);
    if (heading !== undefined) this.heading(heading);
    else if (SPEECHES.has(name))
      this.counted(doc.speeches, readSpeech(sc, issues, name as SpeechKind, this.place()), at);
    else if (name === 'division' || name === 'divisioncount')
      this.counted(doc.divisions, readDivision(sc, issues, this.place()), at);
    else if (name === 'gidredirect') this.redirect();
    else {
      if (!IGNORED.has(name))
        issues.warnOnce(`top:${name}`, sc.start, `<${name}>`, 'unknown element skipped');
      skipElement(sc);
    }
  }

  private counted<T extends { gid: string }>(list: T[], item: T | null, at: number): void {
    if (item === null) return;
    // Kept (nothing is lost) but flagged: the store keys items by gid.
    if (this.gids.has(item.gid)) this.issues.warn(at, 'id', `duplicate id "${item.gid}"`);
    this.gids.add(item.gid);
    list.push(item);
    this.seq++;
  }

  private heading(kind: HeadingKind): void {
    const attrs = this.sc.attributes();
    const at = this.sc.start;
    const gid = optional(attrs, 'id');
    const title = readElementText(this.sc);
    // An oral heading ("Oral Answers to Questions") opens a section like a major heading does.
    const parentGid = kind === 'minor' ? this.major : null;
    if (kind === 'minor') this.minor = gid;
    else [this.major, this.minor] = [gid, null];
    if (gid === null) {
      this.issues.warn(at, `${kind}-heading@id`, 'heading without an id skipped');
      return;
    }
    const [colnum, url] = [optional(attrs, 'colnum'), optional(attrs, 'url')];
    const time = sittingTime(attrs, this.issues, at, `${kind}-heading`, gid);
    this.counted(this.doc.headings, { gid, seq: this.seq, kind, title, colnum, time, url, parentGid }, at);
  }

  private redirect(): void {
    const attrs = this.sc.attributes();
    const [oldGid, newGid, matchType] = [
      optional(attrs, 'oldgid'),
      optional(attrs, 'newgid'),
      optional(attrs, 'matchtype'),
    ];
    if (oldGid === null || newGid === null)
      this.issues.warn(this.sc.start, 'gidredirect', 'redirect without oldgid or newgid skipped');
    else this.doc.redirects.push({ oldGid, newGid, matchType: matchType ?? '' });
    skipElement(this.sc);
  }
}

// C0 controls but tab, LF and CR, and C1 controls: XML 1.0 forbids NUL and the rest of C0,
// and none of them is text a reader can see or quote.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\0-\x08\x0b\x0c\x0e-\x1f\x80-\x9f]/;
// eslint-disable-next-line no-control-regex -- as above
const CONTROLS = /[\0-\x08\x0b\x0c\x0e-\x1f\x80-\x9f]/g;
/** Control characters reported one by one; the rest are counted. */
const MAX_CONTROL_WARNINGS = 100;

/**
 * The document without raw control characters, each reported where it stood; NUL refuses
 * the file. One regex test over the document is the whole cost for a clean file (the
 * shared week has none). Line numbers of later issues stay right (no newline is removed);
 * columns on a line that lost characters count the cleaned line.
 */
function withoutControls(src: string, issues: Issues): string {
  if (!CONTROL.test(src)) return src;
  const nul = src.indexOf('\0');
  if (nul >= 0)
    issues.fail(nul, 'NUL character in the document (XML forbids it; a binary or corrupt file?)', 'text');
  let shown = 0;
  for (const m of src.matchAll(CONTROLS)) {
    if (shown++ === MAX_CONTROL_WARNINGS) break;
    const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    issues.warn(m.index, 'text', `control character U+${code} dropped`);
  }
  const clean = src.replace(CONTROLS, '');
  const dropped = src.length - clean.length;
  if (dropped > MAX_CONTROL_WARNINGS)
    issues.warn(undefined, 'text', `${dropped} control characters dropped in all`);
  issues.setSource(clean);
  return clean;
}

function latestOf(value: string | null, issues: Issues, at: number): boolean | null {
  if (value === 'yes' || value === 'true') return true;
  if (value === 'no' || value === 'false') return false;
  if (value !== null) issues.warn(at, 'publicwhip@latest', `unexpected value "${value}"`);
  return null;
}

/**
 * Parses one parlparse XML file (any of the eleven feeds) into plain, structured-cloneable
 * data. Pure: no I/O, safe in a worker thread. Throws ParseError when the file cannot be
 * trusted at all (not XML, truncated, wrong root, NUL characters, over one of `limits`);
 * anything else becomes a warning.
 */
export function parseFeedFile(
  bytes: Uint8Array,
  fileName: string,
  type?: FeedType,
  limits: Readonly<ParseLimits> = DEFAULT_PARSE_LIMITS,
): ParsedDocument {
  const file = parseFeedFileName(fileName, type);
  const issues = new Issues(fileName);
  const decoded = decodeFeedBytes(bytes, issues);
  issues.setSource(decoded);
  const src = withoutControls(decoded, issues);
  const sc = new XmlScanner(src, issues, limits);
  sc.readProlog();
  sc.next();
  if (sc.name !== 'publicwhip') issues.fail(sc.start, `root element is <${sc.name}>, expected <publicwhip>`);
  const root = sc.attributes();
  const doc: ParsedDocument = {
    file,
    latest: latestOf(optional(root, 'latest'), issues, sc.start),
    scrapeVersion: optional(root, 'scrapeversion'),
    headings: [],
    speeches: [],
    divisions: [],
    redirects: [],
    warnings: issues.warnings,
  };
  new DocumentWalk(sc, issues, doc).run();
  sc.readEpilog();
  return doc;
}
