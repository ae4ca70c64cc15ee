/**
 * What `hansard-watch status` and GET /admin/api/status report: each type's cursor and
 * poll health, the last successful poll, people.json, files still pending, queue depths
 * and failed jobs with their reasons.
 */
import type { PipelineDeps } from './context.js';
import { emptyState, type TypeState } from './cursor-repository.js';
import type { LastPoll, PeopleState } from './state-repository.js';
import { STAGES, type FailedJob, type Stage, type StageCounts } from './queue.js';

export interface PipelineStatus {
  feed: string;
  queue: { kind: string; counts: Record<Stage, StageCounts> | null; error?: string | undefined };
  types: TypeState[];
  lastPoll: LastPoll | null;
  lastSuccessfulPoll: LastPoll | null;
  people: PeopleState | null;
  pending: { total: number; byType: Record<string, number> };
  failed: FailedJob[];
  /** What the store holds; absent from servers older than this field. */
  store?: StoreCounts;
}

export interface StoreCounts {
  speeches: number;
  paragraphs: number;
  /** Speech-level tags given (a speech may hold several). */
  speechTags: number;
  taggedSpeeches: number;
  subscriptions: { active: number; pending: number; paused: number };
  /** Per feed type, the last time a file of it was ingested (by polls or by `ingest`), ISO. */
  lastIngestByType: Record<string, string>;
}

/** Counts of what the store holds, for `status`: exact counts, cheap enough at a few million rows. */
export async function collectStoreCounts(db: PipelineDeps['db']): Promise<StoreCounts> {
  const [totals] = await db.query<{ speeches: number; paragraphs: number; tags: number; tagged: number }>(
    `SELECT (SELECT count(*) FROM speeches)::int AS speeches,
            (SELECT count(*) FROM paragraphs)::int AS paragraphs,
            (SELECT count(*) FROM speech_tags)::int AS tags,
            (SELECT count(DISTINCT speech_gid) FROM speech_tags)::int AS tagged`,
  );
  const subs = await db.query<{ status: 'active' | 'pending' | 'paused'; n: number }>(
    'SELECT status, count(*)::int AS n FROM alert_subscriptions GROUP BY status',
  );
  const ingested = await db.query<{ type: string; at: Date | string }>(
    'SELECT type, max(ingested_at) AS at FROM feed_files GROUP BY type ORDER BY type',
  );
  const subscriptions = { active: 0, pending: 0, paused: 0 };
  for (const r of subs) subscriptions[r.status] = r.n;
  return {
    speeches: totals?.speeches ?? 0,
    paragraphs: totals?.paragraphs ?? 0,
    speechTags: totals?.tags ?? 0,
    taggedSpeeches: totals?.tagged ?? 0,
    subscriptions,
    lastIngestByType: Object.fromEntries(ingested.map((r) => [r.type, new Date(r.at).toISOString()])),
  };
}

const QUEUE_TIMEOUT_MS = 5000;

