import { flag, memberRef, optional } from './attrs.js';
import { readElementText, skipElement } from './inline-html.js';
import type { Issues } from './issues.js';
import { sittingTime } from './sitting-time.js';
import type { Place } from './speech.js';
import type { ParsedDivision, ParsedVote } from './types.js';
import { OPEN, TEXT, type Attributes, type XmlScanner } from './xml-scanner.js';

/** Attributes of a `divisioncount` that describe the division rather than count votes. */
const NOT_COUNTS = new Set(['id', 'divnumber', 'divdate', 'url', 'colnum', 'time', 'nospeaker']);
const COUNT = /^\d+$/;
const PERSON_PREFIX = 'uk.org.publicwhip/person/';

function addCounts(counts: Record<string, number>, attrs: Attributes, sc: XmlScanner, issues: Issues): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (NOT_COUNTS.has(name)) continue;
    const trimmed = value.trim();
    if (COUNT.test(trimmed)) counts[name] = Number(trimmed);
    else issues.warn(sc.start, `divisioncount@${name}`, `count "${value}" is not a whole number`);
  }
}

/** One `<mpname>`, `<lord>` or `<mspname>`; tellers' votes read `tellaye`, `tellno`, … */
function readVote(sc: XmlScanner, issues: Issues, listVote: string | null): ParsedVote | null {
  const attrs = sc.attributes();
  const at = sc.start;
  const element = sc.name;
  const name = readElementText(sc) || (optional(attrs, 'membername') ?? '');
  const vote = optional(attrs, 'vote') ?? listVote;
  if (vote === null) {
    issues.warn(at, `${element}@vote`, `vote of "${name}" not given; skipped`);
    return null;
  }
  const id = memberRef(attrs, 'id', issues, at, element) ?? memberRef(attrs, 'memberid', issues, at, element);
  // sp_2024's `<mspname id>` holds a person id, not a membership id as older lists do.
  const byPerson = id !== null && id.startsWith(PERSON_PREFIX);
  return {
    memberId: byPerson ? null : id,
    personId: byPerson ? id : memberRef(attrs, 'person_id', issues, at, element),
    name,
    vote: flag(attrs, 'teller') ? `tell${vote}` : vote,
  };
}

function readVoteList(sc: XmlScanner, issues: Issues, votes: ParsedVote[]): void {
  const listVote = optional(sc.attributes(), 'vote');
  for (let kind = sc.next(); kind === TEXT || kind === OPEN; kind = sc.next()) {
    if (kind !== OPEN) continue;
    const vote = readVote(sc, issues, listVote);
    if (vote !== null) votes.push(vote);
  }
}

/**
 * Children of a division: its counts and the vote lists (`mplist`, `lordlist`, `msplist`).
 * A `<divisioncount>` holds more of the same; it is counted, not recursed into, so nesting
 * cannot exhaust the stack.
 */
function readDivisionBody(sc: XmlScanner, issues: Issues, division: ParsedDivision): void {
  let counts = 0;
  for (let kind = sc.next(); ; kind = sc.next()) {
    if (kind === TEXT) continue;
    if (kind !== OPEN) {
      if (counts-- === 0) return;
      continue;
    }
    if (sc.name === 'divisioncount') {
      addCounts(division.counts, sc.attributes(), sc, issues);
      counts++;
    } else if (sc.name.endsWith('list')) readVoteList(sc, issues, division.votes);
    else {
      issues.warnOnce(
        `division:${sc.name}`,
        sc.start,
        `<${sc.name}>`,
        'unknown element in a division skipped',
      );
      skipElement(sc);
    }
  }
}

function emptyDivision(gid: string, attrs: Attributes, place: Place, time: string | null): ParsedDivision {
  return {
    gid,
    seq: place.seq,
    date: optional(attrs, 'divdate'),
    number: optional(attrs, 'divnumber'),
    colnum: optional(attrs, 'colnum'),
    time,
    url: optional(attrs, 'url'),
    majorHeadingGid: place.majorHeadingGid,
    minorHeadingGid: place.minorHeadingGid,
    counts: {},
    votes: [],
  };
}

/**
 * Reads a `<division>` at the current OPEN token — or, in standing committee files, a
 * top-level `<divisioncount>`, which is the whole division (id, number and counts as its
 * attributes, vote lists inside). Null when it has no id.
 */
export function readDivision(sc: XmlScanner, issues: Issues, place: Place): ParsedDivision | null {
  const attrs = sc.attributes();
  const gid = optional(attrs, 'id');
  if (gid === null) {
    issues.warn(sc.start, `${sc.name}@id`, `<${sc.name}> without an id skipped`);
    skipElement(sc);
    return null;
  }
  const time = sittingTime(attrs, issues, sc.start, sc.name, gid);
  const division = emptyDivision(gid, attrs, place, time);
  if (sc.name === 'divisioncount') addCounts(division.counts, attrs, sc, issues);
  readDivisionBody(sc, issues, division);
  return division;
}
