/**
 * /admin/outbox: the e-mail a server without SMTP_URL has "sent", read from the .eml files
 * the outbox transport writes (src/alert/transport/outbox.ts), so that a new install can
 * confirm a subscription and see its alerts arrive. Behind the admin token like the rest
 * of /admin: the messages hold confirmation and unsubscribe links.
 *
 * Mail HTML never runs here: it goes through the feed sanitiser (no script, style, event
 * handler or foreign scheme survives; links stay clickable) and is shown under the site's
 * CSP, which allows no inline script either. The text part is escaped, its URLs linked.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { OUTBOX_SUFFIX } from '../alert/transport/outbox.js';
import { html, join, trusted, type SafeHtml } from '../html/template.js';
import { layout } from './pages/layout.js';
import { safeHref, sanitizeFeedHtml } from './pages/sanitize.js';

/** Newest messages listed; older ones stay on disk. */
export const OUTBOX_LIST_LIMIT = 200;
/** Larger files are not parsed (ours are a few kB; a digest a few hundred). */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
/** Names the transport writes; anything else (a path, "..") is not a message of ours. */
const NAME = /^[A-Za-z0-9_-]{1,200}\.eml$/;

export interface OutboxMessage {
  name: string;
  date: Date | null;
  from: string;
  to: string;
  subject: string;
  text: string | null;
  html: string | null;
}

/** Outbox files, newest first (their names start with the time written). */
export async function listOutboxFiles(dir: string, limit = OUTBOX_LIST_LIMIT): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((n) => n.endsWith(OUTBOX_SUFFIX) && NAME.test(n))
    .sort()
    .reverse()
    .slice(0, limit);
}

/** One message parsed, or null when there is no such file (or it is not one we would show). */
export async function readOutboxMessage(dir: string, name: string): Promise<OutboxMessage | null> {
  if (!NAME.test(name)) return null;
  const file = path.join(dir, name);
  try {
    if ((await stat(file)).size > MAX_MESSAGE_BYTES) return null;
  } catch {
    return null;
  }
  // mailparser is loaded on first use: most servers never open this page.
  const { simpleParser } = await import('mailparser');
  const mail = await simpleParser(await readFile(file), { skipImageLinks: true, skipTextToHtml: true });
  const addresses = (a: typeof mail.to): string =>
    a === undefined ? '' : (Array.isArray(a) ? a : [a]).map((x) => x.text).join(', ');
  return {
    name,
    date: mail.date ?? null,
    from: addresses(mail.from),
    to: addresses(mail.to),
    subject: mail.subject ?? '(no subject)',
    text: mail.text ?? null,
    html: typeof mail.html === 'string' ? mail.html : null,
  };
}

const URL_IN_TEXT = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

/** Escaped text with its http(s) URLs as links. */
export function linkifyText(text: string): SafeHtml {
  const parts: SafeHtml[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    parts.push(html`${text.slice(last, m.index)}`);
    const href = safeHref(m[0]);
    parts.push(href ? html`<a href="${href}" rel="noopener noreferrer">${m[0]}</a>` : html`${m[0]}`);
    last = m.index + m[0].length;
  }
  parts.push(html`${text.slice(last)}`);
  return join(parts);
}

function page(reply: FastifyReply, title: string, body: SafeHtml, status = 200): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex')
    .type('text/html; charset=utf-8')
    .send(
      layout({
        title,
        body: html`<h1>${title}</h1>
          ${body}`,
      }),
    );
}

const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '');

function listBody(dir: string, messages: OutboxMessage[]): SafeHtml {
  const intro = html`<p>
    E-mail this server would have sent (no <code>SMTP_URL</code> is set), newest first, from
    <code>${dir}</code>. Set <code>SMTP_URL</code> and <code>MAIL_FROM</code> to deliver it for real.
  </p>`;
  if (messages.length === 0)
    return html`${intro}
      <p>No messages yet.</p>`;
  const rows = messages.map(
    (m) =>
      html`<tr>
        <td>${when(m.date)}</td>
        <td>${m.to}</td>
        <td><a href="/admin/outbox/${m.name}">${m.subject}</a></td>
      </tr>`,
  );
  return html`${intro}
    <table class="outbox">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">To</th>
          <th scope="col">Subject</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>`;
}

/** The sanitiser takes fragments: a document's doctype would come out as text. */
const withoutDoctype = (markup: string) => markup.replace(/^\s*<!doctype[^>]*>/i, '');

function messageBody(m: OutboxMessage): SafeHtml {
  return html`<p>
      <a href="/admin/outbox">← All messages</a> · <a href="/admin/outbox/${m.name}/raw">Download .eml</a>
    </p>
    <dl class="mail-headers">
      <dt>From</dt>
      <dd>${m.from}</dd>
      <dt>To</dt>
      <dd>${m.to}</dd>
      <dt>Date</dt>
      <dd>${when(m.date)}</dd>
    </dl>
    ${
      m.text !== null
        ? html`<h2>Text</h2>
            <pre class="mail-text">${linkifyText(m.text)}</pre>`
        : ''
    }
    ${
      m.html !== null
        ? html`<h2>HTML (sanitised: no scripts, styles or images)</h2>
            <div class="mail-html">${trusted(sanitizeFeedHtml(withoutDoctype(m.html)))}</div>`
        : ''
    }`;
}

/** GET /outbox, /outbox/:name and /outbox/:name/raw, in the admin plugin's context. */
export function outboxRoutes(app: FastifyInstance, dir: string | null): void {
  app.get('/outbox', async (_req, reply) => {
    if (dir === null)
      return page(
        reply,
        'Outbox',
        html`<p>E-mail goes out over SMTP (<code>SMTP_URL</code>): there is no local outbox.</p>`,
      );
    const messages = await Promise.all((await listOutboxFiles(dir)).map((n) => readOutboxMessage(dir, n)));
    return page(
      reply,
      'Outbox',
      listBody(
        dir,
        messages.filter((m): m is OutboxMessage => m !== null),
      ),
    );
  });

  app.get<{ Params: { name: string } }>('/outbox/:name', async (req, reply) => {
    const message = dir === null ? null : await readOutboxMessage(dir, req.params.name);
    if (!message) return page(reply, 'No such message', html`<p><a href="/admin/outbox">Outbox</a></p>`, 404);
    return page(reply, message.subject, messageBody(message));
  });

  app.get<{ Params: { name: string } }>('/outbox/:name/raw', async (req, reply) => {
    const { name } = req.params;
    if (dir === null || !NAME.test(name))
      return reply.code(404).type('text/plain; charset=utf-8').send('No such message.');
    let bytes: Buffer;
    try {
      bytes = await readFile(path.join(dir, name));
    } catch {
      return reply.code(404).type('text/plain; charset=utf-8').send('No such message.');
    }
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${name}"`)
      .type('message/rfc822')
      .send(bytes);
  });
}
