/**
 * Alert settings: the environment variables (spread into src/config.ts's schema, so they
 * are validated at start-up with everything else) and the settings the alert service runs
 * on, resolved from them with the cross-field rules a schema field cannot state alone.
 */
import { z } from 'zod';
import { parseAllowList, type AllowEntry } from './webhook/target-policy.js';

const int = (min: number, max: number) =>
  z.coerce
    .number()
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Fields for src/config.ts. All optional: src/alert/defaults.ts fills ALERT_SECRET (a generated
 * one), PUBLIC_BASE_URL (this server) and, without SMTP_URL, a local outbox.
 */
export const alertEnv = {
  /** Signs confirmation, unsubscribe and management links and derives webhook signing keys. */
  ALERT_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (make one with `openssl rand -hex 32`)')
    .optional(),
  /** Where this server is reached from outside: links in e-mails and feeds start with it. */
  PUBLIC_BASE_URL: z
    .string()
    .regex(
      /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/,
      'must be an http:// or https:// URL without query, e.g. https://alerts.example.org',
    )
    .transform((s) => s.replace(/\/+$/, ''))
    .optional(),
  SMTP_URL: z
    .string()
    .regex(
      /^smtps?:\/\/[^\s]+$/,
      'must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.org:587',
    )
    .optional(),
  MAIL_FROM: z
    .string()
    .regex(
      /^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
      'must be an address, e.g. alerts@example.org or "hansard-watch <alerts@example.org>"',
    )
    .optional(),
  /** Comma-separated hosts, IPs or CIDR ranges webhooks may target although private or local. */
  WEBHOOK_ALLOW_LIST: z
    .string()
    .transform((s, ctx) => {
      const parsed = parseAllowList(s);
      for (const bad of parsed.invalid)
        ctx.addIssue({ code: 'custom', message: `"${bad}" is not a host name, IP address or CIDR range` });
      return parsed.entries;
    })
    .optional(),
  /** Local hour (ALERT_TIMEZONE) at which daily and weekly digests go out. */
  DIGEST_HOUR: int(0, 23).default(7),
  /** Day of the weekly digest: 0 = Sunday … 6 = Saturday. */
  DIGEST_WEEKDAY: int(0, 6).default(1),
  ALERT_TIMEZONE: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone such as Europe/London')
    .default('Europe/London'),
  /** Tries per message before it is dead-lettered (`hansard-watch alerts failures`). */
  ALERT_MAX_ATTEMPTS: int(1, 100).default(16),
  /** First retry delay; doubles per attempt (with jitter) up to an hour. */
  ALERT_RETRY_BASE_MS: int(10, 3_600_000).default(30_000),
  /** How long an e-mail confirmation link stays valid. */
  ALERT_CONFIRM_HOURS: int(1, 24 * 30).default(72),
  /** Subscribe requests per client IP per hour (burst of the same size). */
  ALERT_SUBSCRIBE_PER_IP_HOUR: int(1, 100_000).default(20),
  /** Subscribe requests per e-mail address per day. */
  ALERT_SUBSCRIBE_PER_ADDRESS_DAY: int(1, 1000).default(5),
  /**
   * Confirmation (and "already subscribed") e-mails per clock hour, across all processes:
   * beyond it subscribe requests are answered as usual but no e-mail goes out.
   */
  ALERT_CONFIRM_MAILS_PER_HOUR: int(1, 1_000_000).default(200),
  /**
   * One e-mail per address per delivery run (and per digest period) gathering the matches
   * of all its subscriptions; `false` sends one e-mail per speech and subscription, as
   * before issue #20 (kept for `bench pipeline`'s baseline).
   */
  ALERT_ROLLUP: z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1')
    .default(true),
  /** Context around each match (issue #20); `false` stores the excerpt alone, as before (bench baseline). */
  ALERT_CONTEXT: z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1')
    .default(true),
  /** Speeches shown in full in one e-mail; the rest are listed as links. */
  ALERT_MAIL_MAX_SPEECHES: int(1, 500).default(12),
  /** Alert and digest e-mails one address gets in 24 hours; the last says where to see more. */
  ALERT_MAILS_PER_DAY: int(1, 1000).default(12),
};

