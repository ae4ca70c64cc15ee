/**
 * Reading divisions and votes back: one division with its counts and every vote, and a
 * person's votes newest first (keyset paged), each vote with the person and party the
 * member data give for the division's date (resolved at ingest, migration 018).
 */
import { citation } from '../export/citation.js';
import { twfyUrl } from '../parliament/index.js';
import { currentGid } from '../speech/redirects.js';
import type { Queryable } from '../store/db.js';
import {
  buildVoteRow,
  DIVISION_HEADINGS,
  DIVISION_HOUSE,
  VOTE_ROW_SQL,
  type StoredVoteRow,
  type VoteRow,
} from './vote-row.js';

export interface DivisionVote {
  seq: number;
  vote: string;
  /** As the division list prints the voter. */
  voterName: string;
  memberId: string | null;
  personId: string | null;
  personName: string | null;
  membershipId: string | null;
  party: string | null;
  constituency: string | null;
  house: string | null;
}

export interface Division {
  gid: string;
  type: string;
  house: string | null;
  sittingDate: string;
  number: string | null;
  time: string | null;
  colnum: string | null;
  majorHeading: string | null;
  minorHeading: string | null;
  /** Totals as the feed states them, e.g. `{ ayes: 158, noes: 246, tellerayes: 2, tellernoes: 2 }`. */
  counts: Record<string, number>;
  /** Votes listed, per vote value (tellers under `tellaye`, …). */
  tally: Record<string, number>;
  /** How many votes resolve to a person, and to a party at the date. */
  resolved: { votes: number; withPerson: number; withParty: number };
  hansardUrl: string | null;
  twfyUrl: string | null;
  citation: string;
  votes: DivisionVote[];
}

interface DivisionRow {
  gid: string;
  type: string;
  sitting_date: string;
  number: string | null;
  time: string | null;
  colnum: string | null;
  url: string | null;
  major_heading: string | null;
  minor_heading: string | null;
  counts: Record<string, number>;
}

interface VoteDbRow {
  seq: number;
  vote: string;
  name: string;
  member_id: string | null;
  person_id: string | null;
  person_name: string | null;
  membership_id: string | null;
  party: string | null;
  constituency: string | null;
  house: string | null;
}

/** Where a page of a person's votes ends: the next page is strictly older. */
export interface VotePageKey {
  sittingDate: string;
  divisionGid: string;
  seq: number;
}

export interface VotePage {
  results: VoteRow[];
  nextCursor: string | null;
}

export function encodeVoteCursor(k: VotePageKey): string {
  return Buffer.from(JSON.stringify([k.sittingDate, k.divisionGid, k.seq]), 'utf8').toString('base64url');
}

/** The key inside a cursor, or null when it is not one this server made. */
export function decodeVoteCursor(cursor: string): VotePageKey | null {
  if (cursor.length > 400 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 3) return null;
    const [sittingDate, divisionGid, seq] = v as unknown[];
    if (typeof sittingDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(sittingDate)) return null;
    if (typeof divisionGid !== 'string' || divisionGid.length === 0 || divisionGid.length > 200) return null;
    if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0) return null;
    return { sittingDate, divisionGid, seq };
  } catch {
    return null;
  }
}

export interface PersonVoteOptions {
  limit: number;
  cursor?: VotePageKey | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export class DivisionRepository {
  constructor(private readonly db: Queryable) {}

  /** Follows gid redirects (a revised day's divisions are renumbered too); null when unknown. */
  async resolveGid(gid: string): Promise<string | null> {
    return currentGid(this.db, 'divisions', gid);
  }

  async get(gid: string): Promise<Division | null> {
    const rows = await this.db.query<DivisionRow>(
      `SELECT d.gid, d.type, d.sitting_date::text AS sitting_date, d.number, d.time, d.colnum, d.url,
              mh.title AS major_heading, nh.title AS minor_heading, d.counts
         FROM divisions d ${DIVISION_HEADINGS} WHERE d.gid = $1`,
      [gid],
    );
    const d = rows[0];
    if (!d) return null;
    const votes = await this.db.query<VoteDbRow>(
      `SELECT seq, vote, name, member_id, person_id, person_name, membership_id, party, constituency, house
         FROM votes WHERE division_gid = $1 ORDER BY seq`,
      [gid],
    );
    const tally: Record<string, number> = {};
    for (const v of votes) tally[v.vote] = (tally[v.vote] ?? 0) + 1;
    return {
      gid: d.gid,
      type: d.type,
      house: DIVISION_HOUSE[d.type] ?? null,
      sittingDate: d.sitting_date,
      number: d.number,
      time: d.time,
      colnum: d.colnum,
      majorHeading: d.major_heading,
      minorHeading: d.minor_heading,
      counts: d.counts,
      tally,
      resolved: {
        votes: votes.length,
        withPerson: votes.filter((v) => v.person_id !== null).length,
        withParty: votes.filter((v) => v.party !== null).length,
      },
      hansardUrl: d.url,
      twfyUrl: twfyUrl(d.gid),
      citation: citation({ type: d.type, sitting_date: d.sitting_date, colnum: d.colnum, gid: d.gid }),
      votes: votes.map((v) => ({
        seq: v.seq,
        vote: v.vote,
        voterName: v.name,
        memberId: v.member_id,
        personId: v.person_id,
        personName: v.person_name,
        membershipId: v.membership_id,
        party: v.party,
        constituency: v.constituency,
        house: v.house,
      })),
    };
  }

  /** A person's votes, newest division first; one more row is read to know whether a page follows. */
  async personVotes(personId: string, o: PersonVoteOptions): Promise<VotePage> {
    const values: unknown[] = [personId, o.limit + 1];
    const where = ['v.person_id = $1'];
    const add = (value: unknown): string => `$${values.push(value)}`;
    if (o.from) where.push(`d.sitting_date >= ${add(o.from)}::date`);
    if (o.to) where.push(`d.sitting_date <= ${add(o.to)}::date`);
    if (o.cursor)
      where.push(
        `(d.sitting_date, d.gid, v.seq) < (${add(o.cursor.sittingDate)}::date, ${add(o.cursor.divisionGid)}, ${add(o.cursor.seq)}::int)`,
      );
    const rows = await this.db.query<StoredVoteRow & { seq: number }>(
      `SELECT ${VOTE_ROW_SQL}, v.seq
         FROM votes v JOIN divisions d ON d.gid = v.division_gid ${DIVISION_HEADINGS}
        WHERE ${where.join(' AND ')}
        ORDER BY d.sitting_date DESC, d.gid DESC, v.seq DESC LIMIT $2`,
      values,
    );
    const page = rows.slice(0, o.limit);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > o.limit && last
        ? encodeVoteCursor({ sittingDate: last.sitting_date, divisionGid: last.division_gid, seq: last.seq })
        : null;
    return { results: page.map(({ seq: _seq, ...r }) => buildVoteRow(r)), nextCursor };
  }
}
