/**
 * Search: the filter form and a page of results with matches highlighted, their total,
 * links both ways, the people whose names match the words, and an alert for the search.
 * The speaker is chosen by name (suggested as one types); ids stay in URLs only.
 */
import { fieldIssues, type FieldIssue } from '../../input/field-issues.js';
import { shortPersonId } from '../../parliament/index.js';
import type { PersonSummary } from '../../person/person-repository.js';
import { toSpeechFilters, type SpeechFilters } from '../../search/filters.js';
import { InvalidCursorError, type SearchPage, type SearchTotal } from '../../search/search-repository.js';
import { DEFAULT_MIN_CONFIDENCE } from '../../tag/types.js';
import type { WebContext } from '../api/context.js';
import { searchPageQuery, type SearchPageQuery } from '../api/schemas.js';
import {
  errorSummary,
  filterFields,
  personHref,
  speechResult,
  valueOf,
  type FormValues,
} from './components.js';
import { html, queryString, type SafeHtml } from '../../html/template.js';
import { houseLabel } from './labels.js';
import { layout } from './layout.js';
import { pageLinks, pagerNav } from './pager.js';
import { personChoiceLabel, resolveSpeaker } from './speaker-choice.js';

export interface RenderedPage {
  status: number;
  html: string;
}

/** True when the person has asked for something (any filter), not just opened the page. */
function hasCriteria(values: FormValues): boolean {
  return Object.entries(values).some(
    ([k, v]) => k !== 'cursor' && k !== 'limit' && k !== 'back' && (Array.isArray(v) ? v.some(Boolean) : !!v),
  );
}

/**
 * Words that could be a name: two to four words of letters (or one capitalised word, a
 * surname), no search operators. Other queries skip the people lookup, a scan of every name.
 */
