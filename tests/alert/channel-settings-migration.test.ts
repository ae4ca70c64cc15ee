/**
 * migrations/026 moves the per-channel columns (email, webhook_url) into channel_settings
 * with the data carried over: a store with subscriptions of every channel, migrated up to
 * 025, then to the end, on Postgres and on PGlite alike.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { SubscriptionRepository } from '../../src/alert/subscription-repository.js';
import { migrationsDir } from '../../src/paths.js';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { testDatabaseUrl } from '../support/db.js';

const before026 = mkdtempSync(path.join(tmpdir(), 'hw-migrations-'));
for (const f of readdirSync(migrationsDir).filter((f) => /^\d+_.*\.sql$/.test(f) && f < '026'))
  cpSync(path.join(migrationsDir, f), path.join(before026, f));

afterAll(() => rmSync(before026, { recursive: true, force: true }));

async function open(kind: 'postgres' | 'pglite'): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const db = await openDb({ dataDir: 'memory://' });
    return { db, drop: () => db.close() };
  }
  const schema = `hw_test_m026_${Math.random().toString(36).slice(2, 10)}`;
  const db = await openDb({ databaseUrl: testDatabaseUrl, schema, poolSize: 2 });
  return {
    db,
    drop: async () => {
      await db.close();
      const admin = new pg.Client({ connectionString: testDatabaseUrl });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    },
  };
}

describe.each(['postgres', 'pglite'] as const)('migration 026 on %s', (kind) => {
  it('carries e-mail addresses and webhook URLs into channel_settings', async () => {
    const { db, drop } = await open(kind);
    try {
      const first = await migrate(db, before026);
      expect(first.applied).not.toContain('026_alert_channel_settings.sql');
      await db.query(`INSERT INTO alert_api_keys (id, key_hash, label) VALUES ('key_1', 'h', 'test')`);
      await db.query(
        `INSERT INTO alert_subscriptions (id, channel, email, webhook_url, api_key_id, secret_nonce, query_text, query_tsquery, frequency, status)
         VALUES ('al_mail', 'email', 'reader@example.org', NULL, NULL, 'n1', 'nhs', '''nhs''', 'daily', 'active'),
                ('al_hook', 'webhook', NULL, 'https://example.org/hook', 'key_1', 'n2', 'nhs', '''nhs''', 'immediate', 'active'),
                ('al_feed', 'feed', NULL, NULL, 'key_1', 'n3', 'nhs', '''nhs''', 'immediate', 'paused')`,
      );

      const second = await migrate(db);
      // First of what is left: later migrations (027 onwards) follow it.
      expect(second.applied[0]).toBe('026_alert_channel_settings.sql');

      const rows = await db.query<{ id: string; s: string }>(
        'SELECT id, channel_settings::text AS s FROM alert_subscriptions ORDER BY id',
      );
      expect(rows.map((r) => [r.id, JSON.parse(r.s) as unknown])).toEqual([
        ['al_feed', {}],
        ['al_hook', { url: 'https://example.org/hook' }],
        ['al_mail', { email: 'reader@example.org' }],
      ]);
      const columns = await db.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns
          WHERE table_name = 'alert_subscriptions' AND table_schema = current_schema()`,
      );
      expect(columns.map((c) => c.column_name)).not.toContain('email');
      expect(columns.map((c) => c.column_name)).not.toContain('webhook_url');

      // The repository reads them back as before: by address, and as settings.
      const repo = new SubscriptionRepository(db);
      expect((await repo.byEmail('reader@example.org')).map((s) => s.id)).toEqual(['al_mail']);
      expect((await repo.get('al_hook'))?.settings).toEqual({ url: 'https://example.org/hook' });
      // Not an object: refused.
      await expect(
        db.query(`UPDATE alert_subscriptions SET channel_settings = '[]' WHERE id = 'al_feed'`),
      ).rejects.toThrow(/channel_settings_object/);
    } finally {
      await drop();
    }
  });
});
