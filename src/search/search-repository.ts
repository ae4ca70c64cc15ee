/**
 * Speech search: full text over paragraphs, filters on the speech and its tags, newest
 * first, keyset-paginated on (sitting_date, gid). A speech matches `q` when one of its
 * paragraphs does (tags, highlights and exports are per paragraph too), and the first
 * such paragraph is its highlighted excerpt.
 */
import { speakerFields, type SpeakerFields } from '../member/speaker-label.js';
import type { Queryable } from '../store/db.js';
import { twfyUrl } from '../parliament/index.js';
import {
  decodeCursor,
  decodeOffsetCursor,
  encodeCursor,
  encodeOffsetCursor,
  type PageKey,
} from './cursor.js';
import type { SpeechFilters } from './filters.js';
import { headline, queryTerms, type QueryTerms } from './headline.js';
import { excerptHtml, excerptText, truncateWords } from './highlight.js';
import { Params, speechConditions, translationTsQuery, tsQuery, whereClause } from './sql.js';

export interface TagScore {
  tag: string;
  confidence: number;
}

export interface SearchHit extends SpeakerFields {
  gid: string;
  sittingDate: string;
  type: string;
  house: string | null;
  speakerName: string | null;
  personId: string | null;
  /** At the time of the speech. */
  party: string | null;
  constituency: string | null;
  majorHeading: string | null;
  minorHeading: string | null;
  /** The heading whose debate page shows this speech. */
  debateGid: string | null;
  colnum: string | null;
  hansardUrl: string | null;
  twfyUrl: string | null;
  /** Paragraph the excerpt comes from (the first match, or the first paragraph without q). */
  paragraphSeq: number | null;
  /** Plain text. */
  excerpt: string;
  /** HTML-escaped, with <mark> around matched words. */
  excerptHtml: string;
  /** At or above the filters' minConfidence, strongest first. */
  tags: TagScore[];
}

