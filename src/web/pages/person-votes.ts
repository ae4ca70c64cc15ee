/**
 * A person's divisions (how they voted, or that no vote is recorded while they sat) and a
 * few of their speeches under each tag they use most.
 */
import type { EvidenceBySpeech } from './debate-page.js';
import { tagEvidenceItem } from './tag-evidence.js';
import type { PersonDivision, PersonDivisionPage } from '../../division/person-divisions.js';
import type { PersonProfile } from '../../person/person-repository.js';
import type { SearchPage } from '../../search/search-repository.js';
import { shortPersonId } from '../../parliament/index.js';
import type { TagInfo } from '../api/context.js';
import { html, type SafeHtml } from '../../html/template.js';
import { debateHref, tagLabel } from './components.js';
import { displayDate, displayTime, displayTitle, typeLabel } from './labels.js';

export interface TagSpeeches {
  tag: string;
  speeches: number;
  page: SearchPage;
}

const VOTE_LABELS: Record<string, string> = {
  aye: 'Aye',
  no: 'No',
  content: 'Content',
  'not-content': 'Not content',
  for: 'For',
  against: 'Against',
  abstentions: 'Abstained',
  abstain: 'Abstained',
  tellaye: 'Teller (aye)',
  tellno: 'Teller (no)',
  tellcontent: 'Teller (content)',
  'tellnot-content': 'Teller (not content)',
};

export function voteLabel(vote: string): string {
  return VOTE_LABELS[vote] ?? vote;
}

/** CSS class of a vote: for or against the motion, a teller, or absent. */
function voteClass(votes: readonly string[]): string {
  const v = votes[0];
  if (!v) return 'vote-absent';
  if (v.startsWith('tell')) return 'vote-teller';
  if (['aye', 'content', 'for'].includes(v)) return 'vote-for';
  if (['no', 'not-content', 'against'].includes(v)) return 'vote-against';
  return 'vote-other';
}

function divisionRow(d: PersonDivision, catalogue: readonly TagInfo[]): SafeHtml {
  const title = d.debateTitle ? displayTitle(d.debateTitle) : typeLabel(d.type);
  const time = displayTime(d.time);
  return html`<tr class="division-row" data-division="${d.divisionGid}">
    <td data-label="Date">
      <time datetime="${d.sittingDate}">${displayDate(d.sittingDate)}</time
      >${time ? html` <span class="muted">${time}</span>` : ''}
    </td>
    <td data-label="Division">
      ${d.debateGid ? html`<a href="${debateHref(d.debateGid)}">${title}</a>` : title}
      <span class="muted">${typeLabel(d.type)}${d.number ? `, division ${d.number}` : ''}</span>
    </td>
    <td data-label="Vote" class="vote ${voteClass(d.votes)}">
      ${d.votes.length ? d.votes.map(voteLabel).join(', ') : 'No vote recorded'}
    </td>
    <td data-label="Tags">
      ${
        d.tags.length
          ? html`<ul class="tags compact">
              ${d.tags.map((t) => html`<li><a class="tag" href="/search?tag=${encodeURIComponent(t.tag)}&amp;from=${d.sittingDate}&amp;to=${d.sittingDate}">${tagLabel(t.tag, catalogue)}</a></li>`)}
            </ul>`
          : html`<span class="muted">none</span>`
      }
    </td>
  </tr>`;
}

export function divisionsSection(
  page: PersonDivisionPage,
  catalogue: readonly TagInfo[],
  profile: PersonProfile,
): SafeHtml {
  const voted = page.divisions.filter((d) => d.votes.length > 0).length;
  const id = encodeURIComponent(shortPersonId(profile.id));
  const shown = page.divisions.length;
  return html`<section aria-labelledby="votes-title">
    <h2 id="votes-title">Votes</h2>
    ${
      shown === 0
        ? html`<p>No divisions in the record while ${profile.name} sat.</p>`
        : html`<p class="votes-summary">
              ${shown < page.total ? html`The latest ${shown} of ${page.total} divisions` : html`${page.total} division${page.total === 1 ? '' : 's'}`}
              in the record while ${profile.name} sat: voted in ${voted}, no vote recorded in
              ${shown - voted}. Committee divisions are listed only where ${profile.name} voted.
            </p>
            <div class="table-scroll">
              <table class="votes stack">
                <caption>
                  How ${profile.name} voted, newest first
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Date</th>
                    <th scope="col">Division</th>
                    <th scope="col">Vote</th>
                    <th scope="col">Debate's tags</th>
                  </tr>
                </thead>
                <tbody>
                  ${page.divisions.map((d) => divisionRow(d, catalogue))}
                </tbody>
              </table>
            </div>
            <p><a href="/api/v1/people/${id}/votes">Every vote (JSON)</a></p>`
    }
  </section>`;
}

/** The start of the speech, so that two speeches in one debate can be told apart. */
function excerptStart(text: string): string {
  const words = text.split(/\s+/).slice(0, 18).join(' ');
  return words.length < text.length ? `${words}…` : words;
}

function tagSpeechItem(
  hit: SearchPage['results'][number],
  tag: string,
  catalogue: readonly TagInfo[],
  evidence: EvidenceBySpeech,
): SafeHtml {
  const shown = evidence.get(hit.gid)?.find((e) => e.tag === tag);
  const title = displayTitle(hit.minorHeading ?? hit.majorHeading ?? typeLabel(hit.type));
  const href = hit.debateGid ? debateHref(hit.debateGid, hit.gid) : `/api/v1/speeches/${encodeURI(hit.gid)}`;
  const confidence = hit.tags.find((t) => t.tag === tag)?.confidence;
  return html`<li>
    <a href="${href}">${title}</a>
    ${shown ? tagEvidenceItem(shown, catalogue) : html`<span class="excerpt">${excerptStart(hit.excerpt)}</span>`}
    <span class="meta"
      ><time datetime="${hit.sittingDate}">${displayDate(hit.sittingDate)}</time
      >${confidence !== undefined ? html` · confidence <span class="confidence">${confidence.toFixed(2)}</span>` : ''}</span
    >
  </li>`;
}

export function tagSpeechesSection(
  byTag: readonly TagSpeeches[],
  catalogue: readonly TagInfo[],
  profile: PersonProfile,
  evidence: EvidenceBySpeech = new Map(),
): SafeHtml {
  if (byTag.length === 0) return html``;
  const id = encodeURIComponent(shortPersonId(profile.id));
  return html`<section aria-labelledby="tag-speeches-title">
    <h2 id="tag-speeches-title">Speeches by tag</h2>
    ${byTag.map(
      (t) =>
        html`<div class="tag-speeches" data-tag="${t.tag}">
          <h3>${tagLabel(t.tag, catalogue)} <span class="count">(${t.speeches})</span></h3>
          <ul class="tag-speech-list">
            ${t.page.results.map((hit) => tagSpeechItem(hit, t.tag, catalogue, evidence))}
          </ul>
          ${t.speeches > t.page.results.length ? html`<p><a href="/search?person=${id}&amp;tag=${encodeURIComponent(t.tag)}">All ${t.speeches} on ${tagLabel(t.tag, catalogue)}</a></p>` : ''}
        </div>`,
    )}
  </section>`;
}
