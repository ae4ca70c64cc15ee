-- A 'notice' message: sent when someone asks again for an alert the address already has
-- (confirmed). The subscribe endpoint answers every request the same way, so that it
-- cannot be used to learn which addresses subscribe to what; the difference goes only
-- into the mail, and this is that mail.
ALTER TABLE alert_messages DROP CONSTRAINT alert_messages_kind_check;
ALTER TABLE alert_messages ADD CONSTRAINT alert_messages_kind_check
  CHECK (kind IN ('alert', 'digest', 'confirm', 'manage', 'notice'));
