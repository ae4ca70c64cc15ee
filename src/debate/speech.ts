import { InlineBuilder, skipElement } from './inline-html.js';
import type { Issues } from './issues.js';
import { flag, memberRef, optional } from './attrs.js';
import { sittingTime } from './sitting-time.js';
import type { ParsedParagraph, ParsedSpeech, SpeechKind } from './types.js';
import { OPEN, TEXT, type XmlScanner } from './xml-scanner.js';

/** Where an item sits in its document: its sequence number and the headings in force. */
export interface Place {
  seq: number;
  majorHeadingGid: string | null;
  minorHeadingGid: string | null;
}

/**
 * A speech's paragraphs. Besides `<p>`, feeds put tables (written answers' figures) and
 * occasionally bare text directly in a speech; each table becomes a paragraph of its own
 * and each run of other loose content one paragraph, so nothing said is lost.
 */
class ParagraphCollector {
  readonly paragraphs: ParsedParagraph[] = [];
  private loose: InlineBuilder | null = null;

  constructor(
    private readonly sc: XmlScanner,
    private readonly issues: Issues,
  ) {}

  read(): ParsedParagraph[] {
    const sc = this.sc;
    for (;;) {
      const kind = sc.next();
      if (kind === TEXT) {
        if (this.loose !== null || !sc.isBlank()) this.looseRun().addText(sc.text());
      } else if (kind !== OPEN) break;
      else if (sc.name === 'p') this.paragraph();
      else if (sc.name === 'table') this.table();
      else this.looseRun().addElement();
    }
    this.flush();
    return this.paragraphs;
  }

  private paragraph(): void {
    this.flush();
    const attrs = this.sc.attributes();
    const built = new InlineBuilder(this.sc, this.issues);
    built.addChildren();
    this.push(optional(attrs, 'pid'), optional(attrs, 'class'), built);
  }

  private table(): void {
    this.flush();
    const built = new InlineBuilder(this.sc, this.issues);
    built.addElement();
    this.push(null, null, built);
  }

  private looseRun(): InlineBuilder {
    if (this.loose === null) {
      const what = this.sc.kind === TEXT ? 'text' : `<${this.sc.name}>`;
      this.issues.warnOnce(
        'loose',
        this.sc.start,
        what,
        'content outside <p> in a speech kept as a paragraph',
      );
      this.loose = new InlineBuilder(this.sc, this.issues);
    }
    return this.loose;
  }

  private flush(): void {
    if (this.loose !== null && !this.loose.isEmpty) this.push(null, null, this.loose);
    this.loose = null;
  }

  private push(pid: string | null, cls: string | null, built: InlineBuilder): void {
    const { html, text } = built.finish();
    this.paragraphs.push({ seq: this.paragraphs.length, pid, cls, html, text });
  }
}

/** Reads a `<speech>`, `<ques>` or `<reply>` at the current OPEN token; null if it has no id. */
export function readSpeech(
  sc: XmlScanner,
  issues: Issues,
  kind: SpeechKind,
  place: Place,
): ParsedSpeech | null {
  const attrs = sc.attributes();
  const at = sc.start;
  const gid = optional(attrs, 'id');
  if (gid === null) {
    issues.warn(at, `${kind}@id`, `<${kind}> without an id skipped`);
    skipElement(sc);
    return null;
  }
  const speakerName = optional(attrs, 'speakername');
  // parlparse's sp_2024 writes `unknown` where it could not name a printed speaker; the printed
  // name is all there is, so it is kept and the gap reported (TheyWorkForYou shows the name too).
  // A plain property read first: this runs once per speech of every feed.
  if (attrs['person_id'] === 'unknown' && speakerName !== null)
    issues.warn(
      at,
      `${kind}@person_id`,
      `${gid}: speaker "${speakerName}" not identified (person_id="unknown"); printed name kept`,
    );
  return {
    gid,
    seq: place.seq,
    kind,
    speakerId: memberRef(attrs, 'speakerid', issues, at, kind),
    personId: memberRef(attrs, 'person_id', issues, at, kind),
    speakerName,
    nospeaker: flag(attrs, 'nospeaker'),
    time: sittingTime(attrs, issues, at, kind, gid),
    colnum: optional(attrs, 'colnum'),
    url: optional(attrs, 'url'),
    oldstyleId: optional(attrs, 'oldstyleid'),
    majorHeadingGid: place.majorHeadingGid,
    minorHeadingGid: place.minorHeadingGid,
    textLang: optional(attrs, 'lang'),
    originalLang: optional(attrs, 'original_lang'),
    paragraphs: new ParagraphCollector(sc, issues).read(),
  };
}
