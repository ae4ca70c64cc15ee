/**
 * E-mails as plain text and HTML. Text from the record goes through the escaping `html`
 * template (src/html/template.ts); highlighted excerpts through excerptHtml, which
 * escapes first and only then turns the match markers into <mark>. Styles are inline:
 * mail clients drop style sheets.
 */
import { html, join, type SafeHtml } from '../../html/template.js';
import type { AlertLinks } from '../links.js';
import { emailOf, type AlertItem, type Subscription } from '../types.js';
import { neutralQuote } from './neutral.js';
import {
  contextLeadHtml,
  contextLeadText,
  contextTailHtml,
  contextTailText,
  markedHtml,
  markedText,
} from './context.js';
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

export const SITE = 'hansard-watch';

export function page(title: string, body: SafeHtml, footer: SafeHtml): string {
  return `<!doctype html>\n${
    html`<html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
      </head>
      <body
        style="font-family: -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; color: #1b1b1b; max-width: 40em; margin: 0 auto; padding: 0.8em; line-height: 1.45; font-size: 16px"
      >
        ${body}
        <hr style="border: 0; border-top: 1px solid #ccc; margin: 2em 0 1em" />
        <div style="font-size: 0.85em; color: #555">${footer}</div>
      </body>
    </html>`.value
  }\n`;
}

/** The speech here first (it follows revisions), then TheyWorkForYou and the Official Report. */
function itemLinks(item: AlertItem, links: Pick<AlertLinks, 'speech'>): { label: string; url: string }[] {
  const twfy = safeWebUrl(item.twfyUrl);
  const hansard = safeWebUrl(item.hansardUrl);
  return [
    ...(item.division ? [] : [{ label: `Read it on ${SITE}`, url: links.speech(item.gid) }]),
    ...(twfy ? [{ label: 'TheyWorkForYou', url: twfy }] : []),
    ...(hansard ? [{ label: 'Hansard', url: hansard }] : []),
  ];
}

const linkRow = (item: AlertItem, links: Pick<AlertLinks, 'speech'>): SafeHtml =>
  join(
    itemLinks(item, links).map(
      (l, i) =>
        html`<a href="${l.url}" style="${i === 0 ? 'font-weight: bold; ' : ''}color: #0b57a4">${l.label}</a>`,
    ),
    ' · ',
  );

/** "Also matches your alert …": a speech several alerts match is shown once, under the first. */
export interface ItemOptions {
  withHeading: boolean;
  also?: readonly string[];
}

export function itemHtml(item: AlertItem, links: Pick<AlertLinks, 'speech'>, o: ItemOptions): SafeHtml {
  if (item.division) return divisionHtml(item, links, o);
  return html`<div style="margin: 1em 0 1.4em">
    ${o.withHeading ? html`<h3 style="font-size: 1.05em; margin: 0 0 0.15em">${headingOf(item)}</h3>` : ''}
    <p style="margin: 0; color: #444; font-size: 0.92em">
      <strong>${speakerOf(item)}</strong
      >${o.withHeading ? html` · ${longDate(item.sittingDate)}` : ''}${houseOf(item) ? html` · ${houseOf(item)}` : ''}
    </p>
    ${contextLeadHtml(item.context)}
    <blockquote style="margin: 0.5em 0; padding-left: 0.8em; border-left: 3px solid #c9a800">
      ${markedHtml(item.excerpt)}
    </blockquote>
    ${contextTailHtml(item.context)}
    ${o.also?.length ? html`<p style="margin: 0.3em 0; font-size: 0.85em; color: #666">Also matches: ${o.also.join('; ')}</p>` : ''}
    <p style="margin: 0.4em 0 0">${linkRow(item, links)}</p>
  </div>`;
}

export function itemText(item: AlertItem, links: AlertLinks, o: ItemOptions): string {
  if (item.division) return divisionText(item, links, o);
  const lines = [
    ...(o.withHeading ? [headingOf(item)] : []),
    // In a digest the debate's heading line already gives the date.
    `${speakerOf(item)}${o.withHeading ? ` · ${longDate(item.sittingDate)}` : ''}${houseOf(item) ? ` · ${houseOf(item)}` : ''}`,
    '',
    ...contextLeadText(item.context),
    `  “${markedText(item.excerpt)}”`,
    ...contextTailText(item.context),
    ...(o.also?.length ? ['', `  Also matches: ${o.also.join('; ')}`] : []),
    '',
    ...itemLinks(item, links).map((l) => `  ${l.label}: ${l.url}`),
  ];
  return lines.join('\n');
}

