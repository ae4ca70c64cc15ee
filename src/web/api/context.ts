/**
 * What the API and page routes share: the store's repositories and the tag catalogue.
 * Built once per server from the plugin options.
 */
import type { Db } from '../../store/db.js';
import { DivisionRepository } from '../../division/division-repository.js';
import { PersonDivisionRepository } from '../../division/person-divisions.js';
import { ExportRepository } from '../../export/export-repository.js';
import { VoteExportRepository } from '../../export/vote-export.js';
import { PersonRepository } from '../../person/person-repository.js';
import { DayRepository } from '../../search/day-repository.js';
import { DebateRepository } from '../../search/debate-repository.js';
import { SearchRepository } from '../../search/search-repository.js';
import { TagCountRepository, type TagTotal } from '../../search/tag-count-repository.js';
import { SpeechRepository } from '../../speech/speech-repository.js';
import { DEFAULT_MIN_CONFIDENCE } from '../../tag/types.js';
import { TagEvidenceRepository } from '../../tag/evidence-repository.js';
import { TagPageRepository, type TagProfile } from '../../search/tag-page-repository.js';
import type { SpeechFilters } from '../../search/filters.js';
import type { SearchTotal } from '../../search/search-repository.js';
import { TtlCache } from './ttl-cache.js';
import type { onRequestHookHandler } from 'fastify';
import type { RateLimit, RateLimitStore } from './rate-limit.js';
import { DEFAULT_STREAM_LIMITS, StreamSlots, type StreamLimits } from './stream-limits.js';
import { loadTagInfo, type TagInfo } from '../../tag/tag-info.js';
import type { SubscriptionRequest, SubscriptionResult } from '../../alert/types.js';

// Defined where they are owned (the taxonomy, the alerts); the pages and the API name them from here.
export type { TagInfo, SubscriptionRequest, SubscriptionResult };

/** The alerts service (always on in `start`); a read-only `serve` has none, and the endpoint answers 501. */
export interface SubscriptionService {
  /** `meta.ip`: the client address, for the per-IP limit. */
  subscribe(request: SubscriptionRequest, meta?: { ip?: string }): Promise<SubscriptionResult>;
}

/** The repositories the API and page routes read through, built once per server. */
export interface WebRepositories {
  search: SearchRepository;
  debates: DebateRepository;
  speeches: SpeechRepository;
  people: PersonRepository;
  tagCounts: TagCountRepository;
  exports: ExportRepository;
  divisions: DivisionRepository;
  voteExports: VoteExportRepository;
  days: DayRepository;
  personDivisions: PersonDivisionRepository;
  evidence: TagEvidenceRepository;
  tagPages: TagPageRepository;
}

export function webRepositories(db: Db): WebRepositories {
  return {
    search: new SearchRepository(db),
    debates: new DebateRepository(db),
    speeches: new SpeechRepository(db),
    people: new PersonRepository(db),
    tagCounts: new TagCountRepository(db),
    exports: new ExportRepository(db),
    divisions: new DivisionRepository(db),
    voteExports: new VoteExportRepository(db),
    days: new DayRepository(db),
    personDivisions: new PersonDivisionRepository(db),
    evidence: new TagEvidenceRepository(db),
    tagPages: new TagPageRepository(db),
  };
}

export interface WebOptions {
  db: Db;
  /** Built by the caller (the composition root, or a test with fakes); from `db` when absent. */
  repositories?: WebRepositories;
  /** Tags of the taxonomy (labels for pages and docs); default: read from tags/taxonomy.json. */
  tags?: TagInfo[];
  subscriptions?: SubscriptionService;
  /** Per client address; `false` turns limiting off (benchmarks, tests). */
  rateLimit?: { general: RateLimit; export: RateLimit } | false;
  /** Concurrency and duration bounds on exports (stream-limits.ts); defaults otherwise. */
  streams?: Partial<StreamLimits>;
  /** A general limiter hook shared with routes outside this plugin (the alert routes); made from `rateLimit.general` when absent. */
  generalLimiter?: onRequestHookHandler;
  /** Redis for the limits' counts, shared by every process (REDIS_URL); in memory when absent. */
  rateLimitStore?: RateLimitStore | null;
}

/**
 * The limits as they apply to this store. On PGlite every query waits while a transaction
 * is open, so one export at a time is all there can be; on Postgres exports must leave
 * some of the pool to the rest of the site.
 */