export interface SearchPage {
  results: SearchHit[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface SearchOptions {
  limit: number;
  cursor?: string | undefined;
  /** Relevance applies to a search with words; without, results are newest first. */
  order?: SearchOrder | undefined;
}

/**
 * A search's number of speeches: exact up to EXACT_COUNT_LIMIT, else the planner's
 * estimate, or only a lower bound (`atLeast`) when the estimate is below what was counted
 * (the planner underestimates phrases by orders of magnitude).
 */
export interface SearchTotal {
  count: number;
  exact: boolean;
  atLeast?: boolean;
}

/** Matching paragraphs, newest first, among which relevance order ranks. */
export const RANKED_CAP = 5_000;

/** Newest first (keyset pages), or by relevance to the words (ts_rank_cd; offset pages). */
export const SEARCH_ORDERS = ['newest', 'relevance'] as const;
export type SearchOrder = (typeof SEARCH_ORDERS)[number];

/**
 * Speeches counted one by one at most; past this a total is estimated ("about 52,000").
 * Counting 10,000 phrase matches cost ~400 ms under the bench's load; 1,000 a tenth of it.
 */
export const EXACT_COUNT_LIMIT = 1_000;

export class InvalidCursorError extends Error {
  constructor() {
    super('is not a cursor returned by this API');
  }
}

interface HitRow {
  gid: string;
  sitting_date: string;
  type: string;
  house: string | null;
  speaker_name: string | null;
  person_name: string | null;
  person_id: string | null;
  party: string | null;
  constituency: string | null;
  major_heading: string | null;
  minor_heading: string | null;
  debate_gid: string | null;
  colnum: string | null;
  url: string | null;
  paragraph_seq: number | null;
  /** The paragraph's text with a query (highlighted here), else its start. */
  excerpt: string | null;
  /** The query as Postgres parsed it (tsquery text), to highlight the excerpt with. */
  query_terms: string | null;
  tags: TagScore[] | null;
}

/** Characters of the first paragraph shown when there is no query to highlight. */
const PLAIN_EXCERPT_CHARS = 320;
/**
 * Characters of a matching paragraph read for its highlighted excerpt. Real paragraphs are
 * shorter (the shared week's longest is ~19,000); a match past this in an abnormal one is
 * excerpted from the paragraph's start, as when the match is across a stop word.
 */
export const EXCERPT_SOURCE_CHARS = 20_000;
/** Characters of an excerpt at most, however long its words (a "word" can be megabytes of unbroken text). */
export const MAX_EXCERPT_CHARS = 1_000;
/** Characters of a heading title in a result. */
const TITLE_CHARS = 2_000;

/**
 * How a search finds its speeches. `scan` walks speeches newest first and tests each (the
 * planner's usual choice, and the right one when matches are common: twenty are found
 * soon). When matches are rare that walk visits millions of speeches, so `text` (and
 * `tags`) first collect the few matching speeches from the GIN (or tag) index and sort
 * only those. Postgres cannot tell the two cases apart itself: its estimate for a rare
 * word is a default guess and phrases are underestimated by orders of magnitude.
 * `tagWalk` reads tagged speeches newest first straight off speech_tags' dated indexes
 * (migrations 012, 015), so a page costs about a page of lookups however common the tag.
 */
export type SearchDriver = 'scan' | 'text' | 'tags' | 'tagWalk';

/** Matching paragraphs (or tagged speeches) up to which collecting them first is cheaper. */
export const DRIVER_CAP = 15_000;
/**
 * Estimated candidate paragraphs above which a query is common enough to scan for. On the
 * 2-million-speech bench a text-driven attempt at ~40,000 candidates (`contract`) or at
 * phrases of common words (~50,000) cost 100-350 ms against 10-180 ms for the scan.
 */
const COMMON_MATCHES = 30_000;
/**
 * The windows a plain query is searched in, in days back from the newest date a page can
 * hold (windowedRows): the first long enough to hold two pages of the rarest word if it
 * were spread evenly over the store, at least a month; then a year. Wider windows lose:
 * the planner stops ANDing in the date index once a window holds a few hundred thousand
 * paragraphs, and reads every candidate again.
 */
const WINDOW_DAYS = { least: 31, most: 366 };

/** The first window for a word in `count` paragraphs of a store spanning `spanDays`. */
export function firstWindowDays(count: number, spanDays: number, limit: number): number {
  const even = count > 0 ? Math.ceil((spanDays * 2 * limit) / count) : WINDOW_DAYS.least;
  return Math.min(WINDOW_DAYS.most, Math.max(WINDOW_DAYS.least, even));
}

/**
 * The next window after one of `days` held `found` of the `limit` speeches wanted: long
 * enough for two pages at the density just seen (at least twice as long), a year if it
 * held none. Sized from what the store holds, not guessed: a rare word's count is unknown
 * (only the commonest words have statistics), and matches cluster in time.
 */
export function nextWindowDays(days: number, found: number, limit: number): number {
  const wanted = found > 0 ? Math.ceil((days * 2 * limit) / found) : WINDOW_DAYS.most;
  return Math.min(WINDOW_DAYS.most, Math.max(days * 2, wanted));
}

/**
 * Paragraphs holding a query's rarest word past which its windows cost more than the scan:
 * the text index's bitmap for one word grows with the word (26 ms for 180,000 paragraphs),
 * while the scan finds a page of a common word at once. A single word is its own match
 * count; several words or a phrase can match far fewer paragraphs than their rarest word.
 */
const WINDOWED_WORD_LIMIT = { single: COMMON_MATCHES, several: 100_000 };

/** websearch_to_tsquery text with neither OR nor a -negation: every word must be present. */
const PLAIN_QUERY = /^(?!.*(?:^|\s)-\S)(?!.*\bor\b)/is;

export class SearchRepository {
  private readonly stats: TextStatistics;

  constructor(
    private readonly db: Queryable,
    stats?: TextStatistics,
  ) {
    this.stats = stats ?? new TextStatistics(db);
  }

  async search(filters: SpeechFilters, opts: SearchOptions): Promise<SearchPage> {
    if (opts.order === 'relevance' && filters.q) return this.byRelevance(filters, opts);
    const after = opts.cursor === undefined ? null : decodeCursor(opts.cursor);
    if (opts.cursor !== undefined && !after) throw new InvalidCursorError();
    const rows = await this.rows(filters, after, opts.limit + 1);
    const more = rows.length > opts.limit;
    const terms = rows[0]?.query_terms;
    const lexemes = terms ? queryTerms(terms) : null;
    const page = rows.slice(0, opts.limit).map((r) => toHit(r, lexemes));
    const last = page[page.length - 1];
    return {
      results: page,
      nextCursor: more && last ? encodeCursor({ sittingDate: last.sittingDate, gid: last.gid }) : null,
    };
  }

  private async byRelevance(f: SpeechFilters, opts: SearchOptions): Promise<SearchPage> {
    const offset = opts.cursor === undefined ? 0 : decodeOffsetCursor(opts.cursor);
    if (offset === null) throw new InvalidCursorError();
    const translations = Boolean(f.q && (await this.matchesTranslation(f.q)));
    const { sql, values } = buildSearchSql(
      f,
      null,
      opts.limit + 1,
      'scan',
      undefined,
      { offset },
      translations,
    );
    const rows = await this.db.query<HitRow>(sql, values);
    const terms = rows[0]?.query_terms;
    const lexemes = terms ? queryTerms(terms) : null;
    return {
      results: rows.slice(0, opts.limit).map((r) => toHit(r, lexemes)),
      nextCursor: rows.length > opts.limit ? encodeOffsetCursor(offset + opts.limit) : null,
    };
  }

  /**
   * How many speeches the filters select: counted exactly, stopping one past
   * EXACT_COUNT_LIMIT; past it, the planner's estimate of the same selection.
   */
  async total(f: SpeechFilters): Promise<SearchTotal> {
    const translations = Boolean(f.q && (await this.matchesTranslation(f.q)));
    const { sql, values } = countSql(f, EXACT_COUNT_LIMIT + 1, translations);
    const n = (await this.db.query<{ n: number }>(sql, values))[0]?.n ?? 0;
    if (n <= EXACT_COUNT_LIMIT) return { count: n, exact: true };
    const estimate = await this.estimatedTotal(f, translations);
    return estimate > EXACT_COUNT_LIMIT
      ? { count: estimate, exact: false }
      : { count: EXACT_COUNT_LIMIT, exact: false, atLeast: true };
  }

  /** Whether `q` has no word the index can look for (only stop words like "the" and "of"). */
  async onlyStopWords(q: string): Promise<boolean> {
    const rows = await this.db.query<{ empty: boolean }>(
      `SELECT numnode(websearch_to_tsquery('english', $1)) = 0 AS empty`,
      [q],
    );
    return rows[0]?.empty ?? false;
  }

  private async estimatedTotal(f: SpeechFilters, translations: boolean): Promise<number> {
    const { sql, values } = countSql(f, null, translations);
    const rows = await this.db.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] | string }>(
      `EXPLAIN (FORMAT JSON) ${sql}`,
      values,
    );
    const plan = rows[0]?.['QUERY PLAN'];
    const parsed =
      typeof plan === 'string' ? (JSON.parse(plan) as [{ Plan: { 'Plan Rows': number } }]) : plan;
    return Math.round(parsed?.[0]?.Plan['Plan Rows'] ?? 0);
  }

