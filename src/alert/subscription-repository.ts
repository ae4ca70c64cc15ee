/** SQL for subscriptions and API keys (tables of migrations/005_alerts.sql). */
import type { Queryable } from '../store/db.js';
import type { Criteria } from './match/types.js';
import type { Frequency, NewSubscription, Subscription, SubscriptionStatus } from './types.js';

interface SubscriptionRow {
  id: string;
  channel: string;
  /** jsonb as text: parsed here, the same on Postgres and PGlite. */
  channel_settings: string;
  api_key_id: string | null;
  secret_nonce: string;
  query_text: string | null;
  query_tsquery: string | null;
  tags: string[];
  min_confidence: number;
  person_ids: string[];
  houses: string[];
  types: string[];
  frequency: Frequency;
  status: SubscriptionStatus;
  has_feed: boolean;
  created_at: string;
  confirmed_at: string | null;
}

const COLUMNS = `id, channel, channel_settings::text AS channel_settings, api_key_id, secret_nonce, query_text, query_tsquery, tags, min_confidence,
  person_ids, houses, types, frequency, status, feed_token_hash IS NOT NULL AS has_feed,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
  to_char(confirmed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS confirmed_at`;

function toSubscription(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    channel: r.channel,
    settings: JSON.parse(r.channel_settings) as Record<string, string>,
    apiKeyId: r.api_key_id,
    secretNonce: r.secret_nonce,
    queryText: r.query_text,
    criteria: {
      query: r.query_tsquery,
      tags: r.tags,
      minConfidence: roundConfidence(r.min_confidence),
      personIds: r.person_ids,
      houses: r.houses,
      types: r.types,
    },
    frequency: r.frequency,
    status: r.status,
    hasFeed: r.has_feed,
    createdAt: r.created_at,
    confirmedAt: r.confirmed_at,
  };
}

export interface ApiKey {
  id: string;
  label: string;
  createdAt: string;
  revoked: boolean;
}

/** Columns of the bulk insert, in unnest order. */
const INSERT_COLUMNS: [string, string][] = [
  ['id', 'text'],
  ['channel', 'text'],
  ['channel_settings', 'jsonb'],
  ['api_key_id', 'text'],
  ['secret_nonce', 'text'],
  ['query_text', 'text'],
  ['query_tsquery', 'text'],
  ['min_confidence', 'real'],
  ['frequency', 'text'],
  ['status', 'text'],
];

export class SubscriptionRepository {
  constructor(private readonly db: Queryable) {}

  /** websearch_to_tsquery('english', …)::text for each text: exactly how search reads it ('' when nothing is left). */
  async normaliseQueries(texts: readonly string[]): Promise<string[]> {
    if (texts.length === 0) return [];
    const rows = await this.db.query<{ i: number; q: string }>(
      `SELECT i::int AS i, websearch_to_tsquery('english', t)::text AS q FROM unnest($1::text[]) WITH ORDINALITY AS x(t, i)`,
      [texts],
    );
    const out = texts.map(() => '');
    for (const r of rows) out[r.i - 1] = r.q;
    return out;
  }

  /** Which of these person ids exist: one query, however many. */
  async existingPersons(personIds: readonly string[]): Promise<Set<string>> {
    if (personIds.length === 0) return new Set();
    const rows = await this.db.query<{ id: string }>('SELECT id FROM persons WHERE id = ANY($1::text[])', [
      [...personIds],
    ]);
    return new Set(rows.map((r) => r.id));
  }

  /** Inserts many at once (one statement): the service inserts one, the benchmark a hundred thousand. */
  async insert(subs: readonly NewSubscription[]): Promise<void> {
    if (subs.length === 0) return;
    const scalars = INSERT_COLUMNS.map(([name]) => subs.map((s) => scalarOf(s, name)));
    const names = [...INSERT_COLUMNS.map(([c]) => c), 'tags', 'person_ids', 'houses', 'types'].join(', ');
    const arrays = INSERT_COLUMNS.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ');
    const n = INSERT_COLUMNS.length;
    // Array columns travel as JSON (unnest cannot take arrays of arrays of uneven length).
    const list = (i: number) => `ARRAY(SELECT jsonb_array_elements_text(x.lists->${i}))`;
    await this.db.query(
      `INSERT INTO alert_subscriptions (${names})
       SELECT ${INSERT_COLUMNS.map(([c]) => `x.${c}`).join(', ')}, ${list(0)}, ${list(1)}, ${list(2)}, ${list(3)}
         FROM unnest(${arrays}, $${n + 1}::jsonb[]) AS x(${INSERT_COLUMNS.map(([c]) => c).join(', ')}, lists)`,
      [
        ...scalars,
        subs.map((s) =>
          JSON.stringify([s.criteria.tags, s.criteria.personIds, s.criteria.houses, s.criteria.types]),
        ),
      ],
    );
  }

  async get(id: string): Promise<Subscription | null> {
    const rows = await this.db.query<SubscriptionRow>(
      `SELECT ${COLUMNS} FROM alert_subscriptions WHERE id = $1`,
      [id],
    );
    return rows[0] ? toSubscription(rows[0]) : null;
  }

  async byEmail(email: string): Promise<Subscription[]> {
    const rows = await this.db.query<SubscriptionRow>(
      `SELECT ${COLUMNS} FROM alert_subscriptions WHERE channel_settings->>'email' = $1 ORDER BY created_at, id`,
      [email],
    );
    return rows.map(toSubscription);
  }

  async byApiKey(apiKeyId: string): Promise<Subscription[]> {
    const rows = await this.db.query<SubscriptionRow>(
      `SELECT ${COLUMNS} FROM alert_subscriptions WHERE api_key_id = $1 ORDER BY created_at, id`,
      [apiKeyId],
    );
    return rows.map(toSubscription);
  }

