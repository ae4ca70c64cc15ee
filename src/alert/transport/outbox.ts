/**
 * E-mail into a local outbox: each message is written by nodemailer's stream transport as
 * an RFC 5322 .eml file (what an SMTP server would have been sent), for a server without
 * SMTP_URL. /admin/outbox lists and shows them; any mail client opens them.
 *
 * File names start with the time written (sortable, newest last) and end with the
 * delivery id. Files are written under a temporary name and renamed, so a reader never
 * sees half a message; mode 600 and a 700 directory, since they hold confirmation links.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { messageOptions, type MailTransport } from './mail.js';

export const OUTBOX_SUFFIX = '.eml';

/** `20300107T143100123Z-<id>.eml`: ISO time without separators, then the delivery id made file-safe. */
export function outboxFileName(messageId: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${messageId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80)}${OUTBOX_SUFFIX}`;
}

export function outboxTransport(
  dir: string,
  from: string,
  now: () => Date = () => new Date(),
): MailTransport {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let ready: Promise<unknown> | null = null;
  return {
    async send(mail, messageId) {
      ready ??= mkdir(dir, { recursive: true, mode: 0o700 });
      await ready;
      const info = await transport.sendMail(messageOptions(mail, messageId, from));
      const file = path.join(dir, outboxFileName(messageId, now()));
      const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temp, info.message as Buffer, { mode: 0o600 });
      await rename(temp, file);
    },
    close() {
      transport.close();
    },
  };
}
