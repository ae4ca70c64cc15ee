import { describe, expect, it } from 'vitest';
import { parseFeedFile } from '../../src/debate/parse.js';
import { ParseError, type ParseIssue } from '../../src/debate/types.js';
import { fixtureBytes, parseBody, speechWith } from './helpers.js';

const NAME = 'debates2030-01-01a.xml';

function fatal(bytes: Uint8Array | string, name = NAME): ParseIssue {
  const input = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  try {
    parseFeedFile(input, name);
  } catch (err) {
    if (err instanceof ParseError) return err.issue;
    throw err;
  }
  throw new Error('expected a ParseError');
}

function lineCount(bytes: Uint8Array): number {
  return Buffer.from(bytes).toString('latin1').split('\n').length;
}

describe('fatal problems throw ParseError with file and position', () => {
  const whole = fixtureBytes('debates2030-02-03b.xml');

  it.each([0.02, 0.1, 0.25, 0.4, 0.5, 0.62, 0.75, 0.9, 0.99])(
    'a file cut at %f of its length',
    (fraction) => {
      const cut = whole.subarray(0, Math.floor(whole.length * fraction));
      const issue = fatal(cut, 'debates2030-02-03b.xml');
      expect(issue).toMatchObject({ severity: 'error', file: 'debates2030-02-03b.xml' });
      expect(issue.message).toMatch(/end of file/);
      expect(issue.line).toBe(lineCount(cut));
      expect(issue.column).toBeGreaterThan(0);
    },
  );

  it('a file cut just before its closing root tag', () => {
    const text = whole.toString('latin1');
    const cut = Buffer.from(text.slice(0, text.lastIndexOf('</publicwhip>')), 'latin1');
    expect(fatal(cut).message).toMatch(/<publicwhip> from line \d+ is not closed/);
  });

  it('a file cut inside the closing root tag', () => {
    const text = whole.toString('latin1');
    const cut = Buffer.from(text.slice(0, text.lastIndexOf('</publicwhip>') + 5), 'latin1');
    expect(fatal(cut).message).toMatch(/end of file inside an end tag/);
  });

  it('an empty file, or one that is not XML', () => {
    expect(fatal('').message).toMatch(/no root element/);
    expect(fatal('   \n').message).toMatch(/no root element/);
    expect(fatal('Service Unavailable')).toMatchObject({
      line: 1,
      column: 1,
      message: expect.stringMatching(/not an XML document/),
    });
    expect(fatal(Buffer.from([0x01, 0x02, 0xff])).message).toMatch(/not an XML document/);
    expect(fatal(Buffer.from([0x00, 0x01, 0x02, 0xff]))).toMatchObject({
      line: 1,
      message: expect.stringMatching(/^NUL character in the document/),
    });
  });

  it('a different root element (e.g. an HTML error page)', () => {
    const issue = fatal('<!DOCTYPE html>\n<html><body><p>Not found</p></body></html>');
    expect(issue).toMatchObject({ line: 2, column: 1 });
    expect(issue.message).toBe('root element is <html>, expected <publicwhip>');
  });

  it('mismatched end tags', () => {
    const issue = fatal(`<publicwhip>\n${speechWith('<p>text')}\n</publicwhip>`);
    expect(issue.line).toBe(2);
    expect(issue.message).toMatch(/mismatched end tag <\/speech>: expected <\/p> for <p> \(line 2\)/);
    expect(fatal('<publicwhip></speech></publicwhip>').message).toMatch(/mismatched end tag <\/speech>/);
  });

  it('a stray "<", content after the root, an unterminated attribute', () => {
    expect(fatal(`<publicwhip>${speechWith('<p>1 < 2</p>')}</publicwhip>`).message).toMatch(/invalid "<"/);
    expect(fatal('<publicwhip></publicwhip>\n<publicwhip></publicwhip>')).toMatchObject({
      line: 2,
      message: 'content after the end of the root element',
    });
    expect(fatal('<publicwhip><speech id="x></speech></publicwhip>').message).toMatch(
      /end of file inside the start tag of <speech>/,
    );
    expect(fatal('<publicwhip><speech id="x" <p>a</p></speech></publicwhip>').message).toMatch(
      /"<" inside the start tag/,
    );
  });

  it('a bad file name', () => {
    expect(fatal('<publicwhip/>', 'notes.txt')).toMatchObject({ file: 'notes.txt', field: 'file name' });
  });

  it('allows comments and processing instructions around the root', () => {
    const doc = parseFeedFile(Buffer.from('<!-- c --><?pi x?><publicwhip/>\n<!-- trailing -->\n'), NAME);
    expect(doc.speeches).toEqual([]);
  });
});

