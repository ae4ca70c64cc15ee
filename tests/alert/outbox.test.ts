/**
 * Alerts with nothing configured (src/alert/defaults.ts): the generated secret, the own
 * address as base URL, where mail goes; the outbox transport's .eml files; and the
 * /admin/outbox page, which needs the admin token and never lets mail HTML run.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxTransport } from '../../src/alert/transport/outbox.js';
import { alertSettingsWithDefaults, ownBaseUrl, resolveAlertSecret } from '../../src/alert/defaults.js';
import { loadConfig } from '../../src/config.js';
import { requireToken } from '../../src/web/admin-auth.js';
import { outboxRoutes } from '../../src/web/outbox-page.js';
import { registerShared } from '../../src/web/server.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'hw-outbox-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const mail = (over: Partial<{ html: string; text: string; subject: string }> = {}) => ({
  to: 'reader@example.org',
  subject: over.subject ?? 'Confirm your alert — “NHS” ✓',
  text: over.text ?? 'Confirm: https://hw.example/alerts/confirm?token=abc.def\nThanks.',
  html: over.html ?? '<p>Hello <a href="https://hw.example/alerts/confirm?token=abc.def">confirm</a></p>',
  headers: { 'List-Unsubscribe': '<https://hw.example/alerts/unsubscribe?token=u>' },
});

describe('alert defaults with nothing set', () => {
  it('generates the secret once, mode 600, reuses it, and lets ALERT_SECRET win', () => {
    const HW_DATA_DIR = path.join(tempDir(), 'data');
    const first = resolveAlertSecret({ HW_DATA_DIR });
    expect(first.created).toBe(true);
    expect(first.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(first.source).mode & 0o777).toBe(0o600);
    const again = resolveAlertSecret({ HW_DATA_DIR });
    expect(again).toMatchObject({ secret: first.secret, created: false });
    const explicit = 'e'.repeat(40);
    expect(resolveAlertSecret({ HW_DATA_DIR, ALERT_SECRET: explicit })).toMatchObject({
      secret: explicit,
      source: 'ALERT_SECRET',
    });
    writeFileSync(first.source, 'short\n');
    expect(() => resolveAlertSecret({ HW_DATA_DIR })).toThrow(/no usable secret/);
  });

  it('links to the server itself unless PUBLIC_BASE_URL says otherwise', () => {
    expect(ownBaseUrl(loadConfig({}))).toBe('http://127.0.0.1:3000');
    expect(ownBaseUrl(loadConfig({ HOST: '0.0.0.0', PORT: '8080' }))).toBe('http://127.0.0.1:8080');
    expect(ownBaseUrl(loadConfig({ HOST: '::1' }))).toBe('http://[::1]:3000');
    const HW_DATA_DIR = tempDir();
    const d = alertSettingsWithDefaults(loadConfig({ HW_DATA_DIR }));
    expect(d.settings.publicBaseUrl).toBe('http://127.0.0.1:3000');
    expect(d.settings.smtp).toBeNull();
    expect(d.settings.outbox?.dir).toBe(path.resolve(HW_DATA_DIR, 'outbox'));
    expect(d.mailTarget).toMatch(/^outbox .*outbox/);
    const set = alertSettingsWithDefaults(
      loadConfig({ HW_DATA_DIR, PUBLIC_BASE_URL: 'https://alerts.example.org/' }),
    );
    expect(set.settings.publicBaseUrl).toBe('https://alerts.example.org');
  });

  it('sends over SMTP when SMTP_URL is set, and names its host but never the password', () => {
    const d = alertSettingsWithDefaults(
      loadConfig({
        HW_DATA_DIR: tempDir(),
        SMTP_URL: 'smtp://user:s3cret-pw@mail.example.org:587',
        MAIL_FROM: 'alerts@example.org',
      }),
    );
    expect(d.settings.smtp?.url).toBe('smtp://user:s3cret-pw@mail.example.org:587');
    expect(d.settings.outbox).toBeUndefined();
    expect(d.mailTarget).toBe('SMTP smtp://mail.example.org:587');
    expect(d.mailTarget).not.toContain('s3cret');
  });
});

describe('the outbox', () => {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'hw-outbox-')), 'outbox');
  dirs.push(path.dirname(dir));
  const TOKEN = 'outbox-admin-token-0123456789';
  let app: FastifyInstance;
  let hostile = '';

  beforeAll(async () => {
    const transport = outboxTransport(dir, 'hansard-watch <alerts@localhost>');
    await transport.send(mail(), 'd1');
    await transport.send(
      mail({
        subject: 'Hostile',
        text: 'see https://ok.example/a?b=1. and javascript:alert(1)',
        html:
          '<!doctype html><html><head><style>body{}</style><script>alert(1)</script></head><body>' +
          '<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">bad</a>' +
          '<a href="https://ok.example/">ok</a><iframe src="https://evil.example/"></iframe></body></html>',
      }),
      'd2',
    );
    transport.close();
    hostile = readdirSync(dir).sort()[1]!;
    app = Fastify({ logger: false });
    await registerShared(app);
    await app.register(
      async (admin) => {
        admin.addHook('onRequest', requireToken(TOKEN));
        outboxRoutes(admin, dir);
      },
      { prefix: '/admin' },
    );
  });
  afterAll(() => app?.close());

  const get = (url: string, auth = true) =>
    app.inject({ url, headers: auth ? { authorization: `Bearer ${TOKEN}` } : {} });

  it('writes RFC 5322 .eml files, mode 600, that a mail parser reads back whole', async () => {
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^\d{8}T\d{9}Z-d1\.eml$/);
    expect(statSync(path.join(dir, files[0]!)).mode & 0o777).toBe(0o600);
    const parsed = await simpleParser(readFileSync(path.join(dir, files[0]!)));
    expect(parsed.subject).toBe('Confirm your alert — “NHS” ✓');
    expect(parsed.to).toMatchObject({ text: 'reader@example.org' });
    expect(parsed.messageId).toBe('<alert-d1@localhost>');
    expect(readFileSync(path.join(dir, files[0]!), 'utf8')).toMatch(
      /^List-Unsubscribe: <https:\/\/hw\.example\/alerts\/unsubscribe\?token=u>$/m,
    );
    expect(parsed.text).toContain('https://hw.example/alerts/confirm?token=abc.def');
    expect(parsed.html).toContain('<a href="https://hw.example/alerts/confirm?token=abc.def">');
  });

  it('needs the admin token', async () => {
    for (const url of ['/admin/outbox', `/admin/outbox/${hostile}`, `/admin/outbox/${hostile}/raw`])
      expect((await get(url, false)).statusCode).toBe(401);
  });

  it('lists messages newest first with time, recipient and subject', async () => {
    const res = await get('/admin/outbox');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.body;
    expect(body.indexOf('Hostile')).toBeGreaterThan(0);
    expect(body.indexOf('Hostile')).toBeLessThan(body.indexOf('Confirm your alert'));
    expect(body).toContain('reader@example.org');
    expect(body).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
  });

  it('shows a message with its links clickable and none of its HTML able to run', async () => {
    const res = await get(`/admin/outbox/${hostile}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    const body = res.body;
    expect(body).toContain('<a href="https://ok.example/a?b=1" rel="noopener noreferrer">');
    expect(body).toMatch(/<a href="https:\/\/ok\.example\/" rel="nofollow noopener noreferrer">ok<\/a>/);
    expect(body).not.toMatch(/&lt;!doctype/i);
    for (const bad of [
      '<script>',
      'onerror',
      'href="javascript:',
      '<iframe',
      '<style',
      'evil.example',
      '<img',
    ])
      expect(body).not.toContain(bad);
    const good = await get(`/admin/outbox/${readdirSync(dir).sort()[0]}`);
    expect(good.body).toContain('href="https://hw.example/alerts/confirm?token=abc.def"');
  });

  it('serves the raw .eml, and nothing outside the outbox', async () => {
    const raw = await get(`/admin/outbox/${hostile}/raw`);
    expect(raw.statusCode).toBe(200);
    expect(raw.headers['content-type']).toMatch(/^message\/rfc822/);
    expect(raw.body).toMatch(/^Subject: Hostile$/m);
    writeFileSync(path.join(path.dirname(dir), 'secret.eml'), 'Subject: not in the outbox\n\nx');
    for (const name of ['..%2Fsecret.eml', '%2E%2E%2Fsecret.eml', 'nope.eml', 'x.txt'])
      for (const suffix of ['', '/raw'])
        expect((await get(`/admin/outbox/${name}${suffix}`)).statusCode).toBe(404);
  });
});
