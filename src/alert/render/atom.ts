/** An Atom (RFC 4287) feed of a subscription's matches. */
import { escapeHtml } from '../../html/escape.js';
import { excerptHtml, excerptText } from '../../search/highlight.js';
import { html, type SafeHtml } from '../../html/template.js';
import type { AlertItem, Subscription } from '../types.js';
import { describeSubscription, headingOf, speakerOf } from './describe.js';
import { safeWebUrl } from './safe-url.js';
import type { AlertLinks } from '../links.js';
import { contextLeadHtml, contextTailHtml } from './context.js';
import { itemHtml } from './email.js';

export interface FeedEntry {
  id: string;
  matchedAt: string;
  item: AlertItem;
}

/** Ids stay the same forever (RFC 4287 §4.2.6): tag URIs over the subscription and speech. */
function entryId(sub: Subscription, item: AlertItem): string {
  return `tag:hansard-watch,2024:alert/${sub.id}/${item.gid}`;
}

function titleOf(item: AlertItem): string {
  return item.division
    ? `${item.division.voter} voted ${item.division.vote}: ${item.division.title}`
    : `${item.speakerName ?? 'Statement'}: ${headingOf(item)}`;
}

function entry(sub: Subscription, e: FeedEntry, links: Pick<AlertLinks, 'speech'>): SafeHtml {
  const { item } = e;
  const hansard = safeWebUrl(item.hansardUrl);
  const twfy = safeWebUrl(item.twfyUrl);
  const link = item.division ? (twfy ?? hansard) : links.speech(item.gid);
  const more = [
    twfy ? `<a href="${escapeHtml(twfy)}">TheyWorkForYou</a>` : '',
    hansard ? `<a href="${escapeHtml(hansard)}">Official Report (Hansard)</a>` : '',
  ].filter(Boolean);
  const content = item.division
    ? itemHtml(item, links, { withHeading: true }).value
    : `<p><strong>${escapeHtml(speakerOf(item))}</strong> · ${escapeHtml(headingOf(item))}</p>${contextLeadHtml(item.context).toString()}<blockquote>${excerptHtml(item.excerpt)}</blockquote>${contextTailHtml(item.context).toString()}${
        more.length ? `<p>${more.join(' · ')}</p>` : ''
      }`;
  return html`<entry>
    <id>${entryId(sub, item)}</id>
    <title>${titleOf(item)}</title>
    <updated>${e.matchedAt}</updated>
    <published>${e.matchedAt}</published>
    <author><name>${item.speakerName ?? 'Parliament'}</name></author>
    ${link ? html`<link rel="alternate" type="text/html" href="${link}" />` : ''}
    <summary>${excerptText(item.excerpt)}</summary>
    <content type="html">${content}</content>
  </entry>`;
}

export function renderAtom(
  sub: Subscription,
  entries: readonly FeedEntry[],
  selfUrl: string,
  links: Pick<AlertLinks, 'speech'>,
  now = new Date(),
): string {
  const updated = entries[0]?.matchedAt ?? now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const title = `hansard-watch: ${describeSubscription(sub)}`;
  return `<?xml version="1.0" encoding="utf-8"?>\n${
    html`<feed xmlns="http://www.w3.org/2005/Atom">
      <id>tag:hansard-watch,2024:alert/${sub.id}</id>
      <title>${title}</title>
      <updated>${updated}</updated>
      <link rel="self" type="application/atom+xml" href="${selfUrl}" />
      <generator>hansard-watch</generator>
      ${entries.map((e) => entry(sub, e, links))}
    </feed>`.value
  }\n`;
}
