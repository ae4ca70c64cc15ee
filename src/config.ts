import { z } from 'zod';
import { FEED_TYPES, type FeedType } from './parliament/index.js';
import { DEFAULT_PWDATA_URL } from './feed/defaults.js';
import { cronProblem, minCronIntervalSeconds, MIN_POLL_INTERVAL_SECONDS } from './feed/poll-schedule.js';
import { alertEnv } from './alert/settings.js';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from './debate/limits.js';

const int = (min: number, max: number) =>
  z.coerce
    .number()
    .int(`must be a whole number`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** `FEED_TYPES=debates,wrans`: every name must be a known parlparse folder. */
const feedTypes = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== ''),
  )
  .superRefine((list, ctx) => {
    const unknown = list.filter((t) => !(FEED_TYPES as readonly string[]).includes(t));
    if (list.length === 0) ctx.addIssue({ code: 'custom', message: 'must name at least one feed type' });
    if (unknown.length > 0)
      ctx.addIssue({
        code: 'custom',
        message: `unknown feed type(s) ${unknown.join(', ')}; known: ${FEED_TYPES.join(', ')}`,
      });
  })
  .transform((list) => [...new Set(list)] as FeedType[]);

/** A cron expression no more frequent than every MIN_POLL_INTERVAL_SECONDS. */
const pollCron = z.string().superRefine((expr, ctx) => {
  const problem = cronProblem(expr);
  if (problem) return void ctx.addIssue({ code: 'custom', message: `not a cron expression: ${problem}` });
  const gap = minCronIntervalSeconds(expr);
  if (gap < MIN_POLL_INTERVAL_SECONDS)
    ctx.addIssue({
      code: 'custom',
      message: `polls every ${gap} s; the minimum is ${MIN_POLL_INTERVAL_SECONDS} s (be polite to pwdata)`,
    });
});

/**
 * Every setting comes from the environment and is validated once at start-up, so a
 * typo fails loudly with the variable's name instead of surfacing later as a
 * confusing connection error.
 */
