/**
 * An MP's (or peer's) page: who they are and were (names, parties and seats over time),
 * their speaking record (per tag, per house and type, by month as a chart) and their
 * latest speeches with excerpts.
 */
import type { EvidenceBySpeech } from './debate-page.js';
import type { MembershipSpan, PersonProfile, SpeakingRecord } from '../../person/person-repository.js';
import type { SearchPage } from '../../search/search-repository.js';
import type { PersonDivisionPage } from '../../division/person-divisions.js';
import { shortPersonId } from '../../parliament/index.js';
import type { TagInfo } from '../api/context.js';
import { timelineChart } from './chart.js';
import { speechResult, tagLabel } from './components.js';
import { html, type SafeHtml } from '../../html/template.js';
import { displayDate, houseLabel, typeLabel } from './labels.js';
import { layout } from './layout.js';
import { currentRoles, partyName, personActions, personHeader, roleText } from './person-header.js';
import { divisionsSection, tagSpeechesSection, type TagSpeeches } from './person-votes.js';

export interface PersonPageData {
  profile: PersonProfile;
  record: SpeakingRecord;
  latest: SearchPage;
  catalogue: readonly TagInfo[];
  divisions: PersonDivisionPage;
  /** A few speeches for each of the person's most used tags. */
  byTag: TagSpeeches[];
  /** Each shown speech's tags with the paragraph and words that earned them. */
  evidence?: EvidenceBySpeech;
}

function span(start: string | null, end: string | null): string {
  // Popolo's open end date, or an end in the far future, means "still serving".
  const to = !end || end >= '9999' ? 'present' : displayDate(end);
  return `${start ? displayDate(start) : 'unknown'} – ${to}`;
}

function membershipRow(m: MembershipSpan): SafeHtml {
  const party = partyName(m.party);
  return html`<tr>
    <td data-label="When">${span(m.startDate, m.endDate)}</td>
    <td data-label="House">${m.houseName ?? houseLabel(m.house)}</td>
    <td data-label="Party">${party ?? html`<span class="muted">not recorded</span>`}</td>
    <td data-label="Seat">${m.constituency ?? html`<span class="muted">none</span>`}</td>
  </tr>`;
}

function memberships(profile: PersonProfile): SafeHtml {
  if (profile.memberships.length === 0) return html`<p>No memberships recorded.</p>`;
  return html`<div class="table-scroll">
    <table class="memberships stack">
      <caption>
        Parties and seats, newest first
      </caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">House</th>
          <th scope="col">Party</th>
          <th scope="col">Seat</th>
        </tr>
      </thead>
      <tbody>
        ${profile.memberships.map(membershipRow)}
      </tbody>
    </table>
  </div>`;
}

/** Memberships in force at some point between the first and last speech shown. */
export function membershipsDuring(
  profile: PersonProfile,
  from: string | null,
  to: string | null,
): MembershipSpan[] {
  if (!from || !to) return [];
  return profile.memberships.filter((m) => (m.startDate ?? '') <= to && (!m.endDate || m.endDate >= from));
}

function atTheTime(profile: PersonProfile, record: SpeakingRecord): SafeHtml {
  const during = membershipsDuring(profile, record.firstDate, record.lastDate);
  // Said once: when the speeches fall within the roles in the page's heading, this would repeat them.
  const now = new Set(currentRoles(profile).map(roleText));
  if (during.length === 0 || during.every((m) => now.has(roleText(m)))) return html``;
  return html`<p class="at-the-time">
    At the time of these speeches (${displayDate(record.firstDate)} to ${displayDate(record.lastDate)}):
    ${during.map(
      (m, i) =>
        html`${i ? '; ' : ''}<strong>${partyName(m.party) ?? 'party not recorded'}</strong>${m.constituency ? html`, <strong>${m.constituency}</strong>` : ''}
        (${m.houseName ?? houseLabel(m.house)})`,
    )}.
  </p>`;
}

function otherNames(profile: PersonProfile): SafeHtml {
  if (profile.names.length < 2) return html``;
  return html`<p class="names">
    Also known as:
    ${profile.names
      .filter((n) => n.display !== profile.name)
      .map((n, i) => html`${i ? '; ' : ''}${n.display} (${span(n.startDate, n.endDate)})`)}
  </p>`;
}

function counts(record: SpeakingRecord, catalogue: readonly TagInfo[], personId: string): SafeHtml {
  const short = encodeURIComponent(shortPersonId(personId));
  return html`<div class="record-tables">
    <div class="table-scroll">
      <table>
        <caption>
          Speeches per tag
        </caption>
        <thead>
          <tr>
            <th scope="col">Tag</th>
            <th scope="col">Speeches</th>
          </tr>
        </thead>
        <tbody>
          ${
            record.byTag.length === 0
              ? html`<tr>
                  <td colspan="2">No tagged speeches</td>
                </tr>`
              : record.byTag.map(
                  (t) =>
                    html`<tr>
                      <th scope="row">
                        <a href="/search?person=${short}&amp;tag=${encodeURIComponent(t.tag)}"
                          >${tagLabel(t.tag, catalogue)}</a
                        >
                      </th>
                      <td>${t.speeches}</td>
                    </tr>`,
                )
          }
        </tbody>
      </table>
    </div>
    <div class="table-scroll">
      <table>
        <caption>
          Speeches per house and type
        </caption>
        <thead>
          <tr>
            <th scope="col">House</th>
            <th scope="col">Type</th>
            <th scope="col">Speeches</th>
          </tr>
        </thead>
        <tbody>
          ${record.byHouseType.map(
            (h) =>
              html`<tr>
                <td>${houseLabel(h.house)}</td>
                <th scope="row">
                  <a href="/search?person=${short}&amp;type=${encodeURIComponent(h.type)}"
                    >${typeLabel(h.type)}</a
                  >
                </th>
                <td>${h.speeches}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </div>`;
}

export function renderPerson(d: PersonPageData): string {
  const { profile, record, latest, catalogue } = d;
  const short = encodeURIComponent(shortPersonId(profile.id));
  const body = html`${personHeader(profile)} ${otherNames(profile)} ${personActions(profile)}
    ${divisionsSection(d.divisions, catalogue, profile)}
    ${tagSpeechesSection(d.byTag, catalogue, profile, d.evidence)}
    <section aria-labelledby="record-title">
      <h2 id="record-title">Speaking record</h2>
      <p>
        ${record.speeches.toLocaleString('en-GB')} speeches in the
        record${record.firstDate ? ` from ${displayDate(record.firstDate)} to ${displayDate(record.lastDate)}` : ''};
        tags at confidence ${record.filters.minConfidence} or more.
      </p>
      ${timelineChart(record.byMonth, catalogue)} ${counts(record, catalogue, profile.id)}
    </section>
    <section aria-labelledby="latest-title">
      <h2 id="latest-title">Latest speeches</h2>
      ${latest.results.length === 0 ? html`<p>No speeches.</p>` : latest.results.map((hit) => speechResult(hit, catalogue, 3, d.evidence?.get(hit.gid)))}
      ${latest.nextCursor ? html`<p><a href="/search?person=${short}">All speeches by ${profile.name}</a></p>` : ''}
      <p><a href="/export?person=${short}">Export ${profile.name}'s speeches</a></p>
    </section>
    <section aria-labelledby="memberships-title">
      <h2 id="memberships-title">Parties and seats over time</h2>
      ${atTheTime(profile, record)} ${memberships(profile)}
    </section>`;
  return layout({
    title: profile.name,
    current: 'people',
    description: `${profile.name}: speaking record on NHS outsourcing and privatisation`,
    body,
  });
}