export async function collectStatus(deps: PipelineDeps, failedLimit = 20): Promise<PipelineStatus> {
  const stored = new Map((await deps.cursors.all()).map((t) => [t.type, t]));
  const types = deps.settings.types.map((type): TypeState => stored.get(type) ?? emptyState(type));
  const byTypeRows = await deps.db.query<{ type: string; n: number }>(
    'SELECT type, count(*)::int AS n FROM feed_pending GROUP BY type ORDER BY type',
  );
  const byType = Object.fromEntries(byTypeRows.map((r) => [r.type, r.n]));
  let counts: Record<Stage, StageCounts> | null = null;
  let failed: FailedJob[] = [];
  let error: string | undefined;
  try {
    // A queue whose Redis is down would wait for it indefinitely; status must answer.
    counts = await withTimeout(deps.queue.counts(), QUEUE_TIMEOUT_MS);
    failed = await withTimeout(deps.queue.failed(failedLimit), QUEUE_TIMEOUT_MS);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  return {
    feed: deps.feed.location,
    queue: { kind: deps.queue.kind, counts, error },
    types,
    lastPoll: (await deps.states.get('last-poll')) ?? null,
    lastSuccessfulPoll: (await deps.states.get('last-successful-poll')) ?? null,
    people: (await deps.states.get('people')) ?? null,
    pending: { total: byTypeRows.reduce((n, r) => n + r.n, 0), byType },
    failed,
    store: await collectStoreCounts(deps.db),
  };
}

/** Human-readable status, with the command that retries failed jobs. */
export function formatStatus(s: PipelineStatus): string {
  const lines: string[] = [];
  lines.push(`feed         ${s.feed}`);
  const filledByIngest = !s.lastPoll && Object.keys(s.store?.lastIngestByType ?? {}).length > 0;
  lines.push(
    `last poll    ${describePoll(s.lastPoll)}${filledByIngest ? ' (the store was filled by `hansard-watch ingest`; `hansard-watch start` polls)' : ''}`,
  );
  lines.push(`last success ${describePoll(s.lastSuccessfulPoll)}`);
  lines.push(
    `people.json  ${s.people ? `${s.people.status} (checked ${s.people.checkedAt})${s.people.error ? `: ${s.people.error}` : ''}` : 'never checked'}`,
  );
  if (s.store) lines.push('', ...describeCounts(s.store));
  lines.push('', 'feed types (cursor = last changedates.txt time handled)');
  for (const t of s.types)
    lines.push(`  ${describeType(t, s.pending.byType[t.type] ?? 0, s.store?.lastIngestByType[t.type])}`);
  lines.push('', `queue (${s.queue.kind})${s.queue.error ? `: unreachable: ${s.queue.error}` : ''}`);
  if (s.queue.counts) {
    lines.push(`  ${'stage'.padEnd(18)} waiting  active  delayed  failed  completed`);
    for (const stage of STAGES) {
      const c = s.queue.counts[stage];
      lines.push(
        `  ${stage.padEnd(18)} ${pad(c.waiting, 7)} ${pad(c.active, 7)} ${pad(c.delayed, 8)} ${pad(c.failed, 7)} ${pad(c.completed, 10)}`,
      );
    }
  }
  lines.push('', `files pending ${s.pending.total}`);
  if (s.failed.length === 0) lines.push('failed jobs  none');
  else {
    lines.push(`failed jobs  ${s.failed.length}${s.failed.length >= 20 ? '+' : ''}`);
    for (const f of s.failed)
      lines.push(
        `  ${f.id} (${f.stage}, ${f.attempts} attempts${f.failedAt ? `, ${f.failedAt.toISOString()}` : ''}): ${f.reason}`,
      );
    lines.push('', 'retry with: hansard-watch jobs retry --all   (or: hansard-watch jobs retry <id>)');
  }
  return lines.join('\n') + '\n';
}

function describePoll(p: LastPoll | null): string {
  if (!p) return 'never';
  const failed = p.typesFailed.length ? `, failed: ${p.typesFailed.join(', ')}` : '';
  return `${p.at} (${p.durationMs} ms, ${p.jobsQueued} jobs offered${failed})`;
}

function describeCounts(c: StoreCounts): string[] {
  const subs = c.subscriptions;
  return [
    `speeches     ${c.speeches}`,
    `paragraphs   ${c.paragraphs}`,
    `tags         ${c.speechTags} on ${c.taggedSpeeches} speeches`,
    `subscriptions ${subs.active} active, ${subs.pending} awaiting confirmation, ${subs.paused} paused`,
  ];
}

/** Health of a type: its last poll, else (a store filled by `ingest`) its last ingested file. */
function describeType(t: TypeState, pending: number, lastIngest: string | undefined): string {
  const cursor =
    t.mode === 'index'
      ? 'no changedates.txt: listed from the directory index'
      : t.cursor
        ? `cursor ${new Date(t.cursor.time * 1000).toISOString()} (${t.cursor.names.join(', ')})`
        : 'cursor none (nothing listed yet)';
  const health = t.lastError
    ? `ERROR ${t.lastError}`
    : t.lastSuccessAt
      ? `ok ${t.lastSuccessAt.toISOString()}`
      : lastIngest
        ? `not polled; last ingested ${lastIngest}`
        : 'not polled yet, nothing ingested';
  return `${t.type.padEnd(12)} ${cursor}; ${pending} pending; ${health}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
