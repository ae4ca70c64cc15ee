/**
 * New and changed speeches → logged matches. Loads the batch's speeches once, matches
 * them against every active subscription in memory (src/alert/match), fetches excerpts
 * (one query per slice of matches, each distinct paragraph and query once), and records
 * the matches in the delivery log, which decides what is new. The compiled subscriptions
 * are cached and reloaded only when the subscription tables' generation counter moves.
 */
import { twfyUrl } from '../parliament/index.js';
import { safeWebUrl } from './render/safe-url.js';
import type { Logger } from '../log.js';
import type { DeliveryInput, DeliveryRepository } from './delivery-repository.js';
import { compileSubscription } from './match/compile.js';
import { matchBatch } from './match/matcher.js';
import type { CompiledSubscription, Criteria, Match } from './match/types.js';
import type { QueryNode } from './query/tsquery.js';
import type { AlertSpeechSource, ExcerptRequest, LoadedSpeech } from './speech-source.js';
import type { SubscriptionRepository } from './subscription-repository.js';
import type { AlertContextSource, ContextRequest } from './context-source.js';
import type { AlertVoteSource, FollowedVote } from './vote-source.js';
import type { AlertContext, AlertItem, MatchReason } from './types.js';

export interface MatchOutcome {
  speeches: number;
  matches: number;
  /** New in the delivery log (the rest were already known: replays, revisions). */
  recorded: number;
  /** Immediate messages queued. */
  queued: number;
}

/** Times a batch is followed to newer versions of its days (each round needs one more to have landed meanwhile). */
const MAX_ROUNDS = 4;

/** Matches turned into log rows per transaction. */
const RECORD_SLICE = 5000;

interface Compiled {
  generation: string;
  subs: CompiledSubscription[];
  /** tsquery text per ordinal, for excerpts. */
  queries: (string | null)[];
}

/**
 * What the matcher reads and writes, injected so that its logic can be tested with
 * in-memory fakes (tests/alert/matcher-fakes.test.ts); `Alerts` passes the real ones.
 */
export interface MatcherRepositories {
  subscriptions: Pick<SubscriptionRepository, 'generation' | 'activeCriteria'>;
  speeches: Pick<
    AlertSpeechSource,
    | 'currentGids'
    | 'load'
    | 'loadSnapshot'
    | 'excerpts'
    | 'queueRematchIfUntagged'
    | 'rematchesDue'
    | 'rematchDone'
  >;
  deliveries: Pick<DeliveryRepository, 'record'>;
  /** What surrounds each match (issue #20); items carry no context without it. */
  context?: Pick<AlertContextSource, 'contexts'>;
  /** Votes of followed people (issue #20); MP alerts carry no votes without it. */
  votes?: Pick<AlertVoteSource, 'votes'>;
}

export class AlertMatcher {
  private cache: Compiled | null = null;
  private readonly subscriptions: MatcherRepositories['subscriptions'];
  private readonly speeches: MatcherRepositories['speeches'];
  private readonly deliveries: MatcherRepositories['deliveries'];
  private readonly context: MatcherRepositories['context'];
  private readonly votes: MatcherRepositories['votes'];

  constructor(
    repositories: MatcherRepositories,
    private readonly log: Logger,
  ) {
    this.subscriptions = repositories.subscriptions;
    this.speeches = repositories.speeches;
    this.deliveries = repositories.deliveries;
    this.context = repositories.context;
    this.votes = repositories.votes;
  }

  /** Every active subscription, compiled; cached until a subscription changes. */
  async compiled(): Promise<Compiled> {
    const generation = await this.subscriptions.generation();
    if (this.cache?.generation === generation) return this.cache;
    const loaded = await this.subscriptions.activeCriteria();
    const subs: CompiledSubscription[] = [];
    const queries: (string | null)[] = [];
    const parsed = new Map<string, QueryNode | null>();
    for (const { id, criteria } of loaded.subscriptions) {
      try {
        subs.push(compileSubscription(id, criteria, subs.length, parsed));
        queries.push(criteria.query);
      } catch (err) {
        // One unreadable stored query must not stop everyone else's alerts.
        this.log.error(
          { subscription: id, err: (err as Error).message },
          'subscription skipped: cannot compile its query',
        );
      }
    }
    this.cache = { generation: loaded.generation, subs, queries };
    return this.cache;
  }

