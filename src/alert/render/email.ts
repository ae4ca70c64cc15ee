/**
 * E-mails as plain text and HTML. Text from the record goes through the escaping `html`
 * template (src/html/template.ts); highlighted excerpts through excerptHtml, which
 * escapes first and only then turns the match markers into <mark>. Styles are inline:
 * mail clients drop style sheets.
 */
import { excerptHtml, MARK_END, MARK_START } from '../../search/highlight.js';
import { html, join, trusted, type SafeHtml } from '../../html/template.js';
import type { AlertLinks } from '../links.js';
import { emailOf, type AlertItem, type Subscription } from '../types.js';
import { neutralQuote } from './neutral.js';
import { safeWebUrl } from './safe-url.js';
import {
  clip,
  describeSubscription,
  groupByDebate,
  headingOf,
  houseOf,
  longDate,
  speakerOf,
} from './describe.js';

export interface RenderedEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers (List-Unsubscribe and friends). */
  headers: Record<string, string>;
}

const SITE = 'hansard-watch';

/** Matched words as *word* in plain text. */
function excerptText(marked: string): string {
  return marked.split(MARK_START).join('*').split(MARK_END).join('*');
}

function page(title: string, body: SafeHtml, footer: SafeHtml): string {
  return `<!doctype html>\n${
    html`<html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
      </head>
      <body
        style="font-family: Georgia, 'Times New Roman', serif; color: #1b1b1b; max-width: 40em; margin: 0 auto; padding: 1em; line-height: 1.45"
      >
        ${body}
        <hr style="border: 0; border-top: 1px solid #ccc; margin: 2em 0 1em" />
        <div style="font-size: 0.85em; color: #555">${footer}</div>
      </body>
    </html>`.value
  }\n`;
}

function itemHtml(item: AlertItem, withHeading: boolean): SafeHtml {
  const twfy = safeWebUrl(item.twfyUrl);
  const hansard = safeWebUrl(item.hansardUrl);
  const links = [
    twfy ? html`<a href="${twfy}">Read it on TheyWorkForYou</a>` : null,
    hansard ? html`<a href="${hansard}">Official Report (Hansard)</a>` : null,
  ].filter((l): l is SafeHtml => l !== null);
  return html`<div style="margin: 1.2em 0">
    ${withHeading ? html`<h2 style="font-size: 1.15em; margin: 0 0 0.2em">${headingOf(item)}</h2>` : ''}
    <p style="margin: 0; color: #444">
      <strong>${speakerOf(item)}</strong
      >${withHeading ? html` · ${longDate(item.sittingDate)}` : ''}${houseOf(item) ? html` · ${houseOf(item)}` : ''}
    </p>
    <blockquote style="margin: 0.5em 0; padding-left: 0.8em; border-left: 3px solid #ccc">
      ${trusted(excerptHtml(item.excerpt).replaceAll('<mark>', '<mark style="background: #fff2a8">'))}
    </blockquote>
    <p style="margin: 0">${join(links, ' · ')}</p>
  </div>`;
}

function itemText(item: AlertItem, withHeading: boolean): string {
  const twfy = safeWebUrl(item.twfyUrl);
  const hansard = safeWebUrl(item.hansardUrl);
  const lines = [
    ...(withHeading ? [headingOf(item)] : []),
    // In a digest the debate's heading line already gives the date.
    `${speakerOf(item)}${withHeading ? ` · ${longDate(item.sittingDate)}` : ''}${houseOf(item) ? ` · ${houseOf(item)}` : ''}`,
    '',
    `  “${excerptText(item.excerpt)}”`,
    '',
    ...(twfy ? [`  TheyWorkForYou: ${twfy}`] : []),
    ...(hansard ? [`  Hansard: ${hansard}`] : []),
  ];
  return lines.join('\n');
}

function alertFooter(sub: Subscription, links: AlertLinks, now: Date): { text: string; html: SafeHtml } {
  const label = describeSubscription(sub);
  const manage = links.manage(emailOf(sub) ?? '', now, true);
  const unsubscribe = links.unsubscribe(sub.id);
  return {
    text: `You get this because you subscribed to ${SITE} alerts for: ${label}\nManage your alerts: ${manage}\nUnsubscribe from this alert (no login needed): ${unsubscribe}\n`,
    html: html`You get this because you subscribed to ${SITE} alerts for <strong>${label}</strong>.<br />
      <a href="${manage}">Manage your alerts</a> ·
      <a href="${unsubscribe}">Unsubscribe from this alert</a> (no login needed)`,
  };
}

