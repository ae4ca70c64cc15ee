/**
 * Hostile documents: each bound of src/debate/limits.ts refuses the file by name (file,
 * line, the limit and its setting) instead of building what the document asks for.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from '../../src/debate/limits.js';
import { parseFeedFile } from '../../src/debate/parse.js';
import { ParseError, type ParseIssue } from '../../src/debate/types.js';
import { speechWith, xmlDoc } from './helpers.js';

const NAME = 'debates2030-01-01a.xml';

function refused(bytes: Uint8Array, limits?: Partial<ParseLimits>): ParseIssue {
  try {
    parseFeedFile(bytes, NAME, undefined, { ...DEFAULT_PARSE_LIMITS, ...limits });
  } catch (err) {
    if (err instanceof ParseError) return err.issue;
    throw err;
  }
  throw new Error('expected a ParseError');
}

/** xmlDoc puts the declaration on line 1, the DOCTYPE on 2 and the root's start tag on 3. */
const BODY_LINE = 4;

function entityBomb(size: number, uses: number): Uint8Array {
  const doctype = `<!DOCTYPE publicwhip [\n<!ENTITY big "${'x'.repeat(size)}">\n]>`;
  // One reference per line, so the line of the error tells how far the parse went.
  const refs = Array.from({ length: uses }, () => '&big;').join('\n');
  return xmlDoc(speechWith(`<p>${refs}</p>`), { doctype });
}

describe('entity expansion is bounded per document', () => {
  it('refuses the reported bomb (one 9,988-character entity used 30,000 times) where the budget runs out', () => {
    const issue = refused(entityBomb(9_988, 30_000));
    expect(issue).toMatchObject({ severity: 'error', file: NAME, field: 'entity' });
    expect(issue.message).toBe(
      'text from entity references in this document exceeds the limit of 1,000,000 (HW_MAX_ENTITY_EXPANSION_CHARS); file refused',
    );
    // The DOCTYPE spans lines 2–4, so the body starts on line 6; the 101st use (the first
    // past 1,000,000 characters) is where it stops: nothing beyond the limit was built.
    const firstUse = BODY_LINE + 2;
    expect(issue.line).toBe(firstUse + Math.floor(1_000_000 / 9_988));
  });

  it('stops long before a bomb larger than any string V8 can hold is materialised', () => {
    // 120,000 × 9,999 characters is over 2^30: building it would throw a RangeError, not this.
    const issue = refused(entityBomb(9_999, 120_000), { maxEntityExpansion: 50_000 });
    expect(issue.message).toMatch(/exceeds the limit of 50,000 \(HW_MAX_ENTITY_EXPANSION_CHARS\)/);
    expect(issue.line).toBe(BODY_LINE + 2 + 5);
  });

  it('counts entities expanded inside other entities’ declarations too', () => {
    const decls = [`<!ENTITY a "${'a'.repeat(1000)}">`];
    for (let i = 1; i <= 40; i++) decls.push(`<!ENTITY a${i} "&a;&a;&a;&a;&a;&a;&a;&a;&a;">`);
    const doctype = `<!DOCTYPE publicwhip [\n${decls.join('\n')}\n]>`;
    const issue = refused(xmlDoc(speechWith('<p>fine</p>'), { doctype }), { maxEntityExpansion: 100_000 });
    expect(issue.message).toMatch(/HW_MAX_ENTITY_EXPANSION_CHARS/);
    // a1…a11 spend 99,000; a12 crosses the limit on its own line of the DOCTYPE.
    expect(issue.line).toBe(2 + 1 + 12);
  });

  it('lets a real document’s entities through: thousands of one-character expansions', () => {
    const doctype = '<!DOCTYPE publicwhip [\n<!ENTITY mdash "&#8212;">\n]>';
    const doc = parseFeedFile(xmlDoc(speechWith(`<p>${'a&mdash;'.repeat(5000)}</p>`), { doctype }), NAME);
    expect(doc.speeches[0]?.paragraphs[0]?.text).toBe('a\u2014'.repeat(5000));
  });
});

