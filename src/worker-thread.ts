/**
 * Worker threads running one of this project's modules: the compiled `.js` beside the
 * caller, or, under vitest/tsx, its TypeScript source. Node 20 does not apply `--import`
 * loader hooks to a worker's entry module, so such a worker registers tsx itself first.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `module` is a file name beside `callerUrl` (pass `import.meta.url`), without extension. */
export function startWorker(callerUrl: string, module: string, options: WorkerOptions): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${module}.js`, callerUrl), options);
  const require = createRequire(callerUrl);
  const entry = fileURLToPath(new URL(`./${module}.ts`, callerUrl));
  const boot = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(entry)});`;
  return new Worker(boot, { ...options, eval: true });
}
