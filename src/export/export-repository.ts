/**
 * The query side of the research export: rows for `exportRows` straight from a server-side
 * cursor, a batch at a time, so an export of millions of rows holds one or two batches in
 * memory whatever its size. Filters are the search filters; tags are taken per paragraph
 * in paragraph mode and per speech in speech mode.
 */
import { speakerLabel } from '../member/speaker-label.js';
import type { Db } from '../store/db.js';
import type { SpeechFilters } from '../search/filters.js';
import { Params, paragraphTagCondition, speechConditions, tsQuery, whereClause } from '../search/sql.js';
import { buildExportRow } from './build-row.js';
import type { ExportMode, ExportRow, ExportTag } from './columns.js';

export interface ExportQueryOptions {
  /**
   * Rows per FETCH (default 1000): large enough to amortise the round trip, small enough that
   * a batch is consumed before the next young-generation GC, so few rows are promoted to the
   * old generation (2000 rows, two batches ahead, cost ~25 MB more peak RSS in a million-row export).
   */
  batchSize?: number;
}

/** A listing without its ORDER BY (so it can also be counted), and its order. */
export interface ExportQuery {
  sql: string;
  order: string;
  values: unknown[];
}

/** A row as the query returns it: the export row without its derived columns, tags as stored. */
interface SourceRow extends Omit<ExportRow, 'tags' | 'twfy_url' | 'citation' | 'speaker_label'> {
  tags: StoredTag[] | null;
  person_name: string | null;
}

interface StoredTag {
  tag: string;
  confidence: number;
  method: string;
  source: string;
  evidence: unknown;
}

const HEADINGS = `
  LEFT JOIN headings mh ON mh.gid = s.major_heading_gid
  LEFT JOIN headings nh ON nh.gid = s.minor_heading_gid`;

const SPEECH_COLUMNS = `s.gid, s.sitting_date::text AS sitting_date, to_char(s.time, 'HH24:MI') AS time, s.house, s.type,
  mh.title AS major_heading, nh.title AS minor_heading, s.speaker_name, s.person_name, s.person_id, s.party,
  s.constituency, s.url AS hansard_url, s.colnum`;

/** Who gave a stored tag: the rules alone, the classifier (alone or with the rules), or an editor. */
export const TAG_SOURCE = `CASE t.method WHEN 'keyword' THEN 'rule' WHEN 'editor' THEN 'editor' ELSE 'classifier' END`;

const tagsJson = (table: string, match: string, minConfidence: string): string =>
  `(SELECT json_agg(json_build_object('tag', t.tag, 'confidence', t.confidence, 'method', t.method,
                    'source', ${TAG_SOURCE}, 'evidence', t.evidence)
                    ORDER BY t.confidence DESC, t.tag)
      FROM ${table} t WHERE ${match} AND t.confidence >= ${minConfidence}::real)`;

/** One row per paragraph of the matching speeches (per tagged paragraph when tags are asked for). */
export function paragraphExportSql(f: SpeechFilters): ExportQuery {
  const params = new Params();
  const where = speechConditions(f, params, 's', { speechTags: false });
  const tagCondition = paragraphTagCondition(f, params, 'p');
  if (tagCondition) where.push(tagCondition);
  if (f.q)
    where.push(
      `EXISTS (SELECT 1 FROM paragraph_search ps WHERE ps.speech_gid = p.speech_gid AND ps.seq = p.seq AND ps.tsv @@ ${tsQuery(params, f.q)})`,
    );
  const tags = tagsJson(
    'paragraph_tags',
    't.speech_gid = p.speech_gid AND t.seq = p.seq',
    params.add(f.minConfidence),
  );
  const sql = `SELECT ${SPEECH_COLUMNS}, p.seq AS paragraph_seq, p.pid, p.body AS text, ${tags} AS tags
      FROM speeches s JOIN paragraphs p ON p.speech_gid = s.gid ${HEADINGS}
      ${whereClause(where)}`;
  return { sql, order: 's.sitting_date, s.gid, p.seq', values: params.values };
}