  /** Tries the index-driven plans that apply, falling back to the scan when their matches exceed the cap. */
  private async rows(f: SpeechFilters, after: PageKey | null, limit: number): Promise<HitRow[]> {
    if (tagWalkable(f)) {
      const { sql, values } = buildSearchSql(f, after, limit, 'tagWalk');
      return this.db.query<HitRow>(sql, values);
    }
    // A query in Welsh matches no English paragraph; the index-driven plans read only those,
    // so a query any Welsh text matches is answered by the scan, which tests both.
    if (f.q && (await this.matchesTranslation(f.q))) {
      const { sql, values } = buildSearchSql(f, after, limit, 'scan', undefined, undefined, true);
      return this.db.query<HitRow>(sql, values);
    }
    const text = f.q ? await this.textEstimate(f.q) : null;
    if (text?.rarest && windowable(f, text.rarest)) {
      const rows = await this.windowedRows(f, after, limit, text.rarest);
      if (rows) return rows;
    }
    const drivers: SearchDriver[] = [];
    if (text && text.matches < COMMON_MATCHES) drivers.push('text');
    if (f.tags?.length || f.tagged) drivers.push('tags');
    for (const driver of drivers) {
      const rows = await this.driven(f, after, limit, driver);
      if (rows) return rows;
    }
    const { sql, values } = buildSearchSql(f, after, limit, 'scan');
    return this.db.query<HitRow>(sql, values);
  }

  /** Whether any stored translation (the Senedd's Welsh) matches `q`: one probe of its text index. */
  private async matchesTranslation(q: string): Promise<boolean> {
    const params = new Params();
    const rows = await this.db.query<{ one: number }>(
      `SELECT 1 AS one FROM speech_translations WHERE tsv @@ ${translationTsQuery(params, q)} LIMIT 1`,
      params.values,
    );
    return rows.length > 0;
  }

