/**
 * Newer / older links for keyset-paged lists. A page's URL carries its own cursor and the
 * cursors of the pages before it (`back`, the first page having none), so each URL always
 * shows the same page and links both ways without the server remembering anything.
 */
import { html, queryString, type SafeHtml } from '../../html/template.js';
import type { FormValues } from './components.js';

/** At most this many earlier pages are remembered; further back, "Newer" starts again from the newest. */
const MAX_BACK = 50;

export interface PageLinks {
  /** 1 for the first page. */
  number: number;
  newer: string | null;
  older: string | null;
}

function href(path: string, values: FormValues, cursor: string | undefined, back: readonly string[]): string {
  const { cursor: _c, back: _b, ...rest } = values;
  return `${path}${queryString({ ...rest, cursor, back: back.length ? back.join(',') : undefined })}`;
}

export function pageLinks(
  path: string,
  values: FormValues,
  current: { cursor?: string | undefined; back?: string[] | undefined },
  nextCursor: string | null,
): PageLinks {
  const back = current.back ?? [];
  const cursor = current.cursor;
  const newer = cursor
    ? back.length
      ? href(path, values, back[back.length - 1], back.slice(0, -1))
      : href(path, values, undefined, [])
    : null;
  const older = nextCursor
    ? href(path, values, nextCursor, cursor ? [...back, cursor].slice(-MAX_BACK) : [])
    : null;
  return { number: cursor ? back.length + 2 : 1, newer, older };
}

export function pagerNav(links: PageLinks, labels = { newer: 'Newer', older: 'Older' }): SafeHtml {
  if (!links.newer && !links.older) return html``;
  return html`<nav class="pager" aria-label="Pages">
    ${links.newer ? html`<a class="newer" rel="prev" href="${links.newer}">← ${labels.newer}</a>` : ''}
    <span class="page-number">Page ${links.number}</span>
    ${links.older ? html`<a class="older" rel="next" href="${links.older}">${labels.older} →</a>` : ''}
  </nav>`;
}
