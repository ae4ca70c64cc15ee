/**
 * Browsing the record by date: which days each house sat (a month at a time, for the
 * calendar), a day's debates in one house with their speech counts and tags, and the
 * debates before and after a debate in its sitting. Every query starts from `sittings`
 * (indexed by date) and reaches headings and speeches by their sitting's group key, so a
 * day costs the same on a store of millions of speeches as on one week.
 */
import { FEED_TYPE_REGISTRY, FEED_TYPES, type House } from '../parliament/index.js';
import type { Queryable } from '../store/db.js';

/** Feed types whose sittings belong to `house`, in the registry's order. */
export function houseTypes(house: House): string[] {
  return FEED_TYPES.filter((t) => FEED_TYPE_REGISTRY[t].house === house);
}

export interface SittingDay {
  /** `YYYY-MM-DD`. */
  date: string;
  houses: House[];
}

export interface CalendarMonth {
  /** `YYYY-MM`. */
  month: string;
  days: SittingDay[];
  /** The nearest months before and after with a sitting, or null. */
  previous: string | null;
  next: string | null;
}

export interface DayTag {
  tag: string;
  /** Speeches under the heading carrying the tag at the threshold. */
  speeches: number;
  /** The strongest confidence among them. */
  confidence: number;
}

export interface DayHeading {
  gid: string;
  type: string;
  kind: string;
  title: string;
  /** The major heading a minor one sits under. */
  parentGid: string | null;
  /** `HH:MM`, when the feed gives one. */
  time: string | null;
  /** Speeches directly under this heading (a major heading's minor headings count their own). */
  speeches: number;
  tags: DayTag[];
}

export interface SittingDayListing {
  date: string;
  house: House;
  headings: DayHeading[];
  /** The house's sitting days before and after, or null. */
  previous: string | null;
  next: string | null;
}

export interface DebateNeighbour {
  gid: string;
  title: string;
}

export interface DebateNeighbours {
  previous: DebateNeighbour | null;
  next: DebateNeighbour | null;
}

interface HeadingRow {
  gid: string;
  type: string;
  kind: string;
  title: string;
  parent_gid: string | null;
  time: string | null;
  speeches: number;
  tags: DayTag[] | null;
}

function houseOfType(type: string): House | null {
  return (FEED_TYPE_REGISTRY as Record<string, { house: House } | undefined>)[type]?.house ?? null;
}

export class DayRepository {
  constructor(private readonly db: Queryable) {}

  /** Sitting days of `month`; with no month, the latest month with a sitting (null on an empty store). */
  async calendar(month?: string): Promise<CalendarMonth | null> {
    const m = month ?? (await this.latestMonth());
    if (!m) return null;
    const start = `${m}-01`;
    const rows = await this.db.query<{
      date: string;
      types: string[];
      previous: string | null;
      next: string | null;
    }>(
      `SELECT d.date, d.types,
              (SELECT to_char(max(sitting_date), 'YYYY-MM') FROM sittings WHERE sitting_date < $1::date) AS previous,
              (SELECT to_char(min(sitting_date), 'YYYY-MM') FROM sittings
                WHERE sitting_date >= ($1::date + interval '1 month')) AS next
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (
           SELECT sitting_date::text AS date, array_agg(DISTINCT type) AS types FROM sittings
            WHERE sitting_date >= $1::date AND sitting_date < ($1::date + interval '1 month')
            GROUP BY sitting_date) d ON true
        ORDER BY d.date`,
      [start],
    );
    const days: SittingDay[] = [];
    for (const r of rows) {
      if (!r.date) continue;
      const houses = new Set(r.types.map(houseOfType).filter((h): h is House => h !== null));
      days.push({ date: r.date, houses: [...houses] });
    }
    return { month: m, days, previous: rows[0]?.previous ?? null, next: rows[0]?.next ?? null };
  }

