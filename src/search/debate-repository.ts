/**
 * Reading a debate back: a heading (major or minor) with the speeches under it, in the
 * order they were spoken. Any gid the store has ever known resolves, so links to an older
 * version of a day (or to a single speech) still reach the debate.
 */
import { speakerFields, type SpeakerFields } from '../member/speaker-label.js';
import type { Queryable } from '../store/db.js';
import { twfyUrl } from '../parliament/index.js';
import type { TagScore } from './search-repository.js';
import { MAX_REDIRECT_HOPS } from '../speech/redirects.js';
import {
  cappedParagraphColumns,
  encodeWindowKey,
  fitWindow,
  paragraphCost,
  RESPONSE_LIMITS,
  toWindowParagraph,
  type CappedParagraphRow,
  type ResponseLimits,
  type WindowKey,
  type WindowParagraph,
} from '../speech/paragraph-window.js';
import { Params } from './sql.js';

/** Minor headings listed under a major one, at most (a day has a few hundred headings in all). */
const MAX_SUBHEADINGS = 1000;
/** Characters of a heading's title shown. */
const TITLE_CHARS = 2000;

export type GidKind = 'heading' | 'speech';

export interface ResolvedGid {
  gid: string;
  kind: GidKind;
  /** True when `gid` differs from the one asked for (an old gid of a revised file). */
  redirected: boolean;
}

/** A paragraph as shown, cut to RESPONSE_LIMITS.paragraphChars (flagged `truncated`). */
export type DebateParagraph = WindowParagraph;

export interface DebateSpeech extends SpeakerFields {
  gid: string;
  seq: number;
  kind: string;
  speakerName: string | null;
  personId: string | null;
  party: string | null;
  constituency: string | null;
  house: string | null;
  time: string | null;
  colnum: string | null;
  hansardUrl: string | null;
  twfyUrl: string | null;
  minorHeadingGid: string | null;
  paragraphs: DebateParagraph[];
  tags: TagScore[];
  /** True when this page starts inside the speech (its first paragraphs were on the page before). */
  continued: boolean;
}

export interface DebateHeading {
  gid: string;
  kind: string;
  title: string;
  seq: number;
}

export interface Debate {
  gid: string;
  type: string;
  sittingDate: string;
  kind: string;
  title: string;
  /** The major heading above a minor one. */
  parent: DebateHeading | null;
  /** Minor headings under a major one, in order. */
  subheadings: DebateHeading[];
  /** This page's speeches: a window of the debate's paragraphs (see paragraph-window.ts). */
  speeches: DebateSpeech[];
  /** The cursor this page started after; null on the first page. */
  cursor: string | null;
  /** Pass as `cursor` for the rest of the debate; null on its last page. */
  nextCursor: string | null;
  twfyUrl: string | null;
}

export interface DebatePageOptions {
  /** Start after this paragraph (a cursor from a previous page). */
  after?: WindowKey | null;
  limits?: ResponseLimits;
}

interface SpeechRow extends CappedParagraphRow {
  before: string | number;
  window_rows: string | number;
  gid: string;
  seq: number;
  kind: string;
  speaker_name: string | null;
  person_name: string | null;
  person_id: string | null;
  party: string | null;
  constituency: string | null;
  house: string | null;
  time: string | null;
  colnum: string | null;
  url: string | null;
  minor_heading_gid: string | null;
}

export class DebateRepository {
  constructor(private readonly db: Queryable) {}

  /** The current gid for any gid the store knows (heading or speech), following redirects. */
  async resolve(gid: string): Promise<ResolvedGid | null> {
    let current = gid;
    for (let hop = 0; hop <= MAX_REDIRECT_HOPS; hop++) {
      const rows = await this.db.query<{ kind: GidKind | null; next: string | null }>(
        `SELECT CASE WHEN EXISTS (SELECT 1 FROM headings WHERE gid = $1) THEN 'heading'
                     WHEN EXISTS (SELECT 1 FROM speeches WHERE gid = $1) THEN 'speech' END AS kind,
                (SELECT new_gid FROM gid_redirects WHERE old_gid = $1) AS next`,
        [current],
      );
      const row = rows[0];
      if (row?.kind) return { gid: current, kind: row.kind, redirected: current !== gid };
      if (!row?.next) return null;
      current = row.next;
    }
    return null;
  }

