/**
 * SQL for the delivery log (alert_deliveries) and the outbox (alert_messages). Writing a
 * match and the message that will carry it happens before anything is sent; the unique
 * keys of the log and the redirect check make writing the same match again a no-op.
 */
import type { Db, Queryable } from '../store/db.js';
import type { AlertItem, MessageKind, MessageStatus } from './types.js';
import { MAX_REDIRECT_HOPS } from '../speech/redirects.js';
import { channelTarget } from './channels/registry.js';

export interface DeliveryInput {
  subscriptionId: string;
  gid: string;
  groupKey: string;
  contentHash: string;
  sittingDate: string;
  item: AlertItem;
}

export interface ClaimedRow {
  id: string;
  kind: MessageKind;
  attempts: number;
  recipient: string | null;
  digestKey: string | null;
  subscriptionId: string | null;
}

export interface FailureRow {
  id: string;
  kind: MessageKind;
  status: MessageStatus;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string;
  subscriptionId: string | null;
  channel: string | null;
  target: string | null;
  speeches: number;
}

const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

export class DeliveryRepository {
  constructor(private readonly db: Db) {}

  /**
   * Logs matches and, for immediate subscriptions, queues one message per new match; all
   * in one transaction. A match is skipped when the subscription already has the speech
   * under the same gid, the same content on the same day (a renumbered revision), or any
   * gid that redirects to it (a revision that changed it), or is no longer active.
   * Returns how many matches were new.
   */
  async record(rows: readonly DeliveryInput[]): Promise<{ recorded: number; queued: number }> {
    if (rows.length === 0) return { recorded: 0, queued: 0 };
    return this.db.transaction(async (tx) => {
      // Two workers handling two versions of one day at once must not both decide "new".
      await tx.query(
        `SELECT pg_advisory_xact_lock(hashtext('hansard-watch:alerts:' || g)) FROM (SELECT DISTINCT g FROM unnest($1::text[]) AS g ORDER BY g) x`,
        [rows.map((r) => r.groupKey)],
      );
      const inserted = await insertDeliveries(tx, rows);
      const queued = await queueImmediate(tx, inserted);
      return { recorded: inserted.length, queued };
    });
  }