/** One row per matching speech, its paragraphs joined by blank lines (see speechText). */
export function speechExportSql(f: SpeechFilters): ExportQuery {
  const params = new Params();
  const where = speechConditions(f, params, 's');
  if (f.q)
    where.push(
      `EXISTS (SELECT 1 FROM paragraph_search ps WHERE ps.speech_gid = s.gid AND ps.tsv @@ ${tsQuery(params, f.q)})`,
    );
  const tags = tagsJson('speech_tags', 't.speech_gid = s.gid', params.add(f.minConfidence));
  const sql = `SELECT ${SPEECH_COLUMNS}, NULL::int AS paragraph_seq, NULL::text AS pid,
           COALESCE((SELECT string_agg(p.body, E'\\n\\n' ORDER BY p.seq) FROM paragraphs p WHERE p.speech_gid = s.gid), '') AS text,
           ${tags} AS tags
      FROM speeches s ${HEADINGS}
      ${whereClause(where)}`;
  return { sql, order: 's.sitting_date, s.gid', values: params.values };
}

/** Most exported paragraphs carry no tag: one shared empty list (never written to) instead of one each. */
const NO_TAGS: ExportTag[] = [];

export class ExportRepository {
  constructor(private readonly db: Db) {}

  /**
   * The export's rows, ready for `exportRows`, in (date, gid, paragraph) order, streamed
   * from a cursor. One generator from cursor to row (each stacked async generator costs a
   * promise per row), rows built with one fixed shape, and the derived columns (the
   * TheyWorkForYou url and the citation, both from buildExportRow) worked out once per
   * speech: in paragraph mode a speech's paragraphs follow each other and share them.
   */
  async *rows(f: SpeechFilters, mode: ExportMode, opts: ExportQueryOptions = {}): AsyncGenerator<ExportRow> {
    const { sql, order, values } = exportQuery(f, mode);
    let derivedFor = '';
    let twfy: string | null = null;
    let cited = '';
    let label: string | null = null;
    for await (const batch of cursorBatches<SourceRow>(
      this.db,
      `${sql} ORDER BY ${order}`,
      values,
      opts.batchSize ?? 1000,
    )) {
      for (const r of batch) {
        const row: ExportRow = {
          gid: r.gid,
          paragraph_seq: r.paragraph_seq,
          pid: r.pid,
          sitting_date: r.sitting_date,
          time: r.time,
          house: r.house,
          type: r.type,
          major_heading: r.major_heading,
          minor_heading: r.minor_heading,
          speaker_name: r.speaker_name,
          speaker_label: label,
          person_id: r.person_id,
          party: r.party,
          constituency: r.constituency,
          text: r.text,
          tags: r.tags === null ? NO_TAGS : r.tags.map(toExportTag),
          twfy_url: twfy,
          hansard_url: r.hansard_url,
          colnum: r.colnum,
          citation: cited,
        };
        if (r.gid !== derivedFor) {
          ({ twfy_url: twfy, citation: cited } = buildExportRow(row));
          derivedFor = r.gid;
          row.twfy_url = twfy;
          row.citation = cited;
          label = speakerLabel({
            speakerName: r.speaker_name,
            personName: r.person_name,
            party: r.party,
            constituency: r.constituency,
          }).label;
          row.speaker_label = label;
        }
        yield row;
      }
    }
  }

