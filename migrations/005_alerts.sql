-- Alerts (src/alert): subscriptions, API keys of webhook owners, the delivery log and the
-- outbox of messages to send. Postgres is the record of what was matched and sent: a
-- crashed worker, a retried job or a revised file finds the log and does not send twice.

-- Webhook (and feed) owners authenticate with an API key; only its sha256 is stored.
CREATE TABLE alert_api_keys (
  id          text PRIMARY KEY,
  key_hash    text NOT NULL UNIQUE,
  label       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

CREATE TABLE alert_subscriptions (
  id              text PRIMARY KEY,
  channel         text NOT NULL CHECK (channel IN ('email', 'webhook', 'feed')),
  email           text,
  webhook_url     text,
  api_key_id      text REFERENCES alert_api_keys (id) ON DELETE CASCADE,
  -- Mixed into secrets derived from ALERT_SECRET (the webhook signing key), so one can be rotated.
  secret_nonce    text NOT NULL,
  -- sha256 of the random token in the feed URL; null until a feed URL is handed out.
  feed_token_hash text UNIQUE,
  -- What the person typed, and what Postgres made of it (websearch_to_tsquery('english', …)::text).
  query_text      text,
  query_tsquery   text,
  tags            text[] NOT NULL DEFAULT '{}',
  min_confidence  real NOT NULL DEFAULT 0.5,
  person_ids      text[] NOT NULL DEFAULT '{}',
  houses          text[] NOT NULL DEFAULT '{}',
  types           text[] NOT NULL DEFAULT '{}',
  frequency       text NOT NULL CHECK (frequency IN ('immediate', 'daily', 'weekly')),
  -- pending: e-mail not yet confirmed (nothing is matched or sent); paused: kept, not matched.
  status          text NOT NULL CHECK (status IN ('pending', 'active', 'paused')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  confirmed_at    timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((channel = 'email') = (email IS NOT NULL)),
  CHECK ((channel = 'webhook') = (webhook_url IS NOT NULL))
);
CREATE INDEX alert_subscriptions_email ON alert_subscriptions (email) WHERE email IS NOT NULL;
CREATE INDEX alert_subscriptions_api_key ON alert_subscriptions (api_key_id) WHERE api_key_id IS NOT NULL;

-- Bumped by every change to subscriptions, so matchers can keep their compiled index
-- cached and reload it only when it is stale (one cheap read per batch).
CREATE TABLE alert_state (
  id          boolean PRIMARY KEY DEFAULT true CHECK (id),
  generation  bigint NOT NULL
);
INSERT INTO alert_state (id, generation) VALUES (true, 0);

CREATE FUNCTION alert_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE alert_state SET generation = generation + 1; RETURN NULL; END $$;

CREATE TRIGGER alert_subscriptions_changed AFTER INSERT OR UPDATE OR DELETE ON alert_subscriptions
  FOR EACH STATEMENT EXECUTE FUNCTION alert_bump_generation();

-- The outbox: one row per message to send (an alert, a digest, a confirmation or a
-- management link), with its delivery state: pending → sending → sent, or failed (retried
-- at next_attempt_at) → dead after the last attempt. 'sending' carries a lease: a worker
-- that dies mid-send leaves the row to be taken again once the lease lapses.
CREATE TABLE alert_messages (
  id              bigserial PRIMARY KEY,
  subscription_id text REFERENCES alert_subscriptions (id) ON DELETE CASCADE,
  kind            text NOT NULL CHECK (kind IN ('alert', 'digest', 'confirm', 'manage')),
  -- For 'manage' messages, which are about an address rather than one subscription.
  recipient       text,
  -- Digests: the period (local date of the digest) they cover; one per subscription and period.
  digest_key      text,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until     timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  UNIQUE (subscription_id, digest_key)
);
CREATE INDEX alert_messages_due ON alert_messages (next_attempt_at) WHERE status IN ('pending', 'failed', 'sending');
CREATE INDEX alert_messages_dead ON alert_messages (created_at) WHERE status = 'dead';

-- The delivery log: one row per (subscription, speech) ever matched, written before
-- anything is sent. A speech is recognised across revisions by its gid, by its content
-- hash within the same day (an unchanged speech that only got a new gid) and by the
-- gid_redirects leading to it (checked when inserting). `item` is what the alert shows
-- (headings, speaker, highlighted excerpt, links), kept so that later revisions of the
-- day do not change a message waiting to be sent or the feed.
CREATE TABLE alert_deliveries (
  id              bigserial PRIMARY KEY,
  subscription_id text NOT NULL REFERENCES alert_subscriptions (id) ON DELETE CASCADE,
  speech_gid      text NOT NULL,
  group_key       text NOT NULL,
  content_hash    text NOT NULL,
  sitting_date    date NOT NULL,
  item            jsonb NOT NULL,
  -- The message carrying it; null while it waits for a digest (or for feed-only subscriptions).
  message_id      bigint REFERENCES alert_messages (id) ON DELETE SET NULL,
  matched_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subscription_id, speech_gid),
  UNIQUE (subscription_id, group_key, content_hash)
);
CREATE INDEX alert_deliveries_waiting ON alert_deliveries (subscription_id) WHERE message_id IS NULL;
CREATE INDEX alert_deliveries_message ON alert_deliveries (message_id);
CREATE INDEX alert_deliveries_recent ON alert_deliveries (subscription_id, id DESC);
CREATE INDEX alert_deliveries_gid ON alert_deliveries (speech_gid);

-- Days announced to alerts while still waiting to be tagged (the tagger skips a day that
-- is being rewritten): matched again once tagged, so tag subscriptions miss nothing.
-- Matching again is harmless: the delivery log turns every repeat into a no-op.
CREATE TABLE alert_rematch (
  group_key  text PRIMARY KEY,
  queued_at  timestamptz NOT NULL DEFAULT now()
);
