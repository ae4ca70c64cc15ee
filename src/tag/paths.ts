/**
 * Where the tag data lives: HW_TAGS_DIR, else the `tags/` folder of the checkout this
 * module belongs to (found by walking up, so it works from src/ under tsx and from dist/).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function defaultTagsDir(): string {
  if (process.env.HW_TAGS_DIR) return path.resolve(process.env.HW_TAGS_DIR);
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'tags');
    if (existsSync(path.join(candidate, 'taxonomy.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error('tags/taxonomy.json not found above the tagging module; set HW_TAGS_DIR');
    dir = parent;
  }
}

export const tagPaths = (tagsDir = defaultTagsDir()) => ({
  tagsDir,
  taxonomy: path.join(tagsDir, 'taxonomy.json'),
  modelsDir: path.join(tagsDir, 'models'),
  trainingDir: path.join(tagsDir, 'training'),
  heldout: path.join(tagsDir, 'training', 'heldout.jsonl'),
});
