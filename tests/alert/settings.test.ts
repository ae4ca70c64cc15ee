/** Alert configuration: clear messages for each variable, and the cross-variable rules. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { AlertSettingsError, resolveAlertSettings } from '../../src/alert/settings.js';
import { LinkSigner } from '../../src/alert/tokens.js';

const SECRET = 'x'.repeat(40);

describe('alert settings', () => {
  it('names the variable and what is wrong with it', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.org' })).toThrow(
      /SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/,
    );
    expect(() => loadConfig({ ALERT_SECRET: 'short' })).toThrow(
      /ALERT_SECRET: must be at least 32 characters/,
    );
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'alerts.example.org' })).toThrow(
      /PUBLIC_BASE_URL: must be an http:\/\/ or https:\/\/ URL/,
    );
    expect(() => loadConfig({ DIGEST_HOUR: '24' })).toThrow(/DIGEST_HOUR: must be at most 23/);
    expect(() => loadConfig({ ALERT_TIMEZONE: 'Mars/Olympus' })).toThrow(
      /ALERT_TIMEZONE: must be an IANA time zone/,
    );
    expect(() => loadConfig({ WEBHOOK_ALLOW_LIST: '127.0.0.1, 10.0.0.0/99' })).toThrow(
      /WEBHOOK_ALLOW_LIST: "10.0.0.0\/99" is not a host name, IP address or CIDR range/,
    );
    expect(() => loadConfig({ MAIL_FROM: 'nobody' })).toThrow(/MAIL_FROM: must be an address/);
  });

  it('is off without ALERT_SECRET, and refuses a half-configured setup', () => {
    expect(resolveAlertSettings(loadConfig({}))).toBeNull();
    expect(() => resolveAlertSettings(loadConfig({ ALERT_SECRET: SECRET }))).toThrow(AlertSettingsError);
    expect(() => resolveAlertSettings(loadConfig({ ALERT_SECRET: SECRET }))).toThrow(
      /PUBLIC_BASE_URL: required when ALERT_SECRET is set/,
    );
    expect(() =>
      resolveAlertSettings(
        loadConfig({
          ALERT_SECRET: SECRET,
          PUBLIC_BASE_URL: 'https://a.example',
          SMTP_URL: 'smtp://mail:25',
        }),
      ),
    ).toThrow(/MAIL_FROM: required when SMTP_URL is set/);
  });

  it('resolves a full configuration', () => {
    const s = resolveAlertSettings(
      loadConfig({
        ALERT_SECRET: SECRET,
        PUBLIC_BASE_URL: 'https://alerts.example.org/',
        SMTP_URL: 'smtp://user:pw@mail.example.org:587',
        MAIL_FROM: 'hansard-watch <alerts@example.org>',
        WEBHOOK_ALLOW_LIST: '10.1.0.0/16,hooks.internal',
        DIGEST_HOUR: '6',
      }),
    )!;
    expect(s).toMatchObject({
      publicBaseUrl: 'https://alerts.example.org',
      smtp: { url: 'smtp://user:pw@mail.example.org:587', from: 'hansard-watch <alerts@example.org>' },
      digest: { hour: 6, weekday: 1, timeZone: 'Europe/London' },
      retry: { maxAttempts: 16, baseMs: 30_000 },
    });
    expect(s.allowList).toEqual([
      { kind: 'net', address: '10.1.0.0', prefix: 16, family: 'ipv4' },
      { kind: 'host', host: 'hooks.internal' },
    ]);
  });

  it('signs links that cannot be altered, reused for another purpose, or used after expiry', () => {
    const signer = new LinkSigner(SECRET);
    const token = signer.sign('confirm', 'al_abc', new Date(Date.now() + 60_000));
    expect(signer.verify('confirm', token)).toBe('al_abc');
    expect(signer.verify('unsubscribe', token)).toBeNull();
    expect(signer.verify('confirm', token, new Date(Date.now() + 120_000))).toBeNull();
    expect(new LinkSigner('y'.repeat(40)).verify('confirm', token)).toBeNull();
    const [body, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ p: 'confirm', s: 'al_other', e: 9_999_999_999 })).toString(
      'base64url',
    );
    expect(signer.verify('confirm', `${forged}.${mac}`)).toBeNull();
    expect(signer.verify('confirm', `${body}.${mac}x`)).toBeNull();
  });
});
