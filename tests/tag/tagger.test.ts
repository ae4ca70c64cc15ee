import { describe, expect, it } from 'vitest';
import { combine } from '../../src/tag/fusion.js';
import { loadTaggerInput } from '../../src/tag/load.js';
import { createTagger } from '../../src/tag/tagger.js';
import { committedTagger, committedTaxonomy, repoTagsDir } from './helpers.js';

describe('combined tagger', () => {
  it('gives a tag with confidence, method and evidence spans that point at the right words', () => {
    const text =
      'My constituents are worried. The CCG has handed the contract for community dermatology to Virgin Care, and we have no plans to privatise anything else, the Minister says.';
    const tags = committedTagger().tagParagraph(text);
    expect(tags.map((t) => t.tag).sort()).toEqual(['outsourcing', 'privatisation']);
    for (const t of tags) {
      expect(t.confidence).toBeGreaterThanOrEqual(0.5);
      expect(t.confidence).toBeLessThanOrEqual(1);
      expect(t.method).toBe('combined');
      expect(t.evidence.length).toBeGreaterThan(0);
      for (const e of t.evidence) expect(text.slice(e.start, e.end)).toBe(e.term);
    }
    const out = tags.find((t) => t.tag === 'outsourcing')!;
    expect(out.evidence.filter((e) => e.source === 'keyword').map((e) => e.term)).toContain('Virgin Care');
    const priv = tags.find((t) => t.tag === 'privatisation')!;
    expect(priv.evidence[0]).toMatchObject({ term: 'privatise', source: 'keyword', ref: 'privatise' });
  });

  it('cites the classifier terms beside the rule matches, with spans', () => {
    const text =
      'The Government are paying a private company to run the helpline for universal credit under a ten-year contract, and my constituents cannot get through.';
    const [tag] = committedTagger().tagParagraph(text);
    expect(tag?.tag).toBe('outsourcing');
    expect(tag?.classifierConfidence).toBeGreaterThan(0.5);
    const fromClassifier = tag!.evidence.filter((e) => e.source === 'classifier');
    expect(fromClassifier.length).toBeGreaterThan(0);
    for (const e of tag!.evidence) expect(text.slice(e.start, e.end)).toBe(e.term);
  });

  it('leaves procedural and unrelated paragraphs untagged', () => {
    for (const text of [
      'I beg to move, That the Bill be now read a Second time.',
      'Question put and agreed to.',
      'Knife crime has risen by more than 50% in five years.',
    ]) {
      expect(committedTagger().tagParagraph(text)).toEqual([]);
    }
  });

  it('scores every tag in every mode for evaluation', () => {
    const scores = committedTagger().scoreParagraph('The STP wants to close our hospital.');
    expect(scores.map((s) => s.tag)).toEqual(['outsourcing', 'privatisation', 'stp', 'aco']);
    const stp = scores.find((s) => s.tag === 'stp')!;
    expect(stp.keyword.positive).toBe(true);
    expect(stp.classifier).not.toBeNull();
    expect(stp.combined.positive).toBe(true);
  });

  it('reports the model and rules it ran with', () => {
    expect(committedTagger().modelVersion).toMatch(/^model-v\d+\/taxonomy-[0-9a-f]{10}$/);
  });
});

describe('speech tags', () => {
  const paragraphs = [
    { pid: 'a.1/1', seq: 0, text: 'I congratulate my hon. Friend on securing this debate.' },
    {
      pid: 'a.1/2',
      seq: 1,
      text: 'The sustainability and transformation plan for our county was drawn up in secret.',
    },
    {
      pid: 'a.1/3',
      seq: 2,
      text: 'The STP board has never met in public, and nobody at the hospital will tell us why.',
    },
    { pid: 'a.1/4', seq: 3, text: 'Meanwhile, the CCG has outsourced the patient transport service.' },
  ];

  it('aggregates paragraph tags: strongest confidence, every tagged paragraph as evidence', () => {
    const { paragraphs: tagged, speech } = committedTagger().tagSpeech(paragraphs);
    expect(tagged.map((p) => p.tags.map((t) => t.tag))).toEqual([[], ['stp'], ['stp'], ['outsourcing']]);
    const stp = speech.find((s) => s.tag === 'stp')!;
    expect(stp.paragraphs.map((p) => p.pid).sort()).toEqual(['a.1/2', 'a.1/3']);
    expect(stp.confidence).toBe(Math.max(...stp.paragraphs.map((p) => p.confidence)));
    expect(speech.find((s) => s.tag === 'outsourcing')?.paragraphs).toEqual([
      expect.objectContaining({ pid: 'a.1/4', seq: 3, terms: expect.arrayContaining(['outsourced']) }),
    ]);
  });

  it('identifies paragraphs without pids by their position', () => {
    const { speech } = committedTagger().tagSpeech(paragraphs.map((p) => ({ ...p, pid: null })));
    expect(speech.find((s) => s.tag === 'outsourcing')?.paragraphs[0]).toMatchObject({ pid: null, seq: 3 });
  });

  it('lends NHS context from neighbouring paragraphs to a bare acronym', () => {
    const { paragraphs: tagged } = committedTagger().tagSpeech([
      { pid: null, seq: 0, text: 'Our hospital is losing its maternity unit.' },
      { pid: null, seq: 1, text: 'I have asked the STP three times for the evidence.' },
    ]);
    expect(tagged[1]?.tags.map((t) => t.tag)).toEqual(['stp']);
  });
});

