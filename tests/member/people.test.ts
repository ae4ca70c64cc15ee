import { describe, expect, it } from 'vitest';

import { parsePeople } from '../../src/member/index.js';
import { fixtureJson, member, person } from './fixture.js';

describe('parsePeople', () => {
  it('loads the fixture without issues', () => {
    const { data, issues } = parsePeople(fixtureJson());
    expect(issues).toEqual([]);
    expect(data.persons).toHaveLength(7);
    expect(data.memberships).toHaveLength(10);
    expect(data.organizations).toHaveLength(8);
    expect(data.posts).toHaveLength(5);
  });

  it('builds display names the way TheyWorkForYou shows them', () => {
    const { data } = parsePeople(fixtureJson());
    const names = Object.fromEntries(data.persons.map((p) => [p.id, p.name]));
    expect(names[person(1)]).toBe('Jane Smith');
    expect(names[person(3)]).toBe('Lord Brown of Little Snoring');
    expect(names[person(4)]).toBe('Baroness Green');
    expect(names[person(5)]).toBe('The Bishop of Barchester');
  });

  it('keeps every name with its parts, note, position and partial dates', () => {
    const { data } = parsePeople(fixtureJson());
    const doe = data.names.filter((n) => n.personId === person(1));
    expect(doe.map((n) => [n.seq, n.note, n.display])).toEqual([
      [0, 'Main', 'Jane Doe'],
      [1, 'Main', 'Jane Smith'],
      [2, 'Alternate', 'Janey Smith'],
    ]);
    const brown = data.names.find((n) => n.personId === person(3) && n.lordName);
    expect(brown).toMatchObject({
      honorificPrefix: 'Lord',
      lordName: 'Brown',
      lordOfName: 'Little Snoring',
      givenName: 'Alan',
      familyName: null,
      startDate: '2001',
      endDate: null,
    });
  });

  it('reads identifiers by scheme', () => {
    const { data } = parsePeople(fixtureJson());
    expect(data.persons[0]?.identifiers).toEqual({ datadotparl_id: '9001' });
  });

  it('takes the house of a Commons membership from its post', () => {
    const { data } = parsePeople(fixtureJson());
    const byId = new Map(data.memberships.map((m) => [m.id, m]));
    expect(byId.get(member(1))?.organizationId).toBe('house-of-commons');
    expect(byId.get(member(90001))?.organizationId).toBe('northern-ireland-assembly');
  });

  it('reports bad records by JSON path and field, and loads the rest', () => {
    const json = fixtureJson();
    json.memberships.push(
      { id: 'uk.org.publicwhip/member/50', start_date: '2005-05-05' },
      { id: 'uk.org.publicwhip/member/51', person_id: person(99), start_date: '2005-05-05' },
      { id: member(1), person_id: person(1) },
      { id: 'uk.org.publicwhip/member/52', person_id: person(1), start_date: '2005', end_date: '2004-12-31' },
      {
        id: 'uk.org.publicwhip/member/53',
        person_id: person(1),
        on_behalf_of_id: 'purple',
        start_date: '2001/06/07',
      },
      {
        id: 'uk.org.publicwhip/member/54',
        person_id: person(1),
        on_behalf_of_id: 'purple',
        post_id: 'nowhere',
      },
    );
    json.persons.push(
      { id: 42, other_names: [] },
      {
        id: person(8),
        other_names: [
          { note: 'Main', given_name: 'Ann', family_name: 'Bee', start_date: 1957 },
          { note: 'Main' },
        ],
      },
    );
    json.organizations.push({ id: 'nameless' });
    json.posts.push({
      id: 'uk.org.publicwhip/cons/9',
      organization_id: 'house-of-keys',
      area: { name: 'Douglas' },
    });

    const { data, issues } = parsePeople(json, 'people.json');
    const lines = issues.map((i) => `${i.path}: ${i.message}`);
    expect(lines).toEqual([
      'organizations[8].name: required',
      "posts[5].organization_id: unknown organization 'house-of-keys'",
      'persons[7].id: expected string, got number',
      'persons[8].other_names[0].start_date: expected string, got number',
      'persons[8].other_names[1]: no name parts',
      'memberships[10].person_id: required',
      "memberships[11].person_id: unknown person 'uk.org.publicwhip/person/99'",
      "memberships[12].id: duplicate id 'uk.org.publicwhip/member/1'",
      'memberships[13].end_date: before start_date (2005 > 2004-12-31)',
      'memberships[14].start_date: expected a date YYYY[-MM[-DD]]',
      "memberships[15].on_behalf_of_id: unknown organization 'purple'",
      "memberships[15].post_id: unknown post 'nowhere'",
    ]);
    expect(issues.every((i) => i.source === 'people.json')).toBe(true);

    // A person whose names are all bad still loads, under the id.
    expect(data.persons.map((p) => p.id)).toContain(person(8));
    expect(data.persons).toHaveLength(8);
    // Dangling party/post references are kept; invalid memberships are not.
    expect(data.memberships.map((m) => m.id).slice(10)).toEqual(['uk.org.publicwhip/member/54']);
    expect(data.organizations).toHaveLength(8);
    expect(data.posts).toHaveLength(6);
  });

  it('reports a missing or malformed section and loads the others', () => {
    const json: Record<string, unknown> = fixtureJson();
    delete json.posts;
    json.organizations = {};
    const { data, issues } = parsePeople(json);
    expect(issues).toEqual([
      { path: 'organizations', message: 'expected an array' },
      { path: 'posts', message: 'required' },
    ]);
    expect(data.persons).toHaveLength(7);
    expect(data.memberships.length).toBeGreaterThan(0);
  });

  it('reports a document that is not an object', () => {
    const { data, issues } = parsePeople([]);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('$');
    expect(data.persons).toEqual([]);
  });
});