describe('non-fatal problems become warnings and parsing continues', () => {
  it('an unknown element at the top level, reported once per name, with its line', () => {
    const doc = parseBody(`<foo a="1"><p>ignored</p></foo>\n<foo/>\n${speechWith('<p>kept</p>')}`);
    expect(doc.warnings).toEqual([
      {
        severity: 'warning',
        file: NAME,
        line: 4,
        column: 1,
        field: '<foo>',
        message: 'unknown element skipped',
      },
    ]);
    expect(doc.speeches[0]?.paragraphs[0]?.text).toBe('kept');
  });

  it('a speech or heading without an id is skipped and takes no seq number', () => {
    const doc = parseBody(
      `<major-heading>No id</major-heading>\n<speech speakername="X"><p>lost</p></speech>\n` +
        `<speech id="s2"><p>kept</p></speech>`,
    );
    expect(doc.speeches.map((s) => [s.gid, s.seq, s.majorHeadingGid])).toEqual([['s2', 0, null]]);
    expect(doc.headings).toEqual([]);
    expect(doc.warnings.map((w) => [w.line, w.field])).toEqual([
      [4, 'major-heading@id'],
      [5, 'speech@id'],
    ]);
  });

  it('a duplicate id is kept but reported', () => {
    const doc = parseBody('<speech id="s1"><p>a</p></speech>\n<speech id="s1">\n<p>b</p>\n</speech>');
    expect(doc.speeches.map((s) => s.paragraphs[0]?.text)).toEqual(['a', 'b']);
    expect(doc.warnings).toMatchObject([{ line: 5, field: 'id', message: 'duplicate id "s1"' }]);
  });

  it('malformed attributes keep what can be read', () => {
    const doc = parseBody(
      '<speech id=s1 nospeaker speakername="A" speakername="B" time="10:00"><p>x</p></speech>',
    );
    expect(doc.speeches[0]).toMatchObject({ gid: 's1', speakerName: 'A', nospeaker: false, time: '10:00' });
    expect(doc.warnings.map((w) => [w.field, w.message])).toEqual([
      ['speech@id', 'attribute value without quotes'],
      ['speech@nospeaker', 'attribute without a value'],
      ['speech@speakername', 'duplicate attribute; the first is kept'],
    ]);
  });

  it('odd member references are kept as given but reported', () => {
    const doc = parseBody(
      '<speech id="s1" speakerid="member 12" person_id="uk.org.publicwhip/person/7"><p>x</p></speech>',
    );
    expect(doc.speeches[0]).toMatchObject({ speakerId: 'member 12', personId: 'uk.org.publicwhip/person/7' });
    expect(doc.warnings.map((w) => w.field)).toEqual(['speech@speakerid']);
  });

  it('odd root, division and redirect attributes', () => {
    const doc = parseBody(
      `<gidredirect oldgid="a" matchtype="x"/>
       <division id="d1" divnumber="3"><divisioncount ayes="2" noes="lots"/>
         <mplist><mpname id="uk.org.publicwhip/member/1">No Vote</mpname></mplist>
         <tellers/></division>`,
      { rootAttrs: 'latest="maybe"' },
    );
    expect(doc.latest).toBeNull();
    expect(doc.redirects).toEqual([]);
    expect(doc.divisions[0]).toMatchObject({ gid: 'd1', number: '3', counts: { ayes: 2 }, votes: [] });
    expect(doc.warnings.map((w) => w.field)).toEqual([
      'publicwhip@latest',
      'gidredirect',
      'divisioncount@noes',
      'mpname@vote',
      '<tellers>',
    ]);
  });

  it('stops listing warnings after 500', () => {
    const many = Array.from({ length: 600 }, (_, i) => `<speech n="${i}"/>`).join('\n');
    const doc = parseBody(many);
    expect(doc.warnings).toHaveLength(501);
    expect(doc.warnings[500]?.message).toMatch(/more than 500 warnings/);
  });
});
