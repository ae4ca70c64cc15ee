/** E-mail out over SMTP (nodemailer), over a small pool of connections. */
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';
import type { RenderedEmail } from '../render/email.js';

export interface MailTransport {
  /** Resolves once the SMTP server has accepted the message; rejects otherwise. */
  send(mail: RenderedEmail, messageId: string): Promise<void>;
  close(): void;
}

/**
 * Pooled: a fresh connection per message managed only about 35 messages a second against
 * a local server (bench pipeline fell behind on a busy file), a pool of four over ten
 * times that. The pool drops a connection that breaks and opens another for the next
 * message, so a server restart costs one failed send (retried with backoff by the
 * dispatcher), and `maxMessages` recycles connections now and then. Timeouts are short so
 * an SMTP outage turns into a quick failure, not a stuck worker.
 */
export const SMTP_CONNECTIONS = 4;

export function smtpTransport(url: string, from: string): MailTransport {
  const transport = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: SMTP_CONNECTIONS,
    maxMessages: 100,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail, messageId) {
      await transport.sendMail(messageOptions(mail, messageId, from));
    },
    close() {
      transport.close();
    },
  };
}

/** What nodemailer is given for one message, over SMTP or into the outbox alike. */
export function messageOptions(mail: RenderedEmail, messageId: string, from: string): SendMailOptions {
  const host = (/@([^>\s]+)>?$/.exec(from)?.[1] ?? 'hansard-watch.invalid').toLowerCase();
  return {
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
  };
}
