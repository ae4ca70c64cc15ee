/** Finding an MP or peer by name. */
import type { PersonSummary } from '../../person/person-repository.js';
import type { FieldIssue } from '../../input/field-issues.js';
import { errorSummary, personHref } from './components.js';
import { html } from '../../html/template.js';
import { layout } from './layout.js';

export function renderPeople(q: string, results: PersonSummary[] | null, issues: FieldIssue[]): string {
  const body = html`<h1>MPs, peers and members</h1>
    ${errorSummary(issues)}
    <form class="search-box" action="/people" method="get" role="search">
      <label for="f-q">Name</label>
      <div class="inline-field">
        <input
          type="search"
          id="f-q"
          name="q"
          value="${q}"
          minlength="2"
          maxlength="100"
          autocomplete="off"
        /><button type="submit">Find</button>
      </div>
    </form>
    ${
      results === null
        ? ''
        : html`<section aria-labelledby="people-title">
            <h2 id="people-title">${results.length === 0 ? 'Nobody found' : 'People'}</h2>
            <ul class="people">
              ${results.map(
                (p) =>
                  html`<li>
                    <a href="${personHref(p.id)}">${p.name}</a>
                    <span class="affiliation"
                      >${[p.party, p.constituency, p.houseName].filter(Boolean).join(' · ')}</span
                    >
                  </li>`,
              )}
            </ul>
          </section>`
    }`;
  return layout({ title: 'MPs and peers', current: 'people', body });
}
