/**
 * Reading speeches for alerts: what the matcher needs (person, house, type, tags, and each
 * paragraph's lexemes with positions from paragraph_search), what an alert shows
 * (headings, speaker, links), and highlighted excerpts from Postgres's ts_headline, the
 * same highlighter search uses. One query per table per batch, never one per speech.
 */
import type { Db, Queryable } from '../store/db.js';
import { HEADLINE_OPTIONS, truncateWords } from '../search/highlight.js';
import { speechDoc } from './match/compile.js';
import type { SpeechDoc } from './match/types.js';
import { parseTsVector, type LexemePositions } from './query/tsvector.js';
import { MAX_REDIRECT_HOPS } from '../speech/redirects.js';

export interface SpeechMeta {
  gid: string;
  groupKey: string;
  contentHash: string;
  sittingDate: string;
  type: string;
  house: string | null;
  personId: string | null;
  speakerName: string | null;
  /** The person's name on the sitting date (member data); null when unresolved. */
  personName: string | null;
  party: string | null;
  constituency: string | null;
  time: string | null;
  colnum: string | null;
  url: string | null;
  majorHeading: string | null;
  minorHeading: string | null;
  debateGid: string | null;
}

export interface LoadedSpeech {
  meta: SpeechMeta;
  doc: SpeechDoc;
  /** Paragraph seq → tag → confidence, for picking the excerpt of a tag-only match. */
  paragraphTags: Map<number, Map<string, number>>;
}

interface MetaRow {
  gid: string;
  group_key: string;
  content_hash: string;
  sitting_date: string;
  type: string;
  house: string | null;
  person_id: string | null;
  speaker_name: string | null;
  person_name: string | null;
  party: string | null;
  constituency: string | null;
  time: string | null;
  colnum: string | null;
  url: string | null;
  major_heading: string | null;
  minor_heading: string | null;
  debate_gid: string | null;
}

export interface ExcerptRequest {
  gid: string;
  seq: number;
  /** tsquery text to highlight, or null for the paragraph's opening words. */
  query: string | null;
}

/** Characters of a paragraph shown when there are no keywords to highlight. */
const PLAIN_EXCERPT_CHARS = 320;

export class AlertSpeechSource {
  constructor(private readonly db: Queryable | Db) {}