  /**
   * Takes up to `limit` messages that are due (new, failed and due again, or left
   * 'sending' by a worker whose lease ran out) and leases them to this worker. SKIP LOCKED
   * lets several workers share the outbox without waiting on each other.
   */
  async claim(limit: number, leaseMs: number): Promise<ClaimedRow[]> {
    const rows = await this.db.query<{
      id: string;
      kind: MessageKind;
      attempts: number;
      recipient: string | null;
      digest_key: string | null;
      subscription_id: string | null;
    }>(
      `WITH due AS (
         SELECT m.id FROM alert_messages m LEFT JOIN alert_subscriptions s ON s.id = m.subscription_id
          WHERE ((m.status IN ('pending', 'failed') AND m.next_attempt_at <= now()) OR (m.status = 'sending' AND m.lease_until < now()))
            AND (m.kind IN ('confirm', 'manage') OR s.status = 'active')
          ORDER BY m.next_attempt_at, m.id
          LIMIT $1
          FOR UPDATE OF m SKIP LOCKED)
       UPDATE alert_messages m SET status = 'sending', attempts = m.attempts + 1, lease_until = now() + $2::int * interval '1 millisecond'
         FROM due WHERE m.id = due.id
       RETURNING m.id::text AS id, m.kind, m.attempts, m.recipient, m.digest_key, m.subscription_id`,
      [limit, leaseMs],
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      attempts: r.attempts,
      recipient: r.recipient,
      digestKey: r.digest_key,
      subscriptionId: r.subscription_id,
    }));
  }

  /** Items carried by each message, oldest sitting first. */
  async itemsOf(messageIds: readonly string[]): Promise<Map<string, AlertItem[]>> {
    const out = new Map<string, AlertItem[]>();
    if (messageIds.length === 0) return out;
    const rows = await this.db.query<{ message_id: string; item: AlertItem }>(
      `SELECT message_id::text AS message_id, item FROM alert_deliveries WHERE message_id = ANY($1::bigint[]) ORDER BY sitting_date, id`,
      [messageIds],
    );
    for (const r of rows) out.set(r.message_id, [...(out.get(r.message_id) ?? []), r.item]);
    return out;
  }

  /** Only a worker still holding the lease marks the outcome. */
  async markSent(id: string): Promise<void> {
    await this.db.query(
      `UPDATE alert_messages SET status = 'sent', sent_at = now(), lease_until = NULL, last_error = NULL WHERE id = $1::bigint AND status = 'sending'`,
      [id],
    );
  }

  /** failed (retried after `retryInMs`), or dead when `retryInMs` is null. */
  async markFailed(id: string, error: string, retryInMs: number | null): Promise<void> {
    await this.db.query(
      `UPDATE alert_messages
          SET status = CASE WHEN $3::int IS NULL THEN 'dead' ELSE 'failed' END,
              next_attempt_at = now() + COALESCE($3::int, 0) * interval '1 millisecond',
              lease_until = NULL, last_error = left($2, 2000)
        WHERE id = $1::bigint AND status = 'sending'`,
      [id, error, retryInMs],
    );
  }

  /** A message that cannot be sent any more (its subscription is gone or changed channel). */
  async drop(id: string, reason: string): Promise<void> {
    await this.markFailed(id, reason, null);
  }

  async queueConfirmation(subscriptionId: string): Promise<void> {
    await this.db.query(`INSERT INTO alert_messages (subscription_id, kind) VALUES ($1, 'confirm')`, [
      subscriptionId,
    ]);
  }

  /** "You already have this alert" (migrations/020_alert_notices.sql). */
  async queueNotice(subscriptionId: string): Promise<void> {
    await this.db.query(`INSERT INTO alert_messages (subscription_id, kind) VALUES ($1, 'notice')`, [
      subscriptionId,
    ]);
  }

  async queueManageLink(email: string): Promise<void> {
    await this.db.query(`INSERT INTO alert_messages (recipient, kind) VALUES ($1, 'manage')`, [email]);
  }

  /**
   * Gathers each `frequency` subscription's waiting matches (matched up to `cutoff`) into
   * one digest message for the period `key`. The (subscription, key) unique constraint
   * makes this safe to run from every worker and to re-run: a period gets one digest.
   */
  async createDigests(frequency: 'daily' | 'weekly', key: string, cutoff: Date): Promise<number> {
    const rows = await this.db.query<{ message_id: string }>(
      `WITH due AS (
         SELECT DISTINCT d.subscription_id FROM alert_deliveries d JOIN alert_subscriptions s ON s.id = d.subscription_id
          WHERE d.message_id IS NULL AND d.matched_at <= $3 AND s.status = 'active' AND s.frequency = $1 AND s.channel <> 'feed'),
       created AS (
         INSERT INTO alert_messages (subscription_id, kind, digest_key) SELECT subscription_id, 'digest', $2 FROM due
         ON CONFLICT (subscription_id, digest_key) DO NOTHING RETURNING id, subscription_id)
       UPDATE alert_deliveries d SET message_id = c.id FROM created c
        WHERE d.subscription_id = c.subscription_id AND d.message_id IS NULL AND d.matched_at <= $3
       RETURNING c.id::text AS message_id`,
      [frequency, key, cutoff.toISOString()],
    );
    return new Set(rows.map((r) => r.message_id)).size;
  }

  /** Dead-lettered messages, and ones currently failing, newest first. */
  async failures(limit = 100): Promise<FailureRow[]> {
    const rows = await this.db.query<{
      id: string;
      kind: MessageKind;
      status: MessageStatus;
      attempts: number;
      last_error: string | null;
      created_at: string;
      next_attempt_at: string;
      subscription_id: string | null;
      channel: string | null;
      settings: string | null;
      recipient: string | null;
      speeches: number;
    }>(
      `SELECT m.id::text AS id, m.kind, m.status, m.attempts, m.last_error, ${ISO('m.created_at')} AS created_at,
              ${ISO('m.next_attempt_at')} AS next_attempt_at, m.subscription_id, s.channel,
              s.channel_settings::text AS settings, m.recipient,
              (SELECT count(*)::int FROM alert_deliveries d WHERE d.message_id = m.id) AS speeches
         FROM alert_messages m LEFT JOIN alert_subscriptions s ON s.id = m.subscription_id
        WHERE m.status IN ('dead', 'failed')
        ORDER BY m.status = 'dead' DESC, m.created_at DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at,
      nextAttemptAt: r.next_attempt_at,
      subscriptionId: r.subscription_id,
      channel: r.channel,
      target:
        (r.channel && r.settings
          ? channelTarget(r.channel, JSON.parse(r.settings) as Record<string, string>)
          : null) ?? r.recipient,
      speeches: r.speeches,
    }));
  }

  /** Puts dead messages (one, or all) back in the outbox with fresh attempts; returns how many. */
  async retryDead(id?: string): Promise<number> {
    const rows = await this.db.query(
      `UPDATE alert_messages SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL
        WHERE status = 'dead' AND ($1::bigint IS NULL OR id = $1::bigint) RETURNING 1`,
      [id ?? null],
    );
    return rows.length;
  }

  /** The subscription's most recent matches, newest first (its Atom feed). */
  async recentItems(
    subscriptionId: string,
    limit: number,
  ): Promise<{ id: string; matchedAt: string; item: AlertItem }[]> {
    const rows = await this.db.query<{ id: string; matched_at: string; item: AlertItem }>(
      `SELECT id::text AS id, ${ISO('matched_at')} AS matched_at, item FROM alert_deliveries WHERE subscription_id = $1 ORDER BY id DESC LIMIT $2`,
      [subscriptionId, limit],
    );
    return rows.map((r) => ({ id: r.id, matchedAt: r.matched_at, item: r.item }));
  }

  /** Matches logged and messages sent, per subscription (for listings). */
  async counts(subscriptionIds: readonly string[]): Promise<Map<string, { matched: number; sent: number }>> {
    const rows = await this.db.query<{ subscription_id: string; matched: number; sent: number }>(
      `SELECT d.subscription_id, count(*)::int AS matched, count(*) FILTER (WHERE m.status = 'sent')::int AS sent
         FROM alert_deliveries d LEFT JOIN alert_messages m ON m.id = d.message_id
        WHERE d.subscription_id = ANY($1::text[]) GROUP BY d.subscription_id`,
      [subscriptionIds],
    );
    return new Map(rows.map((r) => [r.subscription_id, { matched: r.matched, sent: r.sent }]));
  }
}

async function insertDeliveries(tx: Queryable, rows: readonly DeliveryInput[]): Promise<string[]> {
  const inserted = await tx.query<{ id: string }>(
    `WITH RECURSIVE x AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::jsonb[])
         AS x(sub, gid, group_key, hash, sitting_date, item)),
     pred(gid, old_gid, depth) AS (
       SELECT DISTINCT x.gid, r.old_gid, 1 FROM x JOIN gid_redirects r ON r.new_gid = x.gid
       UNION
       SELECT p.gid, r.old_gid, p.depth + 1 FROM pred p JOIN gid_redirects r ON r.new_gid = p.old_gid WHERE p.depth < ${MAX_REDIRECT_HOPS})
     INSERT INTO alert_deliveries (subscription_id, speech_gid, group_key, content_hash, sitting_date, item)
     SELECT x.sub, x.gid, x.group_key, x.hash, x.sitting_date, x.item
       FROM x JOIN alert_subscriptions s ON s.id = x.sub AND s.status = 'active'
      WHERE NOT EXISTS (SELECT 1 FROM pred p JOIN alert_deliveries d ON d.speech_gid = p.old_gid AND d.subscription_id = x.sub WHERE p.gid = x.gid)
     ON CONFLICT DO NOTHING
     RETURNING id::text AS id`,
    [
      rows.map((r) => r.subscriptionId),
      rows.map((r) => r.gid),
      rows.map((r) => r.groupKey),
      rows.map((r) => r.contentHash),
      rows.map((r) => r.sittingDate),
      rows.map((r) => JSON.stringify(r.item)),
    ],
  );
  return inserted.map((r) => r.id);
}

/** One 'alert' message per new match of an immediate e-mail or webhook subscription. */
async function queueImmediate(tx: Queryable, deliveryIds: readonly string[]): Promise<number> {
  if (deliveryIds.length === 0) return 0;
  const rows = await tx.query(
    `WITH need AS MATERIALIZED (
       SELECT d.id AS delivery_id, d.subscription_id, nextval('alert_messages_id_seq') AS message_id
         FROM alert_deliveries d JOIN alert_subscriptions s ON s.id = d.subscription_id
        WHERE d.id = ANY($1::bigint[]) AND s.frequency = 'immediate' AND s.channel <> 'feed'),
     msg AS (INSERT INTO alert_messages (id, subscription_id, kind) SELECT message_id, subscription_id, 'alert' FROM need RETURNING id)
     UPDATE alert_deliveries d SET message_id = need.message_id FROM need WHERE d.id = need.delivery_id
     RETURNING 1`,
    [deliveryIds],
  );
  return rows.length;
}
