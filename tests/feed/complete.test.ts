import { describe, expect, it } from 'vitest';
import { assertCompleteXml, assertPeopleJson } from '../../src/feed/complete.js';
import { IncompleteBodyError, InvalidBodyError } from '../../src/feed/errors.js';
import { debatesXml, PEOPLE_JSON } from './fixture-tree.js';

const URL = 'http://127.0.0.1/pwdata/scrapedxml/debates/x.xml';
const bytes = (text: string, encoding: BufferEncoding = 'latin1'): Buffer => Buffer.from(text, encoding);

function incomplete(text: string): IncompleteBodyError {
  try {
    assertCompleteXml(bytes(text), URL);
  } catch (error) {
    expect(error).toBeInstanceOf(IncompleteBodyError);
    return error as IncompleteBodyError;
  }
  throw new Error(`accepted as complete: ${text.slice(-60)}`);
}

describe('assertCompleteXml', () => {
  const whole = debatesXml('2020-01-01', 30);

  it('accepts a whole document with declaration, DOCTYPE subset and trailing space', () => {
    expect(assertCompleteXml(bytes(whole), URL, { expectedRoot: 'publicwhip' })).toBe('publicwhip');
  });

  it('accepts no declaration, a BOM, trailing comments, a self-closed root and odd ISO-8859-1 bytes', () => {
    expect(assertCompleteXml(bytes('<publicwhip><p>caf\xe9</p></publicwhip>'), URL)).toBe('publicwhip');
    expect(assertCompleteXml(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes('<a></a>')]), URL)).toBe(
      'a',
    );
    expect(assertCompleteXml(bytes('<a>x</a >\n<!-- generated -->\n<?pi x?>\n'), URL)).toBe('a');
    expect(assertCompleteXml(bytes('<?xml version="1.0"?><publicwhip latest="yes"/>'), URL)).toBe(
      'publicwhip',
    );
    expect(assertCompleteXml(bytes('<!DOCTYPE a [<!ENTITY gt2 "]>">]><a>]></a>'), URL)).toBe('a');
  });

  it('rejects a body cut off anywhere, naming the URL and byte length', () => {
    for (const cut of [10, 60, 150, Math.floor(whole.length / 2), whole.length - 5]) {
      const error = incomplete(whole.slice(0, cut));
      expect(error.url).toBe(URL);
      expect(error.byteLength).toBe(cut);
      expect(error.message).toContain(URL);
      expect(error.message).toContain(String(cut));
      expect(error.retryable).toBe(true);
    }
  });

  it('rejects empty bodies, an unclosed self-closing root and a closing tag of another element', () => {
    expect(incomplete('').reason).toBe('truncated');
    expect(incomplete('<?xml version="1.0"?>\n<!DOCTY').reason).toBe('truncated');
    incomplete('<publicwhip latest="y');
    incomplete('<publicwhip><speech></speech>');
    incomplete('<publicwhip/><x>');
  });

  it('rejects something that is not XML, or another root, without calling it retryable', () => {
    expect(() => assertCompleteXml(bytes('Service Unavailable'), URL)).toThrow(InvalidBodyError);
    try {
      assertCompleteXml(bytes('<html><body>oops</body></html>'), URL, { expectedRoot: 'publicwhip' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidBodyError);
      expect(error).not.toBeInstanceOf(IncompleteBodyError);
      expect((error as InvalidBodyError).reason).toBe('unexpected-root');
      expect((error as InvalidBodyError).retryable).toBe(false);
    }
  });
});

describe('assertPeopleJson', () => {
  it('accepts JSON with persons, rejects cut-off JSON as incomplete and other JSON as invalid', () => {
    expect(() => assertPeopleJson(bytes(PEOPLE_JSON, 'utf8'), 'u')).not.toThrow();
    expect(() => assertPeopleJson(bytes(PEOPLE_JSON.slice(0, 40), 'utf8'), 'u')).toThrow(IncompleteBodyError);
    const other = (): void => assertPeopleJson(bytes('{"people": []}', 'utf8'), 'u');
    expect(other).toThrow(InvalidBodyError);
    expect(other).toThrow(/persons/);
  });
});
