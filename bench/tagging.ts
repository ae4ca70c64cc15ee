/**
 * Tagging throughput on one core: every paragraph of the shared corpus (latest versions,
 * as the dev set defines them) through the keyword rules alone (baseline) and through the
 * combined tagger (rules + classifiers; with and without its fast path), interleaved over rounds so that load from other
 * processes hits both alike. Both wall-clock and CPU-time rates are printed: on a shared
 * machine wall time also counts time spent waiting for a core, CPU time does not, so the
 * ≥ 10,000 paragraphs/s target (issue #14) is judged on CPU time (best round of each).
 * Run: npx tsx bench/tagging.ts [rounds]   or   npm run bench tagging [rounds]
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readCorpusParagraphs } from '../src/tag/corpus.js';
import { compileKeywordRules, findKeywordMatches } from '../src/tag/keyword.js';
import { loadTaggerInput } from '../src/tag/load.js';
import { createTagger } from '../src/tag/tagger.js';

const corpusDir = path.resolve(
  process.env.HW_CORPUS ?? path.join(import.meta.dirname, '..', '..', 'shared', 'corpus', 'twfy-2009-10'),
);

export async function main(args: string[]): Promise<void> {
  const rounds = Number(args[0] ?? 5);
  const texts = readCorpusParagraphs(corpusDir).map((p) => p.text);
  const input = loadTaggerInput();
  const rules = compileKeywordRules(input.taxonomy);
  const tagger = createTagger(input);
  const full = createTagger({ ...input, fastPath: false });
  const contenders: Record<string, () => number> = {
    'keyword-only (findKeywordMatches)': () =>
      texts.reduce((n, t) => n + findKeywordMatches(rules, t).length, 0),
    'combined (tagParagraph)': () => texts.reduce((n, t) => n + tagger.tagParagraph(t).length, 0),
    // The same tagger without its fast path (src/tag/fast-path.ts): what it saves, in this run.
    'combined, no fast path': () => texts.reduce((n, t) => n + full.tagParagraph(t).length, 0),
  };
  const wall = new Map<string, number>();
  const cpu = new Map<string, number>();
  const hits = new Map<string, number>();
  for (let r = -1; r < rounds; r++) {
    for (const [label, run] of Object.entries(contenders)) {
      const t = performance.now();
      const c = process.cpuUsage();
      hits.set(label, run());
      const used = process.cpuUsage(c);
      const s = (performance.now() - t) / 1000;
      // Round -1 warms the JIT and the word cache up and is not counted.
      if (r < 0) continue;
      wall.set(label, Math.min(wall.get(label) ?? Infinity, s));
      cpu.set(label, Math.min(cpu.get(label) ?? Infinity, (used.user + used.system) / 1e6));
    }
  }
  console.log(
    `${texts.length} paragraphs, ${rounds} rounds (best of), node ${process.version}, tagger ${tagger.modelVersion}`,
  );
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-GB').padStart(9);
  const rate = (m: Map<string, number>, label: string): number => texts.length / (m.get(label) ?? Infinity);
  console.log(`  ${''.padEnd(36)} ${'wall p/s'.padStart(9)} ${'CPU p/s'.padStart(9)}`);
  for (const label of Object.keys(contenders)) {
    console.log(
      `  ${label.padEnd(36)} ${fmt(rate(wall, label))} ${fmt(rate(cpu, label))}  (${hits.get(label)} tags/matches)`,
    );
  }
  const [kw, combined, slow] = Object.keys(contenders).map((l) => rate(cpu, l));
  console.log(
    `  combined / keyword-only (CPU): ${((combined ?? 0) / (kw ?? 1)).toFixed(2)}; fast path speed-up (CPU): ${((combined ?? 0) / (slow ?? 1)).toFixed(2)}×; target ≥ 10,000 paragraphs/s per core: ${(combined ?? 0) >= 10000 ? 'met' : 'NOT met'}`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2));
