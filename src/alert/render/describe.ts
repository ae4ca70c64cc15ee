/** Words for a subscription and a speech, shared by e-mails, webhooks, feeds and pages. */
import { speakerLabel } from '../../member/speaker-label.js';
import { HOUSE_LABELS, shortPersonId, type House } from '../../parliament/index.js';
import type { AlertItem, Subscription } from '../types.js';

/**
 * `"private sector" OR outsourcing · tags privatisation, outsourcing · person 10586`. The
 * query is the subscriber's own text: `query` renders it (neutral.ts for mail to an
 * address not yet confirmed); everything else is checked ids and names.
 */
export function describeSubscription(
  sub: Pick<Subscription, 'queryText' | 'criteria'>,
  query: (text: string) => string = (text) => text,
): string {
  const c = sub.criteria;
  const parts: string[] = [];
  if (sub.queryText) parts.push(query(sub.queryText));
  if (c.tags.length) parts.push(`tag${c.tags.length > 1 ? 's' : ''} ${c.tags.join(', ')}`);
  if (c.personIds.length)
    parts.push(
      `${c.personIds.length > 1 ? 'people' : 'person'} ${c.personIds.map(shortPersonId).join(', ')}`,
    );
  if (c.houses.length) parts.push(c.houses.map((h) => HOUSE_LABELS[h as House] ?? h).join(', '));
  if (c.types.length) parts.push(c.types.join(', '));
  return parts.join(' · ') || 'everything';
}

/** `Community Health Services: Wexbury` — the debate a speech belongs to. */
export function headingOf(item: AlertItem): string {
  return (
    [item.majorHeading, item.minorHeading].filter((h): h is string => !!h && h.trim() !== '').join(': ') ||
    '(untitled debate)'
  );
}

/**
 * `Ann Example (Green, Wexbury South)`, or `The First Minister · Alex Salmond (Scottish
 * National Party, Gordon)`: the label pages and the export show (member/speaker-label.ts).
 */
export function speakerOf(item: AlertItem): string {
  const l = speakerLabel({
    speakerName: item.speakerName,
    personName: item.personName ?? null,
    party: item.party,
    constituency: item.constituency,
  });
  const who = l.label ?? 'Statement';
  return l.office && l.name ? `${l.office} · ${who}` : who;
}

/** `26 October 2009` from an ISO date. */
export function longDate(iso: string): string {
  const d = new Date(`${iso}T12:00:00Z`);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export function houseOf(item: AlertItem): string | null {
  return item.house ? (HOUSE_LABELS[item.house as House] ?? item.house) : null;
}

/**
 * Items grouped by debate, in order of first appearance: what a digest shows. A debate is
 * its headings on its sitting day, not its heading gid, which changes when a day is revised.
 */
export function groupByDebate(
  items: readonly AlertItem[],
): { heading: string; sittingDate: string; items: AlertItem[] }[] {
  const groups = new Map<string, { heading: string; sittingDate: string; items: AlertItem[] }>();
  for (const item of items) {
    const key = `${item.sittingDate}\u0000${headingOf(item)}`;
    const g = groups.get(key) ?? { heading: headingOf(item), sittingDate: item.sittingDate, items: [] };
    g.items.push(item);
    groups.set(key, g);
  }
  return [...groups.values()];
}

/** Cuts a subject line at a word near `max` characters. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}
