import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const probe = fileURLToPath(new URL('./memory-probe.ts', import.meta.url));
const ROWS = 200_000;

interface ProbeResult {
  rows: number;
  rowsPerSecond: number;
  peakHeapGrowthMB: number;
  retainedHeapGrowthMB: number;
  peakRssMB: number;
}

/**
 * In a child process with --expose-gc, so heap figures are measured after real
 * collections, and with the old generation capped at 128 MB: holding the 200,000 rows
 * (about 300 MB of objects) dies of "heap out of memory" under that cap, so a writer that
 * accumulated rows fails here whatever V8's collection timing. The cap also makes V8
 * collect early, so the peak figure is the live set rather than garbage waiting for a GC.
 */
async function measure(format: string): Promise<ProbeResult> {
  const args = ['--max-old-space-size=128', '--expose-gc', '--import', 'tsx', probe, format, String(ROWS)];
  const { stdout } = await run(process.execPath, args, {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  console.log(line);
  return JSON.parse(line) as ProbeResult;
}

// Each run takes 5–20 s on a busy 2-core machine; give them room beyond the 60 s default.
describe.each(['csv', 'jsonl', 'parquet'])('%s memory', { timeout: 180_000 }, (format) => {
  it(`writes ${ROWS.toLocaleString('en-GB')} rows without the heap growing with them`, async () => {
    const result = await measure(format);
    expect(result.rows).toBe(ROWS);
    // Generous: the whole export is 190–260 MB of CSV/JSONL, so holding it would blow this.
    expect(result.peakHeapGrowthMB).toBeLessThan(100);
    // Nothing is kept once the export is done.
    expect(result.retainedHeapGrowthMB).toBeLessThan(10);
  });
});
