/** Pieces several pages share: tag badges, a speech in a list, the filter form, error summaries. */
import { FEED_TYPES, HOUSES, shortPersonId } from '../../parliament/index.js';
import type { FieldIssue } from '../../input/field-issues.js';
import type { SearchHit, TagScore } from '../../search/search-repository.js';
import { speakerLabel } from '../../member/speaker-label.js';
import type { TagInfo } from '../api/context.js';
import { html, trusted, type SafeHtml } from '../../html/template.js';
import { displayDate, displayTitle, houseLabel, tagLabel, typeLabel } from './labels.js';
import type { TagEvidence } from '../../tag/evidence-repository.js';
import { tagEvidence } from './tag-evidence.js';

/** Fill colours for chart bars, in taxonomy order; all reach 3:1 against white (WCAG non-text contrast). */
const PALETTE = ['#1f5fa6', '#b03a2e', '#6c4f9e', '#1e7a4c', '#9a5b00', '#0f6f78', '#8a3b6f', '#4d5b12'];
export const UNTAGGED_FILL = '#7b8794';

export function tagColour(tag: string, catalogue: readonly TagInfo[]): string {
  const i = catalogue.findIndex((t) => t.id === tag);
  return PALETTE[(i < 0 ? catalogue.length : i) % PALETTE.length]!;
}

export { tagLabel } from './labels.js';

export function tagBadges(tags: readonly TagScore[], catalogue: readonly TagInfo[]): SafeHtml {
  if (tags.length === 0) return html``;
  return html`<ul class="tags" aria-label="Tags">
    ${tags.map(
      (t) =>
        html`<li>
          <a class="tag" href="/tags/${encodeURIComponent(t.tag)}"
            >${tagLabel(t.tag, catalogue)} <span class="confidence">${t.confidence.toFixed(2)}</span></a
          >
        </li>`,
    )}
  </ul>`;
}

/** Fragment id of a speech on its debate page: the part of the gid after the last slash. */
export function speechAnchor(gid: string): string {
  return gid.slice(gid.lastIndexOf('/') + 1);
}

export function debateHref(debateGid: string, speechGid?: string): string {
  return `/debates/${encodeURI(debateGid)}${speechGid ? `#${encodeURIComponent(speechAnchor(speechGid))}` : ''}`;
}

export function personHref(personId: string): string {
  return `/people/${encodeURIComponent(shortPersonId(personId))}`;
}

/**
 * `The First Minister · Alex Salmond (Scottish National Party, Gordon)`: the office as
 * Hansard printed it, then the one label every surface uses (speakerLabel), with the
 * name linked to the person's page.
 */
export function speakerLine(s: {
  speakerName: string | null;
  personName: string | null;
  personId: string | null;
  party: string | null;
  constituency: string | null;
}): SafeHtml {
  const l = speakerLabel(s);
  const name = l.name ?? l.office ?? 'No named speaker';
  const office = l.office && l.name ? html`<span class="office">${l.office}</span> · ` : '';
  const who = s.personId ? html`<a href="${personHref(s.personId)}">${name}</a>` : html`${name}`;
  return html`${office}<span class="speaker">${who}</span
    >${l.affiliation && l.name ? html` <span class="affiliation">(${l.affiliation})</span>` : ''}`;
}

/**
 * One speech in a result list, headed by its debate. With `evidence` its tags are shown
 * with the paragraphs that earned them; without a search match to show, the first
 * paragraph is then left out, since the evidence paragraph is the one that matters.
 */
export function speechResult(
  hit: SearchHit,
  catalogue: readonly TagInfo[],
  headingLevel: 2 | 3 = 2,
  evidence?: readonly TagEvidence[],
): SafeHtml {
  const matched = hit.excerptHtml.includes('<mark>');
  const excerpt =
    evidence?.length && !matched ? '' : html`<p class="excerpt">${trusted(hit.excerptHtml)}</p>`;
  const tags = evidence?.length ? tagEvidence(evidence, catalogue) : tagBadges(hit.tags, catalogue);
  const title = displayTitle(hit.minorHeading ?? hit.majorHeading ?? typeLabel(hit.type));
  const href = hit.debateGid ? debateHref(hit.debateGid, hit.gid) : `/api/v1/speeches/${encodeURI(hit.gid)}`;
  const heading =
    headingLevel === 2
      ? html`<h2><a href="${href}">${title}</a></h2>`
      : html`<h3><a href="${href}">${title}</a></h3>`;
  return html`<article class="result">
    ${heading}
    <p class="meta">
      <time datetime="${hit.sittingDate}">${displayDate(hit.sittingDate)}</time> ·
      ${typeLabel(hit.type)}${hit.majorHeading && hit.minorHeading ? html` · ${displayTitle(hit.majorHeading)}` : ''}
    </p>
    <p class="who">${speakerLine(hit)}</p>
    ${excerpt} ${tags} ${sourceLinks(hit)}
  </article>`;
}

