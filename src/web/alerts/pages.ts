/**
 * The alert pages: confirm, unsubscribe, manage. Each action that changes something is a
 * button posting a form: mail scanners and link previewers fetch links in e-mails with
 * GET, and must not confirm or unsubscribe anyone by doing so.
 */
import { describeSubscription, headingOf, longDate, speakerOf } from '../../alert/render/describe.js';
import type { Preview } from '../../alert/preview.js';
import { emailOf, type AlertItem, type Subscription } from '../../alert/types.js';
import { escapeHtml } from '../../html/escape.js';
import { excerptHtml } from '../../search/highlight.js';
import { ALERT_PATHS } from '../../alert/links.js';
import { html, trusted, type SafeHtml } from '../../html/template.js';
import { layout } from '../pages/layout.js';

function page(title: string, body: SafeHtml): string {
  return layout({
    title,
    current: 'subscribe',
    body: html`<h1>${title}</h1>
      ${body}`,
  });
}

const when = (s: Subscription) =>
  s.frequency === 'immediate' ? 'as soon as they are published' : `in a ${s.frequency} digest`;

export function confirmPage(token: string, sub: Subscription | null): string {
  if (!sub)
    return invalidLinkPage(
      'This confirmation link is not valid or has expired. Subscribe again to get a new one.',
    );
  return page(
    'Confirm your alert',
    html`<p>
        Alerts for <strong>${describeSubscription(sub)}</strong> to ${emailOf(sub) ?? ''}, ${when(sub)}.
      </p>
      <form method="post" action="${ALERT_PATHS.confirm}">
        <input type="hidden" name="token" value="${token}" />
        <button type="submit">Confirm and start the alerts</button>
      </form>`,
  );
}

/** The last few speeches the alert would have caught, so a new subscriber sees what to expect. */
function recentList(recent: readonly AlertItem[]): SafeHtml {
  if (recent.length === 0)
    return html`<p>
      Nothing in the last couple of weeks of the record matches yet; you will hear as soon as something does.
    </p>`;
  return html`<h2>Recent matches</h2>
    <ul class="recent-matches">
      ${recent.map(
        (i) =>
          html`<li>
            <a href="/speeches/${encodeURI(i.gid)}">${headingOf(i)}</a> — ${speakerOf(i)},
            ${longDate(i.sittingDate)}
            <blockquote>${trusted(excerptHtml(i.excerpt))}</blockquote>
          </li>`,
      )}
    </ul>`;
}

/** A preview: the rendered e-mail itself, with a banner saying it was not sent. */
export function previewPage(preview: Preview | null, back: string): string {
  const banner = (text: string) =>
    `<div style="background:#fdf3d8;padding:0.6em 0.8em;margin:0 0 1em;font-family:sans-serif;font-size:0.9em">${escapeHtml(text)} <a href="${escapeHtml(back)}">Back to your alerts</a></div>`;
  if (!preview?.mail)
    return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Preview</title></head><body>${banner(
      `Nothing matches on ${preview?.date ?? 'the latest sitting'}: no e-mail would go.`,
    )}</body></html>`;
  const note = banner(
    `Preview of the e-mail for ${preview.date ?? 'the latest sitting'} (${preview.matches} match${preview.matches === 1 ? '' : 'es'}), subject “${preview.mail.subject}”. Nothing was sent.`,
  );
  return preview.mail.html.replace(/<body([^>]*)>/, (m) => `${m}${note}`);
}

export function confirmedPage(
  sub: Subscription,
  feedUrl: string | null,
  already: boolean,
  recent: readonly AlertItem[] = [],
): string {
  return page(
    already ? 'Already confirmed' : 'Alert confirmed',
    html`<p>
        ${already ? 'This alert was already confirmed' : 'Confirmed'}: you will get speeches matching
        <strong>${describeSubscription(sub)}</strong> ${when(sub)}.
      </p>
      ${
        feedUrl
          ? html`<p>
                You can also follow it in a feed reader. Keep this address private; anyone with it can read
                the feed:
              </p>
              <p><code>${feedUrl}</code></p>`
          : ''
      }
      <p>Every alert has a link to unsubscribe, and one to manage all your alerts.</p>
      ${recentList(recent)}`,
  );
}

export function unsubscribePage(token: string, sub: Subscription | null): string {
  if (!sub)
    return page('Unsubscribed', html`<p>This alert no longer exists: nothing more will be sent for it.</p>`);
  return page(
    'Unsubscribe',
    html`<p>
        Stop alerts for
        <strong>${describeSubscription(sub)}</strong>${emailOf(sub) ? html` to ${emailOf(sub)}` : ''}?
      </p>
      <form method="post" action="${ALERT_PATHS.unsubscribe}?token=${encodeURIComponent(token)}">
        <button type="submit">Unsubscribe</button>
      </form>`,
  );
}

export function unsubscribedPage(sub: Subscription | null): string {
  return page(
    'Unsubscribed',
    html`<p>
      ${sub ? html`Alerts for <strong>${describeSubscription(sub)}</strong> are stopped and deleted.` : 'This alert no longer exists.'}
      Nothing more will be sent for it.
    </p>`,
  );
}

export function invalidLinkPage(message: string): string {
  return page('Link not valid', html`<p>${message}</p>`);
}

export function manageRequestPage(notice: string | null, error: string | null = null): string {
  return page(
    'Manage your alerts',
    html`${notice ? html`<p role="status">${notice}</p>` : ''}${error ? html`<p role="alert">${error}</p>` : ''}
      <p>We will e-mail a link to list, pause and delete the alerts of your address. No password needed.</p>
      <form method="post" action="${ALERT_PATHS.manage}">
        <label for="email">Your e-mail address</label>
        <input id="email" name="email" type="email" required maxlength="254" autocomplete="email" />
        <button type="submit">Send me the link</button>
      </form>`,
  );
}

function row(token: string, s: Subscription): SafeHtml {
  const button = (action: string, label: string) =>
    html`<form method="post" action="${ALERT_PATHS.manage}/action" class="inline">
      <input type="hidden" name="token" value="${token}" /><input
        type="hidden"
        name="id"
        value="${s.id}"
      /><input type="hidden" name="action" value="${action}" /> <button type="submit">${label}</button>
    </form>`;
  return html`<li>
    <strong>${describeSubscription(s)}</strong> · ${s.frequency} ·
    ${s.status === 'pending' ? 'awaiting confirmation' : s.status}
    ${s.status !== 'pending' ? html`<a href="${ALERT_PATHS.manage}/preview?token=${encodeURIComponent(token)}&amp;id=${encodeURIComponent(s.id)}">Preview the next e-mail</a>` : ''}
    ${s.status === 'active' ? button('pause', 'Pause') : ''}${s.status === 'paused' ? button('resume', 'Resume') : ''}${s.status !== 'pending' ? button('feed', 'New feed address') : ''}${button('delete', 'Delete')}
  </li>`;
}

export function managePage(
  token: string,
  email: string,
  subs: readonly Subscription[],
  notice: string | null,
): string {
  return page(
    'Your alerts',
    html`${notice ? html`<p role="status">${notice}</p>` : ''}
      <p>Alerts for ${email}:</p>
      ${
        subs.length === 0
          ? html`<p>None.</p>`
          : html`<ul class="alerts">
              ${subs.map((s) => row(token, s))}
            </ul>`
      }`,
  );
}
