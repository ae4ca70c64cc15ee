import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's version from its package.json. Found by walking up from this module
 * because the compiled copy (dist/src/feed) sits one level deeper than the source.
 */
export function projectVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const version = versionIn(path.join(dir, 'package.json'));
    if (version !== undefined) return version;
    const parent = path.dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
}

function versionIn(file: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
    return pkg.name === 'hansard-watch' && typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

/** Names the project and where to find it, so pwdata's operators know who is polling. */
export function defaultUserAgent(): string {
  return `hansard-watch/${projectVersion()} (+https://github.com/hansard-watch)`;
}
