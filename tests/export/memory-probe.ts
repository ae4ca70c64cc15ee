/**
 * Run as `node --expose-gc --import tsx tests/export/memory-probe.ts <format> [rows] [source] [rowGroupSize]`
 * to export generated rows to a counting Writable; prints one JSON line of throughput and
 * memory figures. A child process of its own so that `global.gc` is there and other
 * tests' garbage does not blur the heap numbers.
 *
 * source `fresh` (default) builds every row anew, as a cursor would hand over new objects:
 * that is what the memory test needs. `pool` cycles 5,000 prebuilt rows, so the time
 * measured is the writer's alone.
 */
import { exportRows, isExportFormat, type ExportRow } from '../../src/export/index.js';
import { counter, generatedRow, generatedRows } from './fixtures.js';

const [format = 'csv', rowsArg = '200000', source = 'fresh', groupArg] = process.argv.slice(2);
if (!isExportFormat(format)) throw new Error(`unknown format ${format}`);
const count = Number(rowsArg);
const gc = globalThis.gc;
if (!gc) throw new Error('run with --expose-gc');
const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

const pool = source === 'pool' ? Array.from({ length: 5_000 }, (_, i) => generatedRow(i)) : [];
function* pooled(): Generator<ExportRow> {
  for (let i = 0; i < count; i++) yield pool[i % pool.length] as ExportRow;
}

gc();
const heapBefore = process.memoryUsage().heapUsed;
let peakHeap = heapBefore;
let peakExternal = process.memoryUsage().external;
const { out, bytes } = counter();
const t0 = performance.now();
const { rows } = await exportRows(format, source === 'pool' ? pooled() : generatedRows(count), out, {
  ...(groupArg ? { rowGroupSize: Number(groupArg) } : {}),
  onProgress: () => {
    const usage = process.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakExternal = Math.max(peakExternal, usage.external);
  },
});
const seconds = (performance.now() - t0) / 1000;
gc();
const heapAfter = process.memoryUsage().heapUsed;

console.log(
  JSON.stringify({
    format,
    source,
    rows,
    outputMB: mb(bytes()),
    seconds: Math.round(seconds * 1000) / 1000,
    rowsPerSecond: Math.round(rows / seconds),
    heapBeforeMB: mb(heapBefore),
    peakHeapGrowthMB: mb(peakHeap - heapBefore),
    retainedHeapGrowthMB: mb(heapAfter - heapBefore),
    peakExternalMB: mb(peakExternal),
    peakRssMB: mb(process.resourceUsage().maxRSS * 1024),
  }),
);