  /** Matches without recording. */
  async match(
    gids: readonly string[],
  ): Promise<{ speeches: LoadedSpeech[]; matches: Match[]; compiled: Compiled }> {
    const compiled = await this.compiled();
    const speeches = await this.speeches.loadSnapshot(gids);
    const matches = matchBatch(
      compiled.subs,
      speeches.map((s) => s.doc),
    );
    return { speeches, matches, compiled };
  }

  /** What one subscription (in any state) would match among `gids`, votes included: `alerts test`, previews. */
  async preview(criteria: Criteria, gids: readonly string[]): Promise<AlertItem[]> {
    const sub = compileSubscription('preview', criteria, 0);
    const speeches = await this.speeches.load(gids);
    const matches = matchBatch(
      [sub],
      speeches.map((s) => s.doc),
    );
    const compiled = { generation: '', subs: [sub], queries: [criteria.query] };
    const votes = await this.voteRows(speeches, compiled);
    return [...(await this.items(speeches, matches, compiled)), ...votes.map((v) => v.item)];
  }

  /**
   * The pipeline hook's work: match a batch and log what is new. Idempotent per speech.
   * Speeches whose day a newer version replaced before they were read are followed to
   * their new gids and matched there, in up to MAX_ROUNDS rounds.
   */
  async handle(announced: readonly string[]): Promise<MatchOutcome> {
    const out: MatchOutcome = { speeches: 0, matches: 0, recorded: 0, queued: 0 };
    let gids = await this.speeches.currentGids(announced);
    for (let round = 0; gids.length > 0 && round < MAX_ROUNDS; round++) {
      const { loaded, ...done } = await this.handleCurrent(gids);
      out.speeches += done.speeches;
      out.matches += done.matches;
      out.recorded += done.recorded;
      out.queued += done.queued;
      const gone = gids.filter((g) => !loaded.has(g));
      gids = gone.length > 0 ? await this.speeches.currentGids(gone) : [];
    }
    return out;
  }

  private async handleCurrent(gids: readonly string[]): Promise<MatchOutcome & { loaded: Set<string> }> {
    // Asked before the tags are read: asked after, a tagger committing in between went
    // unseen and the day's tag matches were lost (tests/alert/tags.test.ts).
    await this.speeches.queueRematchIfUntagged(gids);
    const { speeches, matches, compiled } = await this.match(gids);
    let recorded = 0;
    let queued = 0;
    // In slices, so a huge batch (a backfill, a first run) never builds every item at once.
    const votes = await this.voteRows(speeches, compiled);
    for (let i = 0; i < Math.max(matches.length, 1); i += RECORD_SLICE) {
      const rows = await this.deliveryRows(speeches, matches.slice(i, i + RECORD_SLICE), compiled);
      // Votes go with the first slice: one run, one roll-up.
      const done = await this.deliveries.record(i === 0 ? [...rows, ...votes] : rows);
      recorded += done.recorded;
      queued += done.queued;
    }
    return {
      speeches: speeches.length,
      matches: matches.length,
      recorded,
      queued,
      loaded: new Set(speeches.map((s) => s.meta.gid)),
    };
  }

  /**
   * Votes in the batch's days by people followed in MP alerts (person-only subscriptions,
   * within their house and type filters). Keyed by the division's house, date and number,
   * not its gid, so each version of the day (a → b) logs it once per subscription.
   */
  private async voteRows(speeches: readonly LoadedSpeech[], compiled: Compiled): Promise<DeliveryInput[]> {
    if (!this.votes || speeches.length === 0) return [];
    const followers = compiled.subs.filter(
      (s) => s.personIds.length > 0 && s.query === null && s.tags.length === 0,
    );
    if (followers.length === 0) return [];
    const byPerson = new Map<string, CompiledSubscription[]>();
    for (const sub of followers)
      for (const p of sub.personIds) byPerson.set(p, [...(byPerson.get(p) ?? []), sub]);
    const votes = await this.votes.votes(
      speeches.map((s) => s.meta.groupKey),
      [...byPerson.keys()],
    );
    return votes.flatMap((v) =>
      (byPerson.get(v.personId) ?? [])
        .filter(
          (sub) =>
            (sub.houses.length === 0 || sub.houses.includes(v.house ?? '')) &&
            (sub.types.length === 0 || sub.types.includes(v.type)),
        )
        .map((sub) => {
          const item = voteItem(v);
          return {
            subscriptionId: sub.id,
            gid: v.divisionGid,
            groupKey: v.groupKey,
            contentHash: `division:${item.division!.key}:${v.personId}`,
            sittingDate: v.sittingDate,
            item,
          };
        }),
    );
  }

