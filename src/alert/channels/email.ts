/**
 * The e-mail channel: alerts and digests as e-mail, over SMTP or into the local outbox
 * (transport/). Public and double opt-in: anyone may ask, nothing is matched until the
 * address confirms, and the address is the subscription's identity (management links,
 * the per-address limit). Settings: `{ email }`.
 */
import type { FieldIssue } from '../../input/field-issues.js';
import { AlertUnavailableError } from '../errors.js';
import { renderAlertEmail, renderDigestEmail, type RenderedEmail } from '../render/email.js';
import type { AlertChannel, ChannelServices, ChannelSettings } from './channel.js';

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** The address, trimmed and lower-cased; null (with an issue) when it is missing or malformed. */
export function checkEmail(raw: string | null | undefined, issues: FieldIssue[]): string | null {
  const email = raw?.trim().toLowerCase() ?? '';
  if (email === '') issues.push({ field: 'email', message: 'is required' });
  else if (email.length > 254 || !EMAIL.test(email))
    issues.push({ field: 'email', message: 'must be an email address like name@example.org' });
  else return email;
  return null;
}

/** Sends one e-mail; `messageId` (the outbox id) gives it the same Message-ID on every retry. */
export async function sendMail(
  services: Pick<ChannelServices, 'mail'>,
  mail: RenderedEmail,
  messageId: string,
): Promise<void> {
  if (!services.mail) throw new Error('e-mail is not configured on this server (SMTP_URL)');
  await services.mail.send(mail, messageId);
}

export const emailChannel: AlertChannel = {
  name: 'email',
  access: 'double-opt-in',
  async settings(request, services, issues): Promise<ChannelSettings> {
    if (!services.mail)
      throw new AlertUnavailableError(
        'E-mail alerts are not available: this server has no SMTP_URL configured.',
      );
    const email = checkEmail(request.email, issues);
    if (!email) return {};
    return { email };
  },
  target: (settings) => settings.email ?? null,
  async deliver({ id, kind, subscription, items, now }, services) {
    const mail =
      kind === 'digest'
        ? renderDigestEmail(subscription, items, services.links, now)
        : renderAlertEmail(subscription, items[0]!, services.links, now);
    await sendMail(services, mail, id);
  },
};
