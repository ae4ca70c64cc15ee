/**
 * A vote as the API and the export give it: the division it was cast in (with the
 * citation of the division's column), what the voter was printed as in the division list,
 * and the person, party and seat the member data give for the division's date.
 */
import { citation } from '../export/citation.js';
import { FEED_TYPE_REGISTRY, FEED_TYPES, twfyUrl } from '../parliament/index.js';

/** The house a division sat in, by feed: divisions carry no house of their own. */
export const DIVISION_HOUSE: Readonly<Record<string, string>> = Object.fromEntries(
  FEED_TYPES.filter((t) => FEED_TYPE_REGISTRY[t].divisions).map((t) => [t, FEED_TYPE_REGISTRY[t].house]),
);

export interface VoteRow {
  division_gid: string;
  /** `divnumber` as the feed gives it. */
  division_number: string | null;
  /** `YYYY-MM-DD`. */
  sitting_date: string;
  /** House the division sat in (`house-of-commons`, …). */
  house: string | null;
  /** Feed type: debates, lordspages, sp, standing, … */
  type: string;
  major_heading: string | null;
  minor_heading: string | null;
  /** As given: `aye`, `no`, `content`, `not-content`, `for`, `against`, `abstain`, `tellaye`, … */
  vote: string;
  /** The voter as the division list prints them (`Abbott, Ms Diane`). */
  voter_name: string;
  /** Membership id from the division list. */
  member_id: string | null;
  person_id: string | null;
  /** The person's name on the date, from the member data. */
  person_name: string | null;
  /** Party and seat of the membership valid on the division's date. */
  party: string | null;
  constituency: string | null;
  twfy_url: string | null;
  hansard_url: string | null;
  colnum: string | null;
  citation: string;
}

/** A vote row as SQL returns it, before the derived columns. */
export type StoredVoteRow = Omit<VoteRow, 'house' | 'twfy_url' | 'citation'>;

export function buildVoteRow(r: StoredVoteRow): VoteRow {
  return {
    ...r,
    house: DIVISION_HOUSE[r.type] ?? null,
    twfy_url: twfyUrl(r.division_gid),
    citation: citation({ type: r.type, sitting_date: r.sitting_date, colnum: r.colnum, gid: r.division_gid }),
  };
}

/** Columns of StoredVoteRow, for `SELECT … FROM votes v JOIN divisions d` with headings mh, nh. */
export const VOTE_ROW_SQL = `d.gid AS division_gid, d.number AS division_number, d.sitting_date::text AS sitting_date,
  d.type, mh.title AS major_heading, nh.title AS minor_heading, v.vote, v.name AS voter_name, v.member_id,
  v.person_id, v.person_name, v.party, v.constituency, d.url AS hansard_url, d.colnum`;

export const DIVISION_HEADINGS = `
  LEFT JOIN headings mh ON mh.gid = d.major_heading_gid
  LEFT JOIN headings nh ON nh.gid = d.minor_heading_gid`;

/**
 * Feeds whose divisions are of the whole chamber, so a member who sat that day and is not
 * in the list did not vote. A committee's divisions (Public Bill Committees, cited by
 * bill) list only the committee, so there absence says nothing.
 */
export const WHOLE_HOUSE_DIVISION_TYPES: readonly string[] = FEED_TYPES.filter(
  (t) => FEED_TYPE_REGISTRY[t].divisions && !('byBill' in FEED_TYPE_REGISTRY[t].citation),
);
