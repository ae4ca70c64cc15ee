import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFeedFile } from '../../src/debate/parse.js';
import type { ParsedDocument } from '../../src/debate/types.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'debate');

export function fixtureBytes(name: string): Buffer {
  return readFileSync(path.join(fixtures, name));
}

export function parseFixture(name: string): ParsedDocument {
  return parseFeedFile(fixtureBytes(name), name);
}

interface DocOptions {
  encoding?: 'utf-8' | 'ISO-8859-1';
  doctype?: string;
  rootAttrs?: string;
}

/** A small feed document around `body`, encoded as its declaration says. */
export function xmlDoc(body: string, opts: DocOptions = {}): Uint8Array {
  const encoding = opts.encoding ?? 'utf-8';
  const text =
    `<?xml version="1.0" encoding="${encoding}"?>\n${opts.doctype ?? ''}\n` +
    `<publicwhip${opts.rootAttrs === undefined ? '' : ` ${opts.rootAttrs}`}>\n${body}\n</publicwhip>\n`;
  return Buffer.from(text, encoding === 'utf-8' ? 'utf8' : 'latin1');
}

/** Parses `body` as one debates file; `name` defaults to a plausible Commons file. */
export function parseBody(
  body: string,
  opts: DocOptions = {},
  name = 'debates2030-01-01a.xml',
): ParsedDocument {
  return parseFeedFile(xmlDoc(body, opts), name);
}

/** One speech holding `inner`, for paragraph-level tests. */
export function speechWith(inner: string, attrs = 'speakerid="uk.org.publicwhip/member/1"'): string {
  return `<speech id="uk.org.publicwhip/debate/2030-01-01a.1.1" ${attrs}>${inner}</speech>`;
}