  /** Matches again the days queued while untagged, now that they are tagged. */
  async rematchTagged(): Promise<MatchOutcome[]> {
    const out: MatchOutcome[] = [];
    for (const due of await this.speeches.rematchesDue()) {
      out.push(await this.handle(due.gids));
      await this.speeches.rematchDone(due.groupKey, due.queuedAt);
    }
    return out;
  }

  /** Items (with excerpts, in one query) for matches. */
  async items(
    speeches: readonly LoadedSpeech[],
    matches: readonly Match[],
    compiled: Compiled,
  ): Promise<AlertItem[]> {
    const byGid = new Map(speeches.map((s) => [s.meta.gid, s]));
    const requests: (ExcerptRequest | null)[] = matches.map((m) =>
      excerptRequest(m, byGid.get(m.speech.gid)!, compiled.queries[m.subscription.ordinal] ?? null),
    );
    // Thousands may follow the same words: one ts_headline per (paragraph, query).
    const keyOf = (r: ExcerptRequest) => `${r.gid}\u0000${r.seq}\u0000${r.query ?? ''}`;
    const unique = new Map<string, ExcerptRequest>();
    for (const r of requests) if (r) unique.set(keyOf(r), r);
    const texts = await this.speeches.excerpts([...unique.values()]);
    const byKey = new Map([...unique.keys()].map((k, i) => [k, texts[i] ?? '']));
    const contexts = await this.contexts(matches, requests, byGid);
    return matches.map((m, i) => {
      const request = requests[i];
      const excerpt = request ? (byKey.get(keyOf(request)) ?? '') : '';
      const item = toItem(
        byGid.get(m.speech.gid)!,
        m,
        requests[i]?.seq ?? null,
        excerpt,
        compiled.queries[m.subscription.ordinal] ?? null,
      );
      const context = contexts[i];
      return context ? { ...item, context } : item;
    });
  }

  /**
   * Context per match, read once per (speech, paragraph, wanted tags): thousands of
   * subscriptions matching one speech share one lookup.
   */
  private async contexts(
    matches: readonly Match[],
    requests: readonly (ExcerptRequest | null)[],
    byGid: ReadonlyMap<string, LoadedSpeech>,
  ): Promise<(AlertContext | null)[]> {
    if (!this.context) return matches.map(() => null);
    const keys: (string | null)[] = [];
    const unique = new Map<string, ContextRequest>();
    matches.forEach((m, i) => {
      const request = requests[i];
      if (!request) return void keys.push(null);
      const speechTags = byGid.get(m.speech.gid)?.doc.tags;
      const tags = m.subscription.tags.filter(
        (t) => (speechTags?.get(t) ?? -1) >= m.subscription.minConfidence,
      );
      const key = `${request.gid}\u0000${request.seq}\u0000${tags.join(',')}`;
      keys.push(key);
      if (!unique.has(key)) unique.set(key, { gid: request.gid, seq: request.seq, tags });
    });
    const found = await this.context.contexts([...unique.values()]);
    const byKey = new Map([...unique.keys()].map((k, i) => [k, found[i] ?? null]));
    // Shared between matches of one speech: items are only serialised, never changed.
    return keys.map((k) => (k === null ? null : (byKey.get(k) ?? null)));
  }

