// Preloaded with --import: prints this process's peak RSS on exit, for bench/ingest.ts --embedded.
import process from 'node:process';

process.on('exit', () =>
  process.stderr.write(`\nHW_BENCH_MAX_RSS_MB=${Math.round(process.resourceUsage().maxRSS / 1024)}\n`),
);
