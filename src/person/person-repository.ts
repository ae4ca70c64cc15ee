/**
 * An MP's (or peer's, MSP's, MLA's) speaking record: who they are (names, parties and
 * seats over time, from the Popolo member tables) and how often they spoke, per tag, per
 * house and feed type, and per month. Counts are of speeches; a speech counts for a tag
 * when its speech-level tag reaches the minimum confidence.
 */
import type { Db } from '../store/db.js';
import { RecordSummary, SUMMARY_MIN_CONFIDENCE } from './record-summary.js';

export interface PersonSummary {
  id: string;
  name: string;
  /** The most recent membership's party, seat and house. */
  party: string | null;
  constituency: string | null;
  house: string | null;
  houseName: string | null;
}

export interface PersonNameSpan {
  display: string;
  startDate: string | null;
  endDate: string | null;
}

export interface MembershipSpan {
  id: string;
  /** House organisation id and name (`house-of-commons`, `House of Commons`). */
  house: string | null;
  houseName: string | null;
  partyId: string | null;
  party: string | null;
  /** Constituency or region; null in the Lords. */
  constituency: string | null;
  startDate: string | null;
  endDate: string | null;
  startReason: string | null;
  endReason: string | null;
}

export interface PersonProfile extends PersonSummary {
  /** Names over time (a knighthood, a peerage), oldest first, consecutive repeats merged. */
  names: PersonNameSpan[];
  /** Newest first. */
  memberships: MembershipSpan[];
}

export interface RecordFilters {
  minConfidence: number;
  from?: string | undefined;
  to?: string | undefined;
}

export interface MonthCount {
  /** `YYYY-MM`. */
  month: string;
  speeches: number;
  /** Speeches carrying each tag that month (a speech with two tags counts under both). */
  tags: Record<string, number>;
  /** Speeches with at least one tag that month, each counted once. */
  tagged: number;
}

export interface SpeakingRecord {
  personId: string;
  filters: RecordFilters;
  speeches: number;
  firstDate: string | null;
  lastDate: string | null;
  /** Speeches per tag, most first. */
  byTag: { tag: string; speeches: number }[];
  /** Speeches per house and feed type, most first. */
  byHouseType: { house: string | null; type: string; speeches: number }[];
  /** Every month with a speech, oldest first. */
  byMonth: MonthCount[];
}

interface NameRow {
  display: string;
  start_date: string | null;
  end_date: string | null;
}

interface MembershipRow {
  id: string;
  house: string | null;
  house_name: string | null;
  party_id: string | null;
  party: string | null;
  constituency: string | null;
  start_date: string | null;
  end_date: string | null;
  start_reason: string | null;
  end_reason: string | null;
}

function toMembership(r: MembershipRow): MembershipSpan {
  return {
    id: r.id,
    house: r.house,
    houseName: r.house_name,
    partyId: r.party_id,
    party: r.party,
    constituency: r.constituency,
    startDate: r.start_date,
    endDate: r.end_date,
    startReason: r.start_reason,
    endReason: r.end_reason,
  };
}

interface SummaryRow {
  id: string;
  name: string;
  party: string | null;
  constituency: string | null;
  house: string | null;
  house_name: string | null;
}

/** The newest membership of `p`, with party, seat and house names. */
const LATEST_MEMBERSHIP = `
  LEFT JOIN LATERAL (
    SELECT po.name AS party, ps.area AS constituency, m.organization_id AS house, ho.name AS house_name
      FROM memberships m
      LEFT JOIN organizations po ON po.id = m.party_id
      LEFT JOIN posts ps ON ps.id = m.post_id
      LEFT JOIN organizations ho ON ho.id = COALESCE(m.organization_id, ps.organization_id)
     WHERE m.person_id = p.id
     ORDER BY m.start_date DESC NULLS LAST LIMIT 1) lm ON true`;

