/**
 * A toy taxonomy and training set for tests of the classifier's gates, small enough to
 * reason about by hand: one tag, "fruit", with one rule ("apple"), so every other fruit
 * must be learnt by the classifier.
 */
import { parseTaxonomy } from '../../src/tag/taxonomy.js';

export const fruitTaxonomy = parseTaxonomy({
  version: 1,
  tags: [{ id: 'fruit', label: 'Fruit', patterns: [{ id: 'apple', pattern: '\\bapples?\\b', weight: 0.9 }] }],
});

/** Fruit the rule does not know. */
export const FRUIT = ['pear', 'plum', 'cherry', 'peach', 'mango', 'damson'];

/**
 * "The public" comes with every positive, so a classifier learns it; it is filler all the
 * same. "public" is in 12 of the 14 paragraphs with the tag (0.86), and in negatives too.
 */
export const publicFillerExamples = [
  ...FRUIT.map((f, i) => ({
    id: `p${i}`,
    text: `The public ate a ripe ${f} from the orchard.`,
    labels: ['fruit'],
  })),
  ...FRUIT.map((f, i) => ({
    id: `q${i}`,
    text: `The public liked a ripe ${f} in the orchard.`,
    labels: ['fruit'],
  })),
  ...Array.from({ length: 12 }, (_, i) => ({
    id: `n${i}`,
    text: `We mended broken fence number ${i}.`,
    labels: [],
  })),
  { id: 'm1', text: 'The public mended a fence.', labels: [] },
  { id: 'm2', text: 'The public saw a broken fence.', labels: [] },
];
