/**
 * Loading TheyWorkForYou's Popolo `members/people.json`. Pure: takes the parsed JSON, so
 * callers choose how to read the file. Tolerant: a bad record is reported with its JSON
 * path and skipped, and everything else still loads.
 */
import type { z } from 'zod';

import { lowerBound, upperBound } from './dates.js';
import { IssueLog, joinPath, type PeopleIssue } from './issues.js';
import { blankToNull, toPerson } from './persons.js';
import {
  rawMembership,
  rawOrganization,
  rawPerson,
  rawPost,
  type RawMembership,
  type RawPost,
} from './schema.js';
import type { Membership, Organization, PeopleData, PersonName, Post } from './types.js';

export type { PeopleIssue };

export interface ParsedPeople {
  data: PeopleData;
  issues: PeopleIssue[];
}

const SECTIONS = ['persons', 'memberships', 'organizations', 'posts'] as const;
type Section = (typeof SECTIONS)[number];

/** Each section's records, or null when the section is missing or not a list. */
function sections(json: unknown, log: IssueLog): Record<Section, unknown[] | null> {
  const out: Record<Section, unknown[] | null> = {
    persons: null,
    memberships: null,
    organizations: null,
    posts: null,
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    log.add('$', `expected an object with ${SECTIONS.join(', ')}`);
    return out;
  }
  const root = json as Record<string, unknown>;
  for (const key of SECTIONS) {
    const value = root[key];
    if (Array.isArray(value)) out[key] = value;
    else log.add(key, value === undefined ? 'required' : 'expected an array');
  }
  return out;
}

/** The ids of a loaded section; null for a missing one, which was reported once already. */
function idsOf(section: unknown[] | null, records: { id: string }[]): Set<string> | null {
  return section ? new Set(records.map((r) => r.id)) : null;
}

/**
 * Checks each record of a section, skipping invalid ones and repeated ids (the first
 * wins, as a later duplicate is more likely a merge accident than a correction).
 */
function eachRecord<S extends z.ZodType<{ id: string }>, T>(
  items: unknown[] | null,
  section: Section,
  schema: S,
  log: IssueLog,
  build: (raw: z.infer<S>, path: string) => T | null,
): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  (items ?? []).forEach((value, i) => {
    const path = joinPath(section, i);
    const raw = log.check(schema, value, path);
    if (!raw) return;
    if (seen.has(raw.id)) return log.add(joinPath(path, 'id'), `duplicate id '${raw.id}'`);
    seen.add(raw.id);
    const built = build(raw, path);
    if (built !== null) out.push(built);
  });
  return out;
}

function areaName(area: RawPost['area']): string | null {
  return typeof area === 'string' ? blankToNull(area) : blankToNull(area?.name);
}

function toPost(raw: RawPost, path: string, orgIds: Set<string> | null, log: IssueLog): Post {
  const organizationId = blankToNull(raw.organization_id);
  if (organizationId && orgIds && !orgIds.has(organizationId)) {
    log.add(joinPath(path, 'organization_id'), `unknown organization '${organizationId}'`);
  }
  return {
    id: raw.id,
    organizationId,
    area: areaName(raw.area) ?? blankToNull(raw.label),
    role: blankToNull(raw.role),
  };
}

interface Refs {
  personIds: Set<string> | null;
  orgIds: Set<string> | null;
  postIds: Set<string> | null;
  posts: Map<string, Post>;
}

function dangling(ref: string | null, known: Set<string> | null): ref is string {
  return ref !== null && known !== null && !known.has(ref);
}

/** Dangling party or post references are reported but kept: the membership still places the person. */
function reportDanglingRefs(raw: RawMembership, path: string, refs: Refs, log: IssueLog): void {
  for (const key of ['on_behalf_of_id', 'organization_id'] as const) {
    const ref = blankToNull(raw[key]);
    if (dangling(ref, refs.orgIds)) log.add(joinPath(path, key), `unknown organization '${ref}'`);
  }
  const postId = blankToNull(raw.post_id);
  if (dangling(postId, refs.postIds)) log.add(joinPath(path, 'post_id'), `unknown post '${postId}'`);
}

/** Without its person, or with an impossible term, a membership cannot place anyone. */
function acceptMembership(raw: RawMembership, path: string, refs: Refs, log: IssueLog): boolean {
  if (dangling(raw.person_id, refs.personIds)) {
    log.add(joinPath(path, 'person_id'), `unknown person '${raw.person_id}'`);
    return false;
  }
  reportDanglingRefs(raw, path, refs, log);
  if (lowerBound(blankToNull(raw.start_date)) > upperBound(blankToNull(raw.end_date))) {
    log.add(joinPath(path, 'end_date'), `before start_date (${raw.start_date} > ${raw.end_date})`);
    return false;
  }
  return true;
}

function toMembership(raw: RawMembership, refs: Refs): Membership {
  const postId = blankToNull(raw.post_id);
  return {
    id: raw.id,
    personId: raw.person_id,
    partyId: blankToNull(raw.on_behalf_of_id),
    postId,
    // Commons/devolved memberships name their house only through the post.
    organizationId:
      blankToNull(raw.organization_id) ?? (postId ? (refs.posts.get(postId)?.organizationId ?? null) : null),
    startDate: blankToNull(raw.start_date),
    endDate: blankToNull(raw.end_date),
    startReason: blankToNull(raw.start_reason),
    endReason: blankToNull(raw.end_reason),
  };
}

export function parsePeople(json: unknown, source?: string): ParsedPeople {
  const log = new IssueLog(source);
  const raw = sections(json, log);

  const organizations = eachRecord(raw.organizations, 'organizations', rawOrganization, log, (o) => ({
    id: o.id,
    name: o.name,
    classification: blankToNull(o.classification),
  })) satisfies Organization[];
  const orgIds = idsOf(raw.organizations, organizations);

  const posts = eachRecord(raw.posts, 'posts', rawPost, log, (p, path) => toPost(p, path, orgIds, log));

  const names: PersonName[] = [];
  const persons = eachRecord(raw.persons, 'persons', rawPerson, log, (p, path) => {
    const parsed = toPerson(p, path, log);
    names.push(...parsed.names);
    return parsed.person;
  });

  const refs: Refs = {
    personIds: idsOf(raw.persons, persons),
    orgIds,
    postIds: idsOf(raw.posts, posts),
    posts: new Map(posts.map((p) => [p.id, p])),
  };
  const memberships = eachRecord(raw.memberships, 'memberships', rawMembership, log, (m, path) =>
    acceptMembership(m, path, refs, log) ? toMembership(m, refs) : null,
  );

  return { data: { persons, names, memberships, organizations, posts }, issues: log.issues };
}
