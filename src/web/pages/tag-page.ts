/**
 * Tag pages: /tags lists the taxonomy's tags with their descriptions and counts; /tags/{tag}
 * profiles one tag (counts by month, house and party, top speakers) over filters, then
 * lists its speeches newest first, each with the paragraph that earned the tag.
 */
import { fieldIssues, type FieldIssue } from '../../input/field-issues.js';
import { shortPersonId } from '../../parliament/index.js';
import type { SpeechFilters } from '../../search/filters.js';
import type { CountBy, TagProfile } from '../../search/tag-page-repository.js';
import type { TagTotal } from '../../search/tag-count-repository.js';
import { InvalidCursorError } from '../../search/search-repository.js';
import { DEFAULT_MIN_CONFIDENCE } from '../../tag/types.js';
import type { TagInfo, WebContext } from '../api/context.js';
import { tagPageQuery, type TagPageQuery } from '../api/schemas.js';
import { timelineChart } from './chart.js';
import {
  dateFields,
  errorSummary,
  houseField,
  minConfidenceField,
  partyField,
  personHref,
  speechResult,
  valueOf,
  type FormValues,
} from './components.js';
import { html, queryString, type SafeHtml } from '../../html/template.js';
import { displayDate, houseLabel } from './labels.js';
import { layout } from './layout.js';
import { pageLinks, pagerNav } from './pager.js';
import type { RenderedPage } from './search-page.js';
import { tagHref } from './tag-evidence.js';

const PAGE_SIZE = 20;

export async function renderTagList(ctx: WebContext): Promise<string> {
  const [totals, catalogue] = await Promise.all([ctx.tagTotals(), ctx.tagCatalogue()]);
  const body = html`<h1>Tags</h1>
    <p class="lede">
      Speeches are tagged by software: keyword rules and a classifier trained on examples. Each tag's page
      shows how often it comes up, who raises it, and the passages that earned it.
    </p>
    <ul class="tag-list">
      ${catalogue.map((t) =>
        tagListItem(
          t,
          totals.find((x) => x.tag === t.id),
        ),
      )}
    </ul>`;
  return layout({ title: 'Tags', body });
}

function tagListItem(t: TagInfo, total: TagTotal | undefined): SafeHtml {
  return html`<li>
    <h2><a href="${tagHref(t.id)}">${t.label}</a></h2>
    ${t.description ? html`<p>${t.description}</p>` : ''}
    <p class="meta">
      ${(total?.speeches ?? 0).toLocaleString('en-GB')}
      speeches${total?.firstDate && total.lastDate ? html`, <time datetime="${total.firstDate}">${displayDate(total.firstDate)}</time> to <time datetime="${total.lastDate}">${displayDate(total.lastDate)}</time>` : ''}
    </p>
  </li>`;
}

function filtersOf(tag: string, q: TagPageQuery): SpeechFilters {
  const f: SpeechFilters = { minConfidence: q.minConfidence ?? DEFAULT_MIN_CONFIDENCE, tags: [tag] };
  if (q.from) f.from = q.from;
  if (q.to) f.to = q.to;
  if (q.house?.length) f.houses = [...new Set(q.house)];
  if (q.party) f.party = q.party;
  return f;
}

/** The filters as the subscribe and export forms take them (each form takes what it can use). */
function formLinks(f: SpeechFilters): { alert: string; export: string } {
  const minConfidence = f.minConfidence === DEFAULT_MIN_CONFIDENCE ? undefined : f.minConfidence;
  return {
    alert: `/subscribe${queryString({ tag: f.tags, minConfidence })}`,
    export: `/export${queryString({ tag: f.tags, minConfidence, from: f.from, to: f.to, house: f.houses, party: f.party })}`,
  };
}