  /**
   * `load` in one snapshot: a new version of the day committing meanwhile must not leave
   * a speech read with some of its paragraphs or tags and not others. Inside a caller's
   * transaction (a Queryable without transactions), that transaction is the snapshot.
   */
  async loadSnapshot(gids: readonly string[]): Promise<LoadedSpeech[]> {
    if (!('transaction' in this.db)) return this.load(gids);
    return this.db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      return new AlertSpeechSource(tx).load(gids);
    });
  }

  /**
   * The gids these speeches have now: each one that exists, and for one replaced since by
   * a newer version of its day, where gid_redirects leads. An announcement can be handled
   * after the next version has replaced the day, and that version announces only what it
   * changed, so skipping replaced gids would leave the unchanged speeches never matched.
   */
  async currentGids(gids: readonly string[]): Promise<string[]> {
    if (gids.length === 0) return [];
    const rows = await this.db.query<{ gid: string }>(
      `WITH RECURSIVE chain (gid, hops) AS (
         SELECT g, 0 FROM unnest($1::text[]) AS g
         UNION
         SELECT r.new_gid, c.hops + 1 FROM chain c JOIN gid_redirects r ON r.old_gid = c.gid WHERE c.hops < $2
       )
       SELECT DISTINCT s.gid FROM chain c JOIN speeches s ON s.gid = c.gid`,
      [[...new Set(gids)], MAX_REDIRECT_HOPS],
    );
    return rows.map((r) => r.gid);
  }

  /** The speeches of `gids` that exist. */
  async load(gids: readonly string[]): Promise<LoadedSpeech[]> {
    if (gids.length === 0) return [];
    const unique = [...new Set(gids)];
    // One after another: the matcher reads inside a transaction, one connection.
    const metas = await this.metas(unique);
    const paragraphs = await this.paragraphVectors(unique);
    const tags = await this.speechTags(unique);
    const paragraphTags = await this.paragraphTagRows(unique);
    return metas.map((meta) => ({
      meta,
      doc: speechDoc({
        gid: meta.gid,
        personId: meta.personId,
        house: meta.house,
        type: meta.type,
        tags: tags.get(meta.gid) ?? new Map(),
        paragraphs: paragraphs.get(meta.gid) ?? [],
      }),
      paragraphTags: paragraphTags.get(meta.gid) ?? new Map(),
    }));
  }

  private async metas(gids: string[]): Promise<SpeechMeta[]> {
    const rows = await this.db.query<MetaRow>(
      `SELECT s.gid, s.group_key, s.content_hash, to_char(s.sitting_date, 'YYYY-MM-DD') AS sitting_date, s.type, s.house,
              s.person_id, s.speaker_name, s.person_name, s.party, s.constituency, to_char(s.time, 'HH24:MI') AS time, s.colnum, s.url,
              mh.title AS major_heading, nh.title AS minor_heading,
              COALESCE(s.minor_heading_gid, s.major_heading_gid) AS debate_gid
         FROM speeches s
         LEFT JOIN headings mh ON mh.gid = s.major_heading_gid
         LEFT JOIN headings nh ON nh.gid = s.minor_heading_gid
        WHERE s.gid = ANY($1::text[])
        ORDER BY s.sitting_date, s.group_key, s.seq`,
      [gids],
    );
    return rows.map(toMeta);
  }

  /**
   * Each paragraph's lexemes and positions. The search indexer fills paragraph_search
   * right after a day commits; should a batch arrive before it has, the vector is computed
   * here the same way (to_tsvector('english', body)), so matching never waits or misses.
   */
  private async paragraphVectors(
    gids: string[],
  ): Promise<Map<string, { seq: number; lexemes: LexemePositions }[]>> {
    const rows = await this.db.query<{ speech_gid: string; seq: number; tsv: string }>(
      `SELECT p.speech_gid, p.seq, COALESCE(ps.tsv, to_tsvector('english', p.body))::text AS tsv
         FROM paragraphs p
         LEFT JOIN paragraph_search ps ON ps.speech_gid = p.speech_gid AND ps.seq = p.seq
        WHERE p.speech_gid = ANY($1::text[])`,
      [gids],
    );
    const out = new Map<string, { seq: number; lexemes: LexemePositions }[]>();
    for (const r of rows) {
      const list = out.get(r.speech_gid) ?? [];
      list.push({ seq: r.seq, lexemes: parseTsVector(r.tsv) });
      out.set(r.speech_gid, list);
    }
    return out;
  }

  private async speechTags(gids: string[]): Promise<Map<string, Map<string, number>>> {
    const rows = await this.db.query<{ speech_gid: string; tag: string; confidence: number }>(
      'SELECT speech_gid, tag, confidence FROM speech_tags WHERE speech_gid = ANY($1::text[])',
      [gids],
    );
    const out = new Map<string, Map<string, number>>();
    for (const r of rows) {
      const m = out.get(r.speech_gid) ?? new Map<string, number>();
      m.set(r.tag, Number(r.confidence));
      out.set(r.speech_gid, m);
    }
    return out;
  }

  private async paragraphTagRows(gids: string[]): Promise<Map<string, Map<number, Map<string, number>>>> {
    const rows = await this.db.query<{ speech_gid: string; seq: number; tag: string; confidence: number }>(
      'SELECT speech_gid, seq, tag, confidence FROM paragraph_tags WHERE speech_gid = ANY($1::text[])',
      [gids],
    );
    const out = new Map<string, Map<number, Map<string, number>>>();
    for (const r of rows) {
      const bySeq = out.get(r.speech_gid) ?? new Map<number, Map<string, number>>();
      const tags = bySeq.get(r.seq) ?? new Map<string, number>();
      tags.set(r.tag, Number(r.confidence));
      bySeq.set(r.seq, tags);
      out.set(r.speech_gid, bySeq);
    }
    return out;
  }

  /**
   * Excerpts, in request order: ts_headline with the subscription's query (matches wrapped
   * in the \u0001/\u0002 markers of src/search/highlight.ts), or the paragraph's opening.
   */
  async excerpts(requests: readonly ExcerptRequest[]): Promise<string[]> {
    if (requests.length === 0) return [];
    const rows = await this.db.query<{ i: number; excerpt: string | null }>(
      `SELECT x.i::int AS i,
              CASE WHEN x.q IS NULL THEN left(p.body, ${PLAIN_EXCERPT_CHARS + 40})
                   ELSE ts_headline('english', p.body, x.q::tsquery, $5) END AS excerpt
         FROM unnest($1::text[], $2::int[], $3::text[], $4::int[]) AS x(gid, seq, q, i)
         JOIN paragraphs p ON p.speech_gid = x.gid AND p.seq = x.seq`,
      [
        requests.map((r) => r.gid),
        requests.map((r) => r.seq),
        requests.map((r) => r.query),
        requests.map((_, i) => i),
        HEADLINE_OPTIONS,
      ],
    );
    const out = requests.map(() => '');
    for (const r of rows) {
      const text = r.excerpt ?? '';
      out[r.i] = requests[r.i]?.query ? text : truncateWords(text, PLAIN_EXCERPT_CHARS);
    }
    return out;
  }

  /**
   * Queues, to be matched again once tagged, the days of these speeches that are still
   * waiting for the tagger; returns how many. Called before the speeches (and their tags)
   * are read: a day the tagger finishes in between is then matched again needlessly
   * (harmless), never left with the tags it had before.
   */
  async queueRematchIfUntagged(gids: readonly string[]): Promise<number> {
    if (gids.length === 0) return 0;
    const rows = await this.db.query(
      `INSERT INTO alert_rematch (group_key)
       SELECT DISTINCT t.group_key FROM tag_pending t JOIN speeches s ON s.group_key = t.group_key
        WHERE s.gid = ANY($1::text[])
       ON CONFLICT (group_key) DO UPDATE SET queued_at = now() RETURNING 1`,
      [[...new Set(gids)]],
    );
    return rows.length;
  }

  /** Queued days the tagger has finished with, and their current speeches. */
  async rematchesDue(): Promise<{ groupKey: string; queuedAt: string; gids: string[] }[]> {
    const rows = await this.db.query<{ group_key: string; queued_at: string; gids: string[] | null }>(
      `SELECT r.group_key, r.queued_at::text AS queued_at,
              (SELECT array_agg(s.gid) FROM speeches s WHERE s.group_key = r.group_key) AS gids
         FROM alert_rematch r WHERE NOT EXISTS (SELECT 1 FROM tag_pending t WHERE t.group_key = r.group_key)`,
    );
    return rows.map((r) => ({ groupKey: r.group_key, queuedAt: r.queued_at, gids: r.gids ?? [] }));
  }

  /** Unless the day was queued again meanwhile (a new version arrived while it was being matched). */
  async rematchDone(groupKey: string, queuedAt: string): Promise<void> {
    await this.db.query('DELETE FROM alert_rematch WHERE group_key = $1 AND queued_at = $2::timestamptz', [
      groupKey,
      queuedAt,
    ]);
  }

  /** The speeches of one sitting date, or of the latest one stored when `date` is null (previews). */
  async gidsOn(date: string | null): Promise<{ date: string | null; gids: string[] }> {
    const rows = await this.db.query<{ gid: string; d: string }>(
      `SELECT s.gid, to_char(s.sitting_date, 'YYYY-MM-DD') AS d FROM speeches s
        WHERE s.sitting_date = COALESCE($1::date, (SELECT max(sitting_date) FROM speeches))
        ORDER BY s.group_key, s.seq`,
      [date],
    );
    return { date: rows[0]?.d ?? date, gids: rows.map((r) => r.gid) };
  }

  /** Gids of recent speeches (newest sittings first), for `alerts test`. */
  async recentGids(days: number, limit: number): Promise<string[]> {
    const rows = await this.db.query<{ gid: string }>(
      `SELECT s.gid FROM speeches s
        WHERE s.sitting_date >= (SELECT max(sitting_date) FROM speeches) - $1::int
        ORDER BY s.sitting_date DESC, s.group_key, s.seq LIMIT $2`,
      [days, limit],
    );
    return rows.map((r) => r.gid);
  }
}

function toMeta(r: MetaRow): SpeechMeta {
  return {
    gid: r.gid,
    groupKey: r.group_key,
    contentHash: r.content_hash,
    sittingDate: r.sitting_date,
    type: r.type,
    house: r.house,
    personId: r.person_id,
    speakerName: r.speaker_name,
    personName: r.person_name,
    party: r.party,
    constituency: r.constituency,
    time: r.time,
    colnum: r.colnum,
    url: r.url,
    majorHeading: r.major_heading,
    minorHeading: r.minor_heading,
    debateGid: r.debate_gid,
  };
}