/** RFC 2369 and RFC 8058 one-click unsubscribe, so mail clients offer their own button. */
function listHeaders(sub: Subscription, links: AlertLinks): Record<string, string> {
  const host = new URL(links.baseUrl).hostname;
  return {
    'List-Unsubscribe': `<${links.unsubscribe(sub.id)}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Id': `${SITE} alert ${sub.id} <${sub.id.replace(/[^A-Za-z0-9-]/g, '-')}.alerts.${host}>`,
    'Auto-Submitted': 'auto-generated',
  };
}

export function renderAlertEmail(
  sub: Subscription,
  item: AlertItem,
  links: AlertLinks,
  now = new Date(),
): RenderedEmail {
  const footer = alertFooter(sub, links, now);
  const subject = clip(
    `Alert: ${describeSubscription(sub)} — ${item.speakerName ?? 'Statement'} on ${headingOf(item)}`,
    150,
  );
  return {
    to: emailOf(sub) ?? '',
    subject,
    text: `${itemText(item, true)}\n\n--\n${footer.text}`,
    html: page(subject, itemHtml(item, true), footer.html),
    headers: listHeaders(sub, links),
  };
}

export function renderDigestEmail(
  sub: Subscription,
  items: readonly AlertItem[],
  links: AlertLinks,
  now = new Date(),
): RenderedEmail {
  const footer = alertFooter(sub, links, now);
  const groups = groupByDebate(items);
  const period = sub.frequency === 'weekly' ? 'Weekly' : 'Daily';
  const count = `${items.length} speech${items.length === 1 ? '' : 'es'} in ${groups.length} debate${groups.length === 1 ? '' : 's'}`;
  const subject = clip(`${period} digest: ${count} for ${describeSubscription(sub)}`, 150);
  const text = groups
    .map(
      (g) =>
        `== ${g.heading} (${longDate(g.sittingDate)}) ==\n\n${g.items.map((i) => itemText(i, false)).join('\n\n')}`,
    )
    .join('\n\n');
  const body = html`<h1 style="font-size: 1.3em">${period} digest: ${count}</h1>
    ${groups.map(
      (g) =>
        html`<section style="margin: 1.5em 0">
          <h2 style="font-size: 1.15em; margin: 0; border-bottom: 1px solid #ddd">
            ${g.heading} <span style="font-weight: normal; color: #555">· ${longDate(g.sittingDate)}</span>
          </h2>
          ${g.items.map((i) => itemHtml(i, false))}
        </section>`,
    )}`;
  return {
    to: emailOf(sub) ?? '',
    subject,
    text: `${period} digest: ${count}\n\n${text}\n\n--\n${footer.text}`,
    html: page(subject, body, footer.html),
    headers: listHeaders(sub, links),
  };
}

/**
 * What a confirmation or notice says the alert is about. The query is the requester's
 * text and the address has not agreed to anything: quoted, capped and defanged
 * (neutral.ts), and kept out of the subject.
 */
function strangerLabel(sub: Subscription): string {
  return describeSubscription(sub, (q) => `words ${neutralQuote(q)}`);
}

const whenOf = (sub: Subscription): string =>
  sub.frequency === 'immediate' ? 'as soon as they are published' : `in a ${sub.frequency} digest`;

export function renderConfirmEmail(sub: Subscription, links: AlertLinks, now = new Date()): RenderedEmail {
  const url = links.confirm(sub.id, now);
  const label = strangerLabel(sub);
  const hours = links.confirmHoursValid;
  const subject = `Confirm your ${SITE} alert`;
  const when = whenOf(sub);
  return {
    to: emailOf(sub) ?? '',
    subject,
    text: `Someone (we hope you) asked ${SITE} to e-mail this address about parliamentary speeches matching:\n\n  ${label}\n\n${when}.\n\nTo start the alerts, confirm within ${hours} hours:\n${url}\n\nIf you did not ask for this, ignore this e-mail: nothing will be sent to you.\n`,
    html: page(
      subject,
      html`<p>
          Someone (we hope you) asked ${SITE} to e-mail this address about parliamentary speeches matching
          <strong>${label}</strong>, ${when}.
        </p>
        <p>
          <a href="${url}" style="font-size: 1.1em">Confirm and start the alerts</a> (within ${hours} hours)
        </p>`,
      html`If you did not ask for this, ignore this e-mail: nothing will be sent to you.`,
    ),
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

/**
 * The answer to a request for an alert the address already has (confirmed). The web
 * answer is the same whatever the address's state, so this mail is where the difference
 * shows: nothing changed, and here is how to manage the alerts.
 */
export function renderNoticeEmail(sub: Subscription, links: AlertLinks, now = new Date()): RenderedEmail {
  const manage = links.manage(emailOf(sub) ?? '', now);
  const label = strangerLabel(sub);
  const subject = `Your ${SITE} alert`;
  const state = sub.status === 'paused' ? 'already has this alert (paused)' : 'already has this alert';
  return {
    to: emailOf(sub) ?? '',
    subject,
    text: `Someone (we hope you) asked ${SITE} again to e-mail this address about parliamentary speeches matching:\n\n  ${label}\n\nThis address ${state}, so nothing has changed.\n\nTo list, pause or delete your alerts (the link works for 24 hours, no password needed):\n${manage}\n\nIf you did not ask for this, ignore this e-mail.\n`,
    html: page(
      subject,
      html`<p>
          Someone (we hope you) asked ${SITE} again to e-mail this address about parliamentary speeches
          matching <strong>${label}</strong>.
        </p>
        <p>This address ${state}, so nothing has changed.</p>
        <p>
          <a href="${manage}">List, pause or delete your alerts</a> (the link works for 24 hours, no password
          needed)
        </p>`,
      html`If you did not ask for this, ignore this e-mail.`,
    ),
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

export function renderManageEmail(
  email: string,
  subscriptions: number,
  links: AlertLinks,
  now = new Date(),
): RenderedEmail {
  const url = links.manage(email, now);
  const subject = `Manage your ${SITE} alerts`;
  const what =
    subscriptions === 0
      ? 'There are no alerts for this address at the moment.'
      : `This address has ${subscriptions} alert${subscriptions === 1 ? '' : 's'}.`;
  return {
    to: email,
    subject,
    text: `${what}\n\nList, pause or delete them here (the link works for 24 hours, no password needed):\n${url}\n\nIf you did not ask for this, ignore this e-mail.\n`,
    html: page(
      subject,
      html`<p>${what}</p>
        <p>
          <a href="${url}">List, pause or delete your alerts</a> (the link works for 24 hours, no password
          needed)
        </p>`,
      html`If you did not ask for this, ignore this e-mail.`,
    ),
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}
