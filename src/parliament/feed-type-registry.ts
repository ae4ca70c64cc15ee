/**
 * What a parlparse feed type is, in one place: a new feed is one entry here plus a test
 * (tests/parliament/feed-types.test.ts). Every other table of feed types (the parser's
 * file-name prefixes, citation styles, TheyWorkForYou sections, labels, the house of a
 * division, the config default) is derived from this object, in feed-types.ts and by the
 * code that uses each part. Data only.
 */
import type { House } from './houses.js';

/** How Hansard cites a series; everything a citation needs besides the row itself. */
export interface CitationStyle {
  /** What the citation starts with, before the date. */
  label: string;
  /** Put around a bare column number: Lords written answers are `cWA101`, Westminster Hall `c45WH`. */
  columnPrefix?: string;
  columnSuffix?: string;
  /** Cited by bill (`Child Poverty Bill Deb …`) when the bill title is known, else by label. */
  byBill?: true;
  /** Cited by the question number in the gid (`S3W-28257`) instead of a column. */
  byQuestionNumber?: true;
  /** The column written out after a comma (`SP OR 28 October 2009, col 20529`), as the Official Report asks. */
  columnWord?: true;
}

/** Where TheyWorkForYou shows the feed's items. */
export interface TwfySection {
  /** The gid's second path segment: `uk.org.publicwhip/<gidSegment>/…`. */
  gidSegment: string;
  /** TheyWorkForYou's section path: `https://www.theyworkforyou.com/<section>/?id=…`. */
  section: string;
  /** Pages are addressed by session and bill title (Public Bill Committees), not by id. */
  byBill?: true;
  /**
   * The gid carries a language segment after its section (`senedd/en/…`, `senedd/cy/…`);
   * TheyWorkForYou addresses the item by the id after it, the same in both languages.
   */
  languageSegment?: true;
}

export interface FeedTypeEntry {
  /** parlparse's folder under `scrapedxml/`; this is the feed type's name everywhere. */
  folder: string;
  /** The file-name prefix (`westminster2009-10-27a.xml`), or null when names carry none. */
  filePrefix: string | null;
  /** Files sit one folder further down (`sp-new/<meeting>/…`), not in the folder itself. */
  nested: boolean;
  house: House;
  /**
   * Speakers are given by person id rather than membership id, so member resolution is told
   * the house to prefer (someone who sat at Holyrood and Westminster at once is an MSP in
   * the Official Report). Membership ids name their house themselves.
   */
  speakersByPersonId: boolean;
  /** Sittings record divisions (the written series have none). */
  divisions: boolean;
  citation: CitationStyle;
  twfy: TwfySection;
  /** As a reader of Hansard would call the series. */
  label: string;
  /**
   * The same proceedings in several languages, one folder each below the type's folder
   * (`senedd/en/`, `senedd/cy/`), files of one day sharing one name: the first language's
   * file holds the speeches, the others are stored as their translations (see
   * docs/data-model.md). Only for nested types.
   */
  languages?: readonly [string, ...string[]];
}

/**
 * Commons chamber and Lords citations follow Hansard's own `HC Deb` / `HL Deb`; the other
 * Commons series are named in full so that a reader who does not know the column suffixes
 * can still tell them apart. Lords written answers and statements keep `HL Deb` because
 * their column prefixes (`WA`, `WS`) are how the Lords series is cited, and they share the
 * Commons `wrans`/`wms` gid forms (and TheyWorkForYou sections).
 *
 * The order is the order feeds are listed, offered and ingested in.
 */