  private async latestMonth(): Promise<string | null> {
    const [row] = await this.db.query<{ m: string | null }>(
      `SELECT to_char(max(sitting_date), 'YYYY-MM') AS m FROM sittings`,
    );
    return row?.m ?? null;
  }

  /**
   * A day's headings in one house, in sitting order (feed types in the registry's order),
   * each with its speeches and the tags they carry at `minConfidence`. Null when the house
   * did not sit that day.
   */
  async day(date: string, house: House, minConfidence: number): Promise<SittingDayListing | null> {
    const types = houseTypes(house);
    const rows = await this.db.query<HeadingRow & { previous: string | null; next: string | null }>(
      `WITH s AS (SELECT group_key, type FROM sittings WHERE sitting_date = $1::date AND type = ANY($2::text[])),
            sp AS (SELECT x.gid, COALESCE(x.minor_heading_gid, x.major_heading_gid) AS hgid
                     FROM speeches x WHERE x.group_key IN (SELECT group_key FROM s)),
            counts AS (SELECT hgid, count(*)::int AS n FROM sp GROUP BY hgid),
            tags AS (SELECT hgid, json_agg(json_build_object('tag', tag, 'speeches', n, 'confidence', c)
                                           ORDER BY n DESC, tag) AS tags
                       FROM (SELECT sp.hgid, t.tag, count(*)::int AS n, round(max(t.confidence)::numeric, 2)::float8 AS c
                               FROM sp JOIN speech_tags t ON t.speech_gid = sp.gid
                              WHERE t.confidence >= $3::real GROUP BY 1, 2) g
                      GROUP BY hgid)
       SELECT h.gid, h.type, h.kind, h.title, h.parent_gid, to_char(h.time, 'HH24:MI') AS time,
              COALESCE(c.n, 0) AS speeches, tg.tags,
              (SELECT max(sitting_date)::text FROM sittings WHERE sitting_date < $1::date AND type = ANY($2::text[])) AS previous,
              (SELECT min(sitting_date)::text FROM sittings WHERE sitting_date > $1::date AND type = ANY($2::text[])) AS next
         FROM s JOIN headings h ON h.group_key = s.group_key
         LEFT JOIN counts c ON c.hgid = h.gid
         LEFT JOIN tags tg ON tg.hgid = h.gid
        ORDER BY array_position($2::text[], h.type), h.seq`,
      [date, types, minConfidence],
    );
    if (rows.length === 0) return null;
    const first = rows[0]!;
    return {
      date,
      house,
      previous: first.previous,
      next: first.next,
      headings: rows.map((r) => ({
        gid: r.gid,
        type: r.type,
        kind: r.kind,
        title: r.title,
        parentGid: r.parent_gid,
        time: r.time,
        speeches: r.speeches,
        tags: r.tags ?? [],
      })),
    };
  }

  /** The headings of the same kind before and after `gid` in its sitting (major to major, minor to minor). */
  async neighbours(gid: string): Promise<DebateNeighbours> {
    const rows = await this.db.query<{ gid: string; title: string; dir: 'previous' | 'next' }>(
      `WITH me AS (SELECT group_key, seq, kind FROM headings WHERE gid = $1)
       (SELECT h.gid, h.title, 'previous' AS dir FROM headings h, me
         WHERE h.group_key = me.group_key AND h.kind = me.kind AND h.seq < me.seq ORDER BY h.seq DESC LIMIT 1)
       UNION ALL
       (SELECT h.gid, h.title, 'next' AS dir FROM headings h, me
         WHERE h.group_key = me.group_key AND h.kind = me.kind AND h.seq > me.seq ORDER BY h.seq LIMIT 1)`,
      [gid],
    );
    const pick = (dir: 'previous' | 'next'): DebateNeighbour | null => {
      const r = rows.find((x) => x.dir === dir);
      return r ? { gid: r.gid, title: r.title } : null;
    };
    return { previous: pick('previous'), next: pick('next') };
  }
}
