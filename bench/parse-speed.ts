/**
 * Single-thread parse speed on the shared corpus: fast-xml-parser's default parse of the
 * decoded text (the baseline the ingest benchmark compares with) against parseFeedFile
 * from raw bytes (decoding included). Rounds are interleaved so that load from other
 * processes hits every contender alike; best and median are reported.
 * Run: npm run bench parse-speed [rounds] (or npx tsx bench/parse-speed.ts [rounds])
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { decodeXml } from '../src/debate/decode.js';
import { parseFeedFile } from '../src/debate/parse.js';
import type { ParsedDocument } from '../src/debate/types.js';

const corpus = path.resolve(
  process.env.HW_CORPUS ?? path.join(import.meta.dirname, '..', '..', 'shared', 'corpus', 'twfy-2009-10'),
);
// The first number among the arguments: under `npm run bench parse-speed N` the script's
// name comes first, so argv[2] is not the count there.
const rounds = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 10);

const files = readdirSync(path.join(corpus, 'scrapedxml'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.xml'))
  .sort()
  .map((f) => ({ name: f, bytes: readFileSync(path.join(corpus, 'scrapedxml', f)) }));
const totalBytes = files.reduce((sum, f) => sum + f.bytes.length, 0);
const texts = files.map((f) => decodeXml(f.bytes));
const docs: ParsedDocument[] = files.map((f) => parseFeedFile(f.bytes, f.name));

const contenders: Record<string, () => void> = {
  'decode only (bytes → string)': () => {
    for (const f of files) decodeXml(f.bytes);
  },
  'fast-xml-parser new XMLParser().parse (default)': () => {
    for (const text of texts) new XMLParser().parse(text);
  },
  'fast-xml-parser preserveOrder + attributes': () => {
    for (const text of texts) new XMLParser({ preserveOrder: true, ignoreAttributes: false }).parse(text);
  },
  'hansard-watch parseFeedFile (from bytes)': () => {
    for (const f of files) parseFeedFile(f.bytes, f.name);
  },
  'structuredClone of the parsed documents': () => {
    for (const doc of docs) structuredClone(doc);
  },
};

const seconds = new Map<string, number[]>(Object.keys(contenders).map((k) => [k, []]));
for (let r = -1; r < rounds; r++) {
  for (const [label, run] of Object.entries(contenders)) {
    const t = performance.now();
    run();
    // Round -1 warms the JIT up and is not counted.
    if (r >= 0) seconds.get(label)?.push((performance.now() - t) / 1000);
  }
}

console.log(
  `${files.length} files, ${(totalBytes / 1e6).toFixed(2)} MB, ${rounds} rounds, node ${process.version}`,
);
const mbps = (s: number): string => (totalBytes / s / 1e6).toFixed(1).padStart(7);
for (const [label, times] of seconds) {
  const sorted = [...times].sort((a, b) => a - b);
  const best = sorted[0] ?? NaN;
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  console.log(`${label.padEnd(50)} best ${mbps(best)} MB/s   median ${mbps(median)} MB/s`);
}
