/** E-mail out over SMTP (nodemailer), one connection per message. */
import nodemailer from 'nodemailer';
import type { RenderedEmail } from '../render/email.js';

export interface MailTransport {
  /** Resolves once the SMTP server has accepted the message; rejects otherwise. */
  send(mail: RenderedEmail, messageId: string): Promise<void>;
  close(): void;
}

/**
 * Not pooled: alerts come in small bursts, and a fresh connection per message recovers
 * from a server restart without any reconnection logic of ours. Timeouts are short so an
 * SMTP outage turns into a quick failure (and a retry with backoff), not a stuck worker.
 */
export function smtpTransport(url: string, from: string): MailTransport {
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  const host = (/@([^>\s]+)>?$/.exec(from)?.[1] ?? 'hansard-watch.invalid').toLowerCase();
  return {
    async send(mail, messageId) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
        // The same Message-ID on every retry of one message: should a send be repeated
        // after a crash between acceptance and bookkeeping, clients can fold the copies.
        messageId: `<alert-${messageId}@${host}>`,
        // Message bodies are ours; never let content make nodemailer read files or fetch URLs.
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    },
    close() {
      transport.close();
    },
  };
}