export const FEED_TYPE_REGISTRY = {
  debates: {
    folder: 'debates',
    filePrefix: 'debates',
    nested: false,
    house: 'house-of-commons',
    speakersByPersonId: false,
    divisions: true,
    citation: { label: 'HC Deb' },
    twfy: { gidSegment: 'debate', section: 'debates' },
    label: 'Commons debates',
  },
  westminhall: {
    folder: 'westminhall',
    filePrefix: 'westminster',
    nested: false,
    house: 'house-of-commons',
    speakersByPersonId: false,
    divisions: true,
    citation: { label: 'Westminster Hall', columnSuffix: 'WH' },
    twfy: { gidSegment: 'westminhall', section: 'whall' },
    label: 'Westminster Hall',
  },
  lordspages: {
    folder: 'lordspages',
    filePrefix: 'daylord',
    nested: false,
    house: 'house-of-lords',
    speakersByPersonId: false,
    divisions: true,
    citation: { label: 'HL Deb' },
    twfy: { gidSegment: 'lords', section: 'lords' },
    label: 'Lords debates',
  },
  wms: {
    folder: 'wms',
    filePrefix: 'ministerial',
    nested: false,
    house: 'house-of-commons',
    speakersByPersonId: false,
    divisions: false,
    citation: { label: 'Written Ministerial Statements', columnSuffix: 'WS' },
    twfy: { gidSegment: 'wms', section: 'wms' },
    label: 'Commons written statements',
  },
  lordswms: {
    folder: 'lordswms',
    filePrefix: 'lordswms',
    nested: false,
    house: 'house-of-lords',
    speakersByPersonId: false,
    divisions: false,
    citation: { label: 'HL Deb', columnPrefix: 'WS' },
    twfy: { gidSegment: 'wms', section: 'wms' },
    label: 'Lords written statements',
  },
  wrans: {
    folder: 'wrans',
    filePrefix: 'answers',
    nested: false,
    house: 'house-of-commons',
    speakersByPersonId: false,
    divisions: false,
    citation: { label: 'Written Answers', columnSuffix: 'W' },
    twfy: { gidSegment: 'wrans', section: 'wrans' },
    label: 'Commons written answers',
  },
  lordswrans: {
    folder: 'lordswrans',
    filePrefix: 'lordswrans',
    nested: false,
    house: 'house-of-lords',
    speakersByPersonId: false,
    divisions: false,
    citation: { label: 'HL Deb', columnPrefix: 'WA' },
    twfy: { gidSegment: 'wrans', section: 'wrans' },
    label: 'Lords written answers',
  },
  sp: {
    folder: 'sp',
    filePrefix: 'sp',
    nested: false,
    house: 'scottish-parliament',
    speakersByPersonId: false,
    divisions: true,
    citation: { label: 'SP OR', columnWord: true },
    twfy: { gidSegment: 'spor', section: 'sp' },
    label: 'Scottish Parliament',
  },
  'sp-written': {
    folder: 'sp-written',
    filePrefix: 'spwa',
    nested: false,
    house: 'scottish-parliament',
    speakersByPersonId: false,
    divisions: false,
    // Scottish written answers have no columns; they are cited by question number.
    citation: { label: 'SP Written Answers', byQuestionNumber: true },
    twfy: { gidSegment: 'spwa', section: 'spwrans' },
    label: 'Scottish Parliament written answers',
  },
  // The Scottish Parliament's Official Report since 2024 (parlparse's sp_2024): one folder
  // per meeting type, `sp-new/<meeting>/<date>_<meeting id>.xml`.
  'sp-new': {
    folder: 'sp-new',
    filePrefix: null,
    nested: true,
    house: 'scottish-parliament',
    speakersByPersonId: true,
    divisions: true,
    // The Official Report since 2024 prints no columns: the date is the reference.
    citation: { label: 'SP OR', columnWord: true },
    twfy: { gidSegment: 'spor', section: 'sp' },
    label: 'Scottish Parliament (since 2024)',
  },
  // The Welsh Senedd (parlparse's pyscraper/wa/parse.py): one day in two files of the same
  // name, `senedd/en/senedd<date>.xml` and `senedd/cy/senedd<date>.xml`.
  senedd: {
    folder: 'senedd',
    filePrefix: 'senedd',
    nested: true,
    house: 'welsh-parliament',
    speakersByPersonId: true,
    divisions: true,
    languages: ['en', 'cy'],
    // The Record of Proceedings prints no columns; its paragraphs are linked by contribution.
    citation: { label: 'Senedd Record of Proceedings' },
    twfy: { gidSegment: 'senedd', section: 'senedd', languageSegment: true },
    label: 'Senedd',
  },
  // Published beside senedd/ by TheyWorkForYou. No sample and no reader of it was found: its
  // files are read as parlparse documents, so the writer's <division>s are stored as divisions.
  'senedd-votes': {
    folder: 'senedd-votes',
    filePrefix: null,
    nested: false,
    house: 'welsh-parliament',
    speakersByPersonId: true,
    divisions: true,
    citation: { label: 'Senedd Record of Proceedings' },
    twfy: { gidSegment: 'senedd', section: 'senedd', languageSegment: true },
    label: 'Senedd votes',
  },
  ni: {
    folder: 'ni',
    filePrefix: 'ni',
    nested: false,
    house: 'northern-ireland-assembly',
    speakersByPersonId: false,
    divisions: true,
    citation: { label: 'NIA Official Report' },
    twfy: { gidSegment: 'ni', section: 'ni' },
    label: 'Northern Ireland Assembly',
  },
  standing: {
    folder: 'standing',
    filePrefix: 'standing',
    nested: false,
    house: 'house-of-commons',
    speakersByPersonId: false,
    divisions: true,
    citation: { label: 'PBC Deb', byBill: true },
    twfy: { gidSegment: 'standing', section: 'pbc', byBill: true },
    label: 'Public Bill Committees',
  },
} as const satisfies Readonly<Record<string, FeedTypeEntry>>;
