import { describe, expect, it } from 'vitest';

import { MemberResolver, parsePeople } from '../../src/member/index.js';
import { fixtureJson, fixtureResolver, lord, member, person } from './fixture.js';

const resolver = fixtureResolver();

describe('MemberResolver.resolve', () => {
  it('fills party, seat, house and name from the membership named', () => {
    expect(resolver.resolve({ speakerId: member(1) }, '2003-02-10')).toEqual({
      personId: person(1),
      membershipId: member(1),
      name: 'Jane Doe',
      house: 'house-of-commons',
      partyId: 'red',
      party: 'Red Party',
      constituency: 'Northtown',
    });
  });

  it('gives the party at the time, not the latest', () => {
    expect(resolver.resolve({ speakerId: member(3) }, '2006-01-10')).toMatchObject({
      membershipId: member(3),
      party: 'Blue Party',
    });
    expect(resolver.resolve({ speakerId: member(4) }, '2008-01-10')).toMatchObject({
      membershipId: member(4),
      party: 'Red Party',
    });
  });

  it('moves to the membership valid on the date when the named one has ended or not begun', () => {
    // A file still citing the pre-defection membership after the defection.
    expect(resolver.resolve({ speakerId: member(3) }, '2008-01-10')).toMatchObject({
      membershipId: member(4),
      party: 'Red Party',
    });
    expect(resolver.resolve({ speakerId: member(4) }, '2007-06-26')).toMatchObject({
      membershipId: member(3),
      party: 'Blue Party',
    });
  });

  it('gives the seat at the time', () => {
    expect(resolver.resolve({ speakerId: member(1) }, '2004-01-01')?.constituency).toBe('Northtown');
    expect(resolver.resolve({ speakerId: member(2) }, '2009-10-26')?.constituency).toBe('Southtown');
    expect(resolver.resolve({ personId: person(1) }, '2004-01-01')?.constituency).toBe('Northtown');
  });

  it('gives the name in use on the date', () => {
    expect(resolver.resolve({ speakerId: member(2) }, '2006-03-31')?.name).toBe('Jane Doe');
    expect(resolver.resolve({ speakerId: member(2) }, '2006-04-01')?.name).toBe('Jane Smith');
  });

  it('resolves peers to their title and the Lords', () => {
    expect(resolver.resolve({ speakerId: lord(100001) }, '2009-10-26')).toEqual({
      personId: person(3),
      membershipId: lord(100001),
      name: 'Lord Brown of Little Snoring',
      house: 'house-of-lords',
      partyId: 'crossbench',
      party: 'Crossbench',
      constituency: null,
    });
    expect(resolver.resolve({ speakerId: lord(100002) }, '2009-10-26')?.name).toBe('Baroness Green');
    expect(resolver.resolve({ speakerId: lord(100003) }, '2005-06-01')?.name).toBe(
      'The Bishop of Barchester',
    );
  });

  it('reads partial dates as the whole period they name', () => {
    // "2001" starts on the first day of 2001, overlapping the Commons term ending in May;
    // with no hint the more recently begun membership is taken.
    expect(resolver.resolve({ personId: person(3) }, '2001-01-01')).toMatchObject({
      membershipId: lord(100001),
      name: 'Lord Brown of Little Snoring',
    });
    expect(resolver.resolve({ personId: person(3) }, '2000-12-31')?.membershipId).toBe(member(5));
    const hinted = resolver.resolve({ personId: person(3), house: 'house-of-commons' }, '2001-01-01');
    expect(hinted).toMatchObject({ membershipId: member(5), name: 'Alan Brown' });
    expect(resolver.resolve({ personId: person(3) }, '2001-05-15')?.membershipId).toBe(lord(100001));
    expect(resolver.resolve({ speakerId: lord(100003) }, '1999-01-01')?.membershipId).toBe(lord(100003));
    // "2008" as an end date runs to the last day of 2008.
    const lastDay = resolver.resolve({ speakerId: lord(100003) }, '2008-12-31');
    expect(lastDay).toMatchObject({ membershipId: lord(100003), party: 'Bishop' });
  });

  it('resolves a person id to the membership valid on the date', () => {
    expect(resolver.resolve({ personId: person(2) }, '2006-01-10')?.membershipId).toBe(member(3));
    expect(resolver.resolve({ personId: person(2) }, '2009-10-26')?.membershipId).toBe(member(4));
    expect(resolver.resolve({ personId: person(3) }, '1999-11-11')).toMatchObject({
      membershipId: member(5),
      name: 'Alan Brown',
      house: 'house-of-commons',
    });
  });

  it('prefers the hinted house when a person sits in two at once', () => {
    const mla = resolver.resolve({ personId: person(6), house: 'northern-ireland-assembly' }, '2009-10-12');
    const mp = resolver.resolve({ personId: person(6), house: 'house-of-commons' }, '2009-10-12');
    expect(mla?.membershipId).toBe(member(90001));
    expect(mp?.membershipId).toBe(member(6));
    // The membership named wins over the hint.
    const named = resolver.resolve({ speakerId: member(90001), house: 'house-of-commons' }, '2009-10-12');
    expect(named?.membershipId).toBe(member(90001));
  });

  it('takes the nearest membership, in the named one’s house, for a date none covers', () => {
    expect(resolver.resolve({ speakerId: member(1) }, '2005-04-20')?.membershipId).toBe(member(1));
    expect(resolver.resolve({ speakerId: member(1) }, '2005-05-01')?.membershipId).toBe(member(2));
    expect(resolver.resolve({ speakerId: member(5) }, '1990-01-01')?.membershipId).toBe(member(5));
    expect(resolver.resolve({ speakerId: lord(100003) }, '2010-01-01')).toMatchObject({
      personId: person(5),
      membershipId: lord(100003),
      name: 'The Bishop of Barchester',
    });
  });

  it('resolves a person without memberships by name alone', () => {
    expect(resolver.resolve({ personId: person(7) }, '2010-06-01')).toEqual({
      personId: person(7),
      membershipId: null,
      name: 'Nora Vance',
      house: null,
      partyId: null,
      party: null,
      constituency: null,
    });
  });

  it('returns null only for unknown ids', () => {
    expect(resolver.resolve({ speakerId: member(999) }, '2009-10-26')).toBeNull();
    expect(resolver.resolve({ personId: person(999) }, '2009-10-26')).toBeNull();
    expect(resolver.resolve({ speakerId: 'unknown' }, '2009-10-26')).toBeNull();
    expect(resolver.resolve({}, '2009-10-26')).toBeNull();
    expect(resolver.resolve({ speakerId: null, personId: null }, '2009-10-26')).toBeNull();
  });

  it('falls back to the person id when the membership id is unknown', () => {
    const r = resolver.resolve({ speakerId: member(999), personId: person(2) }, '2009-10-26');
    expect(r?.membershipId).toBe(member(4));
  });

  it('accepts a timestamp as the date', () => {
    expect(resolver.resolve({ speakerId: member(3) }, '2007-06-26T23:00:00Z')?.membershipId).toBe(member(3));
  });

  it('leaves party null when the party organisation is missing', () => {
    const json = fixtureJson();
    json.organizations = json.organizations.filter((o) => (o as { id: string }).id !== 'blue');
    const r = new MemberResolver(parsePeople(json).data).resolve({ speakerId: member(3) }, '2006-01-01');
    expect(r).toMatchObject({ partyId: 'blue', party: null });
  });
});
