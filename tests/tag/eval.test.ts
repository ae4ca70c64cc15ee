import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, formatEvalReport, readEvalRows, runEval, type EvalReport } from '../../src/tag/eval.js';
import { createTagger } from '../../src/tag/tagger.js';
import { parseTaxonomy } from '../../src/tag/taxonomy.js';
import { corpusAvailable, devSetPath } from '../support/corpus.js';
import { committedTagger, repoTagsDir } from './helpers.js';

const f1 = (r: EvalReport, mode: string, tag: string): number =>
  r.modes.find((m) => m.mode === mode)!.perTag.find((t) => t.tag === tag)!.f1 ?? 0;

describe('evaluate', () => {
  const taxonomy = parseTaxonomy({
    version: 1,
    tags: [
      { id: 'fruit', label: 'Fruit', patterns: [{ id: 'apple', pattern: '\\bapples?\\b', weight: 0.9 }] },
    ],
  });
  const rows = [
    { id: 'tp', text: 'An apple pie.', labels: ['fruit'] },
    { id: 'fp', text: 'Apple computers.', labels: [] },
    { id: 'fn', text: 'A ripe pear.', labels: ['fruit'] },
    { id: 'tn', text: 'A stone.', labels: [] },
  ];
  const report = evaluate(rows, createTagger({ taxonomy, model: null }));

  it('computes precision, recall and F1 per tag and mode', () => {
    const keyword = report.modes.find((m) => m.mode === 'keyword')!;
    expect(keyword.perTag).toEqual([
      { tag: 'fruit', support: 2, tp: 1, fp: 1, fn: 1, precision: 0.5, recall: 0.5, f1: 0.5 },
    ]);
    expect(keyword.macroF1).toBe(0.5);
    // Without a model there is no classifier to score: n/a rather than a misleading zero.
    expect(report.modes.find((m) => m.mode === 'classifier')!.perTag[0]).toMatchObject({
      precision: null,
      recall: null,
      f1: null,
    });
  });

  it('lists the combined errors with the evidence behind them', () => {
    expect(report.errors.map((e) => [e.id, e.missed, e.extra])).toEqual([
      ['fp', [], ['fruit']],
      ['fn', ['fruit'], []],
    ]);
    expect(report.errors[0]!.why[0]).toBe('fruit: “Apple” (apple 0.9); no classifier; combined 0.90');
  });

  it('formats a table, and the errors on request', () => {
    const table = formatEvalReport(report, { title: 'fruit.jsonl' });
    expect(table).toContain('fruit.jsonl: 4 paragraphs, tagger rules-only/taxonomy-');
    expect(table).toMatch(
      /fruit\s+2\s+0\.500\s+0\.500\s+0\.500\s+n\/a\s+n\/a\s+n\/a\s+0\.500\s+0\.500\s+0\.500/,
    );
    expect(table).toContain('2 paragraphs with errors in the combined decision (show them with --errors).');
    const withErrors = formatEvalReport(report, { showErrors: true });
    expect(withErrors).toContain('fn  gold [fruit]  predicted []');
    expect(withErrors).toContain('  missed fruit: no keyword match; no classifier; combined 0.00');
  });
});

describe('held-out split of our own data', () => {
  const file = path.join(repoTagsDir, 'training', 'heldout.jsonl');
  const report = evaluate(readEvalRows(file), committedTagger());

  it('combined beats keyword-only for outsourcing and privatisation', () => {
    for (const tag of ['outsourcing', 'privatisation'])
      expect(f1(report, 'combined', tag)).toBeGreaterThan(f1(report, 'keyword', tag));
  });

  it('tags STP and ACO paragraphs reliably', () => {
    for (const tag of ['stp', 'aco']) expect(f1(report, 'combined', tag)).toBeGreaterThanOrEqual(0.9);
  });

  it('runEval prints the table for the CLI', () => {
    const out = runEval({ file, tagger: committedTagger() });
    expect(out).toMatch(/^heldout\.jsonl: \d+ paragraphs, tagger model-v\d+/);
    expect(out).toContain('keyword-only');
    expect(out).toContain('classifier-only');
    expect(out).toMatch(/macro-F1/);
  });
});

// Written in 2016–2019 style before model-v2's rules and data were tuned, and never looked at
// while tuning; model-v2 measures outsourcing 0.857, privatisation 0.889, stp 0.923, aco 1.0.
describe('second held-out split (heldout-2, written before tuning)', () => {
  const file = path.join(repoTagsDir, 'training', 'heldout-2.jsonl');
  const report = evaluate(readEvalRows(file), committedTagger());

  it('has at least 80 paragraphs', () => {
    expect(report.rows).toBeGreaterThanOrEqual(80);
  });

  it('combined beats keyword-only for outsourcing and privatisation', () => {
    for (const tag of ['outsourcing', 'privatisation'])
      expect(f1(report, 'combined', tag)).toBeGreaterThan(f1(report, 'keyword', tag));
  });

  it('holds model-v2 quality: combined F1 >= 0.85 outsourcing, >= 0.88 privatisation, >= 0.9 stp and aco', () => {
    expect(f1(report, 'combined', 'outsourcing')).toBeGreaterThanOrEqual(0.85);
    expect(f1(report, 'combined', 'privatisation')).toBeGreaterThanOrEqual(0.88);
    for (const tag of ['stp', 'aco']) expect(f1(report, 'combined', tag)).toBeGreaterThanOrEqual(0.9);
  });
});

describe.skipIf(!corpusAvailable())('dev-2009 (never trained on)', () => {
  const report = evaluate(readEvalRows(devSetPath), committedTagger());

  it('combined beats keyword-only for outsourcing and privatisation', () => {
    for (const tag of ['outsourcing', 'privatisation'])
      expect(f1(report, 'combined', tag)).toBeGreaterThan(f1(report, 'keyword', tag));
  });

  it('gives no STP or ACO tag in a 2009 week (they did not exist yet)', () => {
    const combined = report.modes.find((m) => m.mode === 'combined')!;
    for (const tag of ['stp', 'aco'])
      expect(combined.perTag.find((t) => t.tag === tag)).toMatchObject({ tp: 0, fp: 0 });
  });

  // The target is combined F1 >= 0.90 for both; model-v2 measures 0.872 and 0.889
  // (model-v1: 0.863 and 0.889), so issue 4 stays open. This guards the quality reached so
  // far against regressions.
  it('holds model-v2 quality: combined F1 >= 0.87 outsourcing, >= 0.88 privatisation', () => {
    expect(f1(report, 'combined', 'outsourcing')).toBeGreaterThanOrEqual(0.87);
    expect(f1(report, 'combined', 'privatisation')).toBeGreaterThanOrEqual(0.88);
  });
});