export function effectiveStreamLimits(db: Db, asked: Partial<StreamLimits> = {}): StreamLimits {
  const limits = { ...DEFAULT_STREAM_LIMITS, ...asked };
  const pool = db.poolStats();
  if (!pool) return { ...limits, exports: 1 };
  if (limits.exports >= pool.max)
    throw new Error(
      `exports at once (${limits.exports}) must be fewer than the store's pool size (${pool.max}), so that exports cannot take every connection`,
    );
  return limits;
}

export const DEFAULT_RATE_LIMITS = {
  // 300 a minute, counted in short windows so that a burst is cut off after 60.
  general: { max: 60, windowSeconds: 12 },
  // An export can stream millions of rows: a few at a time is plenty for a person.
  export: { max: 3, windowSeconds: 30 },
} as const satisfies Record<string, RateLimit>;

const TOTALS_TTL_MS = 60_000;

export class WebContext {
  readonly search: SearchRepository;
  readonly debates: DebateRepository;
  readonly speeches: SpeechRepository;
  readonly people: PersonRepository;
  readonly tagCounts: TagCountRepository;
  readonly exports: ExportRepository;
  readonly divisions: DivisionRepository;
  readonly voteExports: VoteExportRepository;
  readonly days: DayRepository;
  readonly personDivisions: PersonDivisionRepository;
  readonly evidence: TagEvidenceRepository;
  readonly tagPages: TagPageRepository;
  readonly streamLimits: StreamLimits;
  /** Slots for streaming responses, server-wide and per client address. */
  readonly streams: StreamSlots;

  readonly options: WebOptions & { tags: TagInfo[] };

  constructor(options: WebOptions) {
    this.options = { ...options, tags: options.tags ?? loadTagInfo() };
    const { db } = options;
    const repos = options.repositories ?? webRepositories(db);
    this.search = repos.search;
    this.debates = repos.debates;
    this.speeches = repos.speeches;
    this.people = repos.people;
    this.tagCounts = repos.tagCounts;
    this.exports = repos.exports;
    this.divisions = repos.divisions;
    this.voteExports = repos.voteExports;
    this.days = repos.days;
    this.personDivisions = repos.personDivisions;
    this.evidence = repos.evidence;
    this.tagPages = repos.tagPages;
    this.streamLimits = effectiveStreamLimits(db, options.streams);
    this.streams = new StreamSlots(this.streamLimits.exports, this.streamLimits.perClient);
  }

  private totalsCache: { at: number; value: Promise<TagTotal[]> } | null = null;

  /**
   * A tag's profile counts every speech carrying it (42,000 on the bench store: ~1 s of
   * index probes), and changes only when speeches are tagged: kept five minutes per filter.
   */
  private readonly profiles = new TtlCache<TagProfile>(5 * 60_000, 500);
  /** Search totals, kept a minute: the page of results is always live, its count may lag that much. */
  private readonly totals = new TtlCache<SearchTotal>(60_000, 2_000);

  tagProfile(tag: string, f: SpeechFilters): Promise<TagProfile> {
    return this.profiles.get(JSON.stringify([tag, f]), () => this.tagPages.profile(tag, f));
  }

  searchTotal(f: SpeechFilters): Promise<SearchTotal> {
    return this.totals.get(JSON.stringify(f), () => this.search.total(f));
  }

  /**
   * Tag totals at the default confidence, cached for a minute: every page's tag list needs
   * them and they change only when new speeches are tagged.
   */
  tagTotals(): Promise<TagTotal[]> {
    const now = Date.now();
    if (!this.totalsCache || now - this.totalsCache.at > TOTALS_TTL_MS) {
      const value = this.tagCounts.totals(DEFAULT_MIN_CONFIDENCE);
      this.totalsCache = { at: now, value };
      // A failed query is not remembered.
      value.catch(() => (this.totalsCache = null));
    }
    return this.totalsCache.value;
  }

  /** Taxonomy tags, then any other tag the store holds, each once. */
  async tagCatalogue(): Promise<TagInfo[]> {
    const known = this.options.tags;
    const stored = await this.tagTotals();
    const ids = new Set(known.map((t) => t.id));
    return [...known, ...stored.filter((t) => !ids.has(t.tag)).map((t) => ({ id: t.tag, label: t.tag }))];
  }

  tagLabel(id: string): string {
    return this.options.tags.find((t) => t.id === id)?.label ?? id;
  }
}