  /** The heading a speech is shown under: its minor heading, else its major one. */
  async headingOfSpeech(speechGid: string): Promise<string | null> {
    const rows = await this.db.query<{ heading: string | null }>(
      'SELECT COALESCE(minor_heading_gid, major_heading_gid) AS heading FROM speeches WHERE gid = $1',
      [speechGid],
    );
    return rows[0]?.heading ?? null;
  }

  /**
   * A page of the debate under a current heading gid (resolve first), or null: its
   * paragraphs in order from `after`, as many as RESPONSE_LIMITS allow.
   */
  async get(headingGid: string, minConfidence: number, opts: DebatePageOptions = {}): Promise<Debate | null> {
    const head = await this.heading(headingGid);
    if (!head) return null;
    const after = opts.after ?? null;
    const [parent, subheadings, page] = await Promise.all([
      head.parent_gid ? this.headingSummary(head.parent_gid) : Promise.resolve(null),
      head.kind === 'minor' ? Promise.resolve([]) : this.subheadings(headingGid, head.group_key),
      this.speeches(headingGid, head.group_key, head.kind, after, opts.limits ?? RESPONSE_LIMITS),
    ]);
    const tags = await this.speechTagsOf(
      page.speeches.map((s) => s.gid),
      minConfidence,
    );
    for (const s of page.speeches) s.tags = tags.get(s.gid) ?? [];
    return {
      gid: head.gid,
      type: head.type,
      sittingDate: head.sitting_date,
      kind: head.kind,
      title: head.title,
      parent,
      subheadings,
      speeches: page.speeches,
      cursor: after ? encodeWindowKey(after) : null,
      nextCursor: page.next ? encodeWindowKey(page.next) : null,
      twfyUrl: twfyUrl(head.gid),
    };
  }

  private async heading(gid: string) {
    const rows = await this.db.query<{
      gid: string;
      group_key: string;
      type: string;
      sitting_date: string;
      kind: string;
      title: string;
      parent_gid: string | null;
    }>(
      `SELECT gid, group_key, type, sitting_date::text AS sitting_date, kind, left(title, $2) AS title, parent_gid FROM headings WHERE gid = $1`,
      [gid, TITLE_CHARS],
    );
    return rows[0] ?? null;
  }

  private async headingSummary(gid: string): Promise<DebateHeading | null> {
    const rows = await this.db.query<DebateHeading>(
      'SELECT gid, kind, left(title, $2) AS title, seq FROM headings WHERE gid = $1',
      [gid, TITLE_CHARS],
    );
    return rows[0] ?? null;
  }

  // A heading's subheadings and speeches are found through its day (group_key index):
  // one index fewer per heading and two fewer per speech for every ingest to maintain
  // (migration 009), for a scan of one day's rows here.
  private subheadings(gid: string, groupKey: string): Promise<DebateHeading[]> {
    return this.db.query<DebateHeading>(
      'SELECT gid, kind, left(title, $3) AS title, seq FROM headings WHERE group_key = $2 AND parent_gid = $1 ORDER BY seq LIMIT $4',
      [gid, groupKey, TITLE_CHARS, MAX_SUBHEADINGS],
    );
  }

