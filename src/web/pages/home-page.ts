/** Home: a search box, the tags with their counts, and the latest tagged speeches. */
import { DEFAULT_MIN_CONFIDENCE } from '../../tag/types.js';
import type { WebContext } from '../api/context.js';
import { speechResult, tagLabel } from './components.js';
import { html } from '../../html/template.js';
import { layout } from './layout.js';
import { tagHref } from './tag-evidence.js';

const LATEST = 10;

export async function renderHome(ctx: WebContext): Promise<string> {
  const [latest, totals, catalogue] = await Promise.all([
    ctx.search.search({ minConfidence: DEFAULT_MIN_CONFIDENCE, tagged: true }, { limit: LATEST }),
    ctx.tagTotals(),
    ctx.tagCatalogue(),
  ]);
  const evidence = await ctx.evidence.forSpeeches(
    latest.results.map((h) => h.gid),
    DEFAULT_MIN_CONFIDENCE,
  );
  const body = html`<h1>What Parliament says about NHS outsourcing and privatisation</h1>
    <p class="lede">
      Debates, questions and statements from Westminster, Holyrood and Stormont, tagged for outsourcing,
      privatisation, sustainability and transformation plans and accountable care.
    </p>
    <form class="search-box" action="/search" method="get" role="search">
      <label for="home-q">Search the record</label>
      <div class="inline-field">
        <input type="search" id="home-q" name="q" maxlength="500" /><button type="submit">Search</button>
      </div>
    </form>
    <section aria-labelledby="tags-title">
      <h2 id="tags-title">Tags</h2>
      ${
        totals.length === 0
          ? html`<p>No speeches have been tagged yet.</p>`
          : html`<ul class="tag-totals">
                ${totals.map(
                  (t) =>
                    html`<li>
                      <a href="${tagHref(t.tag)}">${tagLabel(t.tag, catalogue)}</a>
                      <span class="count">${t.speeches.toLocaleString('en-GB')} speeches</span>
                    </li>`,
                )}
              </ul>
              <p><a href="/tags">All tags, with their descriptions</a></p>`
      }
    </section>
    <section aria-labelledby="latest-title">
      <h2 id="latest-title">Latest tagged speeches</h2>
      ${latest.results.length === 0 ? html`<p>Nothing tagged yet.</p>` : latest.results.map((hit) => speechResult(hit, catalogue, 3, evidence.get(hit.gid)))}
      ${latest.nextCursor ? html`<p><a href="/search?tagged=true">All tagged speeches</a></p>` : ''}
    </section>`;
  return layout({ title: 'Home', current: 'home', body });
}
