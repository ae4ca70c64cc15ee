/**
 * Tag labels for pages and docs, from the taxonomy the tagger uses (tags/taxonomy.json or
 * HW_TAGS_DIR). A missing or invalid taxonomy only costs the labels: tags are then shown
 * by id, so the site still starts.
 */
import { loadTaxonomy } from '../../tag/taxonomy.js';
import { tagPaths } from '../../tag/paths.js';
import type { TagInfo } from './context.js';

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
