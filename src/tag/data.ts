/**
 * Labelled training data under tags/training/: every *.jsonl file except held-out ones.
 * A row is either written text (`text`, `labels`) or a reference to a paragraph of the
 * shared corpus (`file`, `gid`, `pid`, `sha1` of the text, `labels`), resolved against
 * the corpus XML at train time so that corpus text never enters the repository.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { decodeXmlBytes, extractParagraphs } from './corpus.js';

export interface Example {
  id: string;
  text: string;
  labels: string[];
  /** The speech's debate heading, where known (real Hansard); written rows have none. */
  heading?: string;
  /** The previous and next paragraphs of the same speech, where known (experimental context). */
  neighbourText?: string;
}

const labels = z.array(z.string().min(1));
const textRow = z.object({
  id: z.string().min(1),
  text: z.string().min(1),
  labels,
  note: z.string().nullish(),
});
const refRow = z.object({
  id: z.string().min(1),
  file: z.string().min(1),
  gid: z.string().min(1),
  pid: z.string().nullable(),
  sha1: z.string().regex(/^[0-9a-f]{40}$/),
  labels,
  note: z.string().nullish(),
});
const row = z.union([textRow, refRow]);
type Row = z.infer<typeof row>;
type RefRow = z.infer<typeof refRow>;

/** Held-out files are for evaluation only and are never read as training data. */
export const isHeldOut = (file: string): boolean => /(^|\/)heldout[^/]*\.jsonl$/.test(file);

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export function readJsonl(file: string): unknown[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, n }) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (err) {
        throw new Error(`${file}:${n}: invalid JSON: ${(err as Error).message}`, { cause: err });
      }
    });
}

/** Training files in a stable order (sorted relative paths), held-out files excluded. */
export function trainingFiles(dataDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.jsonl') && !isHeldOut(full)) out.push(full);
    }
  };
  walk(dataDir);
  return out;
}

function parseRows(file: string): Row[] {
  return readJsonl(file).map((raw, i) => {
    const r = row.safeParse(raw);
    if (!r.success)
      throw new Error(
        `${file}: row ${i + 1}: ${r.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ')}`,
      );
    return r.data;
  });
}

export interface LoadOptions {
  /** Corpus root (the folder holding scrapedxml/); needed when any file holds references. */
  corpusDir?: string;
}

export function loadTrainingExamples(dataDir: string, opts: LoadOptions = {}): Example[] {
  const rows = trainingFiles(dataDir).flatMap(parseRows);
  const refs = rows.filter((r): r is RefRow => 'sha1' in r);
  const resolved = refs.length > 0 ? resolveReferences(refs, opts.corpusDir) : new Map<string, string>();
  const examples = rows.map((r) => ({
    id: r.id,
    text: 'sha1' in r ? resolved.get(r.id)! : r.text,
    labels: [...r.labels].sort(),
  }));
  assertUniqueIds(examples);
  return examples;
}

/** Reads each referenced corpus file once and finds each paragraph by speech id and text hash. */
function resolveReferences(refs: RefRow[], corpusDir: string | undefined): Map<string, string> {
  if (corpusDir === undefined)
    throw new Error(`${refs.length} training rows reference the corpus; pass corpusDir (or set HW_CORPUS)`);
  const byFile = new Map<string, RefRow[]>();
  for (const r of refs) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  const out = new Map<string, string>();
  for (const [file, list] of [...byFile.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const xml = decodeXmlBytes(readFileSync(path.join(corpusDir, 'scrapedxml', file)));
    const index = new Map(extractParagraphs(xml, file).map((p) => [`${p.gid}|${sha1(p.text)}`, p.text]));
    for (const r of list) {
      const text = index.get(`${r.gid}|${r.sha1}`);
      if (text === undefined)
        throw new Error(
          `training reference ${r.id} not found in ${file} (gid ${r.gid}, pid ${r.pid ?? 'none'})`,
        );
      out.set(r.id, text);
    }
  }
  return out;
}

function assertUniqueIds(examples: Example[]): void {
  const seen = new Set<string>();
  for (const e of examples) {
    if (seen.has(e.id)) throw new Error(`duplicate training example id '${e.id}'`);
    seen.add(e.id);
  }
}

/** Guards the rule that the evaluation set is never trained on: no training text may equal a dev text. */
export function assertDisjoint(
  examples: readonly Example[],
  evalTexts: Iterable<string>,
  what: string,
): void {
  const banned = new Set<string>();
  for (const t of evalTexts) banned.add(sha1(t));
  const clash = examples.filter((e) => banned.has(sha1(e.text)));
  if (clash.length > 0)
    throw new Error(
      `${clash.length} training examples also appear in ${what} (e.g. ${clash[0]!.id}); remove them`,
    );
}
