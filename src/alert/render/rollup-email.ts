/**
 * The roll-up (issue #20): one e-mail gathering every new match of all of an address's
 * subscriptions from one delivery run (or one digest period), grouped by subscription.
 * A speech several subscriptions match is shown once, under the first, with "also
 * matches" naming the others. Past `maxSpeeches` the rest are listed as links; the last
 * e-mail the daily cap allows says so and where to see the rest.
 */
import { html, join, type SafeHtml } from '../../html/template.js';
import type { AlertLinks } from '../links.js';
import { shortPersonId } from '../../parliament/index.js';
import type { AlertItem, Subscription } from '../types.js';
import { clip, describeSubscription, headingOf, longDate, speakerOf } from './describe.js';
import { itemHtml, itemText, listHeaders, page, SITE, type RenderedEmail } from './email.js';

export interface RollupSection {
  subscription: Subscription;
  items: readonly AlertItem[];
}

export interface RollupOptions {
  kind: 'alert' | 'daily' | 'weekly';
  maxSpeeches: number;
  /** Set on the last e-mail the daily cap allows: how many a day. */
  lastOfDay: number | null;
}

interface Entry {
  item: AlertItem;
  also: string[];
  full: boolean;
}

interface Group {
  subscription: Subscription;
  label: string;
  entries: Entry[];
}

/** One entry per speech (per division and voter for votes) across every section. */
function identity(item: AlertItem): string {
  return item.division ? `division\u0000${item.division.key}\u0000${item.division.voter}` : item.gid;
}

export function rollupGroups(sections: readonly RollupSection[], maxSpeeches: number): Group[] {
  const seen = new Map<string, Entry>();
  let shown = 0;
  return sections.map((s) => {
    const label = labelOf(s.subscription, s.items);
    const entries: Entry[] = [];
    for (const item of s.items) {
      const earlier = seen.get(identity(item));
      if (earlier) {
        if (!earlier.also.includes(label)) earlier.also.push(label);
        earlier.item = withEvidenceOf(earlier.item, item);
        continue;
      }
      const entry: Entry = { item, also: [], full: shown < maxSpeeches };
      if (entry.full) shown++;
      seen.set(identity(item), entry);
      entries.push(entry);
    }
    return { subscription: s.subscription, label, entries };
  });
}

/**
 * Speeches of one debate under one heading, in order of first appearance; a division
 * stands alone (it carries its own title). heading null: stands alone.
 */
function byDebate(
  entries: readonly Entry[],
): { heading: string | null; sittingDate: string; entries: Entry[] }[] {
  const out: { heading: string | null; sittingDate: string; entries: Entry[] }[] = [];
  const open = new Map<string, { heading: string | null; sittingDate: string; entries: Entry[] }>();
  for (const e of entries) {
    if (e.item.division) {
      out.push({ heading: null, sittingDate: e.item.sittingDate, entries: [e] });
      continue;
    }
    const key = `${e.item.sittingDate}\u0000${headingOf(e.item)}`;
    const group = open.get(key);
    if (group) group.entries.push(e);
    else {
      const made = { heading: headingOf(e.item), sittingDate: e.item.sittingDate, entries: [e] };
      open.set(key, made);
      out.push(made);
    }
  }
  return out;
}

/**
 * The subscription as the reader knows it: an MP alert says the MP's name (from its own
 * matches), not the person id the subscription stores.
 */
function labelOf(sub: Subscription, items: readonly AlertItem[]): string {
  const label = describeSubscription(sub);
  const [person, ...more] = sub.criteria.personIds;
  if (!person || more.length > 0) return label;
  const named = items.find((i) => i.reason.person === person && (i.personName || i.division));
  const name = named?.personName ?? named?.division?.voter;
  return name ? label.replace(`person ${shortPersonId(person)}`, name) : label;
}

/** A tag subscription's evidence, kept when the speech shows under another subscription. */
function withEvidenceOf(shown: AlertItem, other: AlertItem): AlertItem {
  const extra = other.context?.tagEvidence ?? [];
  if (!shown.context || extra.length === 0) return shown;
  const have = new Set(shown.context.tagEvidence.map((e) => e.tag));
  const added = extra.filter((e) => !have.has(e.tag));
  if (added.length === 0) return shown;
  return { ...shown, context: { ...shown.context, tagEvidence: [...shown.context.tagEvidence, ...added] } };
}

function oneLiner(item: AlertItem): string {
  if (item.division)
    return `${item.division.voter} voted ${item.division.vote}: ${item.division.title} (${longDate(item.sittingDate)})`;
  return `${headingOf(item)} — ${speakerOf(item)} (${longDate(item.sittingDate)})`;
}

function subjectOf(groups: readonly Group[], o: RollupOptions): string {
  const entries = groups.flatMap((g) => g.entries);
  const labels = groups.filter((g) => g.entries.length > 0).map((g) => g.label);
  const prefix = o.kind === 'daily' ? 'Daily digest: ' : o.kind === 'weekly' ? 'Weekly digest: ' : '';
  const only = entries.length === 1 ? entries[0]!.item : null;
  if (only && o.kind === 'alert')
    return clip(
      only.division
        ? `${labels[0]}: ${only.division.voter} voted ${only.division.vote} — ${only.division.title}`
        : `${labels[0]}: ${only.speakerName ?? 'Statement'} on ${headingOf(only)}`,
      120,
    );
  return clip(
    `${prefix}${entries.length} new match${entries.length === 1 ? '' : 'es'} — ${labels.join(' · ')}`,
    120,
  );
}

