import { describe, expect, it } from 'vitest';
import { twfyUrl } from '../../src/parliament/index.js';

describe('twfyUrl', () => {
  it.each([
    [
      'uk.org.publicwhip/debate/2009-10-26b.1.2',
      'https://www.theyworkforyou.com/debates/?id=2009-10-26b.1.2',
    ],
    [
      'uk.org.publicwhip/westminhall/2009-10-27a.1.2',
      'https://www.theyworkforyou.com/whall/?id=2009-10-27a.1.2',
    ],
    [
      'uk.org.publicwhip/lords/2009-10-26a.971.1',
      'https://www.theyworkforyou.com/lords/?id=2009-10-26a.971.1',
    ],
    [
      'uk.org.publicwhip/wrans/2009-10-26a.293981.q0',
      'https://www.theyworkforyou.com/wrans/?id=2009-10-26a.293981.q0',
    ],
    ['uk.org.publicwhip/wms/2009-10-26a.1WS.0', 'https://www.theyworkforyou.com/wms/?id=2009-10-26a.1WS.0'],
    // Lords written answers and statements use the same gid segments as the Commons series.
    [
      'uk.org.publicwhip/wrans/2009-10-26a.101.2',
      'https://www.theyworkforyou.com/wrans/?id=2009-10-26a.101.2',
    ],
    ['uk.org.publicwhip/wms/2009-10-26a.87.1', 'https://www.theyworkforyou.com/wms/?id=2009-10-26a.87.1'],
    ['uk.org.publicwhip/spor/2009-10-28.20529.0', 'https://www.theyworkforyou.com/sp/?id=2009-10-28.20529.0'],
    [
      'uk.org.publicwhip/spwa/2009-10-26.S3W-28257.h',
      'https://www.theyworkforyou.com/spwrans/?id=2009-10-26.S3W-28257.h',
    ],
    ['uk.org.publicwhip/ni/2009-10-12.1.1', 'https://www.theyworkforyou.com/ni/?id=2009-10-12.1.1'],
  ])('%s', (gid, url) => {
    expect(twfyUrl(gid)).toBe(url);
  });

  const standing = 'uk.org.publicwhip/standing/standing2009-10-20_CHILDPOV_05-0_2009-10-27a.1.1';

  it('links a Public Bill Committee debate when its session and bill are known', () => {
    expect(twfyUrl(standing, { session: '2008-09', billTitle: 'Child Poverty Bill' })).toBe(
      'https://www.theyworkforyou.com/pbc/2008-09/Child_Poverty_Bill/05-0_2009-10-27a.1.1',
    );
  });

  it('gives no url for a committee debate without session and bill, rather than a wrong one', () => {
    expect(twfyUrl(standing)).toBeNull();
  });

  it.each(['', 'not-a-gid', 'uk.org.publicwhip/unknown/2009-10-26a.1.1', 'uk.org.publicwhip/member/1605'])(
    'gives null for %j',
    (gid) => {
      expect(twfyUrl(gid)).toBeNull();
    },
  );
});
