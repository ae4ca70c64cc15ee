/**
 * Parquet, streamed: rows are gathered into row groups (bounded by rows and by bytes), each group is
 * encoded by hyparquet-writer's incremental ParquetWriter and its bytes are written to
 * `out` before the next group is read. Memory is bounded by one row group (its rows, their
 * columnar copy and its encoded bytes) plus the footer metadata, which grows by a few
 * hundred bytes per row group.
 */
import { ByteWriter, ParquetWriter, type KeyValue } from 'hyparquet-writer';
import { createRequire } from 'node:module';
import { EXPORT_COLUMNS, type ExportRow } from './columns.js';
import { PARQUET_COLUMNS, PARQUET_SCHEMA } from './parquet-schema.js';
import {
  withDestination,
  type Destination,
  type RowSource,
  type WriteOptions,
  type WriteResult,
} from './sink.js';

export interface ParquetOptions extends WriteOptions {
  /** Most rows in a row group (default 2,000). */
  rowGroupSize?: number;
  /**
   * Most row data in a row group, in bytes as counted by string length (default 4 MiB),
   * so that memory stays bounded in speech mode too, where one row can be tens of
   * kilobytes of text. Peak memory is a small multiple of this: the rows, their UTF-8
   * copies and the encoded pages. On ~1 kB paragraphs 2,000-row groups wrote a million rows
   * ~15% faster than 5,000-row ones (less work per group in the encoder's dictionary and
   * statistics passes) for a 1% larger file, and 10,000-row groups took the export to 246 MB
   * peak RSS, so groups are 2,000 rows.
   */
  rowGroupBytes?: number;
  /** Key/value pairs stored in the file footer, e.g. the filters the export was run with. */
  metadata?: Record<string, string>;
}

export const DEFAULT_ROW_GROUP_SIZE = 2_000;
export const DEFAULT_ROW_GROUP_BYTES = 4 * 2 ** 20;

/**
 * Native Snappy (the same raw block format) when its prebuilt binary is installed for this
 * platform: hyparquet-writer's JavaScript compressor was an eighth of an export's time, and
 * stays the fallback, so that a platform without the binary still exports.
 */
export const nativeSnappy = ((): { SNAPPY?: (bytes: Uint8Array) => Uint8Array } => {
  try {
    const { compressSync } = createRequire(import.meta.url)('snappy') as typeof import('snappy');
    return { SNAPPY: (bytes: Uint8Array) => compressSync(bytes) };
  } catch {
    return {};
  }
})();

/** Rough size of a row's columns other than `text`, for the row-group byte budget. */
const ROW_OVERHEAD_CHARS = 256;

/** Bytes gathered before they are handed to `out`, also mid-group (as hyparquet's own fileWriter does). */
const CHUNK_BYTES = 1 << 20;

/**
 * A ByteWriter that empties itself into the destination instead of growing: hyparquet
 * calls `ensure` before every append and `flush` after every row group.
 */
export class StreamByteWriter extends ByteWriter {
  private needsDrain = false;

  constructor(private readonly dest: Destination) {
    super(CHUNK_BYTES);
  }

  override ensure(size: number): void {
    // Writes without waiting: ensure is synchronous. flush() waits for the backlog.
    if (this.index > CHUNK_BYTES) this.push();
    super.ensure(size);
  }

  /** Called after each row group; resolves once the destination has room for the next one. */
  async flush(): Promise<void> {
    this.push();
    if (this.needsDrain) {
      this.needsDrain = false;
      await this.dest.drained();
    }
  }

  override async finish(): Promise<void> {
    await this.flush();
  }

  private push(): void {
    if (this.index === 0) return;
    // Copied, because the buffer is reused for the next chunk while `out` may still hold this one.
    const chunk = Buffer.from(new Uint8Array(this.buffer, 0, this.index));
    this.index = 0;
    if (!this.dest.write(chunk)) this.needsDrain = true;
  }
}

/** One row group's values, column by column, filled as rows arrive. */
class RowGroupBuffer {
  private readonly columns = PARQUET_COLUMNS.map((spec) => ({ spec, data: [] as unknown[] }));
  rows = 0;
  chars = 0;

  add(row: ExportRow): void {
    for (const column of this.columns) column.data.push(column.spec.value(row));
    this.rows++;
    this.chars += row.text.length + ROW_OVERHEAD_CHARS;
  }

  async writeTo(pq: ParquetWriter): Promise<void> {
    const columnData = this.columns.map(({ spec, data }) => ({ name: spec.name, data, ...spec.options }));
    await pq.write({ columnData, rowGroupSize: this.rows });
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

function keyValues(metadata: Record<string, string> | undefined): KeyValue[] {
  const kv: KeyValue[] = [{ key: 'hansard-watch.columns', value: EXPORT_COLUMNS.join(',') }];
  for (const [key, value] of Object.entries(metadata ?? {})) kv.push({ key, value });
  return kv;
}

export async function writeParquet(
  rows: RowSource<ExportRow>,
  out: NodeJS.WritableStream,
  opts: ParquetOptions = {},
): Promise<WriteResult> {
  const maxRows = positiveInteger(opts.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE, 'rowGroupSize');
  const maxChars = positiveInteger(opts.rowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES, 'rowGroupBytes');
  return withDestination(out, opts, async (dest) => {
    const pq = new ParquetWriter({
      writer: new StreamByteWriter(dest),
      schema: PARQUET_SCHEMA,
      kvMetadata: keyValues(opts.metadata),
      compressors: nativeSnappy,
      createdBy: 'hansard-watch',
    });
    let group = new RowGroupBuffer();
    let count = 0;
    for await (const row of rows) {
      group.add(row);
      count++;
      if (group.rows >= maxRows || group.chars >= maxChars) {
        await group.writeTo(pq);
        group = new RowGroupBuffer();
        opts.onProgress?.(count);
      }
    }
    if (group.rows > 0) await group.writeTo(pq);
    await pq.finish();
    return count;
  });
}
