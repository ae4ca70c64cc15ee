import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the shared TheyWorkForYou week lives: HW_CORPUS, else ../shared/corpus/twfy-2009-10 beside the repo. */
export const corpusDir = path.resolve(
  process.env.HW_CORPUS ?? path.join(here, '..', '..', '..', 'shared', 'corpus', 'twfy-2009-10'),
);

/** The hand-labelled development set shipped beside the corpus. */
export const devSetPath = path.resolve(corpusDir, '..', '..', 'tagging', 'dev-2009.jsonl');

export const haveCorpus = existsSync(path.join(corpusDir, 'scrapedxml'));

/**
 * Corpus-backed suites call `describe.skipIf(!corpusAvailable())`. Outside CI a missing
 * corpus only skips (with a message); under CI=true it is a failure, because a green run
 * that silently tested nothing would be a lie.
 */
export function corpusAvailable(): boolean {
  if (haveCorpus) return true;
  if (process.env.CI === 'true') {
    throw new Error(`Corpus not found at ${corpusDir} (set HW_CORPUS); required under CI=true`);
  }
  console.warn(`[skip] corpus not found at ${corpusDir}; set HW_CORPUS to run corpus tests`);
  return false;
}

/** Speech-like elements (speech, ques, reply) per type in the latest versions of the week (shared/README.md). */
export const EXPECTED_SPEECHES: Readonly<Record<string, number>> = {
  debates: 1787,
  lordspages: 703,
  westminhall: 276,
  wrans: 2676,
  lordswrans: 284,
  wms: 35,
  lordswms: 33,
  sp: 497,
  'sp-written': 482,
  ni: 350,
  standing: 819,
};
