/**
 * Reading a debate back: a heading (major or minor) with the speeches under it, in the
 * order they were spoken. Any gid the store has ever known resolves, so links to an older
 * version of a day (or to a single speech) still reach the debate.
 */
import { speakerFields, type SpeakerFields } from '../member/speaker-label.js';
import type { Queryable } from '../store/db.js';
import { twfyUrl } from '../export/twfy-url.js';
import type { TagScore } from './search-repository.js';
import { MAX_REDIRECT_HOPS } from '../speech/redirects.js';

/** A debate longer than this is cut (a whole day's major heading can hold hundreds of speeches). */
export const MAX_DEBATE_SPEECHES = 1000;

export type GidKind = 'heading' | 'speech';

export interface ResolvedGid {
  gid: string;
  kind: GidKind;
  /** True when `gid` differs from the one asked for (an old gid of a revised file). */
  redirected: boolean;
}

export interface DebateParagraph {
  seq: number;
  pid: string | null;
  cls: string | null;
  html: string;
  body: string;
}

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
  speeches: DebateSpeech[];
  /** True when the debate had more than MAX_DEBATE_SPEECHES speeches. */
  truncated: boolean;
  twfyUrl: string | null;
}

interface SpeechRow {
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
  paragraphs: DebateParagraph[] | null;
  tags: TagScore[] | null;
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

  /** The debate under a current heading gid (resolve first), or null. */
  async get(headingGid: string, minConfidence: number): Promise<Debate | null> {
    const head = await this.heading(headingGid);
    if (!head) return null;
    const [parent, subheadings, speeches] = await Promise.all([
      head.parent_gid ? this.headingSummary(head.parent_gid) : Promise.resolve(null),
      head.kind === 'minor' ? Promise.resolve([]) : this.subheadings(headingGid, head.group_key),
      this.speeches(headingGid, head.group_key, head.kind, minConfidence),
    ]);
    return {
      gid: head.gid,
      type: head.type,
      sittingDate: head.sitting_date,
      kind: head.kind,
      title: head.title,
      parent,
      subheadings,
      speeches: speeches.slice(0, MAX_DEBATE_SPEECHES),
      truncated: speeches.length > MAX_DEBATE_SPEECHES,
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
      `SELECT gid, group_key, type, sitting_date::text AS sitting_date, kind, title, parent_gid FROM headings WHERE gid = $1`,
      [gid],
    );
    return rows[0] ?? null;
  }

  private async headingSummary(gid: string): Promise<DebateHeading | null> {
    const rows = await this.db.query<DebateHeading>(
      'SELECT gid, kind, title, seq FROM headings WHERE gid = $1',
      [gid],
    );
    return rows[0] ?? null;
  }

  // A heading's subheadings and speeches are found through its day (group_key index):
  // one index fewer per heading and two fewer per speech for every ingest to maintain
  // (migration 009), for a scan of one day's rows here.
  private subheadings(gid: string, groupKey: string): Promise<DebateHeading[]> {
    return this.db.query<DebateHeading>(
      'SELECT gid, kind, title, seq FROM headings WHERE group_key = $2 AND parent_gid = $1 ORDER BY seq',
      [gid, groupKey],
    );
  }

  private async speeches(
    gid: string,
    groupKey: string,
    kind: string,
    minConfidence: number,
  ): Promise<DebateSpeech[]> {
    // A major heading holds its minors' speeches too; a minor (or oral) heading only its own.
    const column = kind === 'minor' ? 'minor_heading_gid' : 'major_heading_gid';
    const rows = await this.db.query<SpeechRow>(
      `SELECT s.gid, s.seq, s.kind, s.speaker_name, s.person_name, s.person_id, s.party, s.constituency, s.house, s.time,
              s.colnum, s.url, s.minor_heading_gid,
              (SELECT json_agg(json_build_object('seq', p.seq, 'pid', p.pid, 'cls', p.cls, 'html', paragraph_html(p.html, p.body), 'body', p.body) ORDER BY p.seq)
                 FROM paragraphs p WHERE p.speech_gid = s.gid) AS paragraphs,
              (SELECT json_agg(json_build_object('tag', t.tag, 'confidence', round(t.confidence::numeric, 3)::float8) ORDER BY t.confidence DESC, t.tag)
                 FROM speech_tags t WHERE t.speech_gid = s.gid AND t.confidence >= $2::real) AS tags
         FROM speeches s WHERE s.group_key = $4 AND s.${column} = $1
        ORDER BY s.seq LIMIT $3`,
      [gid, minConfidence, MAX_DEBATE_SPEECHES + 1, groupKey],
    );
    return rows.map((r) => ({
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
      paragraphs: r.paragraphs ?? [],
      tags: r.tags ?? [],
    }));
  }
}

export interface ParagraphTagScore extends TagScore {
  seq: number;
  method: string;
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
      `SELECT seq, tag, round(confidence::numeric, 3)::float8 AS confidence, method FROM paragraph_tags
        WHERE speech_gid = $1 AND confidence >= $2::real ORDER BY seq, confidence DESC, tag`,
      [gid, minConfidence],
    ),
  ]);
  return { speech, paragraphs };
}
