import { describe, expect, it } from 'vitest';
import { buildExportRow, citation, citationDate, type CitationInput } from '../../src/export/index.js';
import { FEED_TYPES } from '../../src/parliament/index.js';
import { sampleRows } from './fixtures.js';

describe('citation', () => {
  const cases: [CitationInput, string][] = [
    [
      { type: 'debates', sitting_date: '2009-10-26', colnum: '12', volume: 498 },
      'HC Deb 26 October 2009 vol 498 c12',
    ],
    [{ type: 'debates', sitting_date: '2009-10-26', colnum: '12' }, 'HC Deb 26 October 2009 c12'],
    [
      { type: 'westminhall', sitting_date: '2009-10-27', colnum: '45' },
      'Westminster Hall 27 October 2009 c45WH',
    ],
    [
      { type: 'westminhall', sitting_date: '2009-10-27', colnum: '45WH' },
      'Westminster Hall 27 October 2009 c45WH',
    ],
    [{ type: 'wrans', sitting_date: '2009-10-29', colnum: '483W' }, 'Written Answers 29 October 2009 c483W'],
    [{ type: 'wrans', sitting_date: '2009-10-29', colnum: '483' }, 'Written Answers 29 October 2009 c483W'],
    [
      { type: 'wms', sitting_date: '2009-10-26', colnum: '1WS' },
      'Written Ministerial Statements 26 October 2009 c1WS',
    ],
    [
      { type: 'lordspages', sitting_date: '2009-10-26', colnum: '971', volume: 713 },
      'HL Deb 26 October 2009 vol 713 c971',
    ],
    [{ type: 'lordspages', sitting_date: '2009-10-26', colnum: 'GC12' }, 'HL Deb 26 October 2009 cGC12'],
    [{ type: 'lordswrans', sitting_date: '2009-10-26', colnum: '101' }, 'HL Deb 26 October 2009 cWA101'],
    [{ type: 'lordswms', sitting_date: '2009-10-26', colnum: '87' }, 'HL Deb 26 October 2009 cWS87'],
    [{ type: 'sp', sitting_date: '2009-10-28', colnum: '20529' }, 'SP OR 28 October 2009, col 20529'],
    [
      {
        type: 'sp-written',
        sitting_date: '2009-10-26',
        colnum: null,
        gid: 'uk.org.publicwhip/spwa/2009-10-26.S3W-28257.h',
      },
      'SP Written Answers 26 October 2009 S3W-28257',
    ],
    [{ type: 'ni', sitting_date: '2009-10-12', colnum: null }, 'NIA Official Report 12 October 2009'],
    [{ type: 'standing', sitting_date: '2009-10-27', colnum: '125' }, 'PBC Deb 27 October 2009 c125'],
    [
      { type: 'standing', sitting_date: '2009-10-27', colnum: '125', billTitle: 'Child Poverty Bill' },
      'Child Poverty Bill Deb 27 October 2009 c125',
    ],
    [{ type: 'debates', sitting_date: '2009-10-26', colnum: null }, 'HC Deb 26 October 2009'],
    [{ type: 'debates', sitting_date: '2009-10-26', colnum: '  ' }, 'HC Deb 26 October 2009'],
    [{ type: 'somethingnew', sitting_date: '2009-10-26', colnum: '3' }, 'somethingnew 26 October 2009 c3'],
  ];

  it.each(cases)('%j → %s', (input, expected) => {
    expect(citation(input)).toBe(expected);
  });

  it('has a style for every feed type', () => {
    for (const type of FEED_TYPES) {
      expect(citation({ type, sitting_date: '2009-01-05', colnum: '1' })).not.toMatch(
        new RegExp(`^${type} `),
      );
    }
  });

  it('formats dates without a leading zero and leaves malformed ones alone', () => {
    expect(citationDate('2009-01-05')).toBe('5 January 2009');
    expect(citationDate('2009-12-31')).toBe('31 December 2009');
    expect(citationDate('2009-13-01')).toBe('2009-13-01');
    expect(citationDate('26/10/2009')).toBe('26/10/2009');
  });

  it('is what buildExportRow puts in the row, alongside the TheyWorkForYou url', () => {
    const [first] = sampleRows();
    expect(first?.citation).toBe('HC Deb 26 October 2009 vol 498 c12');
    expect(first?.twfy_url).toBe('https://www.theyworkforyou.com/debates/?id=2009-10-26b.12.3');
    expect(first).not.toHaveProperty('volume');
  });

  it('uses the committee context for both url and citation', () => {
    const row = buildExportRow({
      ...sampleRows()[0]!,
      gid: 'uk.org.publicwhip/standing/standing2009-10-20_CHILDPOV_05-0_2009-10-27a.1.1',
      type: 'standing',
      colnum: '125',
      pbc: { session: '2008-09', billTitle: 'Child Poverty Bill' },
    });
    expect(row.citation).toBe('Child Poverty Bill Deb 26 October 2009 c125');
    expect(row.twfy_url).toContain('/pbc/2008-09/Child_Poverty_Bill/');
    expect(row).not.toHaveProperty('pbc');
  });
});
