import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const corpusDir = path.resolve(
  process.env.HW_CORPUS ?? path.join(import.meta.dirname, '..', '..', 'shared', 'corpus', 'twfy-2009-10'),
);

export function requireCorpus(): void {
  if (!existsSync(path.join(corpusDir, 'scrapedxml'))) {
    console.error(`corpus not found at ${corpusDir}; set HW_CORPUS`);
    process.exit(2);
  }
}

/**
 * Replicates the corpus under new dates (and so new gids and file names) until it holds
 * at least `minBytes`: copy k moves 2009 to 2100+k. Bytes are rewritten as latin1 so the
 * files' own encodings survive untouched. Returns the directory and its size.
 */
export function replicateCorpus(
  minBytes: number,
  dir = path.join(os.tmpdir(), 'hw-bench-corpus'),
): { dir: string; bytes: number; files: number } {
  const src = path.join(corpusDir, 'scrapedxml');
  const types = readdirSync(src);
  let bytes = 0;
  let files = 0;
  for (let k = 0; bytes < minBytes; k++) {
    const year = String(2100 + k);
    for (const type of types) {
      const out = path.join(dir, 'scrapedxml', type);
      mkdirSync(out, { recursive: true });
      const changes: string[] = [];
      const names = readdirSync(path.join(src, type)).filter((n) => n.endsWith('.xml'));
      for (const name of names) {
        const text = readFileSync(path.join(src, type, name), 'latin1').replaceAll('2009-', `${year}-`);
        const newName = name.replaceAll('2009-', `${year}-`);
        const target = path.join(out, newName);
        if (!existsSync(target)) writeFileSync(target, text, 'latin1');
        bytes += Buffer.byteLength(text, 'latin1');
        files++;
        changes.push(`${1_000_000 + files},${newName}`);
      }
      writeFileSync(path.join(out, 'changedates.txt'), changes.join('\n') + '\n', {
        flag: k === 0 ? 'w' : 'a',
      });
    }
  }
  return { dir, bytes, files };
}

export function mbps(bytes: number, seconds: number): number {
  return bytes / 1e6 / seconds;
}

/** The value after a flag such as `--seconds`, which must be a positive number. */
export function positiveArg(flag: string | undefined, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number`);
  return n;
}
