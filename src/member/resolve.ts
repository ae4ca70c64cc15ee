/**
 * Speaker resolution: a membership or person id plus a sitting date, to the person and
 * the membership (party, seat, house, name) valid on that date. Everything a lookup needs
 * is indexed up front, since ingest calls this once per speech.
 */
import { dayOf, gapInDays, lowerBound, upperBound } from './dates.js';
import { mainNames } from './names.js';
import type { Membership, PeopleData, Person, PersonName, ResolvedSpeaker } from './types.js';

export interface SpeakerRef {
  /** Membership id as older files carry it: `uk.org.publicwhip/member/N`, `…/lord/N`. */
  speakerId?: string | null;
  /** Person id as files from about 2014 carry it: `uk.org.publicwhip/person/N`. */
  personId?: string | null;
  /** House organization id (`house-of-commons`, …) to prefer when several memberships fit. */
  house?: string | null;
}

/** A membership with everything a result needs already looked up. */
interface Seat {
  membership: Membership;
  lo: string;
  hi: string;
  house: string | null;
  party: string | null;
  constituency: string | null;
}

interface DatedName {
  name: PersonName;
  lo: string;
  hi: string;
}

/** Where a reference led: the person, and the membership chosen for the date. */
export interface Located {
  personId: string;
  membership: Membership | null;
  /** Whether the chosen membership covers the date (false: the nearest one was taken). */
  onDate: boolean;
  /** Whether a speakerId was given but is not a known membership. */
  unknownSpeakerId: boolean;
}

interface Choice {
  personId: string;
  seat: Seat | null;
  onDate: boolean;
  unknownSpeakerId: boolean;
}

function covers(p: { lo: string; hi: string }, day: string): boolean {
  return p.lo <= day && day <= p.hi;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Among several fitting memberships: the hinted house first, then the most recently begun. */
function better(a: Seat, b: Seat, house: string | null): boolean {
  const aHouse = house !== null && a.house === house;
  const bHouse = house !== null && b.house === house;
  if (aHouse !== bHouse) return aHouse;
  return a.lo > b.lo;
}

function indexSeats(data: PeopleData): Map<string, Seat> {
  const orgs = new Map(data.organizations.map((o) => [o.id, o]));
  const posts = new Map(data.posts.map((p) => [p.id, p]));
  const seats = new Map<string, Seat>();
  for (const m of data.memberships) {
    const post = m.postId ? posts.get(m.postId) : undefined;
    seats.set(m.id, {
      membership: m,
      lo: lowerBound(m.startDate),
      hi: upperBound(m.endDate),
      house: m.organizationId ?? post?.organizationId ?? null,
      party: m.partyId ? (orgs.get(m.partyId)?.name ?? null) : null,
      constituency: post?.area ?? null,
    });
  }
  return seats;
}

function indexNames(names: PersonName[]): Map<string, DatedName[]> {
  const dated = (name: PersonName): DatedName => ({
    name,
    lo: lowerBound(name.startDate),
    hi: upperBound(name.endDate),
  });
  return new Map([...groupBy(names, (n) => n.personId)].map(([id, own]) => [id, mainNames(own).map(dated)]));
}

export class MemberResolver {
  private readonly persons: Map<string, Person>;
  private readonly seats: Map<string, Seat>;
  private readonly seatsByPerson: Map<string, Seat[]>;
  private readonly namesByPerson: Map<string, DatedName[]>;

  constructor(data: PeopleData) {
    this.persons = new Map(data.persons.map((p) => [p.id, p]));
    this.seats = indexSeats(data);
    this.seatsByPerson = groupBy([...this.seats.values()], (s) => s.membership.personId);
    this.namesByPerson = indexNames(data.names);
  }

  person(personId: string): Person | undefined {
    return this.persons.get(personId);
  }

  membership(membershipId: string): Membership | undefined {
    return this.seats.get(membershipId)?.membership;
  }

  /** The person and membership a speech's ids resolve to on a date; null only for unknown ids. */
  resolve(ref: SpeakerRef, date: string): ResolvedSpeaker | null {
    const day = dayOf(date);
    const choice = this.choose(ref, day);
    if (!choice) return null;
    const { personId, seat } = choice;
    return {
      personId,
      membershipId: seat?.membership.id ?? null,
      name: this.nameOn(personId, seat, day),
      house: seat?.house ?? null,
      partyId: seat?.membership.partyId ?? null,
      party: seat?.party ?? null,
      constituency: seat?.constituency ?? null,
    };
  }

  /** How a reference resolves, for reporting ids that do not fit their date. */
  locate(ref: SpeakerRef, date: string): Located | null {
    const choice = this.choose(ref, dayOf(date));
    if (!choice) return null;
    const { seat, ...rest } = choice;
    return { ...rest, membership: seat?.membership ?? null };
  }

  private choose(ref: SpeakerRef, day: string): Choice | null {
    const named = ref.speakerId ? this.seats.get(ref.speakerId) : undefined;
    const unknownSpeakerId = !!ref.speakerId && !named;
    if (named && covers(named, day)) {
      return { personId: named.membership.personId, seat: named, onDate: true, unknownSpeakerId };
    }
    const personId = named?.membership.personId ?? this.knownPerson(ref.personId);
    if (!personId) return null;
    const house = ref.house ?? named?.house ?? null;
    const seats = this.seatsByPerson.get(personId) ?? [];
    const onDate = this.fitting(seats, day, house);
    if (onDate) return { personId, seat: onDate, onDate: true, unknownSpeakerId };
    return { personId, seat: this.nearest(seats, day, house), onDate: false, unknownSpeakerId };
  }

  private knownPerson(personId: string | null | undefined): string | null {
    if (!personId) return null;
    return this.persons.has(personId) || this.seatsByPerson.has(personId) ? personId : null;
  }

  private fitting(seats: Seat[], day: string, house: string | null): Seat | null {
    let best: Seat | null = null;
    for (const s of seats) {
      if (covers(s, day) && (!best || better(s, best, house))) best = s;
    }
    return best;
  }

  /** The closest membership in time, for a date that falls between or beyond them. */
  private nearest(seats: Seat[], day: string, house: string | null): Seat | null {
    let best: Seat | null = null;
    let bestGap = Infinity;
    for (const s of seats) {
      const gap = gapInDays(day, s.lo, s.hi);
      if (gap < bestGap || (gap === bestGap && best && better(s, best, house))) {
        best = s;
        bestGap = gap;
      }
    }
    return best;
  }

  /**
   * The name in use on the day. Where names overlap (someone sitting in two houses), the
   * one recorded for the chosen membership's term wins, then the most recently adopted.
   */
  private nameOn(personId: string, seat: Seat | null, day: string): string {
    const names = this.namesByPerson.get(personId) ?? [];
    let best: DatedName | null = null;
    let bestScore = -1;
    for (const n of names) {
      if (!covers(n, day)) continue;
      const score = seat && n.lo === seat.lo && n.hi === seat.hi ? 1 : 0;
      if (score > bestScore || (score === bestScore && best && n.lo >= best.lo)) {
        best = n;
        bestScore = score;
      }
    }
    return (
      (best ?? this.nearestName(names, day))?.name.display ?? this.persons.get(personId)?.name ?? personId
    );
  }

  private nearestName(names: DatedName[], day: string): DatedName | null {
    let best: DatedName | null = null;
    let bestGap = Infinity;
    for (const n of names) {
      const gap = gapInDays(day, n.lo, n.hi);
      if (gap < bestGap) {
        best = n;
        bestGap = gap;
      }
    }
    return best;
  }
}
