import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { MemberResolver, parsePeople } from '../../src/member/index.js';

const fixturePath = fileURLToPath(new URL('../fixtures/member/people.json', import.meta.url));

/** A fresh copy each time, so tests may corrupt it without affecting each other. */
export function fixtureJson(): {
  persons: unknown[];
  memberships: unknown[];
  organizations: unknown[];
  posts: unknown[];
} {
  return JSON.parse(readFileSync(fixturePath, 'utf8'));
}

export function fixtureResolver(): MemberResolver {
  return new MemberResolver(parsePeople(fixtureJson()).data);
}

export const person = (n: number): string => `uk.org.publicwhip/person/${n}`;
export const member = (n: number): string => `uk.org.publicwhip/member/${n}`;
export const lord = (n: number): string => `uk.org.publicwhip/lord/${n}`;
