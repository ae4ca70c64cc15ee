import { describe, expect, it } from 'vitest';
import { parseFeedFile } from '../../src/debate/parse.js';
import { parseBody, speechWith, xmlDoc } from './helpers.js';

const firstText = (doc: ReturnType<typeof parseBody>): string | undefined =>
  doc.speeches[0]?.paragraphs[0]?.text;

describe('character encodings', () => {
  it('reads ISO-8859-1 bytes one to one (not as windows-1252); raw C1 controls are dropped, each reported', () => {
    const bytes = xmlDoc(speechWith('<p>Caf\u00e9 \u0097 x\u0092y \u00ff</p>'), { encoding: 'ISO-8859-1' });
    expect(bytes.includes(0x97)).toBe(true);
    const doc = parseFeedFile(bytes, 'debates2030-01-01a.xml');
    expect(firstText(doc)).toBe('Caf\u00e9 xy \u00ff');
    expect(doc.warnings).toEqual([
      expect.objectContaining({ line: 4, field: 'text', message: 'control character U+0097 dropped' }),
      expect.objectContaining({ line: 4, field: 'text', message: 'control character U+0092 dropped' }),
    ]);
  });

  it('reads UTF-8, with or without a BOM or declaration', () => {
    const body = speechWith('<p>Car\u00e1l N\u00ed Chuil\u00edn \u2014 \u20ac5 \ud83d\ude00</p>');
    expect(firstText(parseBody(body))).toBe('Car\u00e1l N\u00ed Chuil\u00edn \u2014 \u20ac5 \ud83d\ude00');
    const bom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`<publicwhip>${body}</publicwhip>`),
    ]);
    expect(firstText(parseFeedFile(bom, 'debates2030-01-01a.xml'))).toContain('N\u00ed Chuil\u00edn');
  });

  it('decodes windows-1252 when a file says so', () => {
    const [head, tail] =
      `<?xml version="1.0" encoding="windows-1252"?><publicwhip>${speechWith('<p>a|b</p>')}</publicwhip>`.split(
        '|',
      );
    const bytes = Buffer.concat([Buffer.from(head ?? ''), Buffer.from([0x97]), Buffer.from(tail ?? '')]);
    expect(firstText(parseFeedFile(bytes, 'debates2030-01-01a.xml'))).toBe('a\u2014b');
  });

  it('warns about invalid UTF-8 and carries on', () => {
    const [head, tail] = `<publicwhip>${speechWith('<p>a|b</p>')}</publicwhip>`.split('|');
    const bytes = Buffer.concat([Buffer.from(head ?? ''), Buffer.from([0xff]), Buffer.from(tail ?? '')]);
    const doc = parseFeedFile(bytes, 'debates2030-01-01a.xml');
    expect(firstText(doc)).toBe('a\ufffdb');
    expect(doc.warnings.map((w) => w.field)).toEqual(['encoding']);
  });
});

describe('entities', () => {
  const doctype = `<!DOCTYPE publicwhip [
<!-- entities as parlparse declares them -->
<!ENTITY mdash   "&#8212;">
<!ENTITY eacute "&#233;" >
<!ENTITY hex    '&#x2019;'>
<!ENTITY inner  "B">
<!ENTITY outer  "[&inner;]">
<!ENTITY amp    "&#38;#38;">
<!ENTITY % param "ignored">
<!ELEMENT publicwhip ANY>
<!ATTLIST speech id CDATA #IMPLIED>
]>`;

  it('expands DOCTYPE-declared entities in text and attributes', () => {
    const doc = parseBody(
      speechWith('<p>Ren&eacute;e&mdash;&outer;&hex; &amp; co</p>', 'speakername="Ren&eacute;e"'),
      { doctype },
    );
    expect(firstText(doc)).toBe('Ren\u00e9e\u2014[B]\u2019 & co');
    expect(doc.speeches[0]?.speakerName).toBe('Ren\u00e9e');
    expect(doc.warnings).toEqual([]);
  });

  it('expands decimal and hex character references; 128–159 as HTML5 reads them (Windows-1252)', () => {
    const doc = parseBody(speechWith('<p>&#233;&#xE9;&#x1F600; &#151;&#146;&#133; &#x92;&#128;&#159;</p>'));
    expect(firstText(doc)).toBe('\u00e9\u00e9\ud83d\ude00 \u2014\u2019\u2026 \u2019\u20ac\u0178');
    expect(doc.warnings).toEqual([]);
  });

  it('drops references to control characters (and the five 128–159 HTML5 leaves undefined), with warnings', () => {
    const doc = parseBody(speechWith('<p>a&#129;b&#x8D;c&#143;d&#144;e&#157;f&#1;g&#x1F;h&#9;i</p>'));
    expect(firstText(doc)).toBe('abcdefgh i');
    expect(doc.warnings.map((w) => [w.line, w.field, w.message])).toEqual(
      ['&#129;', '&#x8D;', '&#143;', '&#144;', '&#157;', '&#1;', '&#x1F;'].map((ref) => [
        4,
        'text',
        `reference "${ref}" to a control character dropped`,
      ]),
    );
  });

  it('keeps unknown or malformed references literally, with warnings that say where', () => {
    const doc = parseBody(speechWith('<p>a &nosuch; b &#0; c &#xZZ; d & e &amp f</p>'));
    // &#0; is a control character: dropped (and reported), not kept.
    expect(firstText(doc)).toBe('a &nosuch; b c &#xZZ; d & e &amp f');
    expect(doc.warnings).toHaveLength(5);
    expect(doc.warnings[0]).toMatchObject({
      severity: 'warning',
      file: 'debates2030-01-01a.xml',
      line: 4,
      column: 99,
      field: 'text',
    });
    expect(doc.warnings[0]?.message).toContain('&nosuch;');
  });

  it('refuses external entities and oversized expansions', () => {
    const bomb = `<!DOCTYPE publicwhip [
<!ENTITY ext SYSTEM "file:///etc/passwd">
<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>`;
    const doc = parseBody(speechWith('<p>&ext;|&c;|&d;</p>'), { doctype: bomb });
    expect(firstText(doc)).toBe(`&ext;|${'a'.repeat(10_000)}|&d;`);
    expect(doc.warnings.map((w) => w.message)).toEqual(
      expect.arrayContaining([
        'external entity is not loaded',
        'entity expands to more than 10000 characters; ignored',
      ]),
    );
  });
});
