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
  /**
   * `rollup`: e-mail matches go out as one message per address per run and per digest
   * period (issue #20); false: one per match and subscription, as before.
   */
  constructor(
    private readonly db: Db,
    private readonly options: { rollup: boolean } = { rollup: true },
  ) {}

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
      const queued = await queueImmediate(tx, inserted, this.options.rollup);
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
            AND (m.kind IN ('confirm', 'manage') OR s.status = 'active' OR (m.subscription_id IS NULL AND m.kind IN ('rollup', 'digest')))
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

  /** Items carried by each message with the subscription each was matched for (roll-ups). */
  async entriesOf(
    messageIds: readonly string[],
  ): Promise<Map<string, { subscriptionId: string; item: AlertItem }[]>> {
    const out = new Map<string, { subscriptionId: string; item: AlertItem }[]>();
    if (messageIds.length === 0) return out;
    const rows = await this.db.query<{ message_id: string; subscription_id: string; item: AlertItem }>(
      `SELECT message_id::text AS message_id, subscription_id, item FROM alert_deliveries WHERE message_id = ANY($1::bigint[]) ORDER BY sitting_date, id`,
      [messageIds],
    );
    for (const r of rows) {
      const list = out.get(r.message_id) ?? [];
      list.push({ subscriptionId: r.subscription_id, item: r.item });
      out.set(r.message_id, list);
    }
    return out;
  }

  /** Alert and digest e-mails sent to an address in the last 24 hours (its daily cap). */
  async sentToRecipientToday(recipient: string): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM alert_messages
        WHERE recipient = $1 AND status = 'sent' AND kind IN ('rollup', 'digest') AND sent_at > now() - interval '24 hours'`,
      [recipient],
    );
    return rows[0]?.n ?? 0;
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
         SELECT DISTINCT d.subscription_id, CASE WHEN $4 AND s.channel = 'email' THEN s.channel_settings->>'email' END AS email
           FROM alert_deliveries d JOIN alert_subscriptions s ON s.id = d.subscription_id
          WHERE d.message_id IS NULL AND d.matched_at <= $3 AND s.status = 'active' AND s.frequency = $1 AND s.channel <> 'feed'),
       per_sub AS (
         INSERT INTO alert_messages (subscription_id, kind, digest_key) SELECT subscription_id, 'digest', $2 FROM due WHERE email IS NULL
         ON CONFLICT (subscription_id, digest_key) DO NOTHING RETURNING id, subscription_id),
       per_address AS (
         INSERT INTO alert_messages (recipient, kind, digest_key) SELECT DISTINCT email, 'digest', $2 FROM due WHERE email IS NOT NULL
         ON CONFLICT (recipient, digest_key) WHERE subscription_id IS NULL AND digest_key IS NOT NULL DO NOTHING RETURNING id, recipient),
       targets AS (
         SELECT p.id, p.subscription_id FROM per_sub p
         UNION ALL
         SELECT a.id, due.subscription_id FROM per_address a JOIN due ON due.email = a.recipient)
       UPDATE alert_deliveries d SET message_id = t.id FROM targets t
        WHERE d.subscription_id = t.subscription_id AND d.message_id IS NULL AND d.matched_at <= $3
       RETURNING t.id::text AS message_id`,
      [frequency, key, cutoff.toISOString(), this.options.rollup],
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

/**
 * Messages for new matches of immediate subscriptions: with roll-ups, one 'rollup' per
 * e-mail address carrying every new match of all its subscriptions in this transaction
 * (one delivery run); webhooks, and e-mail without roll-ups, one 'alert' per match.
 */
async function queueImmediate(
  tx: Queryable,
  deliveryIds: readonly string[],
  rollup: boolean,
): Promise<number> {
  if (deliveryIds.length === 0) return 0;
  const rows = await tx.query(
    `WITH need AS MATERIALIZED (
       SELECT d.id AS delivery_id, d.subscription_id,
              CASE WHEN $2 AND s.channel = 'email' THEN s.channel_settings->>'email' END AS email
         FROM alert_deliveries d JOIN alert_subscriptions s ON s.id = d.subscription_id
        WHERE d.id = ANY($1::bigint[]) AND s.frequency = 'immediate' AND s.channel <> 'feed'),
     rollups AS MATERIALIZED (
       SELECT email, nextval('alert_messages_id_seq') AS message_id FROM (SELECT DISTINCT email FROM need WHERE email IS NOT NULL) e),
     singles AS MATERIALIZED (
       SELECT delivery_id, subscription_id, nextval('alert_messages_id_seq') AS message_id FROM need WHERE email IS NULL),
     m1 AS (INSERT INTO alert_messages (id, recipient, kind) SELECT message_id, email, 'rollup' FROM rollups RETURNING id),
     m2 AS (INSERT INTO alert_messages (id, subscription_id, kind) SELECT message_id, subscription_id, 'alert' FROM singles RETURNING id),
     target AS (
       SELECT n.delivery_id, COALESCE(sg.message_id, r.message_id) AS message_id
         FROM need n LEFT JOIN singles sg ON sg.delivery_id = n.delivery_id LEFT JOIN rollups r ON r.email = n.email)
     UPDATE alert_deliveries d SET message_id = t.message_id FROM target t WHERE d.id = t.delivery_id
     RETURNING 1`,
    [deliveryIds, rollup],
  );
  return rows.length;
}
