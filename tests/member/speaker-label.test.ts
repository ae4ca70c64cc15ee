import { describe, expect, it } from 'vitest';
import { officeConflict, officeOf, speakerLabel } from '../../src/member/index.js';
import { speakerLine } from '../../src/web/pages/components.js';

/** Printed forms from the October 2009 week, with what the member data give on the date. */
const facts = (
  speakerName: string | null,
  personName: string | null,
  party: string | null,
  seat: string | null,
) => ({
  speakerName,
  personName,
  party,
  constituency: seat,
});

describe('speakerLabel', () => {
  it('names an office-holder by the person, keeping the printed office', () => {
    expect(
      speakerLabel(facts('The First Minister', 'Alex Salmond', 'Scottish National Party', 'Gordon')),
    ).toEqual({
      shown: 'The First Minister',
      office: 'The First Minister',
      name: 'Alex Salmond',
      party: 'Scottish National Party',
      seat: 'Gordon',
      affiliation: 'Scottish National Party, Gordon',
      label: 'Alex Salmond (Scottish National Party, Gordon)',
    });
    expect(speakerLabel(facts('Mr. Speaker', 'John Bercow', 'Speaker', 'Buckingham'))).toMatchObject({
      office: 'Mr. Speaker',
      label: 'John Bercow (Speaker, Buckingham)',
    });
    expect(
      speakerLabel(facts('The Deputy Presiding Officer', 'Trish Godman', 'Labour', 'West Renfrewshire')),
    ).toMatchObject({ office: 'The Deputy Presiding Officer', name: 'Trish Godman' });
  });

  it('reads "Office (Name)" as the office, and leaves out a party of None', () => {
    const l = speakerLabel(
      facts(
        'The Presiding Officer (Alex Fergusson)',
        'Alex Fergusson',
        'None',
        'Galloway and Upper Nithsdale',
      ),
    );
    expect(l).toMatchObject({
      office: 'The Presiding Officer',
      label: 'Alex Fergusson (Galloway and Upper Nithsdale)',
    });
    expect(
      officeOf(
        'The Minister for Culture, External Affairs and the Constitution (Michael Russell)',
        'Michael Russell',
      ),
    ).toBe('The Minister for Culture, External Affairs and the Constitution');
  });

  it('builds the label from the membership, never repeating printed seat and party', () => {
    const l = speakerLabel(
      facts(
        'Stuart McMillan (West of Scotland) (SNP)',
        'Stuart McMillan',
        'Scottish National Party',
        'West of Scotland',
      ),
    );
    expect(l.office).toBeNull();
    expect(l.label).toBe('Stuart McMillan (Scottish National Party, West of Scotland)');
    expect(l.label?.split('West of Scotland')).toHaveLength(2);
    // Unresolved: the printed name without its brackets, and no affiliation to guess.
    expect(speakerLabel(facts('Stuart McMillan (West of Scotland) (SNP)', null, null, null)).label).toBe(
      'Stuart McMillan',
    );
  });

  it('treats short and titled forms of the same person as names, not offices', () => {
    expect(officeOf('Dr Simpson', 'Richard Simpson')).toBeNull();
    expect(officeOf('Ms Alexander', 'Wendy Alexander')).toBeNull();
    expect(officeOf('The Lord Bishop of Ripon and Leeds', 'The Bishop of Ripon and Leeds')).toBeNull();
    expect(officeOf('Earl of Onslow', 'The Earl of Onslow')).toBeNull();
    expect(officeOf('Meg Hillier', null)).toBeNull();
  });

  it('shows an office nobody is known to hold as the office alone', () => {
    expect(speakerLabel(facts('Mr Deputy Speaker', null, null, null))).toMatchObject({
      office: 'Mr Deputy Speaker',
      name: null,
      label: 'Mr Deputy Speaker',
    });
    expect(speakerLabel(facts(null, null, null, null)).label).toBeNull();
  });

  it('is what the pages print', () => {
    const line = String(
      speakerLine({
        ...facts(
          'Stuart McMillan (West of Scotland) (SNP)',
          'Stuart McMillan',
          'Scottish National Party',
          'West of Scotland',
        ),
        personId: 'uk.org.publicwhip/person/14065',
      }),
    );
    expect(line.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ')).toBe(
      'Stuart McMillan (Scottish National Party, West of Scotland)',
    );
    const office = String(
      speakerLine({
        ...facts('The First Minister', 'Alex Salmond', 'Scottish National Party', 'Gordon'),
        personId: 'x',
      }),
    );
    expect(office.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ')).toBe(
      'The First Minister · Alex Salmond (Scottish National Party, Gordon)',
    );
  });
});

describe('officeConflict', () => {
  it("refuses a Deputy Speaker printed with the Speaker's own membership, and the reverse", () => {
    expect(officeConflict('Mr Deputy Speaker', 'speaker')).toMatch(/deputy is not identified/);
    expect(officeConflict('Mr. Speaker', 'deputy-speaker')).toMatch(/Deputy Speaker's membership/);
    expect(officeConflict('Mr. Deputy Speaker', 'deputy-speaker')).toBeNull();
    expect(officeConflict('Mr Speaker', 'speaker')).toBeNull();
    expect(officeConflict('Meg Hillier', 'labour')).toBeNull();
  });
});
