/** Search: the filter form and a page of results with matches highlighted. */
import { fieldIssues } from '../../input/field-issues.js';
import { toSpeechFilters } from '../../search/filters.js';
import type { WebContext } from '../api/context.js';
import { BadRequestError } from '../api/errors.js';
import { searchQuery } from '../api/schemas.js';
import { runSearch, withCursor } from '../api/search-routes.js';
import { errorSummary, filterFields, speechResult, type FormValues } from './components.js';
import { html, queryString, type SafeHtml } from '../../html/template.js';
import { layout } from './layout.js';

export interface RenderedPage {
  status: number;
  html: string;
}

/** True when the person has asked for something (any filter), not just opened the page. */
function hasCriteria(values: FormValues): boolean {
  return Object.entries(values).some(
    ([k, v]) => k !== 'cursor' && k !== 'limit' && (Array.isArray(v) ? v.some(Boolean) : !!v),
  );
}

/** The query string of the filters alone (no paging), to carry a search over to the export form. */
function filtersOnly(values: FormValues): string {
  const { cursor: _cursor, limit: _limit, ...filters } = values;
  return queryString(filters);
}

export async function renderSearch(ctx: WebContext, values: FormValues, url: string): Promise<RenderedPage> {
  const catalogue = await ctx.tagCatalogue();
  const parsed = searchQuery.safeParse(values);
  const issues = parsed.success ? [] : fieldIssues(parsed.error);
  let results: SafeHtml = html``;
  let status = parsed.success ? 200 : 400;
  if (parsed.success && hasCriteria(values)) {
    try {
      const page = await runSearch(ctx, parsed.data);
      const filters = toSpeechFilters(parsed.data);
      results = html`<section aria-labelledby="results-title" class="results">
        <h2 id="results-title">
          ${page.results.length === 0 ? 'No speeches found' : `Speeches${filters.q ? ` matching “${filters.q}”` : ''}`}
        </h2>
        <p class="hint">
          Newest first. ${page.results.length} shown${parsed.data.cursor ? ' on this page' : ''}.
        </p>
        ${page.results.map((hit) => speechResult(hit, catalogue, 3))}
        ${page.nextCursor ? html`<nav aria-label="Pages"><a class="next" rel="next" href="${withCursor(url, page.nextCursor)}">Older speeches</a></nav>` : ''}
        <p><a href="/export${filtersOnly(values)}">Export these results</a></p>
      </section>`;
    } catch (err) {
      if (!(err instanceof BadRequestError)) throw err;
      issues.push(...err.issues);
      status = 400;
    }
  }
  const body = html`<h1>Search debates</h1>
    ${errorSummary(issues)}
    <form class="filters" action="/search" method="get" role="search" novalidate>
      ${filterFields(values, catalogue, issues)}
      <button type="submit">Search</button>
    </form>
    ${results}`;
  return { status, html: layout({ title: 'Search', current: 'search', body }) };
}
