import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertDisjoint, loadTrainingExamples, trainingFiles } from '../../src/tag/data.js';
import { loadCurrentModel } from '../../src/tag/model.js';
import { runTrain, trainModels } from '../../src/tag/train.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { committedTaxonomy, repoTagsDir } from './helpers.js';

const trainingDir = path.join(repoTagsDir, 'training');
const writtenDir = path.join(trainingDir, 'written');

describe('deterministic training', () => {
  it('training twice on the same data gives an identical model', () => {
    const examples = loadTrainingExamples(writtenDir);
    const a = trainModels(examples, committedTaxonomy());
    const b = trainModels([...examples].reverse(), committedTaxonomy());
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.classifiers.map((c) => c.tag)).toEqual(['outsourcing', 'privatisation', 'stp', 'aco']);
    // A text-only classifier per tag, one weight per vocabulary term (no rule features).
    expect(a.textClassifiers?.map((c) => c.tag)).toEqual(['outsourcing', 'privatisation', 'stp', 'aco']);
    for (const c of a.textClassifiers ?? []) expect(c.weights).toHaveLength(a.features.terms.length);
    expect(a.features.terms).toEqual([...a.features.terms].sort());
  });

  it('runTrain writes a versioned model file, byte-identical on a second run', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hw-train-'));
    const outFile = path.join(dir, 'model-v7.json');
    const first = await runTrain({ dataDir: writtenDir, outFile, evalFiles: [] });
    expect(first).toMatchObject({ outFile, modelId: 'model-v7', unchanged: false });
    expect(first.summary).toMatch(/^Wrote .*model-v7\.json \(model-v7\): \d+ examples/);
    const bytes = readFileSync(outFile, 'utf8');
    await runTrain({ dataDir: writtenDir, outFile, evalFiles: [] });
    expect(readFileSync(outFile, 'utf8')).toBe(bytes);
  });

  it('refuses to train on text that is also in an evaluation set', () => {
    const examples = [{ id: 'x', text: 'The NHS is not for sale.', labels: ['privatisation'] }];
    expect(() =>
      assertDisjoint(examples, ['Something else.', 'The NHS is not for sale.'], 'dev.jsonl'),
    ).toThrow(/1 training examples also appear in dev\.jsonl \(e\.g\. x\)/);
  });
});

describe('training data', () => {
  it('never reads held-out files', () => {
    const files = trainingFiles(trainingDir).map((f) => path.basename(f));
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => f.startsWith('heldout'))).toEqual([]);
    const training = new Set(loadTrainingExamples(writtenDir).map((e) => e.text));
    for (const file of ['heldout.jsonl', 'heldout-dev.jsonl', 'heldout-3.jsonl']) {
      const held = readFileSync(path.join(trainingDir, file), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { text: string }).text);
      expect(held.filter((t) => training.has(t))).toEqual([]);
    }
  });

  it('uses only the four taxonomy labels', () => {
    const labels = new Set(loadTrainingExamples(writtenDir).flatMap((e) => e.labels));
    expect([...labels].sort()).toEqual(['aco', 'outsourcing', 'privatisation', 'stp']);
  });
});

describe.skipIf(!corpusAvailable())('corpus-backed training data', () => {
  it('resolves every corpus reference to its paragraph text, without copying the corpus', () => {
    const examples = loadTrainingExamples(trainingDir, { corpusDir });
    const refs = examples.filter((e) => e.id.startsWith('c'));
    expect(refs.length).toBeGreaterThan(500);
    expect(refs.every((e) => e.text.length > 0)).toBe(true);
    const stored = readFileSync(path.join(trainingDir, 'corpus-2009.jsonl'), 'utf8');
    expect(stored).not.toContain(refs[0]!.text.slice(0, 60));
  });

  it('shares no paragraph with the dev set', () => {
    const dev = path.resolve(corpusDir, '..', '..', 'tagging', 'dev-2009.jsonl');
    if (!existsSync(dev)) return;
    const devTexts = readFileSync(dev, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { text: string }).text);
    expect(() =>
      assertDisjoint(loadTrainingExamples(trainingDir, { corpusDir }), devTexts, 'dev-2009.jsonl'),
    ).not.toThrow();
  });

  it('the committed model is exactly what the committed data and code train', () => {
    const committed = loadCurrentModel(path.join(repoTagsDir, 'models'));
    expect(committed).not.toBeNull();
    const fresh = trainModels(
      loadTrainingExamples(trainingDir, { corpusDir }),
      committedTaxonomy(),
      committed!.id,
    );
    expect(JSON.stringify(fresh)).toBe(JSON.stringify(committed));
  });
});