  /** An index-driven page, or null when its matching set is over the cap (the scan is cheaper then). */
  private async driven(
    f: SpeechFilters,
    after: PageKey | null,
    limit: number,
    driver: SearchDriver,
    rarestLexeme?: string,
  ): Promise<HitRow[] | null> {
    const { sql, values } = buildSearchSql(f, after, limit, driver, rarestLexeme);
    const rows = await this.db.query<HitRow & { hits: number }>(sql, values);
    return (rows[0]?.hits ?? 0) <= DRIVER_CAP ? rows.filter((r) => r.gid !== null) : null;
  }

  /**
   * A plain query (words and phrases), newest first, one window of dates at a time back
   * from the newest date wanted (firstWindowDays, then nextWindowDays up to a year); the first window holding
   * a full page (or reaching the `from` filter) is the answer, since everything outside it
   * is older. The index sees only the query's rarest word, whose estimate (unlike a
   * phrase's) is about right, so the planner ANDs it with the date index and reads only the
   * window's candidates; the whole query is then checked on those. Null when no window
   * settles it. A rare query costs two small extra queries this way; a common one saves
   * reading every candidate in the store.
   */
  private async windowedRows(
    f: SpeechFilters,
    after: PageKey | null,
    limit: number,
    rarest: RarestWord,
  ): Promise<HitRow[] | null> {
    const [newest, stats] = await Promise.all([this.newestDate(f, after), this.stats.get()]);
    if (!newest) return null;
    let days = firstWindowDays(rarest.count, stats.spanDays, limit);
    for (;;) {
      const start = daysBefore(newest, days);
      const last = f.from !== undefined && start <= f.from;
      const rows = await this.driven(
        // Bounded above too, so that a later page's window skips what earlier pages showed.
        { ...f, from: last ? f.from : start, to: newest },
        after,
        limit,
        'text',
        rarest.lexeme,
      );
      if (!rows) return null;
      if (rows.length >= limit || last) return rows;
      if (days >= WINDOW_DAYS.most) return null;
      days = nextWindowDays(days, rows.length, limit);
    }
  }

  /** The newest sitting date a page can hold: the latest indexed, at most `to` and the cursor's date. */
  private async newestDate(f: SpeechFilters, after: PageKey | null): Promise<string | null> {
    const bounds = [f.to, after?.sittingDate].filter((d): d is string => d !== undefined).sort();
    const rows = await this.db.query<{ newest: string | null }>(
      `SELECT max(sitting_date)::text AS newest FROM paragraph_search WHERE sitting_date <= COALESCE($1::date, 'infinity')`,
      [bounds[0] ?? null],
    );
    return rows[0]?.newest ?? null;
  }

  /**
   * Paragraphs the text index would hand over for `q`. For a query of words and phrases only
   * (no OR, no negation) that is at most the count of its rarest word, from the column's own
   * statistics, with no planning at all: the planner multiplies word frequencies as if
   * independent, so `"primary care trust"` (17,000 matches among 50,000 candidates) is
   * estimated at 44, and the index would be chosen for a phrase every one of whose candidates
   * must be read to check word positions. Other queries take the planner's estimate.
   */
  private async textEstimate(q: string): Promise<{ matches: number; rarest: RarestWord | null }> {
    if (!PLAIN_QUERY.test(q)) return { matches: await this.plannerEstimate(q), rarest: null };
    const rarest = await this.rarestWord(q);
    return { matches: rarest?.count ?? 0, rarest };
  }

  private async plannerEstimate(q: string): Promise<number> {
    const rows = await this.db.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] | string }>(
      `EXPLAIN (FORMAT JSON) SELECT 1 FROM paragraph_search WHERE tsv @@ websearch_to_tsquery('english', $1)`,
      [q],
    );
    const plan = rows[0]?.['QUERY PLAN'];
    const parsed =
      typeof plan === 'string' ? (JSON.parse(plan) as [{ Plan: { 'Plan Rows': number } }]) : plan;
    return parsed?.[0]?.Plan['Plan Rows'] ?? Number.POSITIVE_INFINITY;
  }

  /** The least common of the query's words and the paragraphs holding it; null when the query has no words. */
  private async rarestWord(q: string): Promise<RarestWord | null> {
    const [rows, stats] = await Promise.all([
      this.db.query<{ lexemes: string[] }>(
        `SELECT tsvector_to_array(to_tsvector('english', $1)) AS lexemes`,
        [q],
      ),
      this.stats.get(),
    ]);
    const lexemes = rows[0]?.lexemes ?? [];
    let rarest: RarestWord | null = null;
    for (const lexeme of lexemes) {
      const count = stats.paragraphsWith(lexeme);
      if (!rarest || count < rarest.count || (count === rarest.count && lexeme < rarest.lexeme))
        rarest = { lexeme, count, words: lexemes.length };
    }
    return rarest;
  }
}