function looksLikeName(q: string | undefined): q is string {
  if (!q || q.length < 3 || q.length > 60 || !/^[\p{L}' .-]+$/u.test(q) || /\b(OR|AND)\b/.test(q))
    return false;
  const words = q.trim().split(/\s+/);
  return words.length > 1 ? words.length <= 4 : /^\p{Lu}/u.test(q);
}

export function totalText(total: SearchTotal): string {
  const n = total.exact || total.atLeast ? total.count : roughly(total.count);
  const count = `${total.exact ? '' : total.atLeast ? 'More than ' : 'About '}${n.toLocaleString('en-GB')}`;
  return `${count} ${n === 1 && total.exact ? 'speech' : 'speeches'}`;
}

/** Two significant figures: an estimate should not look exact. */
function roughly(n: number): number {
  if (n < 100) return n;
  const unit = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.round(n / unit) * unit;
}

/** The query string of the filters alone, speaker as its id: what the export and alert forms take. */
function filterQuery(f: SpeechFilters, keys: 'export' | 'alert'): string {
  const common = {
    q: f.q,
    tag: f.tags,
    person: f.personId ? shortPersonId(f.personId) : undefined,
    minConfidence: f.minConfidence === DEFAULT_MIN_CONFIDENCE ? undefined : f.minConfidence,
  };
  if (keys === 'alert') return queryString(common);
  return queryString({
    ...common,
    tagged: f.tagged ? 'true' : undefined,
    party: f.party,
    house: f.houses,
    type: f.types,
    from: f.from,
    to: f.to,
  });
}

function peopleBox(q: string, people: readonly PersonSummary[]): SafeHtml {
  if (people.length === 0) return html``;
  return html`<aside class="people-matching" aria-labelledby="people-matching-title">
    <h2 id="people-matching-title">People matching “${q}”</h2>
    <ul>
      ${people.map(
        (p) =>
          html`<li>
            <a href="${personHref(p.id)}">${p.name}</a>
            ${p.party || p.constituency || p.house ? html`<span class="hint">${[p.party, p.constituency, p.house ? houseLabel(p.house) : null].filter(Boolean).join(', ')}</span>` : ''}
            · <a href="/search${queryString({ speaker: personChoiceLabel(p) })}">their speeches</a>
          </li>`,
      )}
    </ul>
  </aside>`;
}

function speakerChoices(url: (p: PersonSummary) => string, people: readonly PersonSummary[]): SafeHtml {
  return html`<div class="notice" role="status">
    <p>More than one person has that name. Which did you mean?</p>
    <ul>
      ${people.map((p) => html`<li><a href="${url(p)}">${personChoiceLabel(p)}</a></li>`)}
    </ul>
  </div>`;
}

const STOP_WORDS_MESSAGE =
  'has only very common words (like “the”, “of” and “and”), which the search leaves out because they are in nearly every speech. Add a more specific word.';

interface Results {
  page: SearchPage;
  total: SearchTotal;
  evidence: Awaited<ReturnType<WebContext['evidence']['forSpeeches']>>;
}

async function results(ctx: WebContext, f: SpeechFilters, q: SearchPageQuery): Promise<Results> {
  const [page, total] = await Promise.all([
    ctx.search.search(f, { limit: q.limit, cursor: q.cursor, order: q.order }),
    ctx.searchTotal(f),
  ]);
  const evidence = await ctx.evidence.forSpeeches(
    page.results.filter((h) => h.tags.length > 0).map((h) => h.gid),
    f.minConfidence,
  );
  return { page, total, evidence };
}

export async function renderSearch(ctx: WebContext, values: FormValues, _url: string): Promise<RenderedPage> {
  const catalogue = await ctx.tagCatalogue();
  const parsed = searchPageQuery.safeParse(values);
  const issues: FieldIssue[] = parsed.success ? [] : fieldIssues(parsed.error);
  let body: SafeHtml = html``;
  let title = 'Search';
  const shown = { ...values };
  if (parsed.success && hasCriteria(values)) {
    const q = parsed.data;
    const f = toSpeechFilters(q);
    if (f.q) title = `“${f.q}” · Search`;
    const [speaker, people] = await Promise.all([
      resolveSpeaker(ctx.people, q),
      looksLikeName(f.q) && !q.cursor ? ctx.people.searchByName(f.q, 5) : Promise.resolve([]),
    ]);
    if (speaker.kind === 'one') {
      f.personId = speaker.person.id;
      shown.speaker = personChoiceLabel(speaker.person);
      delete shown.person;
    }
    if (speaker.kind === 'unknown')
      issues.push({ field: 'speaker', message: 'no MP or peer of that name is in the member data' });
    if (speaker.kind === 'several')
      body = speakerChoices(
        (p) => `/search${queryString({ ...shownFilters(values), speaker: personChoiceLabel(p) })}`,
        speaker.people,
      );
    else if (issues.length === 0) {
      try {
        const found = await results(ctx, f, q);
        // Only an empty result needs the reason; asking first would cost every search a statement.
        body =
          found.page.results.length === 0 && f.q && (await ctx.search.onlyStopWords(f.q))
            ? html`<div class="notice" role="status"><p>“${f.q}” ${STOP_WORDS_MESSAGE}</p></div>`
            : resultList(q, f, found, values, catalogue, people);
      } catch (err) {
        if (!(err instanceof InvalidCursorError)) throw err;
        issues.push({ field: 'cursor', message: err.message });
      }
    }
    const number = q.cursor ? (q.back?.length ?? 0) + 2 : 1;
    if (number > 1) title = `${title} (page ${number})`;
  }
  const status = issues.length ? 400 : 200;
  const page = html`<h1>Search debates</h1>
    ${errorSummary(issues)}
    <form class="filters" action="/search" method="get" role="search" novalidate>
      ${filterFields(shown, catalogue, issues, { speakerByName: true, collapsible: true })}
      ${valueOf(values, 'order') === 'relevance' ? html`<input type="hidden" name="order" value="relevance" />` : ''}
      <button type="submit">Search</button>
    </form>
    ${body}`;
  return { status, html: layout({ title, current: 'search', body: page }) };
}

/** The order in use, and a link to the other one (from the first page). */
function orderLinks(q: SearchPageQuery, f: SpeechFilters, values: FormValues): SafeHtml {
  if (!f.q) return html`Newest first.`;
  const { cursor: _c, back: _b, order: _o, ...rest } = values;
  const relevance = q.order === 'relevance';
  const other = `/search${queryString({ ...rest, order: relevance ? undefined : 'relevance' })}`;
  return html`<span class="order"
    >${relevance ? 'Most relevant first' : 'Newest first'} ·
    <a href="${other}">${relevance ? 'Newest first' : 'Most relevant first'}</a>.</span
  >`;
}

/** The form's values without paging, for links that start a new search. */
function shownFilters(values: FormValues): FormValues {
  const { cursor: _c, back: _b, person: _p, speaker: _s, ...rest } = values;
  return rest;
}

function resultList(
  q: SearchPageQuery,
  f: SpeechFilters,
  r: Results,
  values: FormValues,
  catalogue: Parameters<typeof speechResult>[1],
  people: readonly PersonSummary[],
): SafeHtml {
  const links = pageLinks('/search', values, q, r.page.nextCursor);
  const heading = r.page.results.length === 0 && !q.cursor ? 'No speeches found' : totalText(r.total);
  return html`${f.q ? peopleBox(f.q, people) : ''}
    <section aria-labelledby="results-title" class="results">
      <h2 id="results-title" data-total="${r.total.count}" data-exact="${String(r.total.exact)}">
        ${heading}${f.q ? ` matching “${f.q}”` : ''}
      </h2>
      <p class="hint">
        ${orderLinks(q, f, values)}${r.page.results.length ? ` Page ${links.number}: ${r.page.results.length} shown.` : ''}
      </p>
      <p class="actions">
        <a class="alert-link" href="/subscribe${filterQuery(f, 'alert')}">Alert me about this search</a> ·
        <a href="/export${filterQuery(f, 'export')}">Export these results</a>
      </p>
      ${r.page.results.map((hit) => speechResult(hit, catalogue, 3, r.evidence.get(hit.gid)))}
      ${pagerNav(links, { newer: 'Newer speeches', older: 'Older speeches' })}
    </section>`;
}
