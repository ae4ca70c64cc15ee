/**
 * The shapes a parlparse XML file is parsed into. This is the contract between the
 * pure parser, member resolution and the store; nothing here does I/O.
 */

import type { FeedType } from '../parliament/feed-types.js';

/** What a feed file's name says about it, e.g. `debates2009-10-26b.xml`. */
export interface FeedFileName {
  type: FeedType;
  /** The bare file name, e.g. `debates2009-10-26b.xml`. */
  name: string;
  /** Name without version letter and extension: all versions of one day share it. */
  groupKey: string;
  /** ISO date of the sitting (for standing committees, the sitting date at the end of the name). */
  date: string;
  /** Version letter (`a`, `b`, …) or '' when the feed has no versions (sp, ni, sp-new). */
  version: string;
  /**
   * For a feed published in several languages (the Senedd), the language folder the file
   * came from; it is then also the start of `name` and `groupKey` (`cy/senedd2026-01-14.xml`),
   * because both languages' files of a day share one bare name.
   */
  language?: string;
}

export type HeadingKind = 'major' | 'minor' | 'oral';
export type SpeechKind = 'speech' | 'ques' | 'reply';

export interface ParsedHeading {
  gid: string;
  /** Position among all items (headings, speeches, divisions) of the file, from 0. */
  seq: number;
  kind: HeadingKind;
  title: string;
  colnum: string | null;
  /** `HH:MM` (24-hour), normalised from the feed's forms by normaliseTime; null when not given or unreadable. */
  time: string | null;
  url: string | null;
  /** For minor headings, the major heading they sit under. */
  parentGid: string | null;
}

export interface ParsedParagraph {
  /** Position within its speech, from 0. */
  seq: number;
  /** `pid` attribute where the feed has one (not in sp, sp-written, ni, standing). */
  pid: string | null;
  /** `class` attribute, e.g. `indent`, `italic`. */
  cls: string | null;
  /** Sanitised inline HTML (allow-listed tags only, no attributes but safe ones). */
  html: string;
  /** All descendant text, whitespace collapsed and trimmed (as ElementTree's itertext would give). */
  text: string;
}

export interface ParsedSpeech {
  gid: string;
  seq: number;
  kind: SpeechKind;
  /** Raw `speakerid` (`uk.org.publicwhip/member/N`, `/lord/N`), or null when absent or `unknown`. */
  speakerId: string | null;
  /** Raw `person_id` (`uk.org.publicwhip/person/N`) as files from ~2014 on carry it. */
  personId: string | null;
  speakerName: string | null;
  nospeaker: boolean;
  /** `HH:MM` (24-hour), normalised from the feed's forms by normaliseTime; null when not given or unreadable. */
  time: string | null;
  colnum: string | null;
  url: string | null;
  oldstyleId: string | null;
  majorHeadingGid: string | null;
  minorHeadingGid: string | null;
  /**
   * Senedd only: `lang`, set when the text is in the other language because there is no
   * version in the file's own (nothing was translated), and `original_lang`, set when the
   * text is a translation from that language. Null elsewhere.
   */
  textLang: string | null;
  originalLang: string | null;
  paragraphs: ParsedParagraph[];
}

export interface ParsedVote {
  /** Raw member/lord id from the division list, or null. */
  memberId: string | null;
  personId: string | null;
  name: string;
  /** `aye`, `no`, `content`, `not-content`, `for`, `against`, `abstain`, `tellaye`, … as given. */
  vote: string;
}

export interface ParsedDivision {
  gid: string;
  seq: number;
  date: string | null;
  number: string | null;
  colnum: string | null;
  /** `HH:MM` (24-hour), normalised from the feed's forms by normaliseTime; null when not given or unreadable. */
  time: string | null;
  url: string | null;
  majorHeadingGid: string | null;
  minorHeadingGid: string | null;
  /** Totals as the feed states them, e.g. `{ ayes: 296, noes: 218 }`. */
  counts: Record<string, number>;
  votes: ParsedVote[];
}

export interface GidRedirect {
  oldGid: string;
  newGid: string;
  matchType: string;
}

export interface ParseIssue {
  severity: 'error' | 'warning';
  file: string;
  line?: number;
  column?: number;
  /** Element or attribute the issue is about, e.g. `speech@speakerid`. */
  field?: string;
  message: string;
}

export interface ParsedDocument {
  file: FeedFileName;
  /** `latest` attribute of `<publicwhip>`: true, false, or null when absent. */
  latest: boolean | null;
  scrapeVersion: string | null;
  headings: ParsedHeading[];
  speeches: ParsedSpeech[];
  divisions: ParsedDivision[];
  redirects: GidRedirect[];
  /** Non-fatal problems (unknown elements, odd attributes); fatal ones throw ParseError. */
  warnings: ParseIssue[];
}

/** A file that cannot be parsed at all (truncated, not XML, wrong root). */
export class ParseError extends Error {
  constructor(readonly issue: ParseIssue) {
    const where =
      issue.line !== undefined ? `:${issue.line}${issue.column !== undefined ? `:${issue.column}` : ''}` : '';
    super(`${issue.file}${where}: ${issue.message}`);
    this.name = 'ParseError';
  }
}
