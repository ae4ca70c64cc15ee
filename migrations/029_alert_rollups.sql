-- Roll-ups (issue #20): one e-mail per address per delivery run, and one per address per
-- digest period, gathering the matches of every subscription of the address. Such a
-- message belongs to the address (recipient) rather than to one subscription, so
-- subscription_id is null; the subscriptions are those of the deliveries it carries.
ALTER TABLE alert_messages DROP CONSTRAINT alert_messages_kind_check;
ALTER TABLE alert_messages ADD CONSTRAINT alert_messages_kind_check
  CHECK (kind IN ('alert', 'digest', 'confirm', 'manage', 'notice', 'rollup'));

-- One digest per address and period, as (subscription_id, digest_key) is for one subscription.
CREATE UNIQUE INDEX alert_messages_recipient_digest ON alert_messages (recipient, digest_key)
  WHERE subscription_id IS NULL AND digest_key IS NOT NULL;

-- The per-address daily cap counts what went to an address in the last 24 hours.
CREATE INDEX alert_messages_recipient_sent ON alert_messages (recipient, sent_at)
  WHERE recipient IS NOT NULL AND status = 'sent';
