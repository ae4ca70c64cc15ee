/**
 * Evaluation against hand-labelled paragraphs: precision, recall and F1 per tag and
 * macro-F1, for the rules alone, the classifier alone and the combined decision, plus
 * the combined decision's errors. `runEval` is what `hansard-watch tags eval` prints.
 */
import path from 'node:path';
import { z } from 'zod';
import { readJsonl } from './data.js';
import { createDefaultTagger } from './load.js';
import type { Tagger } from './tagger.js';
import type { TagScore } from './types.js';

export type EvalMode = 'keyword' | 'classifier' | 'combined';
export const EVAL_MODES: readonly EvalMode[] = ['keyword', 'classifier', 'combined'];

export interface EvalRow {
  id?: string;
  /** Speech id, when known: cross-validation keeps a speech's paragraphs in one fold. */
  gid?: string | null;
  text: string;
  labels: string[];
  /** The speech's debate heading, when known: the tagger may read it as context. */
  heading?: string | null;
  /** The previous and next paragraphs of the same speech, when known. */
  neighbourText?: string | null;
}

export interface TagMetrics {
  tag: string;
  /** Gold positives. */
  support: number;
  tp: number;
  fp: number;
  fn: number;
  /** Null when undefined (nothing predicted, or the mode cannot score this tag). */
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface ModeReport {
  mode: EvalMode;
  perTag: TagMetrics[];
  /** Mean F1 over tags whose F1 is defined (a tag with no gold and no predicted positives is left out). */
  macroF1: number | null;
}

export interface EvalError {
  id: string | null;
  text: string;
  gold: string[];
  predicted: string[];
  missed: string[];
  extra: string[];
  /** Evidence behind each wrongly given tag, and the scores behind each missed one. */
  why: string[];
}

export interface EvalReport {
  rows: number;
  modelVersion: string;
  modes: ModeReport[];
  errors: EvalError[];
}

function predicted(score: TagScore, mode: EvalMode): boolean | null {
  if (mode === 'keyword') return score.keyword.positive;
  if (mode === 'classifier') return score.classifier === null ? null : score.classifier.positive;
  return score.combined.positive;
}

/** One labelled row with the tagger's scores for it. */
export interface ScoredRow {
  row: EvalRow;
  scores: TagScore[];
}

export function scoreRows(rows: readonly EvalRow[], tagger: Tagger): ScoredRow[] {
  return rows.map((r) => ({
    row: r,
    scores: tagger.scoreParagraph(r.text, {
      ...(r.heading ? { heading: r.heading } : {}),
      ...(r.neighbourText ? { neighbourText: r.neighbourText } : {}),
    }),
  }));
}

export function evaluate(rows: readonly EvalRow[], tagger: Tagger): EvalReport {
  return reportFromScores(scoreRows(rows, tagger), tagger.tags, tagger.modelVersion);
}

/** Metrics over rows scored by one tagger, or pooled from several (cross-validation folds). */
export function reportFromScores(
  scored: readonly ScoredRow[],
  tags: readonly string[],
  modelVersion: string,
): EvalReport {
  const modes = EVAL_MODES.map((mode) => modeReport(mode, tags, scored));
  const errors = scored.flatMap(({ row, scores }) => errorFor(row, scores));
  return { rows: scored.length, modelVersion, modes, errors };
}

function modeReport(mode: EvalMode, tags: readonly string[], scored: readonly ScoredRow[]): ModeReport {
  const perTag = tags.map((tag) => {
    const c = { tp: 0, fp: 0, fn: 0, scorable: true };
    for (const { row, scores } of scored) {
      const p = predicted(
        scores.find((s) => s.tag === tag)!,
        mode,
      );
      if (p === null) c.scorable = false;
      const gold = row.labels.includes(tag);
      if (p && gold) c.tp++;
      else if (p) c.fp++;
      else if (gold) c.fn++;
    }
    return metrics(tag, c.tp, c.fp, c.fn, c.scorable);
  });
  const defined = perTag.map((m) => m.f1).filter((f): f is number => f !== null);
  return {
    mode,
    perTag,
    macroF1: defined.length === 0 ? null : defined.reduce((a, b) => a + b, 0) / defined.length,
  };
}

function metrics(tag: string, tp: number, fp: number, fn: number, scorable: boolean): TagMetrics {
  const ratio = (a: number, b: number): number | null => (scorable && b > 0 ? a / b : null);
  return {
    tag,
    support: tp + fn,
    tp,
    fp,
    fn,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
  };
}

function errorFor(row: EvalRow, scores: TagScore[]): EvalError[] {
  const got = scores.filter((s) => s.combined.positive).map((s) => s.tag);
  const missed = row.labels.filter((l) => !got.includes(l));
  const extra = got.filter((t) => !row.labels.includes(t));
  if (missed.length === 0 && extra.length === 0) return [];
  const why = [...missed, ...extra].map((tag) => explain(scores.find((s) => s.tag === tag)));
  return [{ id: row.id ?? null, text: row.text, gold: row.labels, predicted: got, missed, extra, why }];
}

function explain(s: TagScore | undefined): string {
  if (s === undefined) return 'tag not in taxonomy';
  const terms =
    s.keyword.matches.map((m) => `“${m.term}” (${m.patternId} ${m.weight})`).join(', ') || 'no keyword match';
  const p =
    s.classifier === null
      ? 'no classifier'
      : `classifier ${s.classifier.probability.toFixed(2)}` +
        (s.classifier.textProbability === undefined
          ? ''
          : `, text-only ${s.classifier.textProbability.toFixed(2)}`);
  return `${s.tag}: ${terms}; ${p}; combined ${s.combined.confidence.toFixed(2)}`;
}

const fmt = (x: number | null): string => (x === null ? '  n/a' : x.toFixed(3));

export function formatEvalReport(
  report: EvalReport,
  opts: { title?: string; showErrors?: boolean } = {},
): string {
  const header = `${opts.title ?? 'Evaluation'}: ${report.rows} paragraphs, tagger ${report.modelVersion}`;
  // Each mode's column is 19 wide ("0.881  0.771  0.822"), columns 3 apart.
  const modeHead = report.modes.map((m) => modeLabel(m.mode).padEnd(19)).join('   ');
  const sub = report.modes
    .map(() => `${'P'.padStart(5)}  ${'R'.padStart(5)}  ${'F1'.padStart(5)}`)
    .join('   ');
  const lines = [
    header,
    '',
    `${''.padEnd(14)}${'gold'.padStart(5)}   ${modeHead}`,
    `${''.padEnd(14)}${''.padStart(5)}   ${sub}`,
  ];
  const tags = report.modes[0]?.perTag.map((t) => t.tag) ?? [];
  tags.forEach((tag, i) => {
    const cells = report.modes.map((m) => {
      const t = m.perTag[i]!;
      return `${fmt(t.precision)}  ${fmt(t.recall)}  ${fmt(t.f1)}`;
    });
    lines.push(
      `${tag.padEnd(14)}${String(report.modes[0]!.perTag[i]!.support).padStart(5)}   ${cells.join('   ')}`,
    );
  });
  lines.push(
    `${'macro-F1'.padEnd(14)}${''.padStart(5)}   ${report.modes.map((m) => `${''.padStart(14)}${fmt(m.macroF1)}`).join('   ')}`,
  );
  lines.push('', 'macro-F1 averages the tags whose F1 is defined (n/a: no gold and no predicted positives).');
  if (opts.showErrors) lines.push('', ...formatErrors(report.errors));
  else
    lines.push(
      `${report.errors.length} paragraphs with errors in the combined decision (show them with --errors).`,
    );
  return lines.join('\n');
}

function modeLabel(mode: EvalMode): string {
  return mode === 'keyword' ? 'keyword-only' : mode === 'classifier' ? 'classifier-only' : 'combined';
}

function formatErrors(errors: readonly EvalError[]): string[] {
  if (errors.length === 0) return ['No errors in the combined decision.'];
  return [
    `Errors in the combined decision (${errors.length}):`,
    ...errors.flatMap((e) => [
      '',
      `${e.id ?? '(no id)'}  gold [${e.gold.join(', ')}]  predicted [${e.predicted.join(', ')}]`,
      `  ${e.text.length > 300 ? `${e.text.slice(0, 300)}…` : e.text}`,
      ...e.why.map((w) => `  ${e.missed.some((m) => w.startsWith(`${m}:`)) ? 'missed' : 'extra '} ${w}`),
    ]),
  ];
}

const evalRow = z.object({
  id: z.string().optional(),
  gid: z.string().nullish(),
  text: z.string(),
  labels: z.array(z.string()),
  heading: z.string().nullish(),
});

export function readEvalRows(file: string): EvalRow[] {
  return readJsonl(file).map((raw, i) => {
    const r = evalRow.safeParse(raw);
    if (!r.success)
      throw new Error(`${file}: row ${i + 1} needs "text" and "labels": ${r.error.issues[0]?.message ?? ''}`);
    return r.data;
  });
}

export interface RunEvalOptions {
  file: string;
  showErrors?: boolean;
  /** Defaults to the committed taxonomy and current model. */
  tagger?: Tagger;
}

/** What `hansard-watch tags eval <file.jsonl> [--errors]` prints. */
export function runEval({ file, showErrors = false, tagger }: RunEvalOptions): string {
  const report = evaluate(readEvalRows(file), tagger ?? createDefaultTagger());
  return formatEvalReport(report, { title: path.basename(file), showErrors });
}
