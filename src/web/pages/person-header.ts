/**
 * The top of a person's page: a placeholder portrait (the member data carry no photos, and
 * the CSP loads nothing from elsewhere), the name, what they are now said once (`MP for
 * Corby · Labour`), their profiles elsewhere, and what a reader can do next.
 */
import type { MembershipSpan, PersonProfile } from '../../person/person-repository.js';
import { isHouse, shortPersonId, type House } from '../../parliament/index.js';
import { html, type SafeHtml } from '../../html/template.js';
import { houseLabel } from './labels.js';

const ROLE: Record<House, { noun: string; twfy: string; parliament?: string }> = {
  'house-of-commons': { noun: 'MP', twfy: 'mp', parliament: 'Commons' },
  'house-of-lords': { noun: 'Member of the House of Lords', twfy: 'peer', parliament: 'Lords' },
  'scottish-parliament': { noun: 'MSP', twfy: 'msp' },
  'northern-ireland-assembly': { noun: 'MLA', twfy: 'mla' },
  'welsh-parliament': { noun: 'MS', twfy: 'ms' },
};

/** Popolo's "none" party (and an absent one) is no party to show. */
export function partyName(party: string | null): string | null {
  return party && !/^(none|—|-)$/i.test(party.trim()) ? party : null;
}

function isOpen(m: MembershipSpan): boolean {
  return !m.endDate || m.endDate >= '9999';
}

/** Memberships still open; when none is, the most recent one. */
export function currentRoles(profile: PersonProfile): MembershipSpan[] {
  const open = profile.memberships.filter(isOpen);
  const latest = profile.memberships[0];
  return open.length > 0 ? open : latest ? [latest] : [];
}

/** `MP for Corby, Labour`; `Member of the House of Lords, Crossbench`. */
export function roleText(m: MembershipSpan): string {
  const role = (isHouse(m.house) ? ROLE[m.house].noun : undefined) ?? houseLabel(m.house);
  const seat = m.constituency ? ` for ${m.constituency}` : '';
  const party = partyName(m.party);
  return `${role}${seat}${party ? `, ${party}` : ''}`;
}

function initials(name: string): string {
  const words = name.split(/\s+/).filter((w) => /^[A-Za-z]/.test(w));
  const first = words[0]?.[0] ?? '?';
  const last = words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '';
  return `${first}${last}`.toUpperCase();
}

function portrait(name: string): SafeHtml {
  return html`<svg
    class="portrait"
    viewBox="0 0 80 80"
    width="80"
    height="80"
    aria-hidden="true"
    focusable="false"
  >
    <rect width="80" height="80" rx="8" fill="#dde3e9" />
    <text x="40" y="49" text-anchor="middle" font-size="28" fill="#4a5560">${initials(name)}</text>
  </svg>`;
}

function profileLinks(profile: PersonProfile, roles: MembershipSpan[]): SafeHtml {
  const id = encodeURIComponent(shortPersonId(profile.id));
  const house = roles[0]?.house ?? profile.house ?? '';
  const role = isHouse(house) ? ROLE[house] : undefined;
  const links: SafeHtml[] = [
    html`<a href="https://www.theyworkforyou.com/${role?.twfy ?? 'mp'}/?p=${id}" rel="noopener"
      >TheyWorkForYou</a
    >`,
  ];
  if (role?.parliament)
    links.push(
      html`<a
        href="https://members.parliament.uk/members/${role.parliament}?SearchText=${encodeURIComponent(profile.name)}"
        rel="noopener"
        >Parliament's member page</a
      >`,
    );
  if (house === 'scottish-parliament')
    links.push(html`<a href="https://www.parliament.scot/msps" rel="noopener">Scottish Parliament MSPs</a>`);
  if (house === 'welsh-parliament')
    links.push(
      html`<a href="https://senedd.wales/find-a-member-of-the-senedd/" rel="noopener"
        >Members of the Senedd</a
      >`,
    );
  return html`<p class="profile-links">Profiles: ${links.map((l, i) => (i ? html` · ${l}` : l))}</p>`;
}

export function personHeader(profile: PersonProfile): SafeHtml {
  const roles = currentRoles(profile);
  return html`<div class="person-head">
    ${portrait(profile.name)}
    <div>
      <h1>${profile.name}</h1>
      ${roles.length ? html`<p class="lede roles">${roles.map((m, i) => html`${i ? html`<br />` : ''}${roleText(m)}`)}</p>` : ''}
      ${profileLinks(profile, roles)}
    </div>
  </div>`;
}

/** Alert and export links, pre-filled with this person. */
export function personActions(profile: PersonProfile): SafeHtml {
  const id = encodeURIComponent(shortPersonId(profile.id));
  return html`<ul class="actions" aria-label="Follow and export">
    <li><a class="button-link" href="/subscribe?person=${id}">E-mail me when ${profile.name} speaks</a></li>
    <li><a href="/export?person=${id}">Export speeches</a></li>
    <li><a href="/api/v1/export?per=vote&amp;person=${id}&amp;format=csv" download>Export votes (CSV)</a></li>
  </ul>`;
}