describe('built from plain data', () => {
  it('survives structured cloning, as when posted to a worker thread', () => {
    const input = structuredClone(loadTaggerInput(repoTagsDir));
    const text = 'Hospital cleaning was contracted out to a private firm.';
    expect(createTagger(input).tagParagraph(text)).toEqual(committedTagger().tagParagraph(text));
  });

  it('runs on the rules alone when no model has been trained', () => {
    const tagger = createTagger({ taxonomy: committedTaxonomy(), model: null });
    expect(tagger.modelVersion).toMatch(/^rules-only\//);
    const [tag] = tagger.tagParagraph('The privatisation of the Royal Mail was a mistake.');
    expect(tag).toMatchObject({
      tag: 'privatisation',
      method: 'keyword',
      confidence: 0.95,
      classifierConfidence: null,
    });
  });
});

describe('fusion of rules and classifier', () => {
  const rules = { keywordThreshold: 0.5, noMatchPrior: 0.2, weakMatchPrior: 0.5 };

  it('a strong pattern tags unless the classifier is nearly sure it should not', () => {
    expect(combine(0.95, 0.3, rules)).toMatchObject({ positive: true, method: 'combined' });
    expect(combine(0.95, 0.02, rules).positive).toBe(false);
  });

  it('a weak hint leaves the decision to the classifier', () => {
    expect(combine(0.3, 0.55, rules).positive).toBe(true);
    expect(combine(0.3, 0.45, rules).positive).toBe(false);
    expect(combine(0.3, 0.55, rules).confidence).toBeCloseTo(0.55, 6);
  });

  it('a weak hint counts as some evidence when weakMatchPrior is above 0.5', () => {
    const leaning = { ...rules, weakMatchPrior: 0.62 };
    expect(combine(0.3, 0.45, leaning).positive).toBe(true);
    expect(combine(0.3, 0.35, leaning).positive).toBe(false);
    // Only a weak match is helped: with no match at all the classifier still faces noMatchPrior.
    expect(combine(0, 0.45, leaning).positive).toBe(false);
  });

  it('with no pattern the classifier alone must be confident', () => {
    expect(combine(0, 0.7, rules)).toMatchObject({ positive: false, method: 'classifier' });
    expect(combine(0, 0.9, rules).positive).toBe(true);
  });

  it('with no pattern, a text-only classifier is averaged in (log-odds) before the prior', () => {
    const neutral = { ...rules, noMatchPrior: 0.5 };
    // Main classifier timid (0.4), text-only classifier sure (0.8): the mean log-odds is positive.
    expect(combine(0, 0.4, neutral, 0.8)).toMatchObject({ positive: true, method: 'classifier' });
    expect(combine(0, 0.4, neutral, 0.55).positive).toBe(false);
    expect(combine(0, 0.4, neutral, 0.6).confidence).toBeCloseTo(0.5, 6);
    // Any pattern match leaves the text-only classifier out.
    expect(combine(0.3, 0.4, neutral, 0.99).positive).toBe(false);
    expect(combine(0.3, 0.4, neutral, 0.99).confidence).toBeCloseTo(combine(0.3, 0.4, neutral).confidence, 9);
  });

  it('falls back to the rules for a tag the model does not know', () => {
    expect(combine(0.6, null, rules)).toEqual({ positive: true, confidence: 0.6, method: 'keyword' });
    expect(combine(0.4, null, rules).positive).toBe(false);
  });
});
