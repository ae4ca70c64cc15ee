/**
 * Cross-validation over all real labelled Hansard the project has, grouped by debate so
 * that one debate never sits on both sides of a split: the shared dev-2009 set and the
 * corpus-2009 training rows (grouped by the sitting day in their gid: one day's debates
 * share speakers and wording), and the shared real-2015-20 set (grouped by `debate` +
 * `date`). Each fold is scored by a model trained on the other folds' real rows, plus the
 * written training text when `written` is on. This is the yardstick models are chosen by.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadTrainingExamples, readJsonl, sha1, type Example } from './data.js';
import { decodeXmlBytes, extractParagraphs, listCorpusFiles } from './corpus.js';
import { formatEvalReport, type EvalReport, type EvalRow } from './eval.js';
import { crossValidate } from './cv.js';
import { tagPaths } from './paths.js';
import { corpusHeadings, normaliseDebateTitle } from './heading.js';
import { loadTaxonomy } from './taxonomy.js';
import { DEFAULT_TRAIN_OPTIONS, defaultCorpusDir, type TrainOptions } from './train.js';

/**
 * Committee files' `&#146;` etc. reach the labelled set as C1 controls; the parser reads them
 * as Windows-1252 (as browsers do), so training sees the text the tagger sees. A table, not
 * TextDecoder('windows-1252'): Node's small-ICU build decodes that label as Latin-1.
 */
const CP1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
export function decodeC1(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => CP1252_C1[c.charCodeAt(0) - 0x80]!);
}

const dayOf = (gid: string): string => /(\d{4}-\d{2}-\d{2})/.exec(gid)?.[1] ?? gid;

export interface RealRows {
  rows: EvalRow[];
  /** Rows per source, for the report. */
  counts: Record<string, number>;
}

/**
 * Every real labelled row, each with its group key in `gid` (which `assignFolds` groups by) and,
 * with `headings`, its debate heading: from the corpus XML for the 2009 rows (by speech gid),
 * from the `debate` title for real-2015-20.
 */
export function loadRealRows(
  sharedTaggingDir: string,
  trainingDir: string,
  corpusDir: string,
  headings = false,
  neighbours = false,
): RealRows {
  const rows: EvalRow[] = [];
  const counts: Record<string, number> = {};
  const titles = headings ? corpusHeadings(corpusDir) : null;
  const around = neighbours ? corpusNeighbours(corpusDir) : null;
  /** `gid` and raw `text` find a 2009 row's neighbours; real-2015-20 rows have none. */
  const add = (
    source: string,
    r: EvalRow,
    heading: string | undefined,
    at?: { gid: string; text: string },
  ) => {
    const n = at === undefined ? undefined : around?.get(`${at.gid}|${sha1(at.text)}`);
    rows.push({
      ...r,
      ...(titles !== null && heading ? { heading } : {}),
      ...(n ? { neighbourText: decodeC1(n) } : {}),
    });
    counts[source] = (counts[source] ?? 0) + 1;
  };
  const dev = path.join(sharedTaggingDir, 'dev-2009.jsonl');
  for (const raw of readJsonl(dev) as { id: string; gid: string; text: string; labels: string[] }[])
    add(
      'dev-2009',
      {
        id: `dev:${raw.id}`,
        gid: `day:${dayOf(raw.gid)}`,
        text: decodeC1(raw.text),
        labels: raw.labels,
      },
      titles?.get(raw.gid),
      raw,
    );
  const real = path.join(sharedTaggingDir, 'real-2015-20.jsonl');
  if (existsSync(real))
    for (const raw of readJsonl(real) as {
      id: string;
      text: string;
      labels: string[];
      debate: string | null;
      date: string | null;
    }[])
      add(
        'real-2015-20',
        {
          id: `real:${raw.id}`,
          gid: `debate:${raw.debate ?? ''}|${raw.date ?? ''}`,
          text: raw.text,
          labels: raw.labels,
        },
        normaliseDebateTitle(raw.debate),
      );
  const corpusFile = path.join(trainingDir, 'corpus-2009.jsonl');
  const gidOf = new Map(
    (readJsonl(corpusFile) as { id: string; gid: string }[]).map((r) => [r.id, r.gid] as const),
  );
  for (const e of loadTrainingExamples(trainingDir, { corpusDir }))
    if (gidOf.has(e.id))
      add(
        'corpus-2009',
        {
          id: `corpus:${e.id}`,
          gid: `day:${dayOf(gidOf.get(e.id)!)}`,
          text: e.text,
          labels: e.labels,
        },
        titles?.get(gidOf.get(e.id)!),
        { gid: gidOf.get(e.id)!, text: e.text },
      );
  return { rows, counts };
}