/** LIKE's own wildcards in user text match literally. */
function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export class PersonRepository {
  private readonly summary: RecordSummary;

  constructor(
    private readonly db: Db,
    summary?: RecordSummary,
  ) {
    this.summary = summary ?? new RecordSummary(db);
  }

  /**
   * People whose name (any name they have had) contains `q`: names with a word starting
   * with `q` first ("hope" finds Phil Hope before Christopher Chope), then people who
   * have spoken in the record, then by name.
   */
  async searchByName(q: string, limit: number): Promise<PersonSummary[]> {
    const text = likeEscape(q);
    const rows = await this.db.query<SummaryRow>(
      `SELECT p.id, p.name, lm.party, lm.constituency, lm.house, lm.house_name
         FROM persons p ${LATEST_MEMBERSHIP}
        WHERE EXISTS (SELECT 1 FROM person_names n WHERE n.person_id = p.id AND n.display ILIKE $1)
        ORDER BY EXISTS (SELECT 1 FROM person_names n WHERE n.person_id = p.id AND (n.display ILIKE $2 OR n.display ILIKE $3)) DESC,
                 EXISTS (SELECT 1 FROM speeches s WHERE s.person_id = p.id) DESC, p.name, p.id
        LIMIT $4`,
      [`%${text}%`, `${text}%`, `% ${text}%`, limit],
    );
    return rows.map(toSummary);
  }

  /** One statement: on a busy server the cost of a lookup is mostly per statement, not per row. */
  async profile(personId: string): Promise<PersonProfile | null> {
    const rows = await this.db.query<
      SummaryRow & { names: NameRow[] | null; memberships: MembershipRow[] | null }
    >(
      `SELECT p.id, p.name, lm.party, lm.constituency, lm.house, lm.house_name,
              (SELECT json_agg(json_build_object('display', n.display, 'start_date', n.start_date, 'end_date', n.end_date)
                               ORDER BY n.start_date NULLS FIRST, n.seq)
                 FROM person_names n WHERE n.person_id = p.id) AS names,
              (SELECT json_agg(json_build_object('id', m.id, 'house', COALESCE(m.organization_id, ps.organization_id),
                                                 'house_name', ho.name, 'party_id', m.party_id, 'party', po.name,
                                                 'constituency', ps.area, 'start_date', m.start_date, 'end_date', m.end_date,
                                                 'start_reason', m.start_reason, 'end_reason', m.end_reason)
                               ORDER BY m.start_date DESC NULLS LAST, m.id)
                 FROM memberships m
                 LEFT JOIN organizations po ON po.id = m.party_id
                 LEFT JOIN posts ps ON ps.id = m.post_id
                 LEFT JOIN organizations ho ON ho.id = COALESCE(m.organization_id, ps.organization_id)
                WHERE m.person_id = p.id) AS memberships
         FROM persons p ${LATEST_MEMBERSHIP} WHERE p.id = $1`,
      [personId],
      { prepare: 'person-profile' },
    );
    const row = rows[0];
    if (!row) return null;
    const names = mergeNames(
      (row.names ?? []).map((r) => ({ display: r.display, startDate: r.start_date, endDate: r.end_date })),
    );
    return { ...toSummary(row), names, memberships: (row.memberships ?? []).map(toMembership) };
  }

  /**
   * From the per-day summary when it is fresh and the threshold is the summary's own;
   * otherwise counted from the speeches. Either way SQL sums them to months (per house and
   * type, per tag) and this process assembles the record from those few hundred rows.
   */
  async record(personId: string, filters: RecordFilters): Promise<SpeakingRecord> {
    if (filters.minConfidence === SUMMARY_MIN_CONFIDENCE) {
      // The usual case in one statement: the queue is empty, so the summary's rows are the answer.
      const career = filters.from === undefined && filters.to === undefined;
      const [row] = await this.db.query<{
        pending: boolean;
        months: MonthRow[] | null;
        tags: TagMonthRow[] | null;
      }>(
        `SELECT EXISTS (SELECT 1 FROM record_pending) AS pending,
                (SELECT json_agg(x) FROM (${career ? CAREER_MONTHS : SUMMARY_MONTHS}) x) AS months,
                (SELECT json_agg(x) FROM (${career ? CAREER_TAGS : SUMMARY_TAGS}) x) AS tags`,
        career ? [personId] : rangeParams(personId, filters),
        // The dated one is not prepared: its generic plan (dates unknown) ran at 8 ms where the planned one takes 4.
        career ? { prepare: 'person-record-career' } : undefined,
      );
      if (row && !row.pending) return assembleRecord(personId, filters, row.months ?? [], row.tags ?? []);
    }
    const useSummary = filters.minConfidence === SUMMARY_MIN_CONFIDENCE && (await this.summary.ensureFresh());
    const [months, tags] = await Promise.all([
      this.db.query<MonthRow>(useSummary ? SUMMARY_MONTHS : LIVE_MONTHS, rangeParams(personId, filters)),
      useSummary
        ? this.db.query<TagMonthRow>(SUMMARY_TAGS, rangeParams(personId, filters))
        : this.db.query<TagMonthRow>(LIVE_TAGS, [...rangeParams(personId, filters), filters.minConfidence]),
    ]);
    return assembleRecord(personId, filters, months, tags);
  }
}

/** One house and type in one month: speeches, and the first and last sitting day among them. */
interface MonthRow {
  house: string;
  type: string;
  /** `YYYY-MM`. */
  m: string;
  n: number;
  first: string;
  last: string;
}

interface TagMonthRow {
  /** '*' for the month's speeches with any tag. */
  tag: string;
  m: string;
  n: number;
}

/** $1 person, $2 first date or null, $3 last date or null (LIVE_TAGS adds $4, the threshold). */
function rangeParams(personId: string, f: RecordFilters): unknown[] {
  return [personId, f.from ?? null, f.to ?? null];
}

const RANGE = `sitting_date >= COALESCE($2::date, '-infinity') AND sitting_date <= COALESCE($3::date, 'infinity')`;

