/**
 * Tag ids, labels and descriptions from the taxonomy the tagger uses (tags/taxonomy.json or
 * HW_TAGS_DIR), for pages, docs and the tags alerts may name. A missing or invalid taxonomy
 * only costs the labels: tags are then shown by id, so the site still starts.
 */
import { tagPaths } from './paths.js';
import { loadTaxonomy } from './taxonomy.js';

/** A tag as the taxonomy describes it. */
export interface TagInfo {
  id: string;
  label: string;
  description?: string;
}

export function loadTagInfo(onError?: (err: unknown) => void): TagInfo[] {
  try {
    return loadTaxonomy(tagPaths().taxonomy).tags.map((t) => ({
      id: t.id,
      label: t.label,
      description: t.description,
    }));
  } catch (err) {
    onError?.(err);
    return [];
  }
}
