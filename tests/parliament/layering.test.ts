/**
 * src/parliament is the floor every layer stands on (the parser included), so it imports
 * nothing outside itself, not even node: modules; the parser imports only it (and Buffer,
 * for decoding).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function importsOf(dir: string): { file: string; spec: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) =>
      [
        ...readFileSync(path.join(dir, f), 'utf8').matchAll(/(?:^|\n)(?:import|export)[^;]*?from '([^']+)'/g),
      ].map((m) => ({ file: f, spec: m[1]! })),
    );
}

describe('layering of the vocabulary', () => {
  it('src/parliament imports only its own files', () => {
    const imports = importsOf('src/parliament');
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((i) => !i.spec.startsWith('./'))).toEqual([]);
  });

  it('the parser (src/debate) imports only itself, src/parliament and Buffer', () => {
    const imports = importsOf('src/debate');
    expect(imports.some((i) => i.spec.startsWith('../parliament/'))).toBe(true);
    const outside = imports.filter(
      (i) => !i.spec.startsWith('./') && !i.spec.startsWith('../parliament/') && i.spec !== 'node:buffer',
    );
    expect(outside).toEqual([]);
  });
});
