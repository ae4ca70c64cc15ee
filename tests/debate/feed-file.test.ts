import { describe, expect, it } from 'vitest';
import { compareVersions, parseFeedFileName } from '../../src/debate/feed-file.js';
import { ParseError } from '../../src/debate/types.js';

describe('parseFeedFileName', () => {
  it.each([
    ['debates2009-10-26b.xml', 'debates', 'debates2009-10-26', '2009-10-26', 'b'],
    ['westminster2009-10-27a.xml', 'westminhall', 'westminster2009-10-27', '2009-10-27', 'a'],
    ['daylord2009-10-28a.xml', 'lordspages', 'daylord2009-10-28', '2009-10-28', 'a'],
    ['ministerial2009-10-26c.xml', 'wms', 'ministerial2009-10-26', '2009-10-26', 'c'],
    ['lordswms2009-10-29a.xml', 'lordswms', 'lordswms2009-10-29', '2009-10-29', 'a'],
    ['answers2009-10-26f.xml', 'wrans', 'answers2009-10-26', '2009-10-26', 'f'],
    ['lordswrans2009-10-27a.xml', 'lordswrans', 'lordswrans2009-10-27', '2009-10-27', 'a'],
    ['sp2009-10-28.xml', 'sp', 'sp2009-10-28', '2009-10-28', ''],
    ['spwa2009-10-30.xml', 'sp-written', 'spwa2009-10-30', '2009-10-30', ''],
    ['ni2009-10-12.xml', 'ni', 'ni2009-10-12', '2009-10-12', ''],
    [
      'standing2009-10-20_CHILDPOV_08-0_2009-10-29a.xml',
      'standing',
      'standing2009-10-20_CHILDPOV_08-0_2009-10-29',
      '2009-10-29',
      'a',
    ],
  ])('%s', (name, type, groupKey, date, version) => {
    expect(parseFeedFileName(name)).toEqual({ type, name, groupKey, date, version });
  });

  it('takes the bare name from a path', () => {
    expect(parseFeedFileName('/data/scrapedxml/wrans/answers2009-10-26b.xml').name).toBe(
      'answers2009-10-26b.xml',
    );
    expect(parseFeedFileName('C:\\pw\\wrans\\answers2009-10-26b.xml').groupKey).toBe('answers2009-10-26');
  });

  it('uses the given type over the prefix', () => {
    expect(parseFeedFileName('debates2009-10-26b.xml', 'westminhall').type).toBe('westminhall');
    expect(parseFeedFileName('oddname2009-10-26.xml', 'ni')).toMatchObject({
      type: 'ni',
      date: '2009-10-26',
      version: '',
    });
  });

  it('rejects names it cannot read', () => {
    expect(() => parseFeedFileName('senedd2009-10-26a.xml')).toThrow(ParseError);
    expect(() => parseFeedFileName('debates-latest.xml')).toThrow(/date/);
    expect(() => parseFeedFileName('debates2009-10-26a.html')).toThrow(ParseError);
    expect(() => parseFeedFileName('debates2009-10-26a.xml', 'commons' as never)).toThrow(
      /unknown feed type/,
    );
  });
});

describe('compareVersions', () => {
  it("orders '' < 'a' < 'b' < … < 'z' < 'aa'", () => {
    const sorted = ['c', '', 'aa', 'b', 'z', 'a'].sort(compareVersions);
    expect(sorted).toEqual(['', 'a', 'b', 'c', 'z', 'aa']);
    expect(compareVersions('b', 'b')).toBe(0);
    expect(compareVersions('a', 'b')).toBeLessThan(0);
    expect(compareVersions('d', '')).toBeGreaterThan(0);
  });
});
