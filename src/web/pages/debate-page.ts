/** A debate: its heading, then each speech with its speaker, tags and sanitised text. */
import type { Debate, DebateParagraph, DebateSpeech } from '../../search/debate-repository.js';
import type { DebateNeighbours } from '../../search/day-repository.js';
import { feedTypeEntry } from '../../parliament/index.js';
import type { TagInfo } from '../api/context.js';
import { dayHref } from './day-page.js';
import { debateHref, sourceLinks, speakerLine, speechAnchor, tagBadges } from './components.js';
import { html, trusted, type SafeHtml } from '../../html/template.js';
import { displayDate, displayTime, displayTitle, houseLabel, typeLabel } from './labels.js';
import { layout } from './layout.js';
import { sanitizeFeedHtml } from './sanitize.js';
import type { TagEvidence } from '../../tag/evidence-repository.js';
import { tagEvidence } from './tag-evidence.js';

/** Evidence per speech gid, for the tags shown. */
export type EvidenceBySpeech = ReadonlyMap<string, readonly TagEvidence[]>;

const BLOCK_START = /^\s*<(table|ul|ol|blockquote|pre)\b/i;

/** A feed paragraph; a table kept as a paragraph cannot sit inside <p>, so it gets a <div>. */
function paragraph(p: DebateParagraph): SafeHtml {
  const cls = p.cls && /^[a-z-]{1,30}$/.test(p.cls) ? ` para-${p.cls}` : '';
  const inner = trusted(sanitizeFeedHtml(p.html));
  const shown = BLOCK_START.test(p.html)
    ? html`<div class="para${cls}">${inner}</div>`
    : html`<p class="para${cls}">${inner}</p>`;
  return p.truncated
    ? html`${shown}
        <p class="notice">
          This paragraph is ${(p.fullLength ?? 0).toLocaleString('en-GB')} characters long; only its first
          ${p.body.length.toLocaleString('en-GB')} are shown here. The export has it in full.
        </p>`
    : shown;
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
function speech(
  s: DebateSpeech,
  catalogue: readonly TagInfo[],
  level: 2 | 3,
  evidence?: EvidenceBySpeech,
): SafeHtml {
  const shown = evidence?.get(s.gid);
  const anchor = speechAnchor(s.gid);
  const who =
    level === 2
      ? html`<h2 class="speech-who" id="${anchor}-who">${speakerLine(s)}</h2>`
      : html`<h3 class="speech-who" id="${anchor}-who">${speakerLine(s)}</h3>`;
  return html`<article class="speech" id="${anchor}" aria-labelledby="${anchor}-who">
    ${who}${s.continued ? html`<p class="meta">(continued)</p>` : ''} ${speechMeta(s)}
    ${shown?.length ? tagEvidence(shown, catalogue) : tagBadges(s.tags, catalogue)}
    <div class="speech-text">${s.paragraphs.map(paragraph)}</div>
    ${sourceLinks(s)}
  </article>`;
}

/** Speeches with each minor heading placed before its first speech (a major heading's debate). */
function speechesWithSubheadings(
  debate: Debate,
  catalogue: readonly TagInfo[],
  evidence?: EvidenceBySpeech,
): SafeHtml[] {
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
          <a href="${debateHref(minor)}">${displayTitle(titles.get(minor) ?? '')}</a>
        </h2>`,
      );
    }
    out.push(speech(s, catalogue, level, evidence));
  }
  return out;
}

/** Link to another page of a long debate. */
function pageHref(debate: Debate, cursor: string | null): string {
  return cursor === null
    ? debateHref(debate.gid)
    : `${debateHref(debate.gid)}?cursor=${encodeURIComponent(cursor)}`;
}

/** Previous and next debates of the same sitting, and the day's list between them. */
function debateNav(debate: Debate, neighbours: DebateNeighbours, place: string): SafeHtml {
  const house = feedTypeEntry(debate.type)?.house ?? null;
  const { previous, next } = neighbours;
  return html`<nav class="pager debate-pager" aria-label="Debates ${place}">
    ${previous ? html`<a rel="prev" href="${debateHref(previous.gid)}"><span class="pager-dir">Previous</span> ${displayTitle(previous.title)}</a>` : html`<span></span>`}
    <a class="pager-day" href="${dayHref(debate.sittingDate, house)}">All debates that day</a>
    ${next ? html`<a rel="next" href="${debateHref(next.gid)}"><span class="pager-dir">Next</span> ${displayTitle(next.title)}</a>` : html`<span></span>`}
  </nav>`;
}

/** Where the debate sits: its house's day, then its major heading above a minor one. */
function breadcrumb(debate: Debate): SafeHtml {
  const house = feedTypeEntry(debate.type)?.house ?? null;
  return html`<p class="breadcrumb">
    <a href="${dayHref(debate.sittingDate, house)}"
      >${house ? `${houseLabel(house)}, ` : ''}${displayDate(debate.sittingDate)}</a
    >
    ${debate.parent ? html` › <a href="${debateHref(debate.parent.gid)}">${displayTitle(debate.parent.title)}</a>` : ''}
  </p>`;
}

export function renderDebate(
  debate: Debate,
  catalogue: readonly TagInfo[],
  neighbours: DebateNeighbours = { previous: null, next: null },
  evidence?: EvidenceBySpeech,
): string {
  const title = displayTitle(debate.title);
  const body = html`${breadcrumb(debate)}
    <h1>${title}</h1>
    ${debate.cursor ? html`<p class="notice">A later part of a long debate. <a href="${pageHref(debate, null)}">From the start</a></p>` : ''}
    <p class="meta">
      <time datetime="${debate.sittingDate}">${displayDate(debate.sittingDate)}</time> ·
      ${typeLabel(debate.type)}${debate.twfyUrl ? html` · <a href="${debate.twfyUrl}" rel="noopener">TheyWorkForYou</a>` : ''}
    </p>
    ${debate.speeches.length === 0 ? html`<p>No speeches under this heading.</p>` : speechesWithSubheadings(debate, catalogue, evidence)}
    ${debate.nextCursor ? html`<p class="notice">This debate is long and continues on the next page. <a rel="next" href="${pageHref(debate, debate.nextCursor)}">Continue reading</a></p>` : ''}
    ${debateNav(debate, neighbours, 'before and after')}`;
  return layout({ title, current: 'days', body });
}