/** The shape src/config.ts's Config has once `alertEnv` is spread into it. */
export interface AlertEnv {
  ALERT_SECRET?: string | undefined;
  PUBLIC_BASE_URL?: string | undefined;
  SMTP_URL?: string | undefined;
  MAIL_FROM?: string | undefined;
  WEBHOOK_ALLOW_LIST?: AllowEntry[] | undefined;
  DIGEST_HOUR: number;
  DIGEST_WEEKDAY: number;
  ALERT_TIMEZONE: string;
  ALERT_MAX_ATTEMPTS: number;
  ALERT_RETRY_BASE_MS: number;
  ALERT_CONFIRM_HOURS: number;
  ALERT_SUBSCRIBE_PER_IP_HOUR: number;
  ALERT_SUBSCRIBE_PER_ADDRESS_DAY: number;
  ALERT_CONFIRM_MAILS_PER_HOUR: number;
  ALERT_ROLLUP?: boolean | undefined;
  ALERT_CONTEXT?: boolean | undefined;
  ALERT_MAIL_MAX_SPEECHES?: number | undefined;
  ALERT_MAILS_PER_DAY?: number | undefined;
}

/** How alert e-mails are put together (issue #20). */
export interface MailShape {
  rollup: boolean;
  context: boolean;
  maxSpeeches: number;
  perDay: number;
}

export const DEFAULT_MAIL_SHAPE: MailShape = { rollup: true, context: true, maxSpeeches: 12, perDay: 12 };

export interface AlertSettings {
  secret: string;
  publicBaseUrl: string;
  /** Null: no e-mail over SMTP (webhooks and feeds still work). */
  smtp: { url: string; from: string } | null;
  /** Without SMTP: e-mail written as .eml files to this directory (src/alert/defaults.ts). */
  outbox?: { dir: string; from: string } | undefined;
  allowList: AllowEntry[];
  digest: { hour: number; weekday: number; timeZone: string };
  retry: { maxAttempts: number; baseMs: number };
  confirmHours: number;
  rateLimits: { perIpPerHour: number; perAddressPerDay: number; confirmMailsPerHour: number };
  /** Absent: DEFAULT_MAIL_SHAPE. */
  mailShape?: MailShape | undefined;
}

export class AlertSettingsError extends Error {
  override readonly name = 'AlertSettingsError';
}

/** Settings when alerts are configured (ALERT_SECRET set), null when they are off; throws on a half-done setup. */
export function resolveAlertSettings(env: AlertEnv): AlertSettings | null {
  if (!env.ALERT_SECRET) return null;
  const problems: string[] = [];
  if (!env.PUBLIC_BASE_URL)
    problems.push(
      'PUBLIC_BASE_URL: required when ALERT_SECRET is set (links in alerts must reach this server)',
    );
  if (env.SMTP_URL && !env.MAIL_FROM)
    problems.push('MAIL_FROM: required when SMTP_URL is set (the From: address of alert e-mails)');
  if (problems.length > 0)
    throw new AlertSettingsError(`Invalid alert configuration:\n  ${problems.join('\n  ')}`);
  return {
    secret: env.ALERT_SECRET,
    publicBaseUrl: env.PUBLIC_BASE_URL!,
    smtp: env.SMTP_URL ? { url: env.SMTP_URL, from: env.MAIL_FROM! } : null,
    allowList: env.WEBHOOK_ALLOW_LIST ?? [],
    digest: { hour: env.DIGEST_HOUR, weekday: env.DIGEST_WEEKDAY, timeZone: env.ALERT_TIMEZONE },
    retry: { maxAttempts: env.ALERT_MAX_ATTEMPTS, baseMs: env.ALERT_RETRY_BASE_MS },
    confirmHours: env.ALERT_CONFIRM_HOURS,
    rateLimits: {
      perIpPerHour: env.ALERT_SUBSCRIBE_PER_IP_HOUR,
      perAddressPerDay: env.ALERT_SUBSCRIBE_PER_ADDRESS_DAY,
      confirmMailsPerHour: env.ALERT_CONFIRM_MAILS_PER_HOUR,
    },
    mailShape: {
      rollup: env.ALERT_ROLLUP ?? DEFAULT_MAIL_SHAPE.rollup,
      context: env.ALERT_CONTEXT ?? DEFAULT_MAIL_SHAPE.context,
      maxSpeeches: env.ALERT_MAIL_MAX_SPEECHES ?? DEFAULT_MAIL_SHAPE.maxSpeeches,
      perDay: env.ALERT_MAILS_PER_DAY ?? DEFAULT_MAIL_SHAPE.perDay,
    },
  };
}