const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  HW_DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HW_INGEST_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
  // Concurrent write transactions of a batch ingest on a server (PGlite has one connection).
  HW_WRITE_CONNECTIONS: z.coerce.number().int().min(1).max(32).default(2),
  /** Postgres connections per process (PGlite has one). */
  DB_POOL_SIZE: int(2, 500).default(8),
  /** Longest a statement may run before Postgres cancels it; 0 = no limit. Migrations lift it. */
  DB_STATEMENT_TIMEOUT_MS: int(0, 86_400_000).default(60_000),
  /** A session idle inside a transaction this long is ended by Postgres; 0 = no limit. */
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(0, 86_400_000).default(60_000),
  /** How long a query waits for a free pool connection before failing. */
  DB_ACQUIRE_TIMEOUT_MS: int(100, 600_000).default(10_000),
  // Bounds on one feed document (src/debate/limits.ts, docs/security.md): a file over one is
  // refused by name and recorded in ingest_errors; the rest of the batch carries on.
  HW_MAX_ENTITY_EXPANSION_CHARS: int(1000, 100_000_000).default(DEFAULT_PARSE_LIMITS.maxEntityExpansion),
  HW_MAX_TEXT_NODE_CHARS: int(1000, 100_000_000).default(DEFAULT_PARSE_LIMITS.maxTextNode),
  HW_MAX_PARAGRAPH_CHARS: int(1000, 100_000_000).default(DEFAULT_PARSE_LIMITS.maxParagraph),
  HW_MAX_XML_DEPTH: int(16, 1_000_000).default(DEFAULT_PARSE_LIMITS.maxDepth),

  // Live feeds (src/pipeline). FEED_DIR (an rsync'd pwdata mirror) takes precedence over FEED_BASE_URL.
  FEED_BASE_URL: z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL')
    .default(DEFAULT_PWDATA_URL),
  FEED_DIR: z.string().min(1).optional(),
  FEED_TYPES: feedTypes.default([...FEED_TYPES]),
  /** Polls ignore files whose sitting date is earlier (history is what `backfill` is for). */
  FEED_SINCE: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2016-01-01')
    .optional(),
  FEED_MIN_INTERVAL_MS: int(0, 60_000).default(1000),
  FEED_TIMEOUT_MS: int(1000, 600_000).default(30_000),
  FEED_USER_AGENT: z.string().min(1).optional(),
  POLL_CRON: pollCron.default('*/5 * * * *'),
  PEOPLE_REFRESH_HOURS: z.coerce
    .number()
    .min(0.01, 'must be positive')
    .max(24 * 30, 'must be at most 720')
    .default(24),

  // Queue (BullMQ on REDIS_URL, else in-process).
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only (no ":")')
    .default('hw'),
  QUEUE_CONCURRENCY: int(1, 64).default(2),
  QUEUE_ATTEMPTS: int(1, 100).default(8),
  QUEUE_BACKOFF_MS: int(10, 3_600_000).default(5000),
  /** How long a worker's claim on a job lasts without renewal: a killed worker's job is retried after this. */
  QUEUE_LOCK_MS: int(1000, 600_000).default(30_000),
  /** Feed requests for files, across all workers. */
  FETCH_MAX_PER_MINUTE: int(1, 100_000).default(120),
  BACKFILL_PER_MINUTE: int(1, 100_000).default(30),

  // Web server and operations.
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PORT: int(0, 65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * Behind a reverse proxy every client would otherwise share the proxy's address, and so
   * one per-IP limit. `false` (default), or the proxies' addresses/CIDRs (comma-separated);
   * `true` trusts any X-Forwarded-For, which a client can forge where it reaches us directly.
   */
  TRUST_PROXY: z
    .string()
    .regex(
      /^(true|false|[0-9a-fA-F.:/]+(,\s*[0-9a-fA-F.:/]+)*)$/,
      'must be true, false, or comma-separated proxy addresses/CIDRs',
    )
    .transform((v): boolean | string => (v === 'true' ? true : v === 'false' ? false : v))
    .default(false),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(30_000),
  /** HTTP exports streaming at once, server-wide: each holds a pool connection, so fewer than DB_POOL_SIZE. */
  EXPORT_MAX_CONCURRENT: int(1, 100).default(2),
  /** Streaming responses (exports) at once from one client address. */
  STREAMS_PER_CLIENT: int(1, 100).default(1),
  /** An export whose client has taken nothing for this long is ended (its transaction with it). */
  EXPORT_STALL_MS: int(1000, 3_600_000).default(30_000),
  /** Longest an HTTP export may run, however fast its client reads. */
  EXPORT_MAX_MS: int(10_000, 86_400_000).default(30 * 60_000),

  // Alerts (src/alert/settings.ts): off unless ALERT_SECRET is set.
  ...alertEnv,
});

export type Config = z.infer<typeof schema>;

/** Checks between settings, beside the schema so that the schema's own fields stay one flat list. */
const checked = schema.superRefine((c, ctx) => {
  // Exports hold their connection for minutes: the rest of the site needs some left.
  if (c.EXPORT_MAX_CONCURRENT >= c.DB_POOL_SIZE)
    ctx.addIssue({
      code: 'custom',
      path: ['EXPORT_MAX_CONCURRENT'],
      message: `must be less than DB_POOL_SIZE (${c.DB_POOL_SIZE}), so that exports cannot take every connection`,
    });
});

export class ConfigError extends Error {}

/** The parser's bounds on one document, as configured. */
export function parseLimits(config: Config): ParseLimits {
  return {
    maxEntityExpansion: config.HW_MAX_ENTITY_EXPANSION_CHARS,
    maxTextNode: config.HW_MAX_TEXT_NODE_CHARS,
    maxParagraph: config.HW_MAX_PARAGRAPH_CHARS,
    maxDepth: config.HW_MAX_XML_DEPTH,
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Treat empty strings as unset: `DATABASE_URL= npm start` should mean "embedded".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = checked.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