/** How long the text column's statistics are reused: they change only when ANALYZE runs. */
const STATISTICS_TTL_MS = 5 * 60_000;

/**
 * The most common lexemes of paragraph_search.tsv and their frequencies, from pg_stats,
 * read once per STATISTICS_TTL_MS instead of for every search: unnesting the thousand
 * most common elements cost about 3 ms of database time per search, a third of a search's
 * work under load.
 */
export class TextStatistics {
  private loaded: { at: number; stats: Promise<LexemeCounts> } | null = null;

  constructor(
    private readonly db: Queryable,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<LexemeCounts> {
    if (!this.loaded || this.now() - this.loaded.at > STATISTICS_TTL_MS) {
      const stats = this.read();
      this.loaded = { at: this.now(), stats };
      // A failed read is not kept: the next search tries again.
      stats.catch(() => (this.loaded = null));
    }
    return this.loaded.stats;
  }

  private async read(): Promise<LexemeCounts> {
    const rows = await this.db.query<{
      rows: number;
      span: number | null;
      lexemes: string[] | null;
      freqs: number[] | null;
    }>(
      `SELECT (SELECT reltuples FROM pg_class WHERE oid = 'paragraph_search'::regclass)::float8 AS rows,
              (SELECT max(sitting_date) - min(sitting_date) FROM paragraph_search) AS span,
              (SELECT s.most_common_elems::text::text[] FROM pg_stats s
                WHERE s.schemaname = current_schema() AND s.tablename = 'paragraph_search' AND s.attname = 'tsv') AS lexemes,
              (SELECT s.most_common_elem_freqs FROM pg_stats s
                WHERE s.schemaname = current_schema() AND s.tablename = 'paragraph_search' AND s.attname = 'tsv') AS freqs`,
    );
    const row = rows[0];
    return new LexemeCounts(
      Math.max(0, row?.rows ?? 0),
      row?.lexemes ?? [],
      row?.freqs ?? [],
      row?.span ?? 0,
    );
  }
}

/** Paragraphs holding a lexeme, as the planner would reckon them. */
export class LexemeCounts {
  private readonly freq = new Map<string, number>();
  private readonly unlisted: number;

  /**
   * `freqs` as pg_stats gives them: one per lexeme, then the minimum, maximum and null
   * fraction. `spanDays`: from the first sitting date searched to the last.
   */
  constructor(
    private readonly rows: number,
    lexemes: readonly string[],
    freqs: readonly number[],
    readonly spanDays = 0,
  ) {
    lexemes.forEach((lexeme, i) => this.freq.set(lexeme, freqs[i] ?? 0));
    const minimum = lexemes.length > 0 ? (freqs[lexemes.length] ?? 0) : 0;
    // What Postgres assumes for a lexeme missing from the list (ts_selfuncs.c): half the rarest listed one, at most 0.5%.
    this.unlisted = lexemes.length > 0 ? Math.min(0.005, minimum / 2) : 0;
  }

