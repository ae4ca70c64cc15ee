/**
 * `npm run bench <name> [args…]` runs bench/<name>.ts. Benchmarks print their figures and
 * the ratio against the baseline they measure in the same run; timing never lives in tests.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const [name, ...args] = process.argv.slice(2);
const here = import.meta.dirname;
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'support.ts'].includes(f))
  .map((f) => f.replace(/\.ts$/, ''));
if (!name || !existsSync(path.join(here, `${name}.ts`))) {
  console.error(`usage: npm run bench <${available.join('|')}> [args]`);
  process.exit(2);
}
const mod = (await import(`./${name}.ts`)) as { main?: (args: string[]) => Promise<void> };
if (typeof mod.main === 'function') await mod.main(args);
