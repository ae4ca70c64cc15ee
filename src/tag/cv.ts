/**
 * K-fold cross-validation of the whole tagger on a labelled file (the dev set): each fold
 * is scored by a model trained on the repository's training data plus the other folds, so
 * every row is scored by a model that never saw it. Pooled over folds, this is the honest
 * figure for a set that the shipped model itself is trained on.
 *
 * Folds are groups, not rows: paragraphs of one speech, and the same text printed twice
 * (a statement made in both Houses), always fall in the same fold, because a model that
 * saw one of them would recognise the other. Groups are spread over folds by label, so
 * each fold gets its share of the rare positives. Everything is deterministic.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { loadTrainingExamples, sha1, type Example } from './data.js';
import {
  formatEvalReport,
  readEvalRows,
  reportFromScores,
  scoreRows,
  type EvalReport,
  type EvalRow,
  type ScoredRow,
} from './eval.js';
import { tagPaths } from './paths.js';
import { createTagger } from './tagger.js';
import { loadTaxonomy, taxonomyHash, type Taxonomy } from './taxonomy.js';
import { DEFAULT_TRAIN_OPTIONS, defaultCorpusDir, trainModels, type TrainOptions } from './train.js';

export interface CrossValidateInput {
  rows: readonly EvalRow[];
  /** Training data used in every fold; rows whose text is in `rows` are dropped from it. */
  training: readonly Example[];
  taxonomy: Taxonomy;
  folds: number;
  options?: TrainOptions;
  /** Whether a row may join the training data of the other folds (default: every row). */
  trainable?: (row: EvalRow) => boolean;
  /** See TaggerInput.headingPrior. */
  headingPrior?: number;
}

export interface CrossValidation {
  report: EvalReport;
  /** Fold (0-based) of each row, in input order. */
  foldOf: number[];
  /** Training examples dropped because their text is one of the evaluated rows. */
  droppedFromTraining: number;
}

export function crossValidate(input: CrossValidateInput): CrossValidation {
  const { rows, taxonomy, folds } = input;
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`--cv needs at least 2 folds, got ${folds}`);
  const foldOf = assignFolds(rows, folds);
  const evalTexts = new Set(rows.map((r) => sha1(r.text)));
  const base = input.training.filter((e) => !evalTexts.has(sha1(e.text)));
  const scored: ScoredRow[] = new Array<ScoredRow>(rows.length);
  for (let f = 0; f < folds; f++) {
    const others: Example[] = rows.flatMap((r, i) =>
      foldOf[i] === f || (input.trainable !== undefined && !input.trainable(r))
        ? []
        : [
            {
              id: `eval:${r.id ?? i}`,
              text: r.text,
              labels: [...r.labels].sort(),
              ...(r.heading ? { heading: r.heading } : {}),
              ...(r.neighbourText ? { neighbourText: r.neighbourText } : {}),
            },
          ],
    );
    const model = trainModels(
      [...base, ...others],
      taxonomy,
      'model-v0',
      input.options ?? DEFAULT_TRAIN_OPTIONS,
    );
    const tagger = createTagger({ taxonomy, model, headingPrior: input.headingPrior ?? 0 });
    const held = rows.flatMap((r, i) => (foldOf[i] === f ? [i] : []));
    scoreRows(
      held.map((i) => rows[i]!),
      tagger,
    ).forEach((s, n) => (scored[held[n]!] = s));
  }
  const tags = taxonomy.tags.map((t) => t.id);
  const version = `${folds}-fold-cv/taxonomy-${taxonomyHash(taxonomy)}`;
  return {
    report: reportFromScores(scored, tags, version),
    foldOf,
    droppedFromTraining: input.training.length - base.length,
  };
}

/** Text with case, spacing and punctuation removed: the same statement printed twice compares equal. */
function textKey(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/**
 * Groups rows (same speech or same text), then deals the groups out to folds label by label.
 * Depends only on the rows' contents, not their order.
 */
export function assignFolds(rows: readonly EvalRow[], folds: number): number[] {
  const parent = rows.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const firstByKey = new Map<string, number>();
  rows.forEach((r, i) => {
    for (const key of [r.gid ? `gid:${r.gid}` : null, `text:${textKey(r.text)}`]) {
      if (key === null) continue;
      const j = firstByKey.get(key);
      if (j === undefined) firstByKey.set(key, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, number[]>();
  rows.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));
  const signature = (members: number[]): string =>
    [...new Set(members.flatMap((i) => rows[i]!.labels))].sort().join(',');
  const order = [...groups.values()]
    .map((members) => ({
      members,
      signature: signature(members),
      hash: createHash('sha1')
        .update(
          members
            .map((i) => rows[i]!.text)
            .sort()
            .join('\n'),
        )
        .digest('hex'),
    }))
    // Positives first, rarest label sets first, so they are spread evenly; then by hash.
    .sort((a, b) =>
      a.signature === b.signature
        ? a.hash.localeCompare(b.hash)
        : a.signature === ''
          ? 1
          : b.signature === ''
            ? -1
            : b.signature.split(',').length - a.signature.split(',').length ||
              a.signature.localeCompare(b.signature),
    );
  const foldOf = new Array<number>(rows.length).fill(0);
  order.forEach((g, n) => g.members.forEach((i) => (foldOf[i] = n % folds)));
  return foldOf;
}

export interface RunCrossValidationOptions {
  file: string;
  folds: number;
  showErrors?: boolean;
  /** Defaults: the repository's tags/ folder and the shared corpus (HW_CORPUS). */
  tagsDir?: string;
  corpusDir?: string;
}

/** What `hansard-watch tags eval <file.jsonl> --cv <k> [--errors]` prints. */
export function runCrossValidation(opts: RunCrossValidationOptions): string {
  const paths = tagPaths(opts.tagsDir);
  const taxonomy = loadTaxonomy(paths.taxonomy);
  const training = loadTrainingExamples(paths.trainingDir, {
    corpusDir: opts.corpusDir ?? defaultCorpusDir(paths.tagsDir),
  });
  const cv = crossValidate({ rows: readEvalRows(opts.file), training, taxonomy, folds: opts.folds });
  const title =
    `${path.basename(opts.file)}, ${opts.folds}-fold cross-validation (each fold scored by a model trained on ` +
    `tags/training + the other folds; ${cv.droppedFromTraining} training rows equal to rows of this file left out)`;
  return formatEvalReport(cv.report, { title, showErrors: opts.showErrors ?? false });
}
