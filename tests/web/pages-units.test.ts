import { describe, expect, it } from 'vitest';
import type { MonthCount } from '../../src/person/person-repository.js';
import { decodeCursor, encodeCursor } from '../../src/search/cursor.js';
import { excerptHtml, truncateWords } from '../../src/search/highlight.js';
import { normalisePersonId } from '../../src/parliament/index.js';
import { axisTicks, periods, timelineChart } from '../../src/web/pages/chart.js';
import { html, trusted } from '../../src/html/template.js';
import { displayTime } from '../../src/web/pages/labels.js';
import { safeHref, sanitizeFeedHtml } from '../../src/web/pages/sanitize.js';

describe('feed HTML sanitiser', () => {
  it('keeps the markup Hansard uses', () => {
    expect(sanitizeFeedHtml('Order-<i> [</i><i> Interruption.</i><i> ]</i> &quot;Order&quot;')).toBe(
      'Order-<i> [</i><i> Interruption.</i><i> ]</i> &quot;Order&quot;',
    );
    expect(
      sanitizeFeedHtml('<table> <tbody> <tr> <td colspan="2"><i>First</i></td> </tr> </tbody> </table>'),
    ).toBe('<table> <tbody> <tr> <td colspan="2"><i>First</i></td> </tr> </tbody> </table>');
    expect(sanitizeFeedHtml('<a href="http://propertyservices.lsc.gov.uk/other/">link</a>')).toBe(
      '<a href="http://propertyservices.lsc.gov.uk/other/" rel="nofollow noopener noreferrer">link</a>',
    );
  });

  it('drops scripts, event handlers, styles, foreign frames and dangerous links', () => {
    const evil = [
      '<script>alert(1)</script>',
      '<SCRIPT SRC=//x.example/x.js></SCRIPT>',
      '<iframe src="https://evil.example"></iframe>',
      '<object data="x"></object><embed src="x">',
      '<style>body{display:none}</style>',
      '<svg><script>alert(1)</script></svg>',
      '<!-- <script>alert(1)</script> -->',
    ];
    for (const e of evil) expect(sanitizeFeedHtml(`a${e}b`), e).toBe('ab');
    expect(sanitizeFeedHtml('<p onclick="alert(1)" style="color:red" class="x">t</p>')).toBe('<p>t</p>');
    expect(sanitizeFeedHtml('<img src=x onerror=alert(1)>')).toBe('');
    expect(sanitizeFeedHtml('<a href="javascript:alert(1)">x</a>')).toBe('<a>x</a>');
    expect(sanitizeFeedHtml('<a href="java&#x09;script:alert(1)">x</a>')).toBe('<a>x</a>');
    expect(sanitizeFeedHtml('<a href=" JaVaScRiPt:alert(1)">x</a>')).toBe('<a>x</a>');
    expect(sanitizeFeedHtml('<a href="//evil.example/">x</a>')).toBe('<a>x</a>');
    expect(sanitizeFeedHtml('<a href="data:text/html,<script>">x</a>')).toBe('<a>x</a>');
    expect(sanitizeFeedHtml('<td colspan="2 onmouseover=x">c</td>')).toBe('<td>c</td>');
  });

  it('balances tags and escapes stray markup characters', () => {
    expect(sanitizeFeedHtml('<i>open <b>bold</i> after')).toBe('<i>open <b>bold</b></i> after');
    expect(sanitizeFeedHtml('</b>x<br>y')).toBe('x<br>y');
    expect(sanitizeFeedHtml('1 < 2 & 3 > 2 &amp; &#163; &bogus')).toBe(
      '1 &lt; 2 &amp; 3 &gt; 2 &amp; &#163; &amp;bogus',
    );
    expect(sanitizeFeedHtml('<script>never closed')).toBe('');
    expect(sanitizeFeedHtml('"quoted" <unknown>kept text</unknown>')).toBe('"quoted" kept text');
  });

  it('accepts only http(s) and mailto links', () => {
    expect(safeHref('https://www.parliament.uk/x')).toBe('https://www.parliament.uk/x');
    expect(safeHref('mailto:a@example.org')).toBe('mailto:a@example.org');
    expect(safeHref('/relative')).toBeNull();
    expect(safeHref('vbscript:x')).toBeNull();
  });
});

describe('html templates', () => {
  it('escapes every interpolation unless it is already SafeHtml', () => {
    const name = `<script>"x" & 'y'</script>`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;">&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;</p>',
    );
    // prettier-ignore
    expect(html`<ul>${['a<', 'b'].map((s) => html`<li>${s}</li>`)}</ul>`.value).toBe('<ul><li>a&lt;</li><li>b</li></ul>');
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
    expect(html`${trusted('<mark>x</mark>')}`.value).toBe('<mark>x</mark>');
  });
});

