/**
 * The import rules of .dependency-cruiser.js (no file cycles; features import neither
 * web, cli, the composition root nor the pipeline), enforced by `npm test` so that CI
 * fails on a breach. `npm run lint:deps` prints the same check with the tool's reporter.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cruise, type ICruiseOptions, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const config = (await import(pathToFileURL(path.join(root, '.dependency-cruiser.js')).href)) as {
  default: { forbidden: NonNullable<ICruiseOptions['ruleSet']>['forbidden']; options: ICruiseOptions };
};

function describeViolation(v: IViolation): string {
  const chain = v.cycle?.length ? [v.from, ...v.cycle.map((c) => c.name)].join(' → ') : `${v.from} → ${v.to}`;
  return `${v.rule.name}: ${chain}`;
}

async function cruiseTree(): Promise<ICruiseResult> {
  const { output } = await cruise(['src', 'workers', 'bench'], {
    ...config.default.options,
    // The config's paths are relative to the repository root, as for the CLI.
    baseDir: root,
    ruleSet: { forbidden: config.default.forbidden },
    validate: true,
  });
  return output as ICruiseResult;
}

describe('module boundaries (.dependency-cruiser.js)', () => {
  it('finds no import cycle and no feature importing web, cli, app or pipeline', async () => {
    const result = await cruiseTree();
    // A cruise that saw no files would pass vacuously.
    expect(result.summary.totalCruised).toBeGreaterThan(100);
    const violations = result.summary.violations.map(describeViolation);
    expect(violations, 'run `npm run lint:deps` for details').toEqual([]);
  });
});
