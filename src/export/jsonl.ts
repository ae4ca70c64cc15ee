/**
 * JSON Lines: one object per line, `\n`-terminated, UTF-8. Tags stay structured.
 * JSON.stringify escapes CR/LF inside strings, so a record can never span lines.
 */
import { evidenceTermsOf, type ExportRow } from './columns.js';
import { writeTextRows, type RowSource, type WriteOptions, type WriteResult } from './sink.js';

export type JsonlOptions = WriteOptions;

/** The JSON object for a row: the row itself plus the evidence terms of all its tags. */
export type JsonlRecord = ExportRow & { evidence_terms: string[] };

/** Built field by field (not spread) so the key order is the documented column order. */
export function jsonlRecord(row: ExportRow): JsonlRecord {
  return {
    gid: row.gid,
    paragraph_seq: row.paragraph_seq,
    pid: row.pid,
    sitting_date: row.sitting_date,
    time: row.time,
    house: row.house,
    type: row.type,
    major_heading: row.major_heading,
    minor_heading: row.minor_heading,
    speaker_name: row.speaker_name,
    speaker_label: row.speaker_label,
    person_id: row.person_id,
    party: row.party,
    constituency: row.constituency,
    text: row.text,
    tags: row.tags.map((t) => ({
      tag: t.tag,
      confidence: t.confidence,
      method: t.method,
      source: t.source,
      evidence_terms: t.evidence_terms,
    })),
    evidence_terms: evidenceTermsOf(row.tags),
    twfy_url: row.twfy_url,
    hansard_url: row.hansard_url,
    colnum: row.colnum,
    citation: row.citation,
  };
}

export function jsonlLine(row: ExportRow): string {
  return JSON.stringify(jsonlRecord(row)) + '\n';
}

export function writeJsonl(
  rows: RowSource<ExportRow>,
  out: NodeJS.WritableStream,
  opts: JsonlOptions = {},
): Promise<WriteResult> {
  return writeTextRows(rows, out, jsonlLine, opts);
}
