import { describe, expect, it } from 'vitest';
import { normaliseTime } from '../../src/debate/sitting-time.js';
import { displayTime, displayTitle } from '../../src/web/pages/labels.js';
import { partyName, roleText } from '../../src/web/pages/person-header.js';
import { voteLabel } from '../../src/web/pages/person-votes.js';

describe('headings in title case', () => {
  it('recases upper-case titles and keeps acronyms, numerals and minor words sensible', () => {
    expect(displayTitle('ENVIRONMENT, FOOD AND RURAL AFFAIRS')).toBe('Environment, Food and Rural Affairs');
    expect(displayTitle('REGIONAL SELECT COMMITTEE (YORKSHIRE AND THE HUMBER)')).toBe(
      'Regional Select Committee (Yorkshire and the Humber)',
    );
    expect(displayTitle('NHS FUNDING IN THE NORTH')).toBe('NHS Funding in the North');
    expect(displayTitle('UK INVENTORS')).toBe('UK Inventors');
    expect(displayTitle('GCSE')).toBe('GCSE');
    expect(displayTitle('SOLICITOR-GENERAL')).toBe('Solicitor-General');
    expect(displayTitle("MPS' EXPENSES")).toBe("MPs' Expenses");
    expect(displayTitle('PART II')).toBe('Part II');
    expect(displayTitle('A&E SERVICES')).toBe('A&E Services');
    // A typist's slip inside capitals is still capitals.
    expect(displayTitle('REgional SELECT COMMITTEE (SOUTH WEST)')).toBe(
      'Regional Select Committee (South West)',
    );
  });

  it("leaves the source's own mixed case alone", () => {
    expect(displayTitle('Clause 117 — Grounds for designation of MCZs')).toBe(
      'Clause 117 — Grounds for designation of MCZs',
    );
    expect(displayTitle('NHS Funding')).toBe('NHS Funding');
    expect(displayTitle('delegated legislation')).toBe('delegated legislation');
  });
});

describe('times as Hansard prints them', () => {
  it("reads parlparse's three-digit hours (018:15:00) as 6.15 pm, never 018:1", () => {
    expect(displayTime(normaliseTime('018:15:00') ?? null)).toBe('6.15 pm');
    expect(displayTime(normaliseTime('18:15:00') ?? null)).toBe('6.15 pm');
    expect(displayTime(normaliseTime('012:00:00') ?? null)).toBe('12 noon');
    expect(displayTime('018:1')).toBe('');
  });
});

describe('MP page labels', () => {
  const membership = {
    id: 'm',
    house: 'house-of-commons',
    houseName: 'House of Commons',
    partyId: 'labour',
    party: 'Labour',
    constituency: 'Corby',
    startDate: '2005-05-05',
    endDate: null,
    startReason: null,
    endReason: null,
  };

  it('says a role once: seat and party together', () => {
    expect(roleText(membership)).toBe('MP for Corby, Labour');
    expect(
      roleText({ ...membership, house: 'house-of-lords', constituency: null, party: 'Crossbench' }),
    ).toBe('Member of the House of Lords, Crossbench');
    expect(roleText({ ...membership, party: 'None' })).toBe('MP for Corby');
  });

  it('shows no "None" or dash as a party, and votes in words', () => {
    expect(partyName('None')).toBeNull();
    expect(partyName('—')).toBeNull();
    expect(partyName(null)).toBeNull();
    expect(partyName('Labour')).toBe('Labour');
    expect(voteLabel('tellaye')).toBe('Teller (aye)');
    expect(voteLabel('not-content')).toBe('Not content');
  });
});
