import { describe, expect, it } from 'vitest';

import { diagnoseSpeaker, listUnresolvable } from '../../src/member/index.js';
import { fixtureResolver, lord, member, person } from './fixture.js';

const resolver = fixtureResolver();

describe('diagnoseSpeaker', () => {
  it('finds nothing wrong with an id valid on its date, or with no id at all', () => {
    expect(diagnoseSpeaker(resolver, { speakerId: member(2) }, '2009-10-26')).toBeNull();
    expect(diagnoseSpeaker(resolver, { personId: person(2) }, '2009-10-26')).toBeNull();
    expect(diagnoseSpeaker(resolver, { speakerId: 'unknown' }, '2009-10-26')).toBeNull();
    expect(diagnoseSpeaker(resolver, {}, '2009-10-26')).toBeNull();
  });

  it('names unknown ids as unresolved', () => {
    expect(diagnoseSpeaker(resolver, { speakerId: member(999) }, '2009-10-26')).toMatchObject({
      id: member(999),
      reason: 'unknown-speaker-id',
      resolved: false,
    });
    expect(diagnoseSpeaker(resolver, { personId: person(999) }, '2009-10-26')).toMatchObject({
      id: person(999),
      reason: 'unknown-person-id',
      resolved: false,
    });
  });

  it('warns about resolutions that had to guess', () => {
    expect(
      diagnoseSpeaker(resolver, { speakerId: member(999), personId: person(2) }, '2009-10-26'),
    ).toMatchObject({
      id: member(999),
      reason: 'unknown-speaker-id',
      resolved: true,
    });
    const outside = diagnoseSpeaker(resolver, { speakerId: lord(100003) }, '2010-01-01');
    expect(outside).toMatchObject({ id: lord(100003), reason: 'no-membership-on-date', resolved: true });
    expect(outside?.message).toContain(lord(100003));
    expect(diagnoseSpeaker(resolver, { personId: person(7) }, '2010-06-01')).toMatchObject({
      reason: 'no-memberships',
      resolved: true,
    });
  });

  it('does not flag a named membership that is replaced by another valid on the date', () => {
    expect(diagnoseSpeaker(resolver, { speakerId: member(3) }, '2008-01-10')).toBeNull();
  });
});

describe('listUnresolvable', () => {
  it('lists each problem id once, with the first date and a count', () => {
    const refs = [
      { speakerId: member(1), date: '2003-01-01' },
      { speakerId: member(999), date: '2009-10-26' },
      { speakerId: 'unknown', date: '2009-10-26' },
      { speakerId: member(999), date: '2009-10-27' },
      { personId: person(999), date: '2009-10-28' },
    ];
    expect(listUnresolvable(resolver, refs)).toEqual([
      {
        id: member(999),
        reason: 'unknown-speaker-id',
        resolved: false,
        message: `${member(999)} is not in people.json`,
        firstDate: '2009-10-26',
        count: 2,
      },
      {
        id: person(999),
        reason: 'unknown-person-id',
        resolved: false,
        message: `${person(999)} is not in people.json`,
        firstDate: '2009-10-28',
        count: 1,
      },
    ]);
  });
});
