import { dayWork, recordDayFailure, type DayFailure } from '../ingest/day-failure.js';
import { tryLockDay } from '../store/day-lock.js';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { correctionsFor } from './correction-repository.js';
import { applyCorrections } from './corrections.js';
import type { DayParagraph, TagRepository } from './tag-repository.js';
import type { Tagger } from './tagger.js';
import type { SpeechTagging } from './types.js';

export interface DayTagResult {
  groupKey: string;
  speeches: number;
  /** Speech tags that appeared or disappeared compared with what was stored. */
  added: number;
  removed: number;
  /** The day was being rewritten; it stays queued. */
  busy?: boolean;
  /** The day could not be tagged: recorded in ingest_errors and taken off the queue. */
  failed?: DayFailure;
}

/**
 * What tagging reads and writes through, built once by whoever runs the tagger (the CLI,
 * the pipeline) and passed in, so that the decisions here can be tested without a database.
 */
export interface TagServiceDeps {
  db: Pick<Db, 'transaction'>;
  tags: Pick<TagRepository, 'claimDay' | 'dayParagraphs' | 'daySpeechTags' | 'replaceDay' | 'finishDay'>;
}

function groupBySpeech(rows: DayParagraph[]): Map<string, DayParagraph[]> {
  const out = new Map<string, DayParagraph[]>();
  for (const r of rows) {
    const list = out.get(r.speech_gid);
    if (list) list.push(r);
    else out.set(r.speech_gid, [r]);
  }
  return out;
}

/**
 * Tags one queued day in one transaction: every speech of the day's current version (a
 * revised day's unchanged speeches have new gids, so all are tagged again, not just the
 * changed ones). Returns null when no day is queued. A day that cannot be tagged (the
 * tagger or Postgres fails on its content) is recorded as failed and dequeued, so it cannot
 * stop the days behind it or every later run.
 */
export async function tagNextDay(
  { db, tags: repo }: TagServiceDeps,
  tagger: Tagger,
  only: string[] | null = null,
  log?: Logger,
): Promise<DayTagResult | null> {
  return db.transaction(async (tx) => {
    const groupKey = await repo.claimDay(tx);
    if (!groupKey) return null;
    if (!(await tryLockDay(tx, groupKey))) return { groupKey, speeches: 0, added: 0, removed: 0, busy: true };
    const done = await dayWork(tx, async () => {
      const bySpeech = groupBySpeech(await repo.dayParagraphs(tx, groupKey));
      const tagged = new Map<string, SpeechTagging>();
      // Editors' verdicts outrank the tagger, on every re-tag (the tags are rewritten below).
      const corrections = await correctionsFor(tx, [...bySpeech.keys()]);
      for (const [gid, paras] of bySpeech) {
        const auto = tagger.tagSpeech(paras.map((p) => ({ pid: p.pid, seq: p.seq, text: p.body })));
        const texts = new Map(paras.map((p) => [p.seq, p.body] as const));
        tagged.set(gid, applyCorrections(auto, texts, corrections.get(gid) ?? []));
      }
      const before = await repo.daySpeechTags(tx, groupKey, only);
      await repo.replaceDay(tx, groupKey, tagged, tagger.modelVersion, only);
      // What replaceDay just wrote is the day's tags now: no need to read them back.
      const after = speechTagKeys(tagged, only);
      const added = [...after].filter((k) => !before.has(k)).length;
      const removed = [...before].filter((k) => !after.has(k)).length;
      return { groupKey, speeches: bySpeech.size, added, removed };
    });
    if (!done.ok) {
      const failed = await recordDayFailure(tx, 'tagging', groupKey, done.fault, log);
      return { groupKey, speeches: 0, added: 0, removed: 0, failed };
    }
    await repo.finishDay(tx, groupKey);
    return done.value;
  });
}

/** `gid|tag` of the speech tags in `tagged` (restricted to `only`), as daySpeechTags gives them. */
function speechTagKeys(tagged: Map<string, SpeechTagging>, only: string[] | null): Set<string> {
  const out = new Set<string>();
  for (const [gid, t] of tagged)
    for (const { tag } of t.speech) if (only === null || only.includes(tag)) out.add(`${gid}|${tag}`);
  return out;
}

export interface TagRunSummary {
  days: number;
  speeches: number;
  added: number;
  removed: number;
  /** Days that could not be tagged (recorded in ingest_errors, dequeued). */
  failed: DayFailure[];
}

/** Tags queued days until none is left. */
export async function tagPendingDays(
  deps: TagServiceDeps,
  tagger: Tagger,
  opts: { only?: string[] | null; onDay?: (r: DayTagResult) => void; log?: Logger | undefined } = {},
): Promise<TagRunSummary> {
  const sum: TagRunSummary = { days: 0, speeches: 0, added: 0, removed: 0, failed: [] };
  const next = () => tagNextDay(deps, tagger, opts.only ?? null, opts.log);
  for (let r = await next(); r; r = await next()) {
    if (r.busy) {
      await new Promise((res) => setTimeout(res, 50));
      continue;
    }
    if (r.failed) {
      sum.failed.push(r.failed);
      continue;
    }
    sum.days++;
    sum.speeches += r.speeches;
    sum.added += r.added;
    sum.removed += r.removed;
    opts.onDay?.(r);
  }
  return sum;
}