export function renderRollupEmail(
  recipient: string,
  sections: readonly RollupSection[],
  links: AlertLinks,
  now: Date,
  o: RollupOptions,
): RenderedEmail {
  const groups = rollupGroups(sections, o.maxSpeeches).filter((g) => g.entries.length > 0);
  const subject = subjectOf(groups, o);
  const manage = links.manage(recipient, now, true);
  const overflow = groups.flatMap((g) => g.entries.filter((e) => !e.full));
  const capNote =
    o.lastOfDay === null
      ? null
      : `This is the last alert e-mail today: you get at most ${o.lastOfDay} a day. Matches after it are on the site, under your alerts:`;
  return {
    to: recipient,
    subject,
    text: rollupText(groups, overflow, links, manage, capNote),
    html: page(
      subject,
      rollupHtml(groups, overflow, links, manage, capNote),
      footerHtml(groups, links, manage),
    ),
    headers:
      groups.length === 1
        ? listHeaders(groups[0]!.subscription, links)
        : {
            // Several alerts: one-click would have to mean "all of them"; the manage page asks.
            'List-Unsubscribe': `<${manage}>`,
            'List-Id': `${SITE} alerts <alerts.${new URL(links.baseUrl).hostname}>`,
            'Auto-Submitted': 'auto-generated',
          },
  };
}

const count = (n: number) => `${n} match${n === 1 ? '' : 'es'}`;

function rollupHtml(
  groups: readonly Group[],
  overflow: readonly Entry[],
  links: AlertLinks,
  manage: string,
  capNote: string | null,
): SafeHtml {
  const note = capNote
    ? html`<p style="padding: 0.5em 0.7em; background: #fdf3d8; border-radius: 4px; font-size: 0.92em">
        ${capNote} <a href="${manage}">more on the site</a>
      </p>`
    : '';
  const contents =
    groups.length > 1
      ? html`<p style="margin: 0 0 1em; font-size: 0.92em; color: #444">
          ${join(
            groups.map((g) => html`<strong>${g.label}</strong> (${g.entries.length})`),
            ' · ',
          )}
        </p>`
      : '';
  return html`${note}${contents}${groups.map(
    (g) =>
      html`<section style="margin: 0 0 1.5em">
        <h2
          style="font-size: 1.15em; margin: 0.6em 0 0; padding-bottom: 0.2em; border-bottom: 2px solid #c9a800"
        >
          ${g.label}
          <span style="font-weight: normal; font-size: 0.8em; color: #666">· ${count(g.entries.length)}</span>
        </h2>
        ${byDebate(g.entries.filter((e) => e.full)).map((d) =>
          d.heading === null
            ? d.entries.map((e) => itemHtml(e.item, links, { withHeading: true, also: e.also }))
            : html`<h3 style="font-size: 1.05em; margin: 0.9em 0 0">
                  ${d.heading}
                  <span style="font-weight: normal; color: #666">· ${longDate(d.sittingDate)}</span>
                </h3>
                ${d.entries.map((e) => itemHtml(e.item, links, { withHeading: false, also: e.also }))}`,
        )}
      </section>`,
  )}${
    overflow.length
      ? html`<section>
          <h2 style="font-size: 1.05em">${overflow.length} more (not shown in full)</h2>
          <ul style="padding-left: 1.2em">
            ${overflow.map(
              (e) =>
                html`<li style="margin: 0.3em 0">
                  <a
                    href="${e.item.division ? (e.item.twfyUrl ?? links.speech(e.item.gid)) : links.speech(e.item.gid)}"
                    >${oneLiner(e.item)}</a
                  >
                </li>`,
            )}
          </ul>
        </section>`
      : ''
  }${note}`;
}

function footerHtml(groups: readonly Group[], links: AlertLinks, manage: string): SafeHtml {
  return html`You get this because you subscribed to ${SITE} alerts for:
    ${join(
      groups.map(
        (g) =>
          html`<br /><strong>${g.label}</strong> —
            <a href="${links.unsubscribe(g.subscription.id)}">unsubscribe from this alert</a>`,
      ),
    )} <br /><a href="${manage}">Manage your alerts</a> (no login needed)`;
}

function rollupText(
  groups: readonly Group[],
  overflow: readonly Entry[],
  links: AlertLinks,
  manage: string,
  capNote: string | null,
): string {
  const parts: string[] = [];
  if (capNote) parts.push(`${capNote}\n${manage}`);
  if (groups.length > 1) parts.push(groups.map((g) => `${g.label} (${g.entries.length})`).join(' · '));
  for (const g of groups)
    parts.push(
      [
        `== ${g.label} · ${count(g.entries.length)} ==`,
        ...byDebate(g.entries.filter((e) => e.full)).map((d) =>
          d.heading === null
            ? d.entries
                .map((e) => `\n${itemText(e.item, links, { withHeading: true, also: e.also })}`)
                .join('\n')
            : `\n-- ${d.heading} (${longDate(d.sittingDate)}) --\n\n${d.entries
                .map((e) => itemText(e.item, links, { withHeading: false, also: e.also }))
                .join('\n\n')}`,
        ),
      ].join('\n'),
    );
  if (overflow.length)
    parts.push(
      [
        `== ${overflow.length} more (not shown in full) ==`,
        ...overflow.map((e) => `- ${oneLiner(e.item)}\n  ${links.speech(e.item.gid)}`),
      ].join('\n'),
    );
  const footer = [
    `--\nYou get this because you subscribed to ${SITE} alerts for:`,
    ...groups.map(
      (g) => `- ${g.label}\n  Unsubscribe from this alert: ${links.unsubscribe(g.subscription.id)}`,
    ),
    `Manage your alerts (no login needed): ${manage}`,
  ].join('\n');
  return `${parts.join('\n\n')}\n\n${footer}\n`;
}
