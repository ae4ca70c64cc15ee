/**
 * The page shell: a skip link, a banner with the site navigation, one <main>, a footer
 * with the data licence. Styles and the one script come from /assets (CSP: 'self' only).
 */
import { html, type SafeHtml } from '../../html/template.js';

export type NavKey = 'home' | 'search' | 'people' | 'days' | 'export' | 'subscribe' | 'api';

const NAV: { key: NavKey; href: string; label: string }[] = [
  { key: 'search', href: '/search', label: 'Search' },
  { key: 'people', href: '/people', label: 'MPs and peers' },
  { key: 'days', href: '/days', label: 'By date' },
  { key: 'export', href: '/export', label: 'Export' },
  { key: 'subscribe', href: '/subscribe', label: 'Alerts' },
  { key: 'api', href: '/api/docs', label: 'API' },
];

export interface PageOptions {
  title: string;
  description?: string;
  current?: NavKey;
  body: SafeHtml;
}

export const SITE_NAME = 'hansard-watch';

export function layout(o: PageOptions): string {
  const title = o.current === 'home' ? SITE_NAME : `${o.title} · ${SITE_NAME}`;
  return `<!doctype html>\n${html`<html lang="en-GB">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${title}</title>
      <meta
        name="description"
        content="${o.description ?? 'What UK parliaments say about NHS outsourcing, privatisation, STPs and ACOs.'}"
      />
      <link rel="stylesheet" href="/assets/site.css" />
      <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
      <script src="/assets/app.js" defer></script>
    </head>
    <body>
      <a class="skip" href="#main">Skip to content</a>
      <header class="banner">
        <div class="wrap banner-inner">
          <a class="brand" href="/" ${o.current === 'home' ? html` aria-current="page"` : ''}>${SITE_NAME}</a>
          <nav aria-label="Main">
            <ul>
              ${NAV.map((n) => html`<li><a href="${n.href}" ${n.key === o.current ? html` aria-current="page"` : ''}>${n.label}</a></li>`)}
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" class="wrap" tabindex="-1">${o.body}</main>
      <footer class="wrap site-footer">
        <p>
          Parliamentary material from <a href="https://www.theyworkforyou.com/">TheyWorkForYou</a>, ©
          Parliamentary copyright, reused under the
          <a href="https://www.parliament.uk/site-information/copyright-parliament/open-parliament-licence/"
            >Open Parliament Licence</a
          >. Tags are made by software and can be wrong: check the record before quoting.
        </p>
      </footer>
    </body>
  </html>`}\n`;
}
