/** Builds the tagger from the repository's committed taxonomy and current model. */
import { loadCurrentModel, type TagModel } from './model.js';
import { tagPaths } from './paths.js';
import { createTagger, type Tagger } from './tagger.js';
import { loadTaxonomy, type Taxonomy } from './taxonomy.js';

/** The plain data a tagger is built from: send this to a worker thread and call createTagger there. */
export function loadTaggerInput(tagsDir?: string): { taxonomy: Taxonomy; model: TagModel | null } {
  const paths = tagPaths(tagsDir);
  return { taxonomy: loadTaxonomy(paths.taxonomy), model: loadCurrentModel(paths.modelsDir) };
}

export function createDefaultTagger(tagsDir?: string): Tagger {
  return createTagger(loadTaggerInput(tagsDir));
}