  /**
   * A window of the debate's paragraphs, with their speeches: the keys and sizes of up to
   * pageParagraphs + 1 paragraphs first (cheap: sizes come from value headers), then the
   * capped text of those that fit the budget.
   */
  private async speeches(
    gid: string,
    groupKey: string,
    kind: string,
    after: WindowKey | null,
    limits: ResponseLimits,
  ): Promise<{ speeches: DebateSpeech[]; next: WindowKey | null }> {
    // A major heading holds its minors' speeches too; a minor (or oral) heading only its own.
    const column = kind === 'minor' ? 'minor_heading_gid' : 'major_heading_gid';
    const params = new Params();
    const where = [`s.group_key = ${params.add(groupKey)}`, `s.${column} = ${params.add(gid)}`];
    if (after)
      where.push(
        `(s.seq, coalesce(p.seq, -1)) > (${params.add(after.speechSeq)}::int, ${params.add(after.paragraphSeq)}::int)`,
      );
    const cost = paragraphCost('p', params, limits);
    const rows = await this.db.query<SpeechRow>(
      `WITH w AS (
         SELECT s.gid AS speech_gid, s.seq AS speech_seq, p.seq AS p_seq, coalesce(${cost}, 0) AS cost
           FROM speeches s LEFT JOIN paragraphs p ON p.speech_gid = s.gid
          WHERE ${where.join(' AND ')}
          ORDER BY s.seq, p.seq NULLS FIRST LIMIT ${params.add(limits.pageParagraphs + 1)}
       ), r AS (
         SELECT w.*, sum(cost) OVER (ORDER BY speech_seq, p_seq NULLS FIRST ROWS UNBOUNDED PRECEDING) - cost AS before,
                count(*) OVER () AS window_rows
           FROM w
       )
       SELECT r.before, r.window_rows, s.gid, s.seq, s.kind, s.speaker_name, s.person_name, s.person_id, s.party, s.constituency,
              s.house, to_char(s.time, 'HH24:MI') AS time, s.colnum, s.url, s.minor_heading_gid, ${cappedParagraphColumns('p', params, limits)}
         FROM r JOIN speeches s ON s.gid = r.speech_gid
         LEFT JOIN paragraphs p ON p.speech_gid = r.speech_gid AND p.seq = r.p_seq
        WHERE r.before < ${params.add(limits.pageBytes)}
        ORDER BY r.speech_seq, r.p_seq NULLS FIRST`,
      params.values,
    );
    const { kept, more } = fitWindow(rows, Number(rows[0]?.window_rows ?? 0), limits);
    const speeches: DebateSpeech[] = [];
    for (const r of kept) {
      let speech = speeches.at(-1);
      if (speech?.gid !== r.gid) {
        speech = toSpeech(r, after !== null && after.speechSeq === r.seq);
        speeches.push(speech);
      }
      const paragraph = toWindowParagraph(r);
      if (paragraph) speech.paragraphs.push(paragraph);
    }
    const last = kept.at(-1);
    return {
      speeches,
      next: more && last ? { speechSeq: last.seq, paragraphSeq: last.para_seq ?? -1 } : null,
    };
  }

  /** Speech tags of the speeches on a page, strongest first. */
  private async speechTagsOf(gids: string[], minConfidence: number): Promise<Map<string, TagScore[]>> {
    const out = new Map<string, TagScore[]>();
    if (gids.length === 0) return out;
    const rows = await this.db.query<TagScore & { speech_gid: string }>(
      `SELECT speech_gid, tag, round(confidence::numeric, 3)::float8 AS confidence FROM speech_tags
        WHERE speech_gid = ANY($1::text[]) AND confidence >= $2::real ORDER BY speech_gid, confidence DESC, tag`,
      [gids, minConfidence],
    );
    for (const { speech_gid, tag, confidence } of rows) {
      const list = out.get(speech_gid) ?? [];
      list.push({ tag, confidence });
      out.set(speech_gid, list);
    }
    return out;
  }
}

function toSpeech(r: SpeechRow, continued: boolean): DebateSpeech {
  return {
    gid: r.gid,
    seq: r.seq,
    kind: r.kind,
    speakerName: r.speaker_name,
    personId: r.person_id,
    party: r.party,
    constituency: r.constituency,
    ...speakerFields({
      speakerName: r.speaker_name,
      personName: r.person_name,
      party: r.party,
      constituency: r.constituency,
    }),
    house: r.house,
    time: r.time,
    colnum: r.colnum,
    hansardUrl: r.url,
    twfyUrl: twfyUrl(r.gid),
    minorHeadingGid: r.minor_heading_gid,
    paragraphs: [],
    tags: [],
    continued,
  };
}

export interface ParagraphTagScore extends TagScore {
  seq: number;
  method: string;
  /** Who gave the tag: the rules alone, the classifier (alone or with the rules), or an editor. */
  source: 'rule' | 'classifier' | 'editor';
}

/** Tags of one speech: speech-level, and per paragraph (for highlighting the tagged paragraphs). */
export async function speechTags(
  db: Queryable,
  gid: string,
  minConfidence: number,
): Promise<{ speech: TagScore[]; paragraphs: ParagraphTagScore[] }> {
  const [speech, paragraphs] = await Promise.all([
    db.query<TagScore>(
      `SELECT tag, round(confidence::numeric, 3)::float8 AS confidence FROM speech_tags
        WHERE speech_gid = $1 AND confidence >= $2::real ORDER BY confidence DESC, tag`,
      [gid, minConfidence],
    ),
    db.query<ParagraphTagScore>(
      `SELECT seq, tag, round(confidence::numeric, 3)::float8 AS confidence, method,
              CASE method WHEN 'keyword' THEN 'rule' WHEN 'editor' THEN 'editor' ELSE 'classifier' END AS source
         FROM paragraph_tags
        WHERE speech_gid = $1 AND confidence >= $2::real ORDER BY seq, confidence DESC, tag`,
      [gid, minConfidence],
    ),
  ]);
  return { speech, paragraphs };
}
