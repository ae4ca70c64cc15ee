/**
 * Alerts with nothing configured: what the embedded default needs so that a new install
 * can subscribe, confirm and receive alerts before anyone sets a variable.
 *
 * - ALERT_SECRET: generated once (32 random bytes) and kept in HW_DATA_DIR/alert-secret,
 *   mode 600, so links signed by one run still verify after a restart. Every process that
 *   signs or checks links (start, workers, `alerts add`) must share it: they do when they
 *   share HW_DATA_DIR, otherwise set ALERT_SECRET.
 * - PUBLIC_BASE_URL: this server's own address, http://HOST:PORT (a wildcard HOST becomes
 *   127.0.0.1, the address a browser on the same machine reaches it at).
 * - Without SMTP_URL, e-mail goes to HW_DATA_DIR/outbox as .eml files (src/alert/transport/outbox.ts),
 *   readable at /admin/outbox.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { resolveAlertSettings, type AlertSettings } from './settings.js';

/** The From: of outbox mail when MAIL_FROM is unset (it never leaves the machine). */
export const OUTBOX_FROM = 'hansard-watch <alerts@localhost>';

export function alertSecretFile(config: Pick<Config, 'HW_DATA_DIR'>): string {
  return path.join(config.HW_DATA_DIR, 'alert-secret');
}

export function outboxDir(config: Pick<Config, 'HW_DATA_DIR'>): string {
  return path.join(config.HW_DATA_DIR, 'outbox');
}

export interface AlertSecret {
  secret: string;
  /** 'ALERT_SECRET', or the file it was read from (never the secret itself). */
  source: string;
  created: boolean;
}

/**
 * ALERT_SECRET when set; otherwise the one in HW_DATA_DIR/alert-secret, made on first use.
 * The file is written whole under another name and linked into place, which fails if it
 * exists: two processes starting at once both end up reading the same secret, never a
 * half-written one.
 */
export function resolveAlertSecret(config: Pick<Config, 'ALERT_SECRET' | 'HW_DATA_DIR'>): AlertSecret {
  if (config.ALERT_SECRET) return { secret: config.ALERT_SECRET, source: 'ALERT_SECRET', created: false };
  const file = alertSecretFile(config);
  let created = false;
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(temp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
    try {
      linkSync(temp, file);
      created = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(temp);
    }
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32)
    throw new Error(`${file} holds no usable secret (under 32 characters): delete it to make a new one`);
  return { secret, source: file, created };
}

/** http://HOST:PORT as a browser on this machine reaches it. */
export function ownBaseUrl(config: Pick<Config, 'HOST' | 'PORT'>): string {
  const wildcard = config.HOST === '0.0.0.0' || config.HOST === '::' || config.HOST === '[::]';
  const host = wildcard ? '127.0.0.1' : config.HOST;
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${bracketed}:${config.PORT}`;
}

export interface DefaultedAlertSettings {
  settings: AlertSettings;
  secret: AlertSecret;
  /** Where e-mail goes, for the start-up log: never the SMTP password. */
  mailTarget: string;
}

/** Alert settings with the defaults above filled in; throws AlertSettingsError on a bad combination. */
export function alertSettingsWithDefaults(config: Config): DefaultedAlertSettings {
  const secret = resolveAlertSecret(config);
  const resolved = resolveAlertSettings({
    ...config,
    ALERT_SECRET: secret.secret,
    PUBLIC_BASE_URL: config.PUBLIC_BASE_URL ?? ownBaseUrl(config),
  })!;
  if (resolved.smtp) return { settings: resolved, secret, mailTarget: `SMTP ${smtpHost(resolved.smtp.url)}` };
  const dir = path.resolve(outboxDir(config));
  return {
    settings: { ...resolved, outbox: { dir, from: config.MAIL_FROM ?? OUTBOX_FROM } },
    secret,
    mailTarget: `outbox ${dir} (no SMTP_URL; read it at ${resolved.publicBaseUrl}/admin/outbox)`,
  };
}

/** host:port of an SMTP URL, without user or password. */
export function smtpHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(unparsable SMTP_URL)';
  }
}
