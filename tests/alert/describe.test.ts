/** Alerts name a speaker with the label pages and exports use (member/speaker-label.ts). */
import { describe, expect, it } from 'vitest';
import { speakerOf } from '../../src/alert/render/describe.js';
import type { AlertItem } from '../../src/alert/types.js';

const item = (over: Partial<AlertItem>): AlertItem => ({
  gid: 'uk.org.publicwhip/debate/2009-10-26a.1.0',
  sittingDate: '2009-10-26',
  type: 'debates',
  house: 'commons',
  speakerName: null,
  party: null,
  constituency: null,
  time: null,
  colnum: null,
  majorHeading: null,
  minorHeading: null,
  debateGid: null,
  twfyUrl: null,
  hansardUrl: null,
  paragraphSeq: 0,
  excerpt: '',
  reason: { query: 'nhs', tags: [], person: null },
  ...over,
});

describe('speakerOf', () => {
  it('gives the person, party and seat once, where Hansard printed the seat and party in brackets', () => {
    const shown = speakerOf(
      item({
        speakerName: 'Richard Baker (North East Scotland) (Lab)',
        personName: 'Richard Baker',
        party: 'Labour',
        constituency: 'North East Scotland',
      }),
    );
    expect(shown).toBe('Richard Baker (Labour, North East Scotland)');
  });

  it('puts the office Hansard printed before the person who held it', () => {
    const shown = speakerOf(
      item({
        speakerName: 'The First Minister',
        personName: 'Alex Salmond',
        party: 'Scottish National Party',
        constituency: 'Gordon',
      }),
    );
    expect(shown).toBe('The First Minister · Alex Salmond (Scottish National Party, Gordon)');
  });

  it('reads items frozen before the person’s name was kept, and procedural text', () => {
    expect(
      speakerOf(item({ speakerName: 'Ann Example', party: 'Green', constituency: 'Wexbury South' })),
    ).toBe('Ann Example (Green, Wexbury South)');
    expect(speakerOf(item({}))).toBe('Statement');
  });
});
