/**
 * The research export's vote mode (`per=vote`): one row per vote cast in a division, with
 * the voter's person, party and seat at the division's date and the division's citation.
 * Same formats and conventions as the speech export (RFC 4180 CSV, JSONL, Parquet with a
 * DATE column), but its own columns: a vote has no text or tags.
 */
import { ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import {
  buildVoteRow,
  DIVISION_HEADINGS,
  DIVISION_HOUSE,
  VOTE_ROW_SQL,
  type StoredVoteRow,
  type VoteRow,
} from '../division/vote-row.js';
import type { SpeechFilters } from '../search/filters.js';
import { Params, whereClause } from '../search/sql.js';
import type { Db } from '../store/db.js';
import { csvField, type CsvOptions } from './csv.js';
import { cursorBatches } from './export-repository.js';
import type { ExportFormat } from './formats.js';
import { epochDay } from './parquet-schema.js';
import { DEFAULT_ROW_GROUP_SIZE, nativeSnappy, StreamByteWriter, type ParquetOptions } from './parquet.js';
import { withDestination, writeTextRows, type RowSource, type WriteResult } from './sink.js';

/** Column names and order, shared by every format. */
export const VOTE_COLUMNS = [
  'division_gid',
  'division_number',
  'sitting_date',
  'house',
  'type',
  'major_heading',
  'minor_heading',
  'vote',
  'voter_name',
  'member_id',
  'person_id',
  'person_name',
  'party',
  'constituency',
  'twfy_url',
  'hansard_url',
  'colnum',
  'citation',
] as const satisfies readonly (keyof VoteRow)[];

/** The filters a vote can be chosen by; words and tags belong to speeches. */
export const VOTE_FILTERS = ['person', 'party', 'house', 'type', 'from', 'to'] as const;

/** Conditions on votes `v` and divisions `d`: party and person at the division's date. */
export function voteExportSql(f: SpeechFilters): { sql: string; order: string; values: unknown[] } {
  const params = new Params();
  const where: string[] = [];
  if (f.personId) where.push(`v.person_id = ${params.add(f.personId)}`);
  if (f.party) where.push(`lower(v.party) = lower(${params.add(f.party)})`);
  if (f.houses?.length) {
    const types = Object.keys(DIVISION_HOUSE).filter((t) => f.houses?.includes(DIVISION_HOUSE[t] as never));
    where.push(`d.type = ANY(${params.add(types)}::text[])`);
  }
  if (f.types?.length) where.push(`d.type = ANY(${params.add(f.types)}::text[])`);
  if (f.from) where.push(`d.sitting_date >= ${params.add(f.from)}::date`);
  if (f.to) where.push(`d.sitting_date <= ${params.add(f.to)}::date`);
  const sql = `SELECT ${VOTE_ROW_SQL}
      FROM votes v JOIN divisions d ON d.gid = v.division_gid ${DIVISION_HEADINGS}
      ${whereClause(where)}`;
  return { sql, order: 'd.sitting_date, d.gid, v.seq', values: params.values };
}

export class VoteExportRepository {
  constructor(private readonly db: Db) {}

  /** Vote rows in (date, division, list position) order, streamed from a cursor. */
  async *rows(f: SpeechFilters, opts: { batchSize?: number } = {}): AsyncGenerator<VoteRow> {
    const { sql, order, values } = voteExportSql(f);
    for await (const batch of cursorBatches<StoredVoteRow>(
      this.db,
      `${sql} ORDER BY ${order}`,
      values,
      opts.batchSize ?? 1000,
    ))
      for (const r of batch) yield buildVoteRow(r);
  }

  async count(f: SpeechFilters): Promise<number> {
    const { sql, values } = voteExportSql(f);
    const rows = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) x`, values);
    return rows[0]?.n ?? 0;
  }
}

const CRLF = '\r\n';

export function voteCsvRecord(row: VoteRow, safeForSpreadsheets = false): string {
  return VOTE_COLUMNS.map((c) => csvField(row[c] ?? '', safeForSpreadsheets)).join(',') + CRLF;
}

/** Built column by column so the key order is the documented one. */
export function voteJsonlRecord(row: VoteRow): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const c of VOTE_COLUMNS) out[c] = row[c];
  return out;
}

function utf8(name: string, repetition: 'REQUIRED' | 'OPTIONAL'): SchemaElement {
  return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: repetition };
}

const REQUIRED = new Set<string>(['division_gid', 'type', 'vote', 'voter_name', 'citation']);

export const VOTE_PARQUET_SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: VOTE_COLUMNS.length },
  ...VOTE_COLUMNS.map((c) =>
    c === 'sitting_date'
      ? ({ name: c, type: 'INT32', converted_type: 'DATE', repetition_type: 'REQUIRED' } as SchemaElement)
      : utf8(c, REQUIRED.has(c) ? 'REQUIRED' : 'OPTIONAL'),
  ),
];

async function writeVoteParquet(
  rows: RowSource<VoteRow>,
  out: NodeJS.WritableStream,
  opts: ParquetOptions,
): Promise<WriteResult> {
  const groupSize = opts.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  return withDestination(out, opts, async (dest) => {
    const pq = new ParquetWriter({
      writer: new StreamByteWriter(dest),
      schema: VOTE_PARQUET_SCHEMA,
      kvMetadata: [
        { key: 'hansard-watch.columns', value: VOTE_COLUMNS.join(',') },
        ...Object.entries(opts.metadata ?? {}).map(([key, value]) => ({ key, value })),
      ],
      compressors: nativeSnappy,
      createdBy: 'hansard-watch',
    });
    let group: VoteRow[] = [];
    let count = 0;
    const flush = async (): Promise<void> => {
      const columnData = VOTE_COLUMNS.map((c) => ({
        name: c,
        data: group.map((r) => (c === 'sitting_date' ? epochDay(r.sitting_date) : r[c])),
      }));
      await pq.write({ columnData, rowGroupSize: group.length });
      group = [];
      opts.onProgress?.(count);
    };
    for await (const row of rows) {
      group.push(row);
      count++;
      if (group.length >= groupSize) await flush();
    }
    if (group.length > 0) await flush();
    await pq.finish();
    return count;
  });
}

/** Vote rows to CSV, JSONL or Parquet on any Writable, with backpressure (see exportRows). */
export function exportVotes(
  format: ExportFormat,
  rows: RowSource<VoteRow>,
  out: NodeJS.WritableStream,
  opts: CsvOptions & ParquetOptions = {},
): Promise<WriteResult> {
  switch (format) {
    case 'csv': {
      const safe = opts.safeForSpreadsheets ?? false;
      const preamble = (opts.bom ? '\uFEFF' : '') + VOTE_COLUMNS.join(',') + CRLF;
      return writeTextRows(rows, out, (r) => voteCsvRecord(r, safe), { ...opts, preamble });
    }
    case 'jsonl':
      return writeTextRows(rows, out, (r) => JSON.stringify(voteJsonlRecord(r)) + '\n', opts);
    case 'parquet':
      return writeVoteParquet(rows, out, opts);
  }
}
