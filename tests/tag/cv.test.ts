import { describe, expect, it } from 'vitest';
import { assignFolds, crossValidate } from '../../src/tag/cv.js';
import { parseTaxonomy } from '../../src/tag/taxonomy.js';

describe('assignFolds', () => {
  it('keeps a speech, and the same statement printed twice, in one fold', () => {
    const rows = [
      { id: 'a1', gid: 'speech-a', text: 'First paragraph of A.', labels: [] },
      { id: 'a2', gid: 'speech-a', text: 'Second paragraph of A.', labels: ['fruit'] },
      { id: 'c', gid: 'speech-c', text: 'The Mayor and I agree.', labels: [] },
      { id: 'd', gid: 'speech-d', text: 'The mayor and I agree', labels: [] },
      ...Array.from({ length: 12 }, (_, i) => ({ id: `x${i}`, text: `Other text ${i}.`, labels: [] })),
    ];
    const folds = assignFolds(rows, 4);
    expect(folds[0]).toBe(folds[1]);
    expect(folds[2]).toBe(folds[3]);
    expect(new Set(folds)).toEqual(new Set([0, 1, 2, 3]));
    expect(assignFolds([...rows].reverse(), 4).reverse()).toEqual(folds);
  });

  it('spreads the positives over the folds', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({
      text: `Paragraph number ${i}.`,
      labels: i % 8 === 0 ? ['fruit'] : [],
    }));
    const folds = assignFolds(rows, 5);
    const positiveFolds = rows.flatMap((r, i) => (r.labels.length ? [folds[i]] : []));
    expect(new Set(positiveFolds).size).toBe(5);
  });
});

describe('crossValidate', () => {
  const taxonomy = parseTaxonomy({
    version: 1,
    tags: [
      { id: 'fruit', label: 'Fruit', patterns: [{ id: 'apple', pattern: '\\bapples?\\b', weight: 0.9 }] },
    ],
  });
  const fruit = ['pear', 'plum', 'apple', 'cherry', 'peach', 'mango', 'apricot', 'damson'];
  const rows = fruit.flatMap((f, i) => [
    { id: `p${i}`, text: `We ate a ripe ${f} from the orchard.`, labels: ['fruit'] },
    { id: `n${i}`, text: `We mended a broken fence number ${i}.`, labels: [] },
  ]);
  const training = [
    { id: 't1', text: 'A ripe pear and a ripe plum.', labels: ['fruit'] },
    { id: 't2', text: 'The fence was broken again.', labels: [] },
    // Equal to an evaluated row: must be left out of every fold's training data.
    { id: 't3', text: rows[0]!.text, labels: ['fruit'] },
  ];
  const cv = crossValidate({ rows, training, taxonomy, folds: 4 });

  it('scores every row once, by a model that did not see it', () => {
    expect(cv.report.rows).toBe(rows.length);
    expect(cv.droppedFromTraining).toBe(1);
    expect(cv.report.modelVersion).toMatch(/^4-fold-cv\/taxonomy-/);
    const combined = cv.report.modes.find((m) => m.mode === 'combined')!.perTag[0]!;
    expect(combined.tp + combined.fn).toBe(8);
    // The words "ripe" and "orchard" are learnt from the other folds; only one row says "apple".
    expect(combined.f1).toBeGreaterThan(0.8);
    const keyword = cv.report.modes.find((m) => m.mode === 'keyword')!.perTag[0]!;
    expect(keyword.tp).toBe(1);
  });

  it('refuses fewer than two folds', () => {
    expect(() => crossValidate({ rows, training, taxonomy, folds: 1 })).toThrow(/at least 2 folds/);
  });
});
