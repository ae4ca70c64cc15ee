-- Alert channels (src/alert/channels) keep what they need in one JSON object named by the
-- API's fields: e-mail {"email": …}, webhook {"url": …}, feed {}. A new channel then needs
-- no migration: its settings go in the same column, and the channel names are checked by
-- the channel registry rather than by a list here.
ALTER TABLE alert_subscriptions ADD COLUMN channel_settings jsonb NOT NULL DEFAULT '{}';

UPDATE alert_subscriptions SET channel_settings = CASE
    WHEN channel = 'email' THEN jsonb_build_object('email', email)
    WHEN channel = 'webhook' THEN jsonb_build_object('url', webhook_url)
    ELSE '{}'::jsonb
  END;

-- Dropping the columns drops their index and the two checks tying them to the channel.
DROP INDEX alert_subscriptions_email;
ALTER TABLE alert_subscriptions DROP COLUMN email;
ALTER TABLE alert_subscriptions DROP COLUMN webhook_url;
ALTER TABLE alert_subscriptions DROP CONSTRAINT alert_subscriptions_channel_check;
ALTER TABLE alert_subscriptions ADD CONSTRAINT alert_subscriptions_channel_settings_object
  CHECK (jsonb_typeof(channel_settings) = 'object');

-- Management links and the per-address checks find an address's subscriptions.
CREATE INDEX alert_subscriptions_email ON alert_subscriptions ((channel_settings->>'email'))
  WHERE channel_settings->>'email' IS NOT NULL;