describe('highlighted excerpts', () => {
  it('escapes the text and turns only the markers into <mark>', () => {
    expect(excerptHtml('a \u0001Royal\u0002 <b>\u0001Mail\u0002 & co')).toBe(
      'a <mark>Royal</mark> &lt;b&gt;<mark>Mail</mark> &amp; co',
    );
    expect(excerptHtml('\u0002stray \u0001open')).toBe('stray <mark>open</mark>');
  });

  it('cuts long text at a word', () => {
    expect(truncateWords('one two three four', 9)).toBe('one two…');
    expect(truncateWords('short', 9)).toBe('short');
  });
});

describe('cursors and ids', () => {
  it('round-trips a page key and refuses anything else', () => {
    const key = { sittingDate: '2009-10-26', gid: 'uk.org.publicwhip/debate/2009-10-26b.1.2' };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
    for (const bad of [
      '',
      'abc',
      '!!!',
      Buffer.from('["x","y"]').toString('base64url'),
      Buffer.from('[1,2,3]').toString('base64url'),
    ])
      expect(decodeCursor(bad), bad).toBeNull();
  });

  it('normalises person ids', () => {
    expect(normalisePersonId('10287')).toBe('uk.org.publicwhip/person/10287');
    expect(normalisePersonId('uk.org.publicwhip/person/10287')).toBe('uk.org.publicwhip/person/10287');
    expect(normalisePersonId('uk.org.publicwhip/member/10287')).toBeNull();
    expect(normalisePersonId('10287; DROP')).toBeNull();
  });
});

describe('timeline chart', () => {
  const months: MonthCount[] = [
    { month: '2009-10', speeches: 45, tagged: 10, tags: { stp: 9, privatisation: 1 } },
    { month: '2010-01', speeches: 3, tagged: 0, tags: {} },
  ];
  const catalogue = [
    { id: 'privatisation', label: 'Privatisation' },
    { id: 'stp', label: 'STPs' },
  ];

  it('fills empty months and chooses whole-number ticks', () => {
    expect(periods(months).map((p) => [p.key, p.speeches])).toEqual([
      ['2009-10', 45],
      ['2009-11', 0],
      ['2009-12', 0],
      ['2010-01', 3],
    ]);
    expect(axisTicks(45)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(axisTicks(3)).toEqual([0, 1, 2, 3]);
    expect(axisTicks(0)).toEqual([0, 1]);
  });

  it('switches to years for long careers', () => {
    const long = Array.from({ length: 100 }, (_, i) => ({
      month: `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
      speeches: 1,
      tagged: 0,
      tags: {},
    }));
    expect(periods(long).map((p) => p.key)).toEqual([
      '2000',
      '2001',
      '2002',
      '2003',
      '2004',
      '2005',
      '2006',
      '2007',
      '2008',
    ]);
  });

  it('draws stacked bars with an accessible name and a data table', () => {
    // Whitespace between tags is prettier's layout of the template, not content.
    const svg = timelineChart(months, catalogue)
      .value.replace(/\s+/g, ' ')
      .replace(/> </g, '><')
      .replace(/ >/g, '>');
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-labelledby="timeline-title timeline-desc"');
    // Untagged, privatisation and stp segments in October; untagged in January.
    expect(svg.match(/<rect\s+x=/g)?.length).toBe(4);
    expect(svg).toContain('<title>Oct 2009: 45 speeches; Privatisation 1; STPs 9</title>');
    expect(svg).toContain('<th scope="row">Oct 2009</th><td>45</td><td>1</td><td>9</td>');
    expect(svg).not.toMatch(/style=/);
  });
});

describe('times as Hansard prints them', () => {
  it.each([
    ['11:32', '11.32 am'],
    ['09:05', '9.05 am'],
    ['16:31', '4.31 pm'],
    ['14:30', '2.30 pm'],
    ['12:30', '12.30 pm'],
    ['00:05', '12.05 am'],
    ['19:00', '7 pm'],
    ['09:00', '9 am'],
    ['12:00', '12 noon'],
    ['00:00', '12 midnight'],
  ])('%s → %s', (hhmm, shown) => {
    expect(displayTime(hhmm)).toBe(shown);
  });

  it('shows nothing for no time or a value that is not HH:MM', () => {
    for (const bad of [null, '', '011:32:00', '11:32:00', '24:00', '9:30']) expect(displayTime(bad)).toBe('');
  });
});
