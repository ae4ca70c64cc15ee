/**
 * What the alert tests share: a real SMTP server (smtp-server) on 127.0.0.1 that can be
 * stopped and restarted on the same port, a real HTTP webhook receiver, a small MIME
 * reader for what nodemailer sends, and an `Alerts` wired to them with test timings.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { expect } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { createAlerts, type Alerts } from '../../src/alert/alerts.js';
import type { AlertSettings } from '../../src/alert/settings.js';
import type { AllowEntry, ResolvedAddress, Resolver } from '../../src/alert/webhook/target-policy.js';
import { MemberRepository } from '../../src/member/member-repository.js';
import { loadMembersFile } from '../../src/member/member-service.js';
import type { Db } from '../../src/store/db.js';
import { alertsPlugin } from '../../src/web/alerts/plugin.js';

export const silent = pino({ level: process.env.HW_TEST_LOG === '1' ? 'debug' : 'silent' });
export const mini = path.join(import.meta.dirname, '..', 'fixtures', 'pwdata-mini');
export const miniGid = (s: string) => `uk.org.publicwhip/debate/2030-01-07${s}`;

export async function loadMiniMembers(db: Db): Promise<void> {
  await loadMembersFile(new MemberRepository(db), path.join(mini, 'members', 'people.json'), silent);
}

// ---------------------------------------------------------------------------------------
// SMTP

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  headers: Map<string, string>;
  subject: string;
  text: string;
  html: string;
  /** Date.now() when the server accepted the message (end of DATA): what `bench pipeline` times. */
  receivedAt: number;
}

export interface TestSmtp {
  port: number;
  url: string;
  received: ReceivedMail[];
  /** Connections refused since the last restart (while stopped, none reach us at all). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 50,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          received.push({
            ...parseMail(raw),
            raw,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            receivedAt: Date.now(),
          });
          callback();
        });
      },
    });
  let server = make();
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      const net = server.listen(port, '127.0.0.1', () => resolve((net.address() as AddressInfo).port));
    });
  const port = await listen(0);
  const stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    stop,
    async restart() {
      server = make();
      await listen(port);
    },
    close: stop,
  };
}

/** Unfolded headers (lower-case names), and the text and HTML parts, decoded. */
export function parseMail(raw: string): {
  headers: Map<string, string>;
  subject: string;
  text: string;
  html: string;
} {
  const [head, body] = splitHead(raw);
  const headers = readHeaders(head);
  const parts = leafParts(headers, body);
  return {
    headers,
    subject: decodeWords(headers.get('subject') ?? ''),
    text: parts.find((p) => p.type.startsWith('text/plain'))?.body ?? '',
    html: parts.find((p) => p.type.startsWith('text/html'))?.body ?? '',
  };
}

function splitHead(raw: string): [string, string] {
  const at = raw.indexOf('\r\n\r\n');
  return at < 0 ? [raw, ''] : [raw.slice(0, at), raw.slice(at + 4)];
}

function readHeaders(head: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) out.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return out;
}

function leafParts(headers: Map<string, string>, body: string): { type: string; body: string }[] {
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.startsWith('multipart/') && boundary) {
    return body
      .split(`--${boundary}`)
      .slice(1)
      .filter((p) => !p.startsWith('--'))
      .flatMap((p) => {
        const [h, b] = splitHead(p.replace(/^\r\n/, ''));
        return leafParts(readHeaders(h), b.replace(/\r\n$/, ''));
      });
  }
  return [{ type, body: decodeBody(body, headers.get('content-transfer-encoding') ?? '7bit') }];
}

function decodeBody(body: string, encoding: string): string {
  if (/quoted-printable/i.test(encoding)) {
    const bytes = body
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`). */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_, _charset: string, enc: string, text: string) => {
      if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
      const bytes = text
        .replace(/_/g, ' ')
        .replace(/=([0-9A-F]{2})/gi, (__, h: string) => String.fromCharCode(parseInt(h, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    });
}

/** The first URL in `text` starting with `prefix`. */
export function linkIn(text: string, prefix: string): string {
  const m = new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\s"<>]*`).exec(text);
  if (!m) throw new Error(`no link starting ${prefix} in:\n${text}`);
  return m[0].replace(/&amp;/g, '&');
}

// ---------------------------------------------------------------------------------------
// Webhook receiver

export interface HookRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface TestReceiver {
  url: string;
  port: number;
  requests: HookRequest[];
  /** Status to answer with for the next requests (default 200). */
  respond(status: (n: number) => number): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<TestReceiver> {
  const requests: HookRequest[] = [];
  let status: (n: number) => number = () => 200;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const code = status(requests.length);
      requests.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        status: code,
      });
      res.writeHead(code).end(code < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    respond: (fn) => void (status = fn),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------------------------------
// Alerts under test

/** A resolver from a table; unknown names fail like NXDOMAIN. Entries can be changed later. */
export function tableResolver(
  table: Record<string, string[]>,
): Resolver & { table: Record<string, string[]> } {
  const fn = async (hostname: string): Promise<ResolvedAddress[]> => {
    const addresses = table[hostname.toLowerCase()];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(fn, { table });
}

export const SECRET = 'test-secret-0123456789abcdef0123456789';
export const BASE_URL = 'https://alerts.example.org';

export function testSettings(
  o: {
    smtpUrl?: string | null;
    allowList?: AllowEntry[];
    perIp?: number;
    perAddress?: number;
    confirmMailsPerHour?: number;
    maxAttempts?: number;
  } = {},
): AlertSettings {
  return {
    secret: SECRET,
    publicBaseUrl: BASE_URL,
    smtp: o.smtpUrl ? { url: o.smtpUrl, from: 'hansard-watch <alerts@example.org>' } : null,
    allowList: o.allowList ?? [],
    digest: { hour: 7, weekday: 1, timeZone: 'Europe/London' },
    retry: { maxAttempts: o.maxAttempts ?? 200, baseMs: 40 },
    confirmHours: 72,
    rateLimits: {
      perIpPerHour: o.perIp ?? 1000,
      perAddressPerDay: o.perAddress ?? 1000,
      confirmMailsPerHour: o.confirmMailsPerHour ?? 10_000,
    },
  };
}

export interface Harness {
  alerts: Alerts;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Alerts plus the alert routes on an in-process Fastify (requests via `app.inject`). */
export async function harness(
  db: Db,
  settings: AlertSettings,
  resolver: Resolver = tableResolver({}),
  start = true,
): Promise<Harness> {
  const alerts = createAlerts({
    db,
    settings,
    log: silent,
    resolver,
    knownTags: () => ['privatisation', 'outsourcing', 'stp', 'aco'],
  });
  const app = Fastify({ logger: false });
  // The general per-client limit has its own test (limits.test.ts); here it would only add noise.
  await app.register(alertsPlugin, { alerts, rateLimit: false });
  await app.ready();
  if (start) alerts.start(100);
  return {
    alerts,
    app,
    async close() {
      await alerts.close();
      await app.close();
    },
  };
}

export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Path and query of an absolute URL, for app.inject. */
export function local(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}

/** A feed subscription made through the API (feeds need an API key); returns its id. */
export async function feedSubscription(
  h: Harness,
  key: string,
  criteria: Record<string, unknown>,
): Promise<string> {
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/v1/alerts',
    payload: { channel: 'feed', ...criteria },
    headers: { authorization: `Bearer ${key}` },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}