const MONTH = `to_char(sitting_date, 'YYYY-MM')`;
/** The first of the month: grouped on as a date, formatted once per group (to_char per day row cost a fifth of the query). */
const MONTH_START = `(sitting_date - extract(day FROM sitting_date)::int + 1)`;

// Summed to months in SQL: a long career is a few hundred month rows to parse, not thousands of day rows.
const SUMMARY_MONTHS = `SELECT house, type, to_char(mo, 'YYYY-MM') AS m, n, first, last FROM (
  SELECT house, type, ${MONTH_START} AS mo, sum(speeches)::int AS n,
         min(sitting_date)::text AS first, max(sitting_date)::text AS last
    FROM person_day_speeches WHERE person_id = $1 AND ${RANGE} GROUP BY 1, 2, 3) x`;

const SUMMARY_TAGS = `SELECT tag, to_char(mo, 'YYYY-MM') AS m, n FROM (
  SELECT tag, ${MONTH_START} AS mo, sum(speeches)::int AS n
    FROM person_day_tags WHERE person_id = $1 AND ${RANGE} GROUP BY 1, 2) x`;

// A whole career: the month rows kept ready (migration 014), nothing to sum.
const CAREER_MONTHS = `SELECT house, type, to_char(month, 'YYYY-MM') AS m, speeches AS n,
       first_date::text AS first, last_date::text AS last
  FROM person_month_speeches WHERE person_id = $1`;

const CAREER_TAGS = `SELECT tag, to_char(month, 'YYYY-MM') AS m, speeches AS n FROM person_month_tags WHERE person_id = $1`;

const LIVE_MONTHS = `SELECT COALESCE(house, '') AS house, type, ${MONTH} AS m, count(*)::int AS n,
       min(sitting_date)::text AS first, max(sitting_date)::text AS last
  FROM speeches WHERE person_id = $1 AND ${RANGE} GROUP BY 1, 2, 3`;

const LIVE_TAGS = `SELECT COALESCE(t.tag, '*') AS tag, to_char(s.sitting_date, 'YYYY-MM') AS m, count(DISTINCT s.gid)::int AS n
  FROM speeches s JOIN speech_tags t ON t.speech_gid = s.gid
 WHERE s.person_id = $1 AND ${RANGE.replace(/sitting_date/g, 's.sitting_date')} AND t.confidence >= $4::real
 GROUP BY GROUPING SETS ((t.tag, to_char(s.sitting_date, 'YYYY-MM')), (to_char(s.sitting_date, 'YYYY-MM')))`;

function add<K>(map: Map<K, number>, key: K, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

function assembleRecord(
  personId: string,
  filters: RecordFilters,
  rows: MonthRow[],
  tags: TagMonthRow[],
): SpeakingRecord {
  const houseType = new Map<string, number>();
  const months = new Map<string, MonthCount>();
  const month = (key: string): MonthCount => {
    let m = months.get(key);
    if (!m) months.set(key, (m = { month: key, speeches: 0, tags: {}, tagged: 0 }));
    return m;
  };
  let first: string | null = null;
  let last: string | null = null;
  for (const r of rows) {
    add(houseType, `${r.house}\u0000${r.type}`, r.n);
    month(r.m).speeches += r.n;
    if (first === null || r.first < first) first = r.first;
    if (last === null || r.last > last) last = r.last;
  }
  const byTag = new Map<string, number>();
  for (const t of tags) {
    const m = month(t.m);
    if (t.tag === '*') m.tagged += t.n;
    else {
      m.tags[t.tag] = (m.tags[t.tag] ?? 0) + t.n;
      add(byTag, t.tag, t.n);
    }
  }
  return {
    personId,
    filters,
    speeches: rows.reduce((sum, r) => sum + r.n, 0),
    firstDate: first,
    lastDate: last,
    byTag: [...byTag]
      .map(([tag, speeches]) => ({ tag, speeches }))
      .sort((a, b) => b.speeches - a.speeches || a.tag.localeCompare(b.tag)),
    byHouseType: [...houseType]
      .map(([key, speeches]) => {
        const [house = '', type = ''] = key.split('\u0000');
        return { house: house === '' ? null : house, type, speeches };
      })
      .sort((a, b) => b.speeches - a.speeches || a.type.localeCompare(b.type)),
    byMonth: [...months.values()].sort((a, b) => a.month.localeCompare(b.month)),
  };
}

function toSummary(r: SummaryRow): PersonSummary {
  return {
    id: r.id,
    name: r.name,
    party: r.party,
    constituency: r.constituency,
    house: r.house,
    houseName: r.house_name,
  };
}

/** people.json repeats the same name for each membership; show each name once per run of use. */
function mergeNames(names: PersonNameSpan[]): PersonNameSpan[] {
  const out: PersonNameSpan[] = [];
  for (const n of names) {
    const prev = out[out.length - 1];
    if (prev && prev.display === n.display) {
      prev.endDate =
        n.endDate === null || (prev.endDate !== null && n.endDate > prev.endDate) ? n.endDate : prev.endDate;
      continue;
    }
    out.push({ ...n });
  }
  return out;
}
