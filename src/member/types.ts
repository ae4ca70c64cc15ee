/**
 * Members of the legislatures as the Popolo `members/people.json` describes them, and
 * what a speech resolves to. Pure data; loading and resolution live beside this file.
 */

export interface PersonName {
  personId: string;
  /** Position in the person's `other_names`, from 0. */
  seq: number;
  note: string | null;
  /** Display form, e.g. "Diane Abbott" or "Baroness Hollis of Heigham". */
  display: string;
  givenName: string | null;
  familyName: string | null;
  honorificPrefix: string | null;
  lordName: string | null;
  lordOfName: string | null;
  startDate: string | null;
  endDate: string | null;
}

export interface Person {
  id: string;
  /** The person's current name as display text. */
  name: string;
  /** Other identifiers (e.g. `datadotparl_id`) keyed by scheme. */
  identifiers: Record<string, string>;
}

export interface Membership {
  /** e.g. `uk.org.publicwhip/member/1`, `uk.org.publicwhip/lord/100001`. */
  id: string;
  personId: string;
  /** Party organisation id (`labour`) or null. */
  partyId: string | null;
  postId: string | null;
  /** House organisation id (`house-of-commons`, `house-of-lords`, `scottish-parliament`, …). */
  organizationId: string | null;
  /** ISO dates; Popolo allows partial dates (`1957`), kept as given. */
  startDate: string | null;
  endDate: string | null;
  startReason: string | null;
  endReason: string | null;
}

export interface Organization {
  id: string;
  name: string;
  classification: string | null;
}

export interface Post {
  id: string;
  organizationId: string | null;
  /** Constituency or region name. */
  area: string | null;
  role: string | null;
}

export interface PeopleData {
  persons: Person[];
  names: PersonName[];
  memberships: Membership[];
  organizations: Organization[];
  posts: Post[];
}

/** What a speaker id resolves to on a given sitting date. */
export interface ResolvedSpeaker {
  personId: string;
  /** The membership valid on the date (may differ from the id given in the file). */
  membershipId: string | null;
  /** Name as it was on the date. */
  name: string;
  house: string | null;
  partyId: string | null;
  party: string | null;
  constituency: string | null;
}