describe('text nodes and paragraphs are bounded', () => {
  it('refuses a 50 MB text node at the line it starts on, by its limit', () => {
    const issue = refused(xmlDoc(speechWith(`<p>\n${'y'.repeat(50_000_000)}</p>`)));
    expect(issue).toMatchObject({ file: NAME, line: BODY_LINE, field: 'text' });
    expect(issue.message).toBe(
      'a text node exceeds the limit of 1,000,000 (HW_MAX_TEXT_NODE_CHARS); file refused',
    );
  });

  it('measures a text node after its references are expanded, and CDATA and attribute values too', () => {
    const doctype = '<!DOCTYPE publicwhip [\n<!ENTITY ten "0123456789">\n]>';
    const limits = { maxTextNode: 100 };
    const expanded = refused(xmlDoc(speechWith(`<p>${'&ten;'.repeat(11)}</p>`), { doctype }), limits);
    expect(expanded.message).toMatch(/^a text node with its entities expanded exceeds the limit of 100 /);
    const cdata = refused(xmlDoc(speechWith(`<p><![CDATA[${'c'.repeat(101)}]]></p>`)), limits);
    expect(cdata.message).toMatch(/^a text node exceeds the limit of 100 \(HW_MAX_TEXT_NODE_CHARS\)/);
    const attr = refused(xmlDoc(speechWith('<p>x</p>', `speakername="${'n'.repeat(101)}"`)), limits);
    expect(attr).toMatchObject({ field: 'speech@speakername', line: BODY_LINE });
    expect(attr.message).toMatch(/^an attribute value exceeds the limit of 100 /);
  });

  it('refuses a paragraph whose text nodes together pass the paragraph limit, naming where it began', () => {
    // <phrase> is unwrapped: the HTML is no longer than the text, so the text's limit is hit first.
    const pieces = Array.from({ length: 20 }, () => `<phrase>${'z'.repeat(90)}</phrase>`).join('');
    const issue = refused(xmlDoc(speechWith(`\n<p>\n${pieces}</p>`)), {
      maxTextNode: 100,
      maxParagraph: 1000,
    });
    expect(issue.message).toBe(
      'the text of the paragraph from line 5 exceeds the limit of 1,000 (HW_MAX_PARAGRAPH_CHARS); file refused',
    );
    expect(issue.line).toBe(6);
  });

  it('bounds a paragraph’s HTML as well as its text (escaping can multiply it)', () => {
    const issue = refused(xmlDoc(speechWith(`<p>${'&amp;'.repeat(300)}</p>`)), { maxParagraph: 1000 });
    expect(issue.message).toMatch(/^the HTML of the paragraph from line 4 exceeds the limit of 1,000 /);
  });

  it('bounds a heading’s text by the paragraph limit', () => {
    const heading = `<major-heading id="h1">${'<i>abcdefghij</i>'.repeat(20)}</major-heading>`;
    const issue = refused(xmlDoc(heading), { maxParagraph: 100 });
    expect(issue.message).toMatch(/^the text of the element from line 4 exceeds the limit of 100 /);
  });
});

describe('nesting', () => {
  const nested = (depth: number, tag = 'b') =>
    speechWith(`<p>${`<${tag}>`.repeat(depth)}deep${`</${tag}>`.repeat(depth)}</p>`);

  it('refuses 100,000-deep nesting by its limit, with a line, not a stack overflow', () => {
    const issue = refused(xmlDoc(nested(100_000)));
    expect(issue).toMatchObject({ severity: 'error', file: NAME, line: BODY_LINE });
    expect(issue.message).toBe(
      'element nesting (<b> at depth 1001) exceeds the limit of 1,000 (HW_MAX_XML_DEPTH); file refused',
    );
  });

  it('walks any depth it is allowed without recursion: inline markup and nested division counts', () => {
    const limits = { ...DEFAULT_PARSE_LIMITS, maxDepth: 300_000 };
    const doc = parseFeedFile(xmlDoc(nested(100_000)), NAME, undefined, limits);
    expect(doc.speeches[0]?.paragraphs[0]).toMatchObject({ text: 'deep' });
    expect(doc.speeches[0]?.paragraphs[0]?.html).toMatch(/^(<b>){100000}deep(<\/b>){100000}$/);

    const counts = `<divisioncount ayes="1">`.repeat(50_000) + '</divisioncount>'.repeat(50_000);
    const division = `<division id="uk.org.publicwhip/debate/2030-01-01a.1.2">${counts}</division>`;
    const parsed = parseFeedFile(xmlDoc(division), NAME, undefined, limits);
    expect(parsed.divisions[0]?.counts).toEqual({ ayes: 1 });
  });
});

describe('control characters in the raw document', () => {
  it('refuses a NUL byte with its line', () => {
    const bytes = xmlDoc(speechWith('<p>one</p>\n<p>two\u0000three</p>'));
    expect(refused(bytes)).toMatchObject({
      severity: 'error',
      file: NAME,
      line: BODY_LINE + 1,
      message: 'NUL character in the document (XML forbids it; a binary or corrupt file?)',
    });
  });

  it('drops other C0 and C1 controls from text and attributes, one warning each with its line', () => {
    const bytes = xmlDoc(
      speechWith(
        '<p>bell\u0007 here</p>\n<p>esc\u001bape and next\u0085line</p>',
        'speakername="Ann\u0002e"',
      ),
    );
    const doc = parseFeedFile(bytes, NAME);
    expect(doc.speeches[0]?.speakerName).toBe('Anne');
    expect(doc.speeches[0]?.paragraphs.map((p) => p.text)).toEqual(['bell here', 'escape and nextline']);
    expect(doc.warnings.map((w) => [w.line, w.message])).toEqual([
      [BODY_LINE, 'control character U+0002 dropped'],
      [BODY_LINE, 'control character U+0007 dropped'],
      [BODY_LINE + 1, 'control character U+001B dropped'],
      [BODY_LINE + 1, 'control character U+0085 dropped'],
    ]);
  });
});