export function sourceLinks(s: { twfyUrl: string | null; hansardUrl: string | null }): SafeHtml {
  const links: SafeHtml[] = [];
  if (s.twfyUrl) links.push(html`<a href="${s.twfyUrl}" rel="noopener">TheyWorkForYou</a>`);
  if (s.hansardUrl && /^https?:\/\//.test(s.hansardUrl))
    links.push(html`<a href="${s.hansardUrl}" rel="noopener">Official report</a>`);
  return links.length ? html`<p class="sources">${links.map((l, i) => (i ? html` · ${l}` : l))}</p>` : html``;
}

/** GOV.UK-style error summary: focusable, announced, each error linking to its field. */
export function errorSummary(issues: readonly FieldIssue[], title = 'There is a problem'): SafeHtml {
  if (issues.length === 0) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
    <h2 id="error-summary-title">${title}</h2>
    <ul>
      ${issues.map((i) => html`<li><a href="#f-${i.field}">${fieldName(i.field)}: ${i.message}</a></li>`)}
    </ul>
  </div>`;
}

const FIELD_NAMES: Record<string, string> = {
  q: 'Words',
  tag: 'Tags',
  minConfidence: 'Minimum confidence',
  person: 'Person',
  party: 'Party',
  house: 'House',
  type: 'Type',
  from: 'From',
  to: 'To',
  cursor: 'Page',
  limit: 'Results per page',
  speaker: 'Speaker',
  back: 'Earlier pages',
  email: 'Email',
  frequency: 'How often',
  format: 'Format',
  per: 'One row per',
};

export function fieldName(field: string): string {
  return FIELD_NAMES[field] ?? field;
}

export type FormValues = Record<string, string | string[] | undefined>;

export function valueOf(values: FormValues, key: string): string {
  const v = values[key];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

export function valuesOf(values: FormValues, key: string): string[] {
  const v = values[key];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

function fieldError(issues: readonly FieldIssue[], field: string): SafeHtml {
  const issue = issues.find((i) => i.field === field);
  return issue ? html`<p class="field-error" id="f-${field}-error">${issue.message}</p>` : html``;
}

function invalid(issues: readonly FieldIssue[], field: string): SafeHtml {
  return issues.some((i) => i.field === field)
    ? html` aria-invalid="true" aria-describedby="f-${field}-error"`
    : html``;
}

export function tagCheckboxes(
  values: FormValues,
  catalogue: readonly TagInfo[],
  issues: readonly FieldIssue[],
): SafeHtml {
  const chosen = new Set(valuesOf(values, 'tag'));
  return html`<fieldset class="field tags-field" id="f-tag">
    <legend>Tags</legend>
    ${fieldError(issues, 'tag')}
    ${catalogue.length === 0 ? html`<p class="hint">No speeches have been tagged yet.</p>` : ''}
    ${catalogue.map(
      (t) =>
        html`<label class="check"
          ><input type="checkbox" name="tag" value="${t.id}" ${chosen.has(t.id) ? html` checked` : ''} />
          ${t.label}</label
        >`,
    )}
  </fieldset>`;
}

/** The filters every listing shares; `extra` adds fields (format, per) for the export form. */
export function filterFields(
  values: FormValues,
  catalogue: readonly TagInfo[],
  issues: readonly FieldIssue[],
  opts: { speakerByName?: boolean; collapsible?: boolean } = {},
): SafeHtml {
  const house = valueOf(values, 'house');
  const type = valueOf(values, 'type');
  const person = opts.speakerByName ? speakerField(values, issues) : personField(values, issues);
  const more = html`${tagCheckboxes(values, catalogue, issues)}
    <div class="field-grid">${otherFilters(values, issues, house, type)} ${person}</div>`;
  return html`${queryField(values, issues)}
  ${
    opts.collapsible
      ? html`<details class="more-filters" open>
          <summary>Filters: tags, speaker, party, house, dates</summary>
          ${more}
        </details>`
      : more
  }`;
}

function queryField(values: FormValues, issues: readonly FieldIssue[]): SafeHtml {
  return html`<div class="field field-q">
    <label for="f-q">Words or phrase</label>
    <p class="hint" id="f-q-hint">
      Use "quotes" for a phrase, OR for either word, and -word to leave a word out.
    </p>
    ${fieldError(issues, 'q')}
    <input
      type="search"
      id="f-q"
      name="q"
      value="${valueOf(values, 'q')}"
      maxlength="500"
      aria-describedby="f-q-hint"
      ${invalid(issues, 'q')}
    />
  </div>`;
}

function otherFilters(
  values: FormValues,
  issues: readonly FieldIssue[],
  house: string,
  type: string,
): SafeHtml {
  return html`${minConfidenceField(values, issues)} ${partyField(values, issues)} ${houseField(issues, house)}
  ${typeField(issues, type)} ${dateFields(values, issues)}`;
}

/** The filter fields, one each, shared by the search and tag pages' forms. */
export function minConfidenceField(values: FormValues, issues: readonly FieldIssue[]): SafeHtml {
  return html`<div class="field">
    <label for="f-minConfidence">Minimum tag confidence</label>
    ${fieldError(issues, 'minConfidence')}
    <input
      type="number"
      id="f-minConfidence"
      name="minConfidence"
      min="0"
      max="1"
      step="0.05"
      inputmode="decimal"
      value="${valueOf(values, 'minConfidence')}"
      placeholder="0.5"
      ${invalid(issues, 'minConfidence')}
    />
  </div>`;
}

export function partyField(values: FormValues, issues: readonly FieldIssue[]): SafeHtml {
  return html`<div class="field">
    <label for="f-party">Party at the time</label>
    ${fieldError(issues, 'party')}
    <input
      type="text"
      id="f-party"
      name="party"
      value="${valueOf(values, 'party')}"
      maxlength="100"
      autocomplete="off"
      ${invalid(issues, 'party')}
    />
  </div>`;
}

export function houseField(issues: readonly FieldIssue[], house: string): SafeHtml {
  return html`<div class="field">
    <label for="f-house">House</label>
    ${fieldError(issues, 'house')}
    <select id="f-house" name="house" ${invalid(issues, 'house')}>
      <option value="">Any</option>
      ${HOUSES.map((h) => html`<option value="${h}" ${h === house ? html` selected` : ''}>${houseLabel(h)}</option>`)}
    </select>
  </div>`;
}

function typeField(issues: readonly FieldIssue[], type: string): SafeHtml {
  return html`<div class="field">
    <label for="f-type">Type</label>
    ${fieldError(issues, 'type')}
    <select id="f-type" name="type" ${invalid(issues, 'type')}>
      <option value="">Any</option>
      ${FEED_TYPES.map((t) => html`<option value="${t}" ${t === type ? html` selected` : ''}>${typeLabel(t)}</option>`)}
    </select>
  </div>`;
}

export function dateFields(values: FormValues, issues: readonly FieldIssue[]): SafeHtml {
  return html`<div class="field">
      <label for="f-from">From</label>
      ${fieldError(issues, 'from')}
      <input
        type="date"
        id="f-from"
        name="from"
        value="${valueOf(values, 'from')}"
        ${invalid(issues, 'from')}
      />
    </div>
    <div class="field">
      <label for="f-to">To</label>
      ${fieldError(issues, 'to')}
      <input type="date" id="f-to" name="to" value="${valueOf(values, 'to')}" ${invalid(issues, 'to')} />
    </div>`;
}

/** The speaker by name, with suggestions from /api/v1/people as one types (assets/app.js). */
export function speakerField(values: FormValues, issues: readonly FieldIssue[], label = 'Speaker'): SafeHtml {
  return html`<div class="field">
    <label for="f-speaker">${label}</label>
    <p class="hint" id="f-speaker-hint">An MP's or peer's name</p>
    ${fieldError(issues, 'speaker')}
    <input
      type="text"
      id="f-speaker"
      name="speaker"
      value="${valueOf(values, 'speaker')}"
      maxlength="200"
      autocomplete="off"
      list="f-speaker-list"
      data-people-typeahead
      aria-describedby="f-speaker-hint"
      ${invalid(issues, 'speaker')}
    />
    <datalist id="f-speaker-list"></datalist>
  </div>`;
}

function personField(values: FormValues, issues: readonly FieldIssue[]): SafeHtml {
  return html`<div class="field">
    <label for="f-person">Speaker's person id</label>
    ${fieldError(issues, 'person')}
    <input
      type="text"
      id="f-person"
      name="person"
      value="${valueOf(values, 'person')}"
      inputmode="numeric"
      autocomplete="off"
      ${invalid(issues, 'person')}
    />
  </div>`;
}
