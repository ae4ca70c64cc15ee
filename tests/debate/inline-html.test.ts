import { describe, expect, it } from 'vitest';
import type { ParsedParagraph } from '../../src/debate/types.js';
import { collapseText } from '../../src/debate/inline-html.js';
import { parseBody, speechWith } from './helpers.js';

function paragraph(inner: string): ParsedParagraph & { warnings: string[] } {
  const doc = parseBody(speechWith(`<p pid="x/1">${inner}</p>`));
  const p = doc.speeches[0]?.paragraphs[0];
  if (p === undefined) throw new Error('no paragraph');
  return { ...p, warnings: doc.warnings.map((w) => `${w.field ?? ''}: ${w.message}`) };
}

describe('paragraph HTML sanitisation', () => {
  it('keeps allow-listed inline tags, lower-cased', () => {
    const p = paragraph('<b>bold</b> <I>it</I> <em>em</em> <strong>st</strong> H<sub>2</sub>O x<sup>2</sup>');
    expect(p.html).toBe('<b>bold</b> <i>it</i> <em>em</em> <strong>st</strong> H<sub>2</sub>O x<sup>2</sup>');
    expect(p.text).toBe('bold it em st H2O x2');
    expect(p.warnings).toEqual([]);
  });

  it('drops feed-only tags but keeps their text', () => {
    const p = paragraph(
      '<phrase class="offrep" code="x">Official Report</phrase>, <span class="italic">col. 4</span>',
    );
    expect(p.html).toBe('Official Report, col. 4');
  });

  it('removes scripts and other active content from the HTML', () => {
    const p = paragraph(
      'Before<script>alert("x")</script> <iframe src="https://evil.example"></iframe><style>p{}</style>after',
    );
    expect(p.html).toBe('Before after');
    expect(p.html).not.toMatch(/script|alert|iframe/);
    // text is every descendant text node, as the contract says
    expect(p.text).toBe('Beforealert("x") p{}after');
    expect(p.warnings.some((w) => w.includes('active content'))).toBe(true);
  });

  it('strips event handlers and all attributes not allow-listed', () => {
    const p = paragraph('<i onclick="steal()" style="x" class="y">a</i> <b onmouseover="x">b</b>');
    expect(p.html).toBe('<i>a</i> <b>b</b>');
  });

  it('keeps only http(s) links', () => {
    expect(paragraph('<a href="javascript:alert(1)">x</a>').html).toBe('x');
    expect(paragraph('<a href=" JavaScript:alert(1)">x</a>').html).toBe('x');
    expect(paragraph('<a href="data:text/html,hi">x</a>').html).toBe('x');
    expect(paragraph('<a href="../relative.htm">x</a>').html).toBe('x');
    expect(paragraph('<a name="anchor">x</a>').html).toBe('x');
    expect(
      paragraph('<a href="http://ok.example/a?b=1&amp;c=2" target="_blank" onclick="x">ok</a>').html,
    ).toBe('<a href="http://ok.example/a?b=1&amp;c=2">ok</a>');
    expect(paragraph('<a href=" https://ok.example/ ">ok</a>').html).toBe(
      '<a href="https://ok.example/">ok</a>',
    );
  });

  it('cannot be broken out of an attribute', () => {
    const p = paragraph(`<a href='http://x.example/"onmouseover="alert(1)'>x</a>`);
    expect(p.html).toBe('x');
  });

  it('escapes text, including decoded entities and CDATA', () => {
    const p = paragraph('1 &lt; 2 &amp; &lt;script&gt;bad()&lt;/script&gt; <![CDATA[<b>raw</b>]]>');
    expect(p.html).toBe('1 &lt; 2 &amp; &lt;script&gt;bad()&lt;/script&gt; &lt;b&gt;raw&lt;/b&gt;');
    expect(p.text).toBe('1 < 2 & <script>bad()</script> <b>raw</b>');
  });

  it('drops unknown tags with one warning per tag name', () => {
    const p = paragraph('<img src="x" onerror="bad()"/>a <blink>b</blink> <blink>c</blink>');
    expect(p.html).toBe('a b c');
    expect(p.warnings).toEqual([
      '<img>: unknown inline element; tag dropped, text kept',
      '<blink>: unknown inline element; tag dropped, text kept',
    ]);
  });

  it('keeps tables of figures with only colspan/rowspan', () => {
    const p = paragraph(
      '<table border="1" onclick="x"><tbody><tr pid="x/2"><td colspan="2" style="c">Year</td></tr>' +
        '<tr><td rowspan="3 onclick">2029</td><th>1,500</th></tr></tbody></table>',
    );
    expect(p.html).toBe(
      '<table><tbody><tr><td colspan="2">Year</td></tr><tr><td>2029</td><th>1,500</th></tr></tbody></table>',
    );
    expect(p.text).toBe('Year20291,500');
  });

  it('writes <br> as a void tag and skips comments', () => {
    expect(paragraph('one<br/>two<!-- a comment --> three').html).toBe('one<br>two three');
  });

  it('collapses ASCII whitespace in HTML but keeps no-break spaces', () => {
    const p = paragraph('\n\t  Mr.&#160;Speaker,\n   <i>  order </i>  \n');
    expect(p.html).toBe('Mr.\u00a0Speaker, <i> order </i>');
    expect(p.text).toBe('Mr. Speaker, order');
  });
});

describe('collapseText', () => {
  it('treats whitespace as Python str.split() does', () => {
    expect(collapseText('  a \t\n b\u00a0\u00a0c\u2009d\u0085e\u001cf  ')).toBe('a b c d e f');
    // JavaScript counts U+FEFF as whitespace, Python does not; C1 controls other than U+0085 stay.
    expect(collapseText('a\ufeffb \u0097 c')).toBe('a\ufeffb \u0097 c');
    expect(collapseText('')).toBe('');
    expect(collapseText(' ')).toBe('');
  });
});
