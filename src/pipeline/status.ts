/**
 * What `hansard-watch status` and GET /admin/api/status report: each type's cursor and
 * poll health, the last successful poll, people.json, files still pending, queue depths
 * and failed jobs with their reasons.
 */
import type { PipelineDeps } from './context.js';
import type { TypeState } from './cursor-repository.js';
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
}

const QUEUE_TIMEOUT_MS = 5000;

export async function collectStatus(deps: PipelineDeps, failedLimit = 20): Promise<PipelineStatus> {
  const stored = new Map((await deps.cursors.all()).map((t) => [t.type, t]));
  const types = deps.settings.types.map(
    (type): TypeState =>
      stored.get(type) ?? {
        type,
        mode: 'changedates',
        cursor: null,
        lastPollAt: null,
        lastSuccessAt: null,
        lastError: null,
        changedatesCheckedAt: null,
        indexCheckedAt: null,
        indexValidators: null,
      },
  );
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
  };
}

/** Human-readable status, with the command that retries failed jobs. */
export function formatStatus(s: PipelineStatus): string {
  const lines: string[] = [];
  lines.push(`feed         ${s.feed}`);
  lines.push(`last poll    ${describePoll(s.lastPoll)}`);
  lines.push(`last success ${describePoll(s.lastSuccessfulPoll)}`);
  lines.push(
    `people.json  ${s.people ? `${s.people.status} (checked ${s.people.checkedAt})${s.people.error ? `: ${s.people.error}` : ''}` : 'never checked'}`,
  );
  lines.push('', 'feed types (cursor = last changedates.txt time handled)');
  for (const t of s.types) lines.push(`  ${describeType(t, s.pending.byType[t.type] ?? 0)}`);
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

function describeType(t: TypeState, pending: number): string {
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
      : 'not polled yet';
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