  paragraphsWith(lexeme: string): number {
    return this.rows * (this.freq.get(lexeme) ?? this.unlisted);
  }
}

interface RarestWord {
  lexeme: string;
  /** Paragraphs holding it (estimated). */
  count: number;
  /** Distinct words in the query. */
  words: number;
}

/**
 * Whether windows of dates beat the other plans: not for one MP's speeches (few enough to
 * walk newest first), nor past WINDOWED_WORD_LIMIT.
 */
function windowable(f: SpeechFilters, rarest: RarestWord): boolean {
  const limit = rarest.words > 1 ? WINDOWED_WORD_LIMIT.several : WINDOWED_WORD_LIMIT.single;
  return !f.personId && rarest.count < limit;
}

/**
 * Whether the dated tag indexes can list the page by themselves: tags asked for, with no
 * words (whose matches the text plans find better) and no MP (whose few speeches the scan
 * walks by the person's own index). Other filters are tested on each speech as the walk goes.
 */
function tagWalkable(f: SpeechFilters): boolean {
  return (Boolean(f.tags?.length) || f.tagged === true) && !f.q && !f.personId;
}

/**
 * The speeches the filters select, counted up to `cap` (null: the bare selection, for the
 * planner to estimate). Text matches are bounded by the dates on paragraph_search itself.
 */
export function countSql(
  f: SpeechFilters,
  cap: number | null,
  /** Also count speeches whose translation (the Senedd's Welsh) matches, as the search finds them. */
  translations = false,
): { sql: string; values: unknown[] } {
  const params = new Params();
  const where = speechConditions(f, params, 's');
  if (f.q) {
    const tsq = tsQuery(params, f.q);
    const translated = translations ? translationTsQuery(params, f.q) : null;
    // A query of stop words only is empty: this one-time filter stops the count before any scan.
    where.push(translated ? `(numnode(${tsq}) > 0 OR numnode(${translated}) > 0)` : `numnode(${tsq}) > 0`);
    const text = [`tsv @@ ${tsq}`];
    if (f.from) text.push(`sitting_date >= ${params.add(f.from)}::date`);
    if (f.to) text.push(`sitting_date <= ${params.add(f.to)}::date`);
    const inText = `s.gid IN (SELECT speech_gid FROM paragraph_search WHERE ${text.join(' AND ')})`;
    where.push(
      translated
        ? `(${inText} OR s.gid IN (SELECT speech_gid FROM speech_translations WHERE tsv @@ ${translated}))`
        : inText,
    );
  }
  const selected = `SELECT 1 FROM speeches s ${whereClause(where)}`;
  if (cap === null) return { sql: selected, values: params.values };
  return {
    sql: `SELECT count(*)::int AS n FROM (${selected} LIMIT ${params.add(cap)}) c`,
    values: params.values,
  };
}

/** `date` (YYYY-MM-DD) less `days` days. */
function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/** A lexeme as a tsquery literal: quoted, so that no character in it is read as an operator. */
function lexemeQuery(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * The matching set an index-driven search starts from, capped one past DRIVER_CAP. Text
 * matches are bounded by the date filters on paragraph_search itself, so that the planner
 * can AND its date index in. With `rarestLexeme` only that word goes to the text index and
 * the whole query is checked on what it returns (see windowedRows).
 */
function driverHits(
  driver: SearchDriver,
  f: SpeechFilters,
  params: Params,
  tsq: string | null,
  rarestLexeme?: string,
): string {
  if (driver === 'text') {
    const where = rarestLexeme
      ? [`tsv @@ ${params.add(lexemeQuery(rarestLexeme))}::tsquery`, `(tsv @@ ${tsq}) IS TRUE`]
      : [`tsv @@ ${tsq}`];
    if (f.from) where.push(`sitting_date >= ${params.add(f.from)}::date`);
    if (f.to) where.push(`sitting_date <= ${params.add(f.to)}::date`);
    return `SELECT speech_gid FROM paragraph_search WHERE ${where.join(' AND ')} LIMIT ${DRIVER_CAP + 1}`;
  }
  const tagClause = f.tags?.length ? `tag = ANY(${params.add(f.tags)}::text[]) AND ` : '';
  return `SELECT speech_gid FROM speech_tags WHERE ${tagClause}confidence >= ${params.add(f.minConfidence)}::real LIMIT ${DRIVER_CAP + 1}`;
}

/**
 * The tag walk's own conditions on speech_tags, dates included so that the index range is
 * bounded. With several tags (or any) a speech holds more than one of them: only its first
 * qualifying tag row is walked, so that it is listed once.
 */
function tagWalkConditions(f: SpeechFilters, params: Params): string[] {
  const tags = f.tags ?? [];
  const one = tags.length === 1;
  // `tag = $n` for one tag, so that Postgres reads the (tag, date) index in order.
  const tag = tags.length === 0 ? null : params.add(one ? tags[0] : tags);
  const minConfidence = params.add(f.minConfidence);
  const qualifying = (alias: string): string =>
    [
      ...(tag === null ? [] : [one ? `${alias}.tag = ${tag}` : `${alias}.tag = ANY(${tag}::text[])`]),
      `${alias}.confidence >= ${minConfidence}::real`,
    ].join(' AND ');
  const where = [qualifying('t')];
  if (!one)
    where.push(
      `NOT EXISTS (SELECT 1 FROM speech_tags t2 WHERE t2.speech_gid = t.speech_gid AND t2.tag < t.tag AND ${qualifying('t2')})`,
    );
  if (f.from) where.push(`t.sitting_date >= ${params.add(f.from)}::date`);
  if (f.to) where.push(`t.sitting_date <= ${params.add(f.to)}::date`);
  return where;
}

/**
 * The page of speeches first (cheap columns only), then headings, excerpt and tags for
 * those rows alone. Index-driven plans also return `hits`, the size of their (capped)
 * matching set, on every row, and one row of nulls when the page is empty.
 */
export function buildSearchSql(
  f: SpeechFilters,
  after: PageKey | null,
  limit: number,
  driver: SearchDriver = 'scan',
  rarestLexeme?: string,
  ranked?: { offset: number },
  /** Also match the speeches' translations (scan only), each in its own language's configuration. */
  translations = false,
): { sql: string; values: unknown[] } {
  const params = new Params();
  const walk = driver === 'tagWalk';
  const conditions = speechConditions(f, params, 's', { speechTags: !walk });
  const tsq = f.q ? tsQuery(params, f.q) : null;
  const translated = f.q && translations ? translationTsQuery(params, f.q) : null;
  const inTranslation = `EXISTS (SELECT 1 FROM speech_translations st WHERE st.speech_gid = s.gid AND st.tsv @@ ${translated})`;
  // Driven by the text index, every candidate already matches: testing again would detoast each vector twice.
  if (tsq && driver !== 'text' && !ranked)
    conditions.push(
      `(EXISTS (SELECT 1 FROM paragraph_search ps WHERE ps.speech_gid = s.gid AND ps.tsv @@ ${tsq})${translated ? ` OR ${inTranslation}` : ''})`,
    );
  const keyed = walk
    ? { date: 't.sitting_date', gid: 't.speech_gid' }
    : { date: 's.sitting_date', gid: 's.gid' };
  if (walk) conditions.push(...tagWalkConditions(f, params));
  if (after)
    conditions.push(
      `(${keyed.date}, ${keyed.gid}) < (${params.add(after.sittingDate)}::date, ${params.add(after.gid)}::text)`,
    );
  const hits = driver === 'scan' || walk ? null : driverHits(driver, f, params, tsq, rarestLexeme);
  // Past the cap the result is discarded for a scan: the guard stops the page being worked out for nothing.
  if (hits)
    conditions.push(`s.gid IN (SELECT speech_gid FROM hits)`, `(SELECT count(*) FROM hits) <= ${DRIVER_CAP}`);
  const matching = tsq
    ? `SELECT p.seq, left(p.body, ${EXCERPT_SOURCE_CHARS}) AS excerpt
         FROM paragraph_search ps JOIN paragraphs p ON p.speech_gid = ps.speech_gid AND p.seq = ps.seq
        WHERE ps.speech_gid = page.gid AND (ps.tsv @@ ${tsq}) IS TRUE ORDER BY ps.seq LIMIT 1`
    : `SELECT p.seq, left(p.body, ${PLAIN_EXCERPT_CHARS + 40}) AS excerpt
         FROM paragraphs p WHERE p.speech_gid = page.gid ORDER BY p.seq LIMIT 1`;
  // A speech found by its Welsh text shows that text (no paragraph of its own matched).
  const excerpt = translated
    ? `SELECT * FROM ((${matching}) UNION ALL (SELECT NULL::int AS seq, left(st.body, ${EXCERPT_SOURCE_CHARS}) AS excerpt
         FROM speech_translations st WHERE st.speech_gid = page.gid AND st.tsv @@ ${translated} ORDER BY st.lang LIMIT 1)) m LIMIT 1`
    : matching;
  const minConfidence = params.add(f.minConfidence);
  // Keys first (answerable from speeches_search_keys without the wide rows), then the page's rows.
  const from = ranked
    ? 'ranked h JOIN speeches s ON s.gid = h.speech_gid'
    : walk
      ? 'speech_tags t JOIN speeches s ON s.gid = t.speech_gid'
      : 'speeches s';
  const order = ranked
    ? `h.rank DESC, s.sitting_date DESC, s.gid DESC`
    : `${keyed.date} DESC, ${keyed.gid} DESC`;
  const pageSql = `
      SELECT s.gid, s.sitting_date, s.type, s.house, s.speaker_name, s.person_name, s.person_id, s.party, s.constituency,
             s.major_heading_gid, s.minor_heading_gid, s.colnum, s.url${ranked ? ', k.rank' : ''}
        FROM (SELECT s.gid${ranked ? ', h.rank' : ''} FROM ${from}
               ${whereClause(conditions)}
               ORDER BY ${order}
               LIMIT ${params.add(limit)}${ranked ? ` OFFSET ${params.add(ranked.offset)}` : ''}) k
        JOIN speeches s ON s.gid = k.gid`;
  const decorated = `
    SELECT page.gid, page.sitting_date::text AS sitting_date, page.type, page.house, page.speaker_name, page.person_name,
           page.person_id, page.party, page.constituency, page.colnum, page.url,
           left(mh.title, ${TITLE_CHARS}) AS major_heading, left(nh.title, ${TITLE_CHARS}) AS minor_heading,
           COALESCE(page.minor_heading_gid, page.major_heading_gid) AS debate_gid,
           ex.seq AS paragraph_seq, ex.excerpt, ${tsq ? `${tsq}::text` : 'NULL::text'} AS query_terms,
           (SELECT json_agg(json_build_object('tag', t.tag, 'confidence', round(t.confidence::numeric, 3)::float8)
                            ORDER BY t.confidence DESC, t.tag)
              FROM speech_tags t WHERE t.speech_gid = page.gid AND t.confidence >= ${minConfidence}::real) AS tags
      FROM page
      LEFT JOIN headings mh ON mh.gid = page.major_heading_gid
      LEFT JOIN headings nh ON nh.gid = page.minor_heading_gid
      LEFT JOIN LATERAL (${excerpt}) ex ON true`;
  if (ranked && tsq) {
    const dates = [
      ...(f.from ? [`sitting_date >= ${params.add(f.from)}::date`] : []),
      ...(f.to ? [`sitting_date <= ${params.add(f.to)}::date`] : []),
    ];
    // Ranked among the newest RANKED_CAP matching paragraphs: ranking every match of a common word reads them all.
    // A translation (the Senedd's Welsh) is ranked in its own language's configuration.
    const inTranslations = translated
      ? ` UNION ALL (SELECT speech_gid, ts_rank_cd(tsv, ${translated}) FROM speech_translations
                      WHERE tsv @@ ${translated} LIMIT ${RANKED_CAP})`
      : '';
    const rankedSql = `SELECT speech_gid, max(rank) AS rank FROM (
          (SELECT speech_gid, ts_rank_cd(tsv, ${tsq}) AS rank
             FROM (SELECT speech_gid, tsv FROM paragraph_search WHERE ${[`tsv @@ ${tsq}`, ...dates].join(' AND ')}
                    ORDER BY sitting_date DESC LIMIT ${RANKED_CAP}) c)${inTranslations}) r
        GROUP BY speech_gid`;
    return {
      sql: `WITH ranked AS MATERIALIZED (${rankedSql}), page AS (${pageSql}) ${decorated}
            ORDER BY page.rank DESC, page.sitting_date DESC, page.gid DESC`,
      values: params.values,
    };
  }
  const sql = hits
    ? `WITH hits AS MATERIALIZED (${hits}), page AS (${pageSql}), decorated AS (${decorated})
       SELECT (SELECT count(*) FROM hits)::int AS hits, d.* FROM (SELECT 1) one LEFT JOIN decorated d ON true
        ORDER BY d.sitting_date DESC, d.gid DESC`
    : `WITH page AS (${pageSql}) ${decorated} ORDER BY page.sitting_date DESC, page.gid DESC`;
  return { sql, values: params.values };
}

function toHit(r: HitRow, lexemes: QueryTerms | null): SearchHit {
  const marked = lexemes && r.excerpt !== null ? headline(r.excerpt, lexemes) : (r.excerpt ?? '');
  const plain = r.paragraph_seq === null ? '' : excerptText(marked);
  // Without a query the excerpt is the paragraph's start; cut it at a word like a headline would be.
  const shown = marked.includes('\u0001')
    ? truncateWords(marked, MAX_EXCERPT_CHARS)
    : truncateWords(plain, PLAIN_EXCERPT_CHARS);
  return {
    gid: r.gid,
    sittingDate: r.sitting_date,
    type: r.type,
    house: r.house,
    speakerName: r.speaker_name,
    personId: r.person_id,
    party: r.party,
    constituency: r.constituency,
    ...speakerFields({
      speakerName: r.speaker_name,
      personName: r.person_name,
      party: r.party,
      constituency: r.constituency,
    }),
    majorHeading: r.major_heading,
    minorHeading: r.minor_heading,
    debateGid: r.debate_gid,
    colnum: r.colnum,
    hansardUrl: r.url,
    twfyUrl: twfyUrl(r.gid),
    paragraphSeq: r.paragraph_seq,
    excerpt: excerptText(shown),
    excerptHtml: excerptHtml(shown),
    tags: r.tags ?? [],
  };
}
