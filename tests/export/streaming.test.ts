import { Writable } from 'node:stream';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import {
  DestinationClosedError,
  exportRows,
  type ExportFormat,
  type ExportRow,
} from '../../src/export/index.js';
import { collector, generatedRow, generatedRows } from './fixtures.js';
import { parseCsv } from './rfc4180.js';

/**
 * A consumer slower than the producer, with a tiny buffer. It records how much was
 * queued at its worst, and how often something was written while it had asked the
 * producer to wait.
 */
function slowWritable(): {
  out: Writable;
  bytes: () => Buffer;
  stats: { maxQueued: number; writesWhileFull: number };
} {
  const chunks: Buffer[] = [];
  const stats = { maxQueued: 0, writesWhileFull: 0 };
  const out = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      setTimeout(callback, 1);
    },
  });
  const write = out.write.bind(out) as (chunk: string | Buffer) => boolean;
  out.write = ((chunk: string | Buffer) => {
    if (out.writableNeedDrain) stats.writesWhileFull++;
    const ok = write(chunk);
    stats.maxQueued = Math.max(stats.maxQueued, out.writableLength);
    return ok;
  }) as typeof out.write;
  return { out, bytes: () => Buffer.concat(chunks), stats };
}

function gidsOf(format: ExportFormat, bytes: Buffer): Promise<string[]> | string[] {
  if (format === 'csv')
    return parseCsv(bytes.toString('utf8'))
      .slice(1)
      .map((r) => r[0] ?? '');
  if (format === 'jsonl') {
    return bytes
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { gid: string }).gid);
  }
  const file = new Uint8Array(bytes).buffer;
  return parquetReadObjects({ file, columns: ['gid'] }).then((rows) => rows.map((r) => String(r.gid)));
}

const FORMATS: ExportFormat[] = ['csv', 'jsonl', 'parquet'];

describe.each(FORMATS)('%s streaming', (format) => {
  it('delivers every row in order to a slow consumer without buffering the whole export', async () => {
    const count = 3_000;
    const slow = slowWritable();
    let pulled = 0;
    async function* source(): AsyncGenerator<ExportRow> {
      for (let i = 0; i < count; i++) {
        pulled++;
        yield generatedRow(i);
      }
    }
    const result = await exportRows(format, source(), slow.out, { rowGroupSize: 250 });
    expect(result.rows).toBe(count);
    expect(pulled).toBe(count);
    expect(slow.out.writableFinished).toBe(true);

    const gids = await gidsOf(format, slow.bytes());
    expect(gids).toEqual(Array.from({ length: count }, (_, i) => generatedRow(i).gid));

    const total = slow.bytes().length;
    // Without backpressure the whole export would sit in the queue.
    expect(slow.stats.maxQueued).toBeLessThan(total / 4);
    // Text formats wait for 'drain' before every write; Parquet may write within a row
    // group (hyparquet appends synchronously) but waits between groups.
    if (format !== 'parquet') expect(slow.stats.writesWhileFull).toBe(0);
  });

  it('stops reading the source and rejects when the destination goes away', async () => {
    const slow = slowWritable();
    let pulled = 0;
    let closed = false;
    async function* source(): AsyncGenerator<ExportRow> {
      try {
        for (let i = 0; i < 1_000_000; i++) {
          pulled++;
          if (i === 2_000) slow.out.destroy();
          yield generatedRow(i);
        }
      } finally {
        closed = true;
      }
    }
    await expect(exportRows(format, source(), slow.out, { rowGroupSize: 500 })).rejects.toBeInstanceOf(
      DestinationClosedError,
    );
    expect(closed).toBe(true);
    expect(pulled).toBeLessThan(10_000);
  });

  it('rejects with the error of a failing destination, and stops listening to it', async () => {
    let writes = 0;
    const out = new Writable({
      highWaterMark: 1024,
      write(_chunk, _encoding, callback) {
        writes++;
        setImmediate(() => callback(writes === 3 ? new Error('disk full') : null));
      },
    });
    const listeners = out.listenerCount('error');
    await expect(exportRows(format, generatedRows(20_000), out, { rowGroupSize: 500 })).rejects.toThrow(
      'disk full',
    );
    expect(out.listenerCount('error')).toBe(listeners);
    expect(out.listenerCount('close')).toBe(0);
  });

  it('propagates a failing source and leaves the destination unfinished', async () => {
    const { out } = collector();
    async function* source(): AsyncGenerator<ExportRow> {
      yield generatedRow(0);
      throw new Error('cursor failed');
    }
    await expect(exportRows(format, source(), out)).rejects.toThrow('cursor failed');
    expect(out.writableEnded).toBe(false);
  });

  it('reports progress and can leave the destination open', async () => {
    const { out } = collector();
    const seen: number[] = [];
    const result = await exportRows(format, generatedRows(5_000), out, {
      end: false,
      rowGroupSize: 1_000,
      onProgress: (n) => seen.push(n),
    });
    expect(result.rows).toBe(5_000);
    expect(seen.at(-1)).toBe(5_000);
    expect(seen.length).toBeGreaterThan(1);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(out.writableEnded).toBe(false);
  });

  it('accepts a plain array as well as an async cursor', async () => {
    const { out, bytes } = collector();
    const rows = Array.from({ length: 10 }, (_, i) => generatedRow(i));
    await exportRows(format, rows, out);
    expect(await gidsOf(format, bytes())).toEqual(rows.map((r) => r.gid));
  });
});
