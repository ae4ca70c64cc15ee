/** A debate: its heading, then each speech with its speaker, tags and sanitised text. */
import type { Debate, DebateParagraph, DebateSpeech } from '../../search/debate-repository.js';
import type { TagInfo } from '../api/context.js';
import { debateHref, sourceLinks, speakerLine, speechAnchor, tagBadges } from './components.js';
import { html, trusted, type SafeHtml } from './html.js';
import { displayDate, displayTime, typeLabel } from './labels.js';
import { layout } from './layout.js';
import { sanitizeFeedHtml } from './sanitize.js';

const BLOCK_START = /^\s*<(table|ul|ol|blockquote|pre)\b/i;

/** A feed paragraph; a table kept as a paragraph cannot sit inside <p>, so it gets a <div>. */
function paragraph(p: DebateParagraph): SafeHtml {
  const cls = p.cls && /^[a-z-]{1,30}$/.test(p.cls) ? ` para-${p.cls}` : '';
  const inner = trusted(sanitizeFeedHtml(p.html));
  return BLOCK_START.test(p.html)
    ? html`<div class="para${cls}">${inner}</div>`
    : html`<p class="para${cls}">${inner}</p>`;
}

/** When (as Hansard prints it, with `HH:MM` for machines) and where in the printed column order. */
function speechMeta(s: DebateSpeech): SafeHtml | string {
  const time = displayTime(s.time);
  if (!time && !s.colnum) return '';
  const at = time ? html`<time datetime="${s.time}">${time}</time>` : '';
  return html`<p class="meta">
    ${at}${time && s.colnum ? ' · ' : ''}${s.colnum ? `column ${s.colnum}` : ''}
  </p>`;
}

/** Speakers are h2 directly under the debate's title, h3 under a minor heading (no skipped levels). */
function speech(s: DebateSpeech, catalogue: readonly TagInfo[], level: 2 | 3): SafeHtml {
  const anchor = speechAnchor(s.gid);
  const who =
    level === 2
      ? html`<h2 class="speech-who" id="${anchor}-who">${speakerLine(s)}</h2>`
      : html`<h3 class="speech-who" id="${anchor}-who">${speakerLine(s)}</h3>`;
  return html`<article class="speech" id="${anchor}" aria-labelledby="${anchor}-who">
    ${who} ${speechMeta(s)} ${tagBadges(s.tags, catalogue)}
    <div class="speech-text">${s.paragraphs.map(paragraph)}</div>
    ${sourceLinks(s)}
  </article>`;
}

/** Speeches with each minor heading placed before its first speech (a major heading's debate). */
function speechesWithSubheadings(debate: Debate, catalogue: readonly TagInfo[]): SafeHtml[] {
  const titles = new Map(debate.subheadings.map((h) => [h.gid, h.title]));
  const shown = new Set<string>();
  const out: SafeHtml[] = [];
  let level: 2 | 3 = 2;
  for (const s of debate.speeches) {
    const minor = s.minorHeadingGid;
    if (minor && titles.has(minor) && !shown.has(minor)) {
      shown.add(minor);
      level = 3;
      out.push(
        html`<h2 class="subheading" id="${speechAnchor(minor)}">
          <a href="${debateHref(minor)}">${titles.get(minor)}</a>
        </h2>`,
      );
    }
    out.push(speech(s, catalogue, level));
  }
  return out;
}

export function renderDebate(debate: Debate, catalogue: readonly TagInfo[]): string {
  const body = html`${debate.parent ? html`<p class="breadcrumb"><a href="${debateHref(debate.parent.gid)}">${debate.parent.title}</a></p>` : ''}
    <h1>${debate.title}</h1>
    <p class="meta">
      <time datetime="${debate.sittingDate}">${displayDate(debate.sittingDate)}</time> ·
      ${typeLabel(debate.type)}${debate.twfyUrl ? html` · <a href="${debate.twfyUrl}" rel="noopener">TheyWorkForYou</a>` : ''}
    </p>
    ${debate.speeches.length === 0 ? html`<p>No speeches under this heading.</p>` : speechesWithSubheadings(debate, catalogue)}
    ${debate.truncated ? html`<p class="notice">This debate is long; only its first ${debate.speeches.length} speeches are shown.</p>` : ''}`;
  return layout({ title: debate.title, current: 'search', body });
}