/** The previous and next paragraph of every corpus paragraph (all files), by `gid|sha1(text)`. */
function corpusNeighbours(corpusDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of listCorpusFiles(corpusDir)) {
    const ps = extractParagraphs(
      decodeXmlBytes(readFileSync(path.join(corpusDir, 'scrapedxml', file))),
      file,
    );
    ps.forEach((p, i) => {
      const near = [ps[i - 1], ps[i + 1]]
        .filter((q) => q !== undefined && q.gid === p.gid)
        .map((q) => q!.text);
      out.set(`${p.gid}|${sha1(p.text)}`, near.join('\n'));
    });
  }
  return out;
}

/** The source a row of `loadRealRows` came from, by its id prefix. */
function sourceOf(r: EvalRow): string {
  const prefix = r.id?.split(':')[0];
  return prefix === 'dev' ? 'dev-2009' : prefix === 'real' ? 'real-2015-20' : 'corpus-2009';
}

export interface RealCvOptions {
  folds: number;
  /** Add the written training text (tags/training/written) to every fold's training data. */
  written: boolean;
  options?: TrainOptions;
  /**
   * Sources whose rows join the other folds' training data (default: all). Rows of the
   * others are scored only: `['corpus-2009']` is model-v5's recipe, which never saw dev-2009
   * or real-2015-20.
   */
  trainSources?: string[];
  /** Give real rows their debate heading (read by a model trained with `headingFeatures`). */
  headings?: boolean;
  /** Give 2009 rows their speech's previous and next paragraph (read by a model trained with `neighbourFeatures`). */
  neighbours?: boolean;
  /** See TaggerInput.headingPrior (needs `headings`). */
  headingPrior?: number;
  tagsDir?: string;
  corpusDir?: string;
  sharedTaggingDir?: string;
}

export function realCrossValidation(opts: RealCvOptions): {
  report: EvalReport;
  counts: Record<string, number>;
} {
  const paths = tagPaths(opts.tagsDir);
  const corpusDir = opts.corpusDir ?? defaultCorpusDir(paths.tagsDir);
  const shared = opts.sharedTaggingDir ?? path.resolve(corpusDir, '..', '..', 'tagging');
  const taxonomy = loadTaxonomy(paths.taxonomy);
  const { rows, counts } = loadRealRows(
    shared,
    paths.trainingDir,
    corpusDir,
    opts.headings ?? false,
    opts.neighbours ?? false,
  );
  const training: Example[] = opts.written
    ? loadTrainingExamples(path.join(paths.trainingDir, 'written'), {})
    : [];
  const cv = crossValidate({
    rows,
    training,
    taxonomy,
    folds: opts.folds,
    options: opts.options ?? DEFAULT_TRAIN_OPTIONS,
    headingPrior: opts.headingPrior ?? 0,
    ...(opts.trainSources !== undefined
      ? { trainable: (r: EvalRow) => opts.trainSources!.includes(sourceOf(r)) }
      : {}),
  });
  return { report: cv.report, counts };
}

/** What `hansard-watch tags cv-real` prints. */
export function runRealCrossValidation(opts: RealCvOptions & { showErrors?: boolean }): string {
  const { report, counts } = realCrossValidation(opts);
  const sources = Object.entries(counts)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  const title =
    `all real labelled Hansard (${sources}), ${opts.folds}-fold cross-validation grouped by debate ` +
    `(debate + date; the gid's day for 2009), training on ${opts.trainSources?.join(' + ') ?? 'all real rows'}${opts.written ? ' + written' : ''}` +
    `${opts.options?.topicalPrecision ? `, topical gate ${opts.options.topicalPrecision}` : ''}` +
    `${opts.options?.stopBigrams === 0 ? ', no stop-word bigrams' : ''}` +
    `${opts.headings && opts.options?.headingFeatures ? ', heading features' : ''}` +
    `${opts.headingPrior ? `, heading prior ${opts.headingPrior}` : ''}` +
    `${opts.neighbours && opts.options?.neighbourFeatures ? ', neighbour features' : ''}` +
    `${opts.options?.topicalMinimum ? `, topical minimum ${opts.options.topicalMinimum}` : ''}`;
  return formatEvalReport(report, { title, showErrors: opts.showErrors ?? false });
}
