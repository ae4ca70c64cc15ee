/**
 * The research export's row: one tagged paragraph (mode `paragraph`) or one speech (mode
 * `speech`). Every format writes the same columns in the same order, so a researcher can
 * switch formats without re-learning the data; only `tags` and `evidence_terms` change
 * shape (flat text in CSV, structured in JSONL and Parquet).
 */

export type ExportMode = 'paragraph' | 'speech';

/** One tag on the exported paragraph or speech. */
export interface ExportTag {
  tag: string;
  /** 0–1. */
  confidence: number;
  /** How the tagger decided: `keyword`, `classifier` or `combined`. */
  method: string;
  /** Who gave the tag: `rule` (keyword), `classifier` (classifier or combined) or `editor` (a correction). */
  source: string;
  /** Distinct words or phrases that drove the decision, as they appear in the text. */
  evidence_terms: string[];
}

export interface ExportRow {
  gid: string;
  /** Position of the paragraph within its speech, from 0; null in speech mode. */
  paragraph_seq: number | null;
  /** Feed `pid`; null in speech mode and in feeds without pids (sp, ni, standing). */
  pid: string | null;
  /** `YYYY-MM-DD` (cast `sitting_date::text` in SQL: node-pg turns a date into a local-time Date). */
  sitting_date: string;
  /** Time of the speech as `HH:MM` (24-hour, as the feed gives it to the minute), or null when the feed has none. */
  time: string | null;
  /** The speaker's house organisation id at the time (`house-of-commons`, …), or null. */
  house: string | null;
  /** Feed type: debates, westminhall, lordspages, wms, lordswms, wrans, lordswrans, sp, sp-written, ni, standing. */
  type: string;
  major_heading: string | null;
  minor_heading: string | null;
  /** As Hansard printed it: a name, a name with seat and party, or an office ("The First Minister"). */
  speaker_name: string | null;
  /** `Name (Party, Seat)` at the time, from the member data: the label pages and the API show (speakerLabel). */
  speaker_label: string | null;
  person_id: string | null;
  /** Party and constituency at the time of the speech, not today's. */
  party: string | null;
  constituency: string | null;
  /** Paragraph text; in speech mode the paragraphs joined by blank lines (see speechText). */
  text: string;
  /** Strongest first. */
  tags: ExportTag[];
  twfy_url: string | null;
  /** The feed's `url` attribute: the official Hansard page. */
  hansard_url: string | null;
  /** Column as the feed gives it (`12`, `133W`, `1WS`), for citation. */
  colnum: string | null;
  citation: string;
}

/**
 * Column names and order, shared by every writer. `evidence_terms` is not a field of
 * ExportRow: it is derived from `tags` (see evidenceTermsOf / evidenceText).
 */
export const EXPORT_COLUMNS = [
  'gid',
  'paragraph_seq',
  'pid',
  'sitting_date',
  'time',
  'house',
  'type',
  'major_heading',
  'minor_heading',
  'speaker_name',
  'speaker_label',
  'person_id',
  'party',
  'constituency',
  'text',
  'tags',
  'evidence_terms',
  'twfy_url',
  'hansard_url',
  'colnum',
  'citation',
] as const;

export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

/** Speech mode's text: paragraphs separated by a blank line, as a reader would lay them out. */
export function speechText(paragraphs: readonly string[]): string {
  return paragraphs.join('\n\n');
}

/** Every tag's evidence, deduplicated, in order of first appearance. */
export function evidenceTermsOf(tags: readonly ExportTag[]): string[] {
  if (tags.length === 0) return [];
  const seen = new Set<string>();
  for (const t of tags) for (const term of t.evidence_terms) seen.add(term);
  return [...seen];
}

/**
 * `outsourcing:0.93;privatisation:0.71`. Two decimals match how confidence is shown in
 * the UI; JSONL and Parquet keep the full double for anyone who needs more.
 */
export function tagsText(tags: readonly ExportTag[]): string {
  return tags.map((t) => `${t.tag}:${t.confidence.toFixed(2)}`).join(';');
}

/**
 * `outsourcing:private contractor|tender;privatisation:sell-off`: grouped by tag in the
 * same order as tagsText, so the two CSV cells can be read side by side.
 */
export function evidenceText(tags: readonly ExportTag[]): string {
  return tags
    .filter((t) => t.evidence_terms.length > 0)
    .map((t) => `${t.tag}:${t.evidence_terms.join('|')}`)
    .join(';');
}
