/**
 * The site's answer when a page cannot be shown: what was wrong in plain words, then ways
 * on (a page-specific one first, then the main sections), never a stack trace or a raw
 * validation message.
 */
import type { FieldIssue } from '../../input/field-issues.js';
import { html, type SafeHtml } from '../../html/template.js';
import { fieldName } from './components.js';
import { layout } from './layout.js';

export function errorPage(title: string, message: string, wayOn: SafeHtml = html``): string {
  return layout({
    title,
    body: html`<div class="error-page">
      <h1>${title}</h1>
      <p class="lede">${message}</p>
      ${wayOn}
      <p class="ways-on">
        <a href="/">Home</a> · <a href="/search">Search speeches</a> · <a href="/people">MPs and peers</a> ·
        <a href="/days">Browse by date</a>
      </p>
    </div>`,
  });
}

/** `Person: must be …` for each problem, with the form's own names for the fields. */
export function issuesMessage(issues: readonly FieldIssue[]): string {
  return issues
    .map((i) => (i.field && i.field !== '(query)' ? `${fieldName(i.field)}: ${i.message}` : i.message))
    .join('; ');
}