  private async deliveryRows(
    speeches: readonly LoadedSpeech[],
    matches: readonly Match[],
    compiled: Compiled,
  ): Promise<DeliveryInput[]> {
    const items = await this.items(speeches, matches, compiled);
    const byGid = new Map(speeches.map((s) => [s.meta.gid, s.meta]));
    return matches.map((m, i) => {
      const meta = byGid.get(m.speech.gid)!;
      return {
        subscriptionId: m.subscription.id,
        gid: meta.gid,
        groupKey: meta.groupKey,
        contentHash: meta.contentHash,
        sittingDate: meta.sittingDate,
        item: items[i]!,
      };
    });
  }
}

/** The division's result from its counts: the larger side, or a tie. */
function resultOf(counts: Record<string, number>): string | null {
  const sides = Object.entries(counts)
    .filter(([k, n]) => !k.startsWith('teller') && Number.isFinite(n))
    .sort((a, b) => b[1] - a[1]);
  if (sides.length < 2) return null;
  return sides[0]![1] === sides[1]![1] ? 'tie' : sides[0]![0];
}

function voteItem(v: FollowedVote): AlertItem {
  const title = [v.majorHeading, v.minorHeading].filter((h) => h && h.trim() !== '').join(': ') || 'Division';
  return {
    gid: v.divisionGid,
    sittingDate: v.sittingDate,
    type: v.type,
    house: v.house,
    speakerName: v.voterName,
    personName: v.personName,
    party: v.party,
    constituency: v.constituency,
    time: v.time,
    colnum: v.colnum,
    majorHeading: v.majorHeading,
    minorHeading: v.minorHeading,
    debateGid: null,
    twfyUrl: twfyUrl(v.divisionGid),
    hansardUrl: safeWebUrl(v.url),
    paragraphSeq: null,
    excerpt: '',
    reason: { query: null, tags: [], person: v.personId },
    division: {
      key: `${v.type}:${v.sittingDate}:${v.number ?? `${title}@${v.time ?? ''}`}`,
      title,
      number: v.number,
      vote: v.vote,
      voter: v.personName ?? v.voterName,
      counts: v.counts,
      result: resultOf(v.counts),
      tags: v.tags,
    },
  };
}

/** Which paragraph to quote: the first keyword match, else the strongest paragraph for a wanted tag, else the first. */
function excerptRequest(m: Match, speech: LoadedSpeech, query: string | null): ExcerptRequest | null {
  const paragraphs = speech.doc.paragraphs;
  if (paragraphs.length === 0) return null;
  if (m.paragraph !== null) return { gid: speech.meta.gid, seq: paragraphs[m.paragraph]!.seq, query };
  let best: { seq: number; confidence: number } | null = null;
  for (const [seq, tags] of speech.paragraphTags)
    for (const tag of m.subscription.tags) {
      const c = tags.get(tag) ?? -1;
      if (
        c >= m.subscription.minConfidence &&
        (!best || c > best.confidence || (c === best.confidence && seq < best.seq))
      )
        best = { seq, confidence: c };
    }
  return { gid: speech.meta.gid, seq: best?.seq ?? paragraphs[0]!.seq, query: null };
}

function toItem(
  speech: LoadedSpeech,
  m: Match,
  seq: number | null,
  excerpt: string,
  query: string | null,
): AlertItem {
  const meta = speech.meta;
  const reason: MatchReason = {
    query,
    tags: m.subscription.tags.flatMap((tag) => {
      const confidence = speech.doc.tags.get(tag);
      return confidence !== undefined && confidence >= m.subscription.minConfidence
        ? [{ tag, confidence: Math.round(confidence * 1000) / 1000 }]
        : [];
    }),
    person: m.subscription.personIds.length > 0 ? meta.personId : null,
  };
  return {
    gid: meta.gid,
    sittingDate: meta.sittingDate,
    type: meta.type,
    house: meta.house,
    speakerName: meta.speakerName,
    personName: meta.personName,
    party: meta.party,
    constituency: meta.constituency,
    time: meta.time,
    colnum: meta.colnum,
    majorHeading: meta.majorHeading,
    minorHeading: meta.minorHeading,
    debateGid: meta.debateGid,
    twfyUrl: twfyUrl(meta.gid),
    // Filtered here and again when rendered (items stored before this was added).
    hansardUrl: safeWebUrl(meta.url),
    paragraphSeq: seq,
    excerpt,
    reason,
  };
}
