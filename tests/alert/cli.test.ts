/** `hansard-watch alerts …` commands, run against a real store. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  runAlertsAdd,
  runAlertsFailures,
  runAlertsKey,
  runAlertsList,
  runAlertsPreview,
  runAlertsRemove,
  runAlertsTest,
} from '../../src/cli/alerts-command.js';
import type { CliContext } from '../../src/cli/context.js';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/store/db.js';
import { freshStore } from '../support/db.js';
import { ingest, pick, readPeople } from '../support/ingest.js';
import { loadMiniMembers, mini, silent } from './support.js';

describe('alerts CLI', () => {
  let db: Db;
  let ctx: CliContext;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hw-alerts-cli-'));
  const lines: string[] = [];
  const out = (line: string) => void lines.push(line);
  const take = () => lines.splice(0).join('\n');

  beforeAll(async () => {
    db = await freshStore('postgres');
    await loadMiniMembers(db);
    await ingest(
      db,
      pick(mini, 'debates2030-01-07a.xml', 'debates2030-01-07b.xml'),
      readPeople(path.join(mini, 'members', 'people.json')),
    );
    ctx = {
      db,
      log: silent,
      // Nothing alert-related set: the generated secret, the own address, the outbox.
      config: loadConfig({ HW_DATA_DIR: dataDir }),
    };
  });

  afterAll(async () => {
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let id = '';

  it('adds a feed subscription and prints its feed URL', async () => {
    expect(await runAlertsAdd(ctx, { feed: true, query: 'contract OR tender' }, out)).toBe(0);
    const text = take();
    id = text.split('\t')[0]!;
    expect(id).toMatch(/^al_/);
    expect(text).toMatch(/active\tfeed\tcontract OR tender/);
    expect(text).toMatch(/feed: http:\/\/127\.0\.0\.1:3000\/alerts\/feed\/[A-Za-z0-9_-]+/);
  });

  it('refuses bad input with the reason', async () => {
    expect(await runAlertsAdd(ctx, { feed: true, query: '"unclosed' }, out)).toBe(2);
    expect(take()).toMatch(/invalid q: has a " without its closing "/);
    await expect(runAlertsAdd(ctx, { query: 'nhs' }, out)).rejects.toThrow(/exactly one of --email/);
  });

  it('lists subscriptions', async () => {
    expect(await runAlertsList(ctx, {}, out)).toBe(0);
    expect(take()).toContain(`${id}\tactive\tfeed\t(feed)\timmediate\t0 matched\tcontract OR tender`);
  });

  it('tests a subscription against recent speeches without sending anything', async () => {
    expect(await runAlertsTest(ctx, id, {}, out)).toBe(0);
    const text = take();
    expect(text).toContain('contract OR tender: 2 of 3 recent speeches match');
    expect(text).toContain('uk.org.publicwhip/debate/2030-01-07b.10.2');
    expect(text).toContain('publish the tender documents”');
    expect((await db.query('SELECT 1 FROM alert_deliveries')).length).toBe(0);
  });

  it('previews the next e-mail of a subscription, writing its HTML, sending and logging nothing', async () => {
    const html = path.join(dataDir, 'preview.html');
    expect(await runAlertsPreview(ctx, id, { date: '2030-01-07', html }, out)).toBe(0);
    const text = take();
    expect(text).toContain('2030-01-07: 2 matches (preview; nothing sent)');
    expect(text).toContain('Subject: 2 new matches — contract OR tender');
    expect(text).toContain('publish the *tender* documents');
    expect(readFileSync(html, 'utf8')).toMatch(/<mark[^>]*>tender<\/mark>/);
    expect(await runAlertsPreview(ctx, id, { date: '2031-01-01' }, out)).toBe(0);
    expect(take()).toBe('nothing matches on 2031-01-01: no e-mail would go');
    expect(await runAlertsPreview(ctx, id, { date: 'yesterday' }, out)).toBe(2);
    expect(take()).toContain('--date: must be a date like 2009-10-27');
    expect((await db.query('SELECT 1 FROM alert_deliveries')).length).toBe(0);
  });

  it('lists failures, manages API keys and removes subscriptions', async () => {
    expect(await runAlertsFailures(ctx, {}, out)).toBe(0);
    expect(take()).toBe('no failed or dead-lettered alert messages');
    expect(await runAlertsKey(ctx, 'create', 'partner', out)).toBe(0);
    const keyId = take().split('\t')[0]!;
    expect(await runAlertsKey(ctx, 'list', undefined, out)).toBe(0);
    expect(take()).toContain(`${keyId}\tactive`);
    expect(await runAlertsKey(ctx, 'revoke', keyId, out)).toBe(0);
    expect(await runAlertsRemove(ctx, id, out)).toBe(0);
    expect(await runAlertsRemove(ctx, id, out)).toBe(1);
    expect(take()).toContain(`no subscription ${id}`);
  });

  it('adds an e-mail subscription with nothing configured: the confirmation is queued for the outbox', async () => {
    expect(await runAlertsAdd(ctx, { email: 'a@example.org', query: 'nhs' }, out)).toBe(0);
    expect(take()).toMatch(/\tpending\temail\t/);
    const queued = await db.query<{ kind: string }>('SELECT kind FROM alert_messages');
    expect(queued.map((r) => r.kind)).toEqual(['confirm']);
    expect(existsSync(path.join(dataDir, 'alert-secret'))).toBe(true);
  });
});