export async function renderTagPage(
  ctx: WebContext,
  tag: string,
  values: FormValues,
): Promise<RenderedPage | null> {
  const catalogue = await ctx.tagCatalogue();
  const info = catalogue.find((t) => t.id === tag);
  if (!info) return null;
  const parsed = tagPageQuery.safeParse(values);
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error);
    return { status: 400, html: page(info, values, errorSummary(issues), html``, 1, issues) };
  }
  const q = parsed.data;
  const f = filtersOf(tag, q);
  try {
    const [profile, list] = await Promise.all([
      ctx.tagProfile(tag, f),
      ctx.search.search(f, { limit: PAGE_SIZE, cursor: q.cursor }),
    ]);
    const evidence = await ctx.evidence.forSpeeches(
      list.results.map((h) => h.gid),
      f.minConfidence,
    );
    const links = pageLinks(tagHref(tag), values, q, list.nextCursor);
    const forms = formLinks(f);
    const speeches = html`<section aria-labelledby="speeches-title" class="results">
      <h2 id="speeches-title">Speeches, newest first</h2>
      ${list.results.length === 0 ? html`<p>No speeches carry this tag with these filters.</p>` : ''}
      ${list.results.map((hit) => speechResult(hit, catalogue, 3, evidence.get(hit.gid)))}
      ${pagerNav(links, { newer: 'Newer speeches', older: 'Older speeches' })}
    </section>`;
    const summary = html`<p class="actions">
        <a class="alert-link" href="${forms.alert}">Alert me about this tag</a> ·
        <a class="export-link" href="${forms.export}">Export these speeches</a>
      </p>
      ${links.number === 1 ? profileSections(profile, catalogue) : html`<p class="tag-total" data-total="${profile.speeches}">${countLine(profile)}</p>`}`;
    return { status: 200, html: page(info, values, summary, speeches, links.number) };
  } catch (err) {
    if (!(err instanceof InvalidCursorError)) throw err;
    const summary = errorSummary([{ field: 'cursor', message: err.message }]);
    return { status: 400, html: page(info, values, summary, html``) };
  }
}

function countLine(p: TagProfile): string {
  return `${p.speeches.toLocaleString('en-GB')} ${p.speeches === 1 ? 'speech' : 'speeches'}`;
}

function page(
  info: TagInfo,
  values: FormValues,
  summary: SafeHtml,
  speeches: SafeHtml,
  number = 1,
  issues: readonly FieldIssue[] = [],
): string {
  const body = html`<p class="breadcrumb"><a href="/tags">Tags</a></p>
    <h1>${info.label}</h1>
    ${info.description ? html`<p class="lede tag-description">${info.description}</p>` : ''}
    ${filterForm(info.id, values, issues)} ${summary} ${speeches}`;
  return layout({
    title: number > 1 ? `${info.label} (page ${number})` : info.label,
    description: info.description ?? `Speeches tagged ${info.label}`,
    body,
  });
}

function filterForm(tag: string, values: FormValues, issues: readonly FieldIssue[]): SafeHtml {
  return html`<form class="filters tag-filters" action="${tagHref(tag)}" method="get" novalidate>
    <details class="more-filters" open>
      <summary>Filters: dates, house, party, confidence</summary>
      <div class="field-grid">
        ${dateFields(values, issues)} ${houseField(issues, valueOf(values, 'house'))}
        ${partyField(values, issues)} ${minConfidenceField(values, issues)}
      </div>
      <button type="submit">Apply filters</button>
    </details>
  </form>`;
}

function profileSections(p: TagProfile, catalogue: readonly TagInfo[]): SafeHtml {
  const byMonth = p.byMonth
    .filter((m): m is CountBy & { key: string } => m.key !== null)
    .map((m) => ({ month: m.key, speeches: m.speeches, tagged: m.speeches, tags: { [p.tag]: m.speeches } }));
  return html`<section aria-labelledby="profile-title" class="tag-profile">
    <h2 id="profile-title" class="tag-total" data-total="${p.speeches}">${countLine(p)}</h2>
    ${timelineChart(byMonth, catalogue, 'tag-timeline')}
    <div class="count-tables">
      ${countTable('By house', 'House', p.byHouse, (k) => houseLabel(k), 'by-house')}
      ${countTable('By party', 'Party at the time', p.byParty, (k) => k ?? 'No party recorded', 'by-party')}
      ${topSpeakers(p)}
    </div>
  </section>`;
}

function countTable(
  caption: string,
  column: string,
  rows: readonly CountBy[],
  label: (key: string | null) => string,
  cls: string,
): SafeHtml {
  return html`<div class="table-scroll">
    <table class="counts ${cls}">
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">${column}</th>
          <th scope="col">Speeches</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr>
              <th scope="row">${label(r.key)}</th>
              <td>${r.speeches.toLocaleString('en-GB')}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function topSpeakers(p: TagProfile): SafeHtml {
  return html`<div class="table-scroll">
    <table class="counts top-speakers">
      <caption>
        Who raises it most
      </caption>
      <thead>
        <tr>
          <th scope="col">Speaker</th>
          <th scope="col">Speeches</th>
        </tr>
      </thead>
      <tbody>
        ${p.topSpeakers.map(
          (s) =>
            html`<tr>
              <th scope="row">
                <a href="${personHref(s.personId)}">${s.name ?? 'Unnamed'}</a>
                <a
                  class="hint"
                  href="/search${queryString({ tag: p.tag, person: shortPersonId(s.personId) })}"
                  >(speeches)</a
                >
              </th>
              <td>${s.speeches.toLocaleString('en-GB')}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
