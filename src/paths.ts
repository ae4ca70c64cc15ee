import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root, found by walking up from this module: code runs both from src/
 * (tests, tsx) and from dist/src/ (the built CLI), so fixed relative paths would break one.
 */
export const projectRoot: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'migrations'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('Cannot find the hansard-watch package root (no migrations/ folder)');
    dir = up;
  }
  return dir;
})();

export const migrationsDir = path.join(projectRoot, 'migrations');
