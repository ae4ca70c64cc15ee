import { Buffer } from 'node:buffer';
import { Issues } from './issues.js';

const DECLARED_ENCODING = /^<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/;
const LATIN1 = new Set(['iso-8859-1', 'iso8859-1', 'latin1', 'latin-1', 'l1', 'us-ascii', 'ascii']);
const UTF8 = new Set(['utf-8', 'utf8']);
const CP1252 = new Set(['windows-1252', 'cp1252', 'x-cp1252']);

// windows-1252's 0x80–0x9F (the five unassigned bytes keep their C1 code points). Done by
// hand because Node 20's TextDecoder('windows-1252') decodes these bytes as ISO-8859-1.
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const C1 = /[\x80-\x9f]/g;

function decodeCp1252(buf: Buffer): string {
  return buf.toString('latin1').replace(C1, (c) => CP1252_HIGH.charAt(c.charCodeAt(0) - 0x80));
}

function viewOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function decodeUtf8(buf: Buffer, issues: Issues): string {
  const text = buf.toString('utf8');
  // Buffer decoding replaces bad bytes silently; only pay for a strict check when a
  // replacement character shows up (it may also be a genuine U+FFFD in the text).
  if (text.includes('\uFFFD')) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf);
    } catch {
      issues.warn(undefined, 'encoding', 'invalid UTF-8 bytes were replaced with U+FFFD');
    }
  }
  return text;
}

function decodeDeclared(buf: Buffer, label: string, issues: Issues): string {
  const name = label.toLowerCase();
  // WHATWG's "latin1" label means windows-1252, which would remap 0x80–0x9F; parlparse
  // files mean true ISO-8859-1 (and ElementTree reads them so), which Buffer's latin1 is.
  if (LATIN1.has(name)) return buf.toString('latin1');
  if (UTF8.has(name)) return decodeUtf8(buf, issues);
  if (CP1252.has(name)) return decodeCp1252(buf);
  try {
    return new TextDecoder(name).decode(buf);
  } catch {
    issues.warn(0, 'encoding', `unsupported encoding "${label}"; read as UTF-8`);
    return decodeUtf8(buf, issues);
  }
}

/** Decodes a feed file's bytes as its BOM or XML declaration says (UTF-8 by default). */
export function decodeFeedBytes(bytes: Uint8Array, issues: Issues): string {
  const buf = viewOf(bytes);
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return decodeUtf8(buf.subarray(3), issues);
  if (buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  const head = buf.subarray(0, 256).toString('latin1');
  const label = DECLARED_ENCODING.exec(head)?.[1];
  return label === undefined ? decodeUtf8(buf, issues) : decodeDeclared(buf, label, issues);
}

/** Decodes a feed file's text where nobody collects warnings (benchmarks, tools). */
export function decodeXml(bytes: Uint8Array): string {
  return decodeFeedBytes(bytes, new Issues(''));
}