  /** How many rows `rows` will yield (for a progress bar): the same filters, counted. */
  async count(f: SpeechFilters, mode: ExportMode): Promise<number> {
    const { sql, values } = exportQuery(f, mode);
    const rows = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) x`, values);
    return rows[0]?.n ?? 0;
  }
}

export function exportQuery(f: SpeechFilters, mode: ExportMode): ExportQuery {
  return mode === 'paragraph' ? paragraphExportSql(f) : speechExportSql(f);
}

function toExportTag(t: StoredTag): ExportTag {
  return {
    tag: t.tag,
    confidence: t.confidence,
    method: t.method,
    source: t.source,
    evidence_terms: evidenceTerms(t.evidence),
  };
}

/**
 * The words or phrases in a tag's stored evidence, whatever its exact shape: paragraph tags
 * keep matches as `{ term, … }`, speech tags keep their paragraphs as `{ terms: [...] }`,
 * and plain strings are terms as they are. Deduplicated, in order of first appearance.
 */
export function evidenceTerms(evidence: unknown): string[] {
  const seen = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 3 || value === null || value === undefined) return;
    if (typeof value === 'string') {
      if (value.trim() !== '') seen.add(value.trim());
    } else if (Array.isArray(value)) {
      for (const v of value) visit(v, depth + 1);
    } else if (typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (typeof o.term === 'string') visit(o.term, depth + 1);
      if (o.terms !== undefined) visit(o.terms, depth + 1);
      if (o.evidence !== undefined) visit(o.evidence, depth + 1);
    }
  };
  visit(evidence, 0);
  return [...seen];
}

/**
 * Rows of a query read through a server-side cursor inside one read-only transaction. The
 * transaction runs beside the consumer: it fetches at most one batch ahead and waits, so
 * a slow consumer (a slow HTTP client) holds back the database rather than filling memory.
 * Stopping early (the consumer breaks or throws) closes the cursor and ends the transaction.
 */
export async function* cursorRows<R>(
  db: Db,
  sql: string,
  values: unknown[],
  batchSize: number,
): AsyncGenerator<R> {
  for await (const batch of cursorBatches<R>(db, sql, values, batchSize)) yield* batch;
}

/** cursorRows a batch at a time (what FETCH returns), for consumers that loop over rows themselves. */
export async function* cursorBatches<R>(
  db: Db,
  sql: string,
  values: unknown[],
  batchSize: number,
): AsyncGenerator<R[]> {
  // One batch ahead: enough to overlap the next FETCH with formatting, and a batch less to hold.
  const channel = new BatchChannel<R>(1);
  const producer = db
    .transaction(async (tx) => {
      await tx.query('SET TRANSACTION READ ONLY');
      // A long export's plan is costed high enough to be JIT-compiled, which costs seconds up front and gains nothing here.
      await tx.query('SET LOCAL jit = off');
      await tx.query(`DECLARE export_rows NO SCROLL CURSOR FOR ${sql}`, values);
      for (;;) {
        const rows = await tx.query<R>(`FETCH ${Math.floor(batchSize)} FROM export_rows`);
        if (rows.length > 0 && !(await channel.put(rows))) return;
        if (rows.length < batchSize) return;
      }
    })
    .then(
      () => channel.close(),
      (err: unknown) => channel.fail(err),
    );
  try {
    for (;;) {
      const batch = await channel.take();
      if (batch === null) return;
      yield batch;
    }
  } finally {
    channel.cancel();
    await producer;
  }
}

/** A bounded hand-over of batches from one producer to one consumer. */
class BatchChannel<T> {
  private readonly queue: T[][] = [];
  private done = false;
  private cancelled = false;
  private error: unknown = null;
  private wakeConsumer: (() => void) | null = null;
  private wakeProducer: (() => void) | null = null;

  constructor(private readonly capacity: number) {}

  /** Resolves false when the consumer has gone away and the producer should stop. */
  async put(batch: T[]): Promise<boolean> {
    while (this.queue.length >= this.capacity && !this.cancelled)
      await new Promise<void>((resolve) => (this.wakeProducer = resolve));
    if (this.cancelled) return false;
    this.queue.push(batch);
    this.wake('consumer');
    return true;
  }

  /** The next batch; null once the producer has finished; throws the producer's error. */
  async take(): Promise<T[] | null> {
    for (;;) {
      const batch = this.queue.shift();
      if (batch) {
        this.wake('producer');
        return batch;
      }
      if (this.error !== null) throw this.error;
      if (this.done) return null;
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
    }
  }

  close(): void {
    this.done = true;
    this.wake('consumer');
  }

  fail(err: unknown): void {
    this.error = err ?? new Error('export query failed');
    this.done = true;
    this.wake('consumer');
  }

  cancel(): void {
    this.cancelled = true;
    this.queue.length = 0;
    this.wake('producer');
  }

  private wake(who: 'consumer' | 'producer'): void {
    const fn = who === 'consumer' ? this.wakeConsumer : this.wakeProducer;
    if (who === 'consumer') this.wakeConsumer = null;
    else this.wakeProducer = null;
    fn?.();
  }
}
