/**
 * The webhook signature receivers are told to check (docs/alerts.md, "Verifying webhook
 * deliveries"): the documented Node verifier is taken from the docs as written and run
 * inside a real local HTTP receiver. Real deliveries pass it; the same delivery with a
 * changed body, an old timestamp or the wrong secret does not.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTimestamped } from '../../src/alert/render/webhook-payload.js';
import { parseAllowList } from '../../src/alert/webhook/target-policy.js';
import type { Db } from '../../src/store/db.js';
import { freshStore } from '../support/db.js';
import { ingest, pick, readPeople } from '../support/ingest.js';
import { harness, mini, tableResolver, testSettings, waitFor, type Harness } from './support.js';

type Verify = (
  header: unknown,
  rawBody: Buffer | string,
  secret: string,
  toleranceSeconds?: number,
  nowMs?: number,
) => boolean;

const DOCS = path.join(import.meta.dirname, '..', '..', 'docs', 'alerts.md');

/** The ```js block after the `tested-example: verify-signature` marker, loaded as a module. */
async function documentedVerifier(dir: string): Promise<Verify> {
  const docs = readFileSync(DOCS, 'utf8');
  const at = docs.indexOf('<!-- tested-example: verify-signature -->');
  expect(at, 'the marker in docs/alerts.md').toBeGreaterThan(0);
  const block = /```js\n([\s\S]*?)\n```/.exec(docs.slice(at))?.[1];
  expect(block, 'a js block after the marker').toBeTruthy();
  const file = path.join(dir, 'verify-signature.mjs');
  writeFileSync(file, block!);
  const mod = (await import(pathToFileURL(file).href)) as { verifyHansardWatchSignature: Verify };
  return mod.verifyHansardWatchSignature;
}

interface Seen {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  verified: boolean;
}

describe('webhook signatures, checked with the documented verifier', () => {
  let db: Db;
  let h: Harness;
  let dir: string;
  let verify: Verify;
  let server: http.Server;
  let url: string;
  let secret = '';
  const seen: Seen[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hw-verify-'));
    verify = await documentedVerifier(dir);
    // The receiver of the docs: 401 unless the signature verifies, 204 when it does.
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const verified = verify(req.headers['hansard-watch-signature'], body, secret);
        seen.push({ headers: req.headers, body, verified });
        res.writeHead(verified ? 204 : 401).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    db = await freshStore('postgres');
    h = await harness(
      db,
      testSettings({ allowList: parseAllowList('127.0.0.1').entries }),
      tableResolver({}),
    );
  });

  afterAll(async () => {
    await h?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Posts to the receiver as a replayer would. */
  async function replay(headers: Record<string, string>, body: Buffer | string): Promise<number> {
    const res = await fetch(url, { method: 'POST', headers, body });
    return res.status;
  }

  it('real deliveries verify; a changed body, an old timestamp or another secret do not', async () => {
    const { key } = await h.alerts.service.createApiKey('receiver');
    const made = await h.app.inject({
      method: 'POST',
      url: '/api/v1/alerts',
      payload: { channel: 'webhook', url, q: 'contract OR tender OR "private contractor"' },
      headers: { authorization: `Bearer ${key}` },
    });
    expect(made.statusCode, made.body).toBe(201);
    secret = made.json<{ webhookSecret: string }>().webhookSecret;
    const before = Math.floor(Date.now() / 1000);
    const a = await ingest(
      db,
      pick(mini, 'debates2030-01-07a.xml'),
      readPeople(path.join(mini, 'members', 'people.json')),
    );
    await h.alerts.handleSpeeches(a.changedSpeechGids);
    await waitFor('two deliveries', () => seen.length >= 2);
    await h.alerts.dispatcher.idle();

    expect(seen).toHaveLength(2);
    for (const s of seen) {
      expect(s.verified).toBe(true);
      const header = String(s.headers['hansard-watch-signature']);
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const t = Number(/^t=(\d+)/.exec(header)![1]);
      expect(t).toBeGreaterThanOrEqual(before);
      expect(t).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    }
    // Nothing was answered 401: the dispatcher marked both sent.
    expect(
      (await db.query("SELECT status FROM alert_messages WHERE kind = 'alert'")).map((r) => r.status),
    ).toEqual(['sent', 'sent']);

    const real = seen[0]!;
    const header = String(real.headers['hansard-watch-signature']);
    const t = Number(/^t=(\d+)/.exec(header)![1]);
    const headers = { 'content-type': 'application/json', 'hansard-watch-signature': header };
    const count = seen.length;

    // The captured request, sent again at once, still verifies (the deliveryId is how a receiver drops it).
    expect(await replay(headers, real.body)).toBe(204);
    // One byte of the body changed.
    const tampered = Buffer.from(real.body.toString('utf8').replace('"event":"alert"', '"event":"alurt"'));
    expect(tampered.equals(real.body)).toBe(false);
    expect(await replay(headers, tampered)).toBe(401);
    // The same delivery ten minutes later, and one signed (correctly) ten minutes ago.
    expect(verify(header, real.body, secret, 300, (t + 600) * 1000)).toBe(false);
    expect(verify(header, real.body, secret, 300, (t + 299) * 1000)).toBe(true);
    const old = signTimestamped(secret, real.body.toString('utf8'), Date.now() / 1000 - 600);
    expect(await replay({ ...headers, 'hansard-watch-signature': old }, real.body)).toBe(401);
    // A timestamp swapped into the header without re-signing.
    const swapped = header.replace(/^t=\d+/, `t=${t + 1}`);
    expect(await replay({ ...headers, 'hansard-watch-signature': swapped }, real.body)).toBe(401);
    // Another webhook's secret, the legacy header alone, and nothing at all.
    expect(verify(header, real.body, `${secret}x`)).toBe(false);
    expect(
      await replay(
        {
          'content-type': 'application/json',
          'x-hansard-watch-signature': String(real.headers['x-hansard-watch-signature']),
        },
        real.body,
      ),
    ).toBe(401);
    expect(verify(undefined, real.body, secret)).toBe(false);
    expect(seen.slice(count).map((s) => s.verified)).toEqual([true, false, false, false, false]);
  });
});
