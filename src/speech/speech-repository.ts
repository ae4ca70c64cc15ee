import { speakerFields, type SpeakerFields } from '../member/speaker-label.js';
import type { Db } from '../store/db.js';
import { Params } from '../search/sql.js';
import {
  cappedParagraphColumns,
  fitWindow,
  paragraphCost,
  RESPONSE_LIMITS,
  toWindowParagraph,
  type CappedParagraphRow,
  type ResponseLimits,
  type WindowParagraph,
} from './paragraph-window.js';
import { currentGid } from './redirects.js';

export interface StoredParagraph {
  seq: number;
  pid: string | null;
  cls: string | null;
  html: string;
  body: string;
}

export interface StoredSpeech extends SpeakerFields {
  gid: string;
  /** Set when the gid asked for was an older id that redirected here. */
  requestedGid: string;
  type: string;
  sittingDate: string;
  kind: string;
  speakerId: string | null;
  personId: string | null;
  speakerName: string | null;
  party: string | null;
  constituency: string | null;
  house: string | null;
  time: string | null;
  colnum: string | null;
  url: string | null;
  majorHeading: string | null;
  minorHeading: string | null;
  paragraphs: StoredParagraph[];
}

/** A speech with one window of its paragraphs, for a response of bounded size. */
export interface SpeechPage extends Omit<StoredSpeech, 'paragraphs'> {
  paragraphs: WindowParagraph[];
  /** The last paragraph's seq, to pass as `after` for the next window; null when none follow. */
  nextCursor: number | null;
}

interface SpeechRow {
  gid: string;
  type: string;
  sitting_date: string;
  kind: string;
  speaker_id: string | null;
  person_id: string | null;
  speaker_name: string | null;
  person_name: string | null;
  party: string | null;
  constituency: string | null;
  house: string | null;
  time: string | null;
  colnum: string | null;
  url: string | null;
  major_heading: string | null;
  minor_heading: string | null;
}

export interface SpeechTranslation {
  lang: string;
  /** The item's id in that language's file. */
  gid: string;
  /** What was said, rather than the Senedd's translation of it. */
  original: boolean;
  html: string;
  body: string;
}

export class SpeechRepository {
  constructor(private readonly db: Db) {}

  /** Follows gid redirects to the speech's current id; null when the gid is unknown. */
  async resolveGid(gid: string): Promise<string | null> {
    return currentGid(this.db, 'speeches', gid);
  }

  /**
   * The speech's text in its other languages (the Senedd's Welsh, migration 027), whichever
   * language's id is given: one speech, several languages.
   */
  async translations(gid: string): Promise<SpeechTranslation[]> {
    const resolved = await this.resolveGid(gid);
    if (!resolved) return [];
    return this.db.query<SpeechTranslation>(
      'SELECT lang, gid, original, html, body FROM speech_translations WHERE speech_gid = $1 ORDER BY lang',
      [resolved],
    );
  }

  /** The whole speech, every paragraph in full (the CLI's `speech`; responses use getPage). */
  async get(gid: string): Promise<StoredSpeech | null> {
    const resolved = await this.resolveGid(gid);
    if (!resolved) return null;
    const head = await this.head(gid, resolved);
    if (!head) return null;
    const paragraphs = await this.db.query<StoredParagraph>(
      'SELECT seq, pid, cls, paragraph_html(html, body) AS html, body FROM paragraphs WHERE speech_gid = $1 ORDER BY seq',
      [resolved],
    );
    return { ...head, paragraphs };
  }

  /**
   * The speech with the paragraphs after `after` (a seq) that fit RESPONSE_LIMITS: sizes of
   * the next pageParagraphs + 1 first, then the capped text of those within the budget.
   */
  async getPage(
    gid: string,
    after: number | null,
    limits: ResponseLimits = RESPONSE_LIMITS,
  ): Promise<SpeechPage | null> {
    const resolved = await this.resolveGid(gid);
    if (!resolved) return null;
    const head = await this.head(gid, resolved);
    if (!head) return null;
    const params = new Params();
    const speech = params.add(resolved);
    const cost = paragraphCost('p', params, limits);
    const rows = await this.db.query<CappedParagraphRow & { before: string; window_rows: string }>(
      `WITH w AS (
         SELECT p.seq AS p_seq, ${cost} AS cost FROM paragraphs p
          WHERE p.speech_gid = ${speech} AND p.seq > ${params.add(after ?? -1)}::int
          ORDER BY p.seq LIMIT ${params.add(limits.pageParagraphs + 1)}
       ), r AS (
         SELECT w.*, sum(cost) OVER (ORDER BY p_seq ROWS UNBOUNDED PRECEDING) - cost AS before, count(*) OVER () AS window_rows
           FROM w
       )
       SELECT r.before, r.window_rows, ${cappedParagraphColumns('p', params, limits)}
         FROM r JOIN paragraphs p ON p.speech_gid = ${speech} AND p.seq = r.p_seq
        WHERE r.before < ${params.add(limits.pageBytes)}
        ORDER BY r.p_seq`,
      params.values,
    );
    const { kept, more } = fitWindow(rows, Number(rows[0]?.window_rows ?? 0), limits);
    const paragraphs = kept.map(toWindowParagraph).filter((p): p is WindowParagraph => p !== null);
    return { ...head, paragraphs, nextCursor: more ? (paragraphs.at(-1)?.seq ?? null) : null };
  }

  private async head(gid: string, resolved: string): Promise<Omit<StoredSpeech, 'paragraphs'> | null> {
    const rows = await this.db.query<SpeechRow>(
      `SELECT s.gid, s.type, to_char(s.sitting_date, 'YYYY-MM-DD') AS sitting_date, s.kind, s.speaker_id, s.person_id,
              s.speaker_name, s.person_name, s.party, s.constituency, s.house, to_char(s.time, 'HH24:MI') AS time, s.colnum, s.url,
              left(mh.title, 2000) AS major_heading, left(nh.title, 2000) AS minor_heading
         FROM speeches s
         LEFT JOIN headings mh ON mh.gid = s.major_heading_gid
         LEFT JOIN headings nh ON nh.gid = s.minor_heading_gid
        WHERE s.gid = $1`,
      [resolved],
    );
    const s = rows[0];
    if (!s) return null;
    return {
      gid: s.gid,
      requestedGid: gid,
      type: s.type,
      sittingDate: s.sitting_date,
      kind: s.kind,
      speakerId: s.speaker_id,
      personId: s.person_id,
      speakerName: s.speaker_name,
      party: s.party,
      constituency: s.constituency,
      ...speakerFields({
        speakerName: s.speaker_name,
        personName: s.person_name,
        party: s.party,
        constituency: s.constituency,
      }),
      house: s.house,
      time: s.time,
      colnum: s.colnum,
      url: s.url,
      majorHeading: s.major_heading,
      minorHeading: s.minor_heading,
    };
  }
}
