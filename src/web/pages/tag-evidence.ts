/**
 * A speech's tags with their evidence: for each tag, the paragraph that earned it (not the
 * speech's first) with the evidence words marked, and a "Why this tag?" disclosure listing
 * the rule matches, the classifier's topical features and who gave the tag. One component
 * for every page that shows tags (home, search, tag pages, debates, MP pages).
 */
import type { EvidenceHit, TagEvidence, TagSource } from '../../tag/evidence-repository.js';
import type { TagInfo } from '../../tag/tag-info.js';
import { html, type SafeHtml } from '../../html/template.js';
import { tagLabel } from './labels.js';

/** Characters shown around the first evidence word of a long paragraph. */
const BEFORE_CHARS = 160;
const AFTER_CHARS = 420;

export const SOURCE_LABELS: Record<TagSource, string> = {
  rule: 'rules (keyword patterns)',
  classifier: 'classifier',
  editor: 'an editor',
};

export function tagHref(tag: string, query = ''): string {
  return `/tags/${encodeURIComponent(tag)}${query}`;
}

/**
 * Where the evidence words sit in `text`, merged and sorted. Stored offsets are used when
 * they still point at the term; otherwise (older rows, or text changed since) the term is
 * looked for case-insensitively, every occurrence.
 */
export function evidenceRanges(text: string, hits: readonly EvidenceHit[]): [number, number][] {
  const ranges: [number, number][] = [];
  const lower = text.toLowerCase();
  for (const h of hits) {
    if (
      h.start !== null &&
      h.end !== null &&
      text.slice(h.start, h.end).toLowerCase() === h.term.toLowerCase()
    ) {
      ranges.push([h.start, h.end]);
      continue;
    }
    const needle = h.term.toLowerCase();
    for (let i = lower.indexOf(needle); i >= 0 && needle; i = lower.indexOf(needle, i + needle.length))
      ranges.push([i, i + needle.length]);
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** A window of `text` around its first range, cut at spaces, with the ranges in it marked. */
export function markedExcerpt(text: string, ranges: readonly [number, number][]): SafeHtml {
  const first = ranges[0]?.[0] ?? 0;
  let start = Math.max(0, first - BEFORE_CHARS);
  let end = Math.min(text.length, first + AFTER_CHARS);
  if (start > 0) start = cutAtSpace(text, start, first);
  if (end < text.length)
    end = Math.max(cutBackToSpace(text, end, ranges[0]?.[1] ?? end), ranges[0]?.[1] ?? end);
  const parts: (SafeHtml | string)[] = [start > 0 ? '… ' : ''];
  let at = start;
  for (const [s, e] of ranges) {
    if (e <= start || s >= end) continue;
    const from = Math.max(s, start);
    const to = Math.min(e, end);
    parts.push(text.slice(at, from), html`<mark>${text.slice(from, to)}</mark>`);
    at = to;
  }
  parts.push(text.slice(at, end), end < text.length ? ' …' : '');
  return html`${parts}`;
}

function cutAtSpace(text: string, from: number, limit: number): number {
  const space = text.indexOf(' ', from);
  return space >= 0 && space < limit ? space + 1 : from;
}

function cutBackToSpace(text: string, from: number, floor: number): number {
  const space = text.lastIndexOf(' ', from);
  return space > floor ? space : from;
}

function hitList(hits: readonly EvidenceHit[], kind: 'rule' | 'feature'): SafeHtml {
  const seen = new Set<string>();
  const unique = hits.filter((h) => {
    const key = `${h.term.toLowerCase()}|${h.ref ?? ''}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return html`<ul class="why-list">
    ${unique.map((h) => {
      const detail: string[] = [];
      if (h.ref) detail.push(kind === 'rule' ? `pattern ${h.ref}` : `feature ${h.ref}`);
      if (h.weight !== null)
        detail.push(
          kind === 'rule'
            ? `weight ${h.weight.toFixed(2)}`
            : `${h.weight >= 0 ? '+' : ''}${h.weight.toFixed(2)} log-odds`,
        );
      return html`<li>
        “${h.term}”${detail.length ? html` <span class="hint">(${detail.join(', ')})</span>` : ''}
      </li>`;
    })}
  </ul>`;
}

/** The "Why this tag?" disclosure of one tag. */
export function whyThisTag(e: TagEvidence): SafeHtml {
  return html`<details class="why">
    <summary>Why this tag?</summary>
    <p>
      Given by ${SOURCE_LABELS[e.source]}, confidence
      ${e.confidence.toFixed(2)}${e.paragraph ? `, from paragraph ${e.paragraph.seq + 1} of the speech` : ''}.
    </p>
    <p class="why-head">Rule matches</p>
    ${e.rules.length ? hitList(e.rules, 'rule') : html`<p class="hint">No keyword pattern matched.</p>`}
    <p class="why-head">Classifier's topical features</p>
    ${e.features.length ? hitList(e.features, 'feature') : html`<p class="hint">${e.source === 'rule' ? 'The classifier was not needed: a rule decided.' : 'None recorded.'}</p>`}
  </details>`;
}

/** One tag's evidence: the tag and its confidence, the marked paragraph, and the disclosure. */
export function tagEvidenceItem(e: TagEvidence, catalogue: readonly TagInfo[]): SafeHtml {
  const text = e.paragraph?.text ?? '';
  const ranges = evidenceRanges(text, [...e.rules, ...e.features]);
  return html`<div class="evidence" data-tag="${e.tag}">
    <p class="evidence-tag">
      <a class="tag" href="${tagHref(e.tag)}"
        >${tagLabel(e.tag, catalogue)} <span class="confidence">${e.confidence.toFixed(2)}</span></a
      >
      <span class="hint"
        >${e.source === 'editor' ? 'added by an editor' : `evidence from paragraph ${(e.paragraph?.seq ?? 0) + 1}`}</span
      >
    </p>
    ${text ? html`<blockquote class="evidence-text">${markedExcerpt(text, ranges)}</blockquote>` : ''}
    ${whyThisTag(e)}
  </div>`;
}

/** Every tag of a speech with its evidence; nothing when the speech has none. */
export function tagEvidence(
  evidence: readonly TagEvidence[] | undefined,
  catalogue: readonly TagInfo[],
): SafeHtml {
  if (!evidence?.length) return html``;
  return html`<div class="tag-evidence" aria-label="Tags and their evidence">
    ${evidence.map((e) => tagEvidenceItem(e, catalogue))}
  </div>`;
}

/** The same evidence as the API gives it: offsets resolved, so a client can mark the words itself. */
export function evidenceJson(e: TagEvidence) {
  const text = e.paragraph?.text ?? '';
  return {
    tag: e.tag,
    confidence: e.confidence,
    method: e.method,
    source: e.source,
    paragraph: e.paragraph ? { seq: e.paragraph.seq, pid: e.paragraph.pid } : null,
    highlights: evidenceRanges(text, [...e.rules, ...e.features]).map(([start, end]) => ({
      start,
      end,
      text: text.slice(start, end),
    })),
    rules: e.rules,
    features: e.features,
  };
}