  async list(limit = 1000): Promise<Subscription[]> {
    const rows = await this.db.query<SubscriptionRow>(
      `SELECT ${COLUMNS} FROM alert_subscriptions ORDER BY created_at, id LIMIT $1`,
      [limit],
    );
    return rows.map(toSubscription);
  }

  async byFeedTokenHash(hash: string): Promise<Subscription | null> {
    const rows = await this.db.query<SubscriptionRow>(
      `SELECT ${COLUMNS} FROM alert_subscriptions WHERE feed_token_hash = $1`,
      [hash],
    );
    return rows[0] ? toSubscription(rows[0]) : null;
  }

  /** pending → active; false when it was not pending (already confirmed, or gone). */
  async confirm(id: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE alert_subscriptions SET status = 'active', confirmed_at = now(), updated_at = now() WHERE id = $1 AND status = 'pending' RETURNING 1`,
      [id],
    );
    return rows.length > 0;
  }

  /** active ⇄ paused; false when the subscription is not in the other state. */
  async setPaused(id: string, paused: boolean): Promise<boolean> {
    const [from, to] = paused ? ['active', 'paused'] : ['paused', 'active'];
    const rows = await this.db.query(
      `UPDATE alert_subscriptions SET status = $2, updated_at = now() WHERE id = $1 AND status = $3 RETURNING 1`,
      [id, to, from],
    );
    return rows.length > 0;
  }

  async delete(id: string): Promise<boolean> {
    return (
      (await this.db.query('DELETE FROM alert_subscriptions WHERE id = $1 RETURNING 1', [id])).length > 0
    );
  }

  /** Deletes e-mail subscriptions never confirmed within `hours` (their links have long expired). */
  async purgeUnconfirmed(hours: number): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM alert_subscriptions WHERE status = 'pending' AND created_at < now() - $1::int * interval '1 hour' RETURNING 1`,
      [hours],
    );
    return rows.length;
  }

  async setFeedTokenHash(id: string, hash: string): Promise<void> {
    await this.db.query(
      'UPDATE alert_subscriptions SET feed_token_hash = $2, updated_at = now() WHERE id = $1',
      [id, hash],
    );
  }

  /** Changes with every write to subscriptions (a trigger bumps it): the matcher's cache key. */
  async generation(): Promise<string> {
    const rows = await this.db.query<{ g: string }>('SELECT generation::text AS g FROM alert_state');
    return rows[0]?.g ?? '0';
  }

  /**
   * Criteria of every subscription that is matched (active), with the generation read
   * before them (so a change racing this read only makes the next check reload). One JSON
   * value rather than 100,000 rows: JSON.parse is many times cheaper than row-by-row
   * parsing of text arrays, and this runs whenever subscriptions change.
   */
  async activeCriteria(): Promise<{
    generation: string;
    subscriptions: { id: string; criteria: Criteria }[];
  }> {
    const generation = await this.generation();
    const [row] = await this.db.query<{ j: string }>(
      `SELECT coalesce(json_agg(json_build_array(id, query_tsquery, tags, min_confidence, person_ids, houses, types) ORDER BY id), '[]')::text AS j
         FROM alert_subscriptions WHERE status = 'active'`,
    );
    const rows = JSON.parse(row?.j ?? '[]') as [
      string,
      string | null,
      string[],
      number,
      string[],
      string[],
      string[],
    ][];
    return {
      generation,
      subscriptions: rows.map(([id, query, tags, minConfidence, personIds, houses, types]) => ({
        id,
        criteria: { query, tags, minConfidence: roundConfidence(minConfidence), personIds, houses, types },
      })),
    };
  }

  async insertApiKey(id: string, keyHash: string, label: string): Promise<void> {
    await this.db.query('INSERT INTO alert_api_keys (id, key_hash, label) VALUES ($1, $2, $3)', [
      id,
      keyHash,
      label,
    ]);
  }

  /** The key's id when the hash belongs to a key that is not revoked. */
  async apiKeyIdByHash(keyHash: string): Promise<string | null> {
    const rows = await this.db.query<{ id: string }>(
      'SELECT id FROM alert_api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [keyHash],
    );
    return rows[0]?.id ?? null;
  }

  async listApiKeys(): Promise<ApiKey[]> {
    const rows = await this.db.query<{ id: string; label: string; created_at: string; revoked: boolean }>(
      `SELECT id, label, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at, revoked_at IS NOT NULL AS revoked
         FROM alert_api_keys ORDER BY created_at`,
    );
    return rows.map((r) => ({ id: r.id, label: r.label, createdAt: r.created_at, revoked: r.revoked }));
  }

  async revokeApiKey(id: string): Promise<boolean> {
    return (
      (
        await this.db.query(
          'UPDATE alert_api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING 1',
          [id],
        )
      ).length > 0
    );
  }
}

function scalarOf(s: NewSubscription, column: string): unknown {
  switch (column) {
    case 'id':
      return s.id;
    case 'channel':
      return s.channel;
    case 'channel_settings':
      return JSON.stringify(s.settings);
    case 'api_key_id':
      return s.apiKeyId;
    case 'secret_nonce':
      return s.secretNonce;
    case 'query_text':
      return s.queryText;
    case 'query_tsquery':
      return s.criteria.query;
    case 'min_confidence':
      return s.criteria.minConfidence;
    case 'frequency':
      return s.frequency;
    case 'status':
      return s.status;
    default:
      throw new Error(`unknown column ${column}`);
  }
}

/** real columns come back as 0.699999988…: round to what was stored. */
function roundConfidence(value: number | string): number {
  return Math.round(Number(value) * 10_000) / 10_000;
}
