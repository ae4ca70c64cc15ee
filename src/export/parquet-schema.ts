/**
 * The Parquet schema of the export, and how each column's value is taken from a row.
 * Text is UTF8 strings, the sitting date a DATE, confidences DOUBLE, and tags a nested
 * LIST<STRUCT<tag, confidence, method, source, evidence_terms LIST<STRING>>> (standard three-level
 * lists), so pandas, DuckDB and Arrow read them as typed values, not JSON to re-parse.
 */
import type { ColumnSource, SchemaElement } from 'hyparquet-writer';
import { EXPORT_COLUMNS, evidenceTermsOf, type ExportColumn, type ExportRow } from './columns.js';

export interface ParquetColumn {
  name: ExportColumn;
  /** The column's schema element followed by its descendants, depth first. */
  schema: SchemaElement[];
  value: (row: ExportRow) => unknown;
  /** Per-column encoder settings (see UNIQUE and FREE_TEXT). */
  options?: Pick<ColumnSource, 'statistics' | 'encoding'>;
}

type Repetition = 'REQUIRED' | 'OPTIONAL';

/** The row's plain text fields, which map one to one onto UTF8 columns. */
type StringField = {
  [K in keyof ExportRow]: ExportRow[K] extends string | null ? K : never;
}[keyof ExportRow];

function string(name: string, repetition: Repetition): SchemaElement {
  return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: repetition };
}

/** Three-level list (`<name> LIST { repeated list { element } }`), as the Parquet spec recommends. */
function list(name: string, element: SchemaElement[]): SchemaElement[] {
  return [
    { name, repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    ...element,
  ];
}

const TAG_ELEMENT: SchemaElement[] = [
  { name: 'element', repetition_type: 'REQUIRED', num_children: 5 },
  string('tag', 'REQUIRED'),
  { name: 'confidence', type: 'DOUBLE', repetition_type: 'REQUIRED' },
  string('method', 'REQUIRED'),
  string('source', 'REQUIRED'),
  ...list('evidence_terms', [string('element', 'REQUIRED')]),
];

const DAY_MS = 86_400_000;

/** DATE is days since 1970-01-01; a malformed date is an error, not a silently wrong day. */
export function epochDay(isoDate: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) throw new Error(`sitting_date must be YYYY-MM-DD, got ${JSON.stringify(isoDate)}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

/** epochDay of the previous row's date: rows come in date order, so it is nearly always the same. */
let lastDate = '';
let lastDay = 0;
function sittingDay(isoDate: string): number {
  if (isoDate !== lastDate) {
    lastDay = epochDay(isoDate);
    lastDate = isoDate;
  }
  return lastDay;
}

/**
 * Values unique to each row: a dictionary cannot shrink them, so skip the attempt.
 * Free text: min/max statistics of long prose prune nothing and cost ~15% of write time.
 * Statistics stay on the columns a reader filters row groups by (date, house, type, party,
 * person); ids, speaker names, seats and columns went without them for ~3% less time.
 */
const UNIQUE: ColumnSource['encoding'] = 'PLAIN';
const FREE_TEXT = { statistics: false } as const;

function optionalString(name: StringField, options?: ParquetColumn['options']): ParquetColumn {
  return { name, schema: [string(name, 'OPTIONAL')], value: (row) => row[name], options };
}

function requiredString(name: StringField, options?: ParquetColumn['options']): ParquetColumn {
  return { name, schema: [string(name, 'REQUIRED')], value: (row) => row[name], options };
}

const BY_NAME: Record<ExportColumn, ParquetColumn> = {
  gid: requiredString('gid', { ...FREE_TEXT, encoding: UNIQUE }),
  paragraph_seq: {
    name: 'paragraph_seq',
    schema: [{ name: 'paragraph_seq', type: 'INT32', repetition_type: 'OPTIONAL' }],
    value: (row) => row.paragraph_seq,
  },
  pid: optionalString('pid', { ...FREE_TEXT, encoding: UNIQUE }),
  sitting_date: {
    name: 'sitting_date',
    schema: [{ name: 'sitting_date', type: 'INT32', converted_type: 'DATE', repetition_type: 'REQUIRED' }],
    value: (row) => sittingDay(row.sitting_date),
  },
  // `HH:MM` text, like CSV and JSONL, rather than a Parquet TIME: the same value in every format.
  time: optionalString('time'),
  house: optionalString('house'),
  type: requiredString('type'),
  major_heading: optionalString('major_heading', FREE_TEXT),
  minor_heading: optionalString('minor_heading', FREE_TEXT),
  speaker_name: optionalString('speaker_name', FREE_TEXT),
  speaker_label: optionalString('speaker_label', FREE_TEXT),
  person_id: optionalString('person_id'),
  party: optionalString('party'),
  constituency: optionalString('constituency', FREE_TEXT),
  text: requiredString('text', { ...FREE_TEXT, encoding: UNIQUE }),
  tags: { name: 'tags', schema: list('tags', TAG_ELEMENT), value: (row) => row.tags, options: FREE_TEXT },
  evidence_terms: {
    name: 'evidence_terms',
    schema: list('evidence_terms', [string('element', 'REQUIRED')]),
    value: (row) => evidenceTermsOf(row.tags),
    options: FREE_TEXT,
  },
  twfy_url: optionalString('twfy_url', { ...FREE_TEXT, encoding: UNIQUE }),
  hansard_url: optionalString('hansard_url', FREE_TEXT),
  colnum: optionalString('colnum', FREE_TEXT),
  citation: requiredString('citation', FREE_TEXT),
};

/** In EXPORT_COLUMNS order, like every other format. */
export const PARQUET_COLUMNS: readonly ParquetColumn[] = EXPORT_COLUMNS.map((name) => BY_NAME[name]);

export const PARQUET_SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: PARQUET_COLUMNS.length },
  ...PARQUET_COLUMNS.flatMap((c) => c.schema),
];
