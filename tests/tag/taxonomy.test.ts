import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTaxonomy, parseTaxonomy, TaxonomyError, type Taxonomy } from '../../src/tag/taxonomy.js';
import { committedTaxonomy } from './helpers.js';

// `any`: these tests deliberately break arbitrary parts of the JSON, as a user editing it might.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

function mutated(change: (t: Json) => void): unknown {
  const copy = structuredClone(committedTaxonomy()) as unknown as Json;
  change(copy);
  return copy;
}

function issues(raw: unknown): string[] {
  try {
    parseTaxonomy(raw, 'test.json');
  } catch (err) {
    expect(err).toBeInstanceOf(TaxonomyError);
    return (err as TaxonomyError).issues;
  }
  throw new Error('expected the taxonomy to be rejected');
}

describe('taxonomy validation', () => {
  it('accepts the committed taxonomy with the four campaign tags', () => {
    const tax: Taxonomy = committedTaxonomy();
    expect(tax.tags.map((t) => t.id)).toEqual(['outsourcing', 'privatisation', 'stp', 'aco']);
  });

  it('names the tag and the pattern of a bad regular expression', () => {
    const found = issues(mutated((t) => (t.tags[3].patterns[0].pattern = '\\baccountable (care')));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain("tag 'aco'");
    expect(found[0]).toContain("patterns[0] 'aco-full'");
    expect(found[0]).toContain('/\\baccountable (care/');
    expect(found[0]).toMatch(/Unterminated group/);
  });

  it('names the field of an out-of-range weight and of a missing label', () => {
    const found = issues(
      mutated((t) => {
        t.tags[0].patterns[1].weight = 1.5;
        delete t.tags[2].label;
      }),
    );
    expect(found).toContainEqual(
      expect.stringMatching(/^tag 'outsourcing' › patterns\[1\] 'contract-out' › weight: must be at most 1/),
    );
    expect(found).toContainEqual(expect.stringMatching(/^tag 'stp' › label:/));
  });

  it('rejects unknown context sets, duplicate ids, unknown keys and bad tag ids', () => {
    expect(issues(mutated((t) => (t.tags[2].patterns[2].context.require = ['nhs-typo'])))[0]).toMatch(
      /tag 'stp' › patterns\[2\] 'stp-acronym' › context › require: unknown context set 'nhs-typo'/,
    );
    expect(issues(mutated((t) => (t.tags[1].id = 'outsourcing')))[0]).toMatch(
      /duplicate tag id 'outsourcing'/,
    );
    expect(issues(mutated((t) => (t.tags[0].patterns[0].wieght = 0.9)))[0]).toMatch(
      /Unrecognized key: "wieght"/,
    );
    expect(issues(mutated((t) => (t.tags[0].id = 'Out Sourcing')))[0]).toMatch(/id: must be lower-case/);
  });

  it('rejects a pattern that matches the empty string, and a bad context pattern', () => {
    expect(issues(mutated((t) => (t.tags[1].patterns[0].pattern = '(privatisation)?')))[0]).toMatch(
      /matches the empty string/,
    );
    expect(issues(mutated((t) => (t.contexts.health.patterns[0] = '[NHS')))[0]).toMatch(
      /^contexts › health › patterns\[0\]: bad regular expression/,
    );
  });

  it('lets users add a tag by editing the file, with no code change', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hw-tax-'));
    const file = path.join(dir, 'taxonomy.json');
    const raw = mutated((t) =>
      t.tags.push({
        id: 'pfi',
        label: 'Private finance',
        patterns: [{ id: 'pfi', pattern: '\\bPFI\\b', caseSensitive: true, weight: 0.9 }],
      }),
    );
    writeFileSync(file, JSON.stringify(raw));
    expect(loadTaxonomy(file).tags.at(-1)).toMatchObject({
      id: 'pfi',
      negatives: [],
      decision: { keywordThreshold: 0.5, noMatchPrior: 0.2 },
    });
  });

  it('reports unreadable JSON with the file name', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hw-tax-'));
    const file = path.join(dir, 'taxonomy.json');
    writeFileSync(file, '{ "version": 1, ');
    expect(() => loadTaxonomy(file)).toThrow(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\n  - cannot read JSON`),
    );
  });
});
