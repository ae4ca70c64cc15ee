import { speakerFields, type SpeakerFields } from '../member/speaker-label.js';
import type { Db } from '../store/db.js';
import { MAX_REDIRECT_HOPS } from './redirects.js';

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

export class SpeechRepository {
  constructor(private readonly db: Db) {}

  /** Follows gid redirects to the speech's current id; null when the gid is unknown. */
  async resolveGid(gid: string): Promise<string | null> {
    let current = gid;
    for (let hop = 0; hop <= MAX_REDIRECT_HOPS; hop++) {
      const found = await this.db.query('SELECT 1 FROM speeches WHERE gid = $1', [current]);
      if (found.length > 0) return current;
      const next = await this.db.query<{ new_gid: string }>(
        'SELECT new_gid FROM gid_redirects WHERE old_gid = $1',
        [current],
      );
      if (!next[0]) return null;
      current = next[0].new_gid;
    }
    return null;
  }

  async get(gid: string): Promise<StoredSpeech | null> {
    const resolved = await this.resolveGid(gid);
    if (!resolved) return null;
    const rows = await this.db.query<SpeechRow>(
      `SELECT s.gid, s.type, to_char(s.sitting_date, 'YYYY-MM-DD') AS sitting_date, s.kind, s.speaker_id, s.person_id,
              s.speaker_name, s.person_name, s.party, s.constituency, s.house, s.time, s.colnum, s.url,
              mh.title AS major_heading, nh.title AS minor_heading
         FROM speeches s
         LEFT JOIN headings mh ON mh.gid = s.major_heading_gid
         LEFT JOIN headings nh ON nh.gid = s.minor_heading_gid
        WHERE s.gid = $1`,
      [resolved],
    );
    const s = rows[0];
    if (!s) return null;
    const paragraphs = await this.db.query<StoredParagraph>(
      'SELECT seq, pid, cls, paragraph_html(html, body) AS html, body FROM paragraphs WHERE speech_gid = $1 ORDER BY seq',
      [resolved],
    );
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
      paragraphs,
    };
  }
}
