/**
 * Minimal reader for the shared parlparse corpus, used by training (to resolve labelled
 * references, so corpus text is never copied into the repo) and by the tagging bench.
 * It yields the same paragraph text as the dev set (ElementTree itertext, whitespace
 * collapsed), which is how references are matched. The full parser lives in src/debate.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';

export interface CorpusParagraph {
  /** Path relative to `scrapedxml/`, e.g. `debates/debates2009-10-26b.xml`. */
  file: string;
  /** `id` of the enclosing speech, ques or reply. */
  gid: string;
  pid: string | null;
  /** Position within its speech, from 0. */
  seq: number;
  text: string;
}

/** Python's str.split() whitespace set, so collapsed text equals the dev set's. */
// eslint-disable-next-line no-control-regex -- \x1c-\x1f and \x85 are whitespace to Python, and must be here
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

export function collapseWhitespace(text: string): string {
  return text.replace(PY_WHITESPACE, ' ').trim();
}

/** Files declare ISO-8859-1 or UTF-8; Buffer's latin1 is true ISO-8859-1 (not cp1252). */
export function decodeXmlBytes(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  const declared = /encoding="([^"]+)"/i.exec(head)?.[1]?.toLowerCase() ?? 'utf-8';
  const latin = declared === 'iso-8859-1' || declared === 'latin1' || declared === 'latin-1';
  return Buffer.from(bytes).toString(latin ? 'latin1' : 'utf8');
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Named entities declared in the internal DOCTYPE, already resolved to characters. */
function declaredEntities(xml: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const m of xml.matchAll(/<!ENTITY\s+(\w+)\s+"([^"]*)"\s*>/g)) {
    map.set(m[1] ?? '', decodeEntities(m[2] ?? '', map));
  }
  return map;
}

function decodeEntities(text: string, declared: Map<string, string>): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return XML_ENTITIES[ref] ?? declared.get(ref) ?? whole;
  });
}

/** `latest="no"` marks a superseded version of a day; absent means the only version. */
export function isLatestVersion(xml: string): boolean {
  const root = /<publicwhip\b[^>]*>/.exec(xml)?.[0] ?? '';
  return !/latest="no"/.test(root);
}

const SPEECH_RE = /<(speech|ques|reply)\b([^>]*)>([\s\S]*?)<\/\1>/g;

/** Paragraphs of every speech-like element, outermost `<p>` only (nested ones sit in tables). */
export function extractParagraphs(xml: string, file: string): CorpusParagraph[] {
  const entities = declaredEntities(xml);
  const out: CorpusParagraph[] = [];
  for (const m of xml.matchAll(SPEECH_RE)) {
    const gid = /\bid="([^"]*)"/.exec(m[2] ?? '')?.[1] ?? '';
    topLevelParagraphs(m[3] ?? '').forEach((p, seq) => {
      const text = collapseWhitespace(decodeEntities(p.inner.replace(/<[^>]*>/g, ''), entities));
      out.push({ file, gid, pid: p.pid, seq, text });
    });
  }
  return out;
}

function topLevelParagraphs(body: string): { pid: string | null; inner: string }[] {
  const found: { pid: string | null; inner: string }[] = [];
  let depth = 0;
  let start = 0;
  let pid: string | null = null;
  for (const tag of body.matchAll(/<(\/?)p\b([^>]*?)(\/?)>/g)) {
    const closing = tag[1] === '/';
    if (tag[3] === '/') continue; // <p/> carries no text
    if (!closing && depth++ === 0) {
      start = (tag.index ?? 0) + tag[0].length;
      pid = /\bpid="([^"]*)"/.exec(tag[2] ?? '')?.[1] ?? null;
    } else if (closing && depth > 0 && --depth === 0) {
      found.push({ pid, inner: body.slice(start, tag.index) });
    }
  }
  return found;
}

/** XML files under `scrapedxml/`, relative and sorted (the dev set's corpus order). */
export function listCorpusFiles(corpusDir: string): string[] {
  const root = path.join(corpusDir, 'scrapedxml');
  if (!existsSync(root)) throw new Error(`corpus not found: ${root} (set HW_CORPUS)`);
  const files: string[] = [];
  const dirs = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory());
  for (const dir of dirs.map((d) => d.name).sort()) {
    for (const f of readdirSync(path.join(root, dir)).sort())
      if (f.endsWith('.xml')) files.push(`${dir}/${f}`);
  }
  return files;
}

/** Every paragraph of the latest version of each day, in corpus order. */
export function readCorpusParagraphs(corpusDir: string): CorpusParagraph[] {
  const out: CorpusParagraph[] = [];
  for (const file of listCorpusFiles(corpusDir)) {
    const xml = decodeXmlBytes(readFileSync(path.join(corpusDir, 'scrapedxml', file)));
    if (isLatestVersion(xml)) out.push(...extractParagraphs(xml, file));
  }
  return out;
}