/** A division a followed MP voted in. */
function divisionHtml(item: AlertItem, links: Pick<AlertLinks, 'speech'>, o: ItemOptions): SafeHtml {
  const d = item.division!;
  return html`<div style="margin: 1em 0 1.4em">
    <h3 style="font-size: 1.05em; margin: 0 0 0.15em">
      Division${d.number ? ` ${d.number}` : ''}: ${d.title}
    </h3>
    <p style="margin: 0; color: #444; font-size: 0.92em">
      ${longDate(item.sittingDate)}${houseOf(item) ? html` · ${houseOf(item)}` : ''}
    </p>
    <p style="margin: 0.4em 0; font-size: 1.05em">
      <strong>${d.voter}</strong> voted <strong>${voteLabel(d.vote)}</strong>
    </p>
    <p style="margin: 0.2em 0; font-size: 0.92em">${resultLine(d)}</p>
    ${d.tags.length ? html`<p style="margin: 0.2em 0; font-size: 0.85em; color: #666">Debate tagged: ${d.tags.join(', ')}</p>` : ''}
    ${o.also?.length ? html`<p style="margin: 0.3em 0; font-size: 0.85em; color: #666">Also for: ${o.also.join('; ')}</p>` : ''}
    <p style="margin: 0.4em 0 0">${linkRow(item, links)}</p>
  </div>`;
}

function divisionText(item: AlertItem, links: AlertLinks, o: ItemOptions): string {
  const d = item.division!;
  return [
    `Division${d.number ? ` ${d.number}` : ''}: ${d.title}`,
    `${longDate(item.sittingDate)}${houseOf(item) ? ` · ${houseOf(item)}` : ''}`,
    '',
    `  ${d.voter} voted ${voteLabel(d.vote)}`,
    `  ${resultLine(d)}`,
    ...(d.tags.length ? [`  Debate tagged: ${d.tags.join(', ')}`] : []),
    ...(o.also?.length ? [`  Also for: ${o.also.join('; ')}`] : []),
    '',
    ...itemLinks(item, links).map((l) => `  ${l.label}: ${l.url}`),
  ].join('\n');
}

const VOTE_LABELS: Record<string, string> = {
  aye: 'Aye',
  no: 'No',
  tellaye: 'Aye (teller)',
  tellno: 'No (teller)',
  content: 'Content',
  'not-content': 'Not content',
  for: 'For',
  against: 'Against',
  abstain: 'Abstain',
};

function voteLabel(vote: string): string {
  return VOTE_LABELS[vote] ?? vote;
}

function resultLine(d: NonNullable<AlertItem['division']>): string {
  const counts = Object.entries(d.counts)
    .filter(([k]) => !k.startsWith('teller'))
    .map(([k, n]) => `${k.charAt(0).toUpperCase()}${k.slice(1)} ${n}`)
    .join(', ');
  const result = d.result === 'tie' ? 'a tie' : d.result ? `the ${d.result} have it` : null;
  return [counts, result ? `Result: ${result}` : null].filter(Boolean).join(' · ') || 'Result not recorded';
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
export function listHeaders(sub: Subscription, links: AlertLinks): Record<string, string> {
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
    text: `${itemText(item, links, { withHeading: true })}\n\n--\n${footer.text}`,
    html: page(subject, itemHtml(item, links, { withHeading: true }), footer.html),
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
        `== ${g.heading} (${longDate(g.sittingDate)}) ==\n\n${g.items.map((i) => itemText(i, links, { withHeading: false })).join('\n\n')}`,
    )
    .join('\n\n');
  const body = html`<h1 style="font-size: 1.3em">${period} digest: ${count}</h1>
    ${groups.map(
      (g) =>
        html`<section style="margin: 1.5em 0">
          <h2 style="font-size: 1.15em; margin: 0; border-bottom: 1px solid #ddd">
            ${g.heading} <span style="font-weight: normal; color: #555">· ${longDate(g.sittingDate)}</span>
          </h2>
          ${g.items.map((i) => itemHtml(i, links, { withHeading: false }))}
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
