/**
 * The MP page's timeline: contributions per month as stacked bars, one colour per tag and
 * grey for untagged speeches, drawn as inline SVG on the server (no script, and colours as
 * presentation attributes because the CSP allows no inline styles). A data table beside it
 * carries the same numbers for screen readers and for copying.
 */
import type { MonthCount } from '../../person/person-repository.js';
import type { TagInfo } from '../api/context.js';
import { tagColour, tagLabel, UNTAGGED_FILL } from './components.js';
import { html, type SafeHtml } from '../../html/template.js';
import { displayMonth } from './labels.js';

const WIDTH = 720;
const HEIGHT = 260;
const MARGIN = { top: 12, right: 12, bottom: 40, left: 44 };
/** Beyond this many months the bars become slivers: years are shown instead. */
const MAX_MONTH_BARS = 72;

export interface Period {
  label: string;
  key: string;
  speeches: number;
  tagged: number;
  tags: Record<string, number>;
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** Every month from the first to the last (gaps shown as empty), or years for long careers. */
export function periods(byMonth: readonly MonthCount[]): Period[] {
  if (byMonth.length === 0) return [];
  const first = byMonth[0]!.month;
  const last = byMonth[byMonth.length - 1]!.month;
  const found = new Map(byMonth.map((m) => [m.month, m]));
  const months: Period[] = [];
  for (let m = first; m <= last; m = nextMonth(m)) {
    const c = found.get(m);
    months.push({
      key: m,
      label: displayMonth(m),
      speeches: c?.speeches ?? 0,
      tagged: c?.tagged ?? 0,
      tags: { ...(c?.tags ?? {}) },
    });
  }
  return months.length <= MAX_MONTH_BARS ? months : byYear(months);
}

function byYear(months: Period[]): Period[] {
  const years = new Map<string, Period>();
  for (const m of months) {
    const y = m.key.slice(0, 4);
    const p = years.get(y) ?? { key: y, label: y, speeches: 0, tagged: 0, tags: {} };
    p.speeches += m.speeches;
    p.tagged += m.tagged;
    for (const [t, n] of Object.entries(m.tags)) p.tags[t] = (p.tags[t] ?? 0) + n;
    years.set(y, p);
  }
  return [...years.values()];
}

/** The smallest round step (1, 2 or 5 × 10^k, at least 1) not below `x`. */
function niceStep(x: number): number {
  if (x <= 1) return 1;
  const base = 10 ** Math.floor(Math.log10(x));
  for (const f of [1, 2, 5]) if (f * base >= x) return f * base;
  return 10 * base;
}

/** Whole-number axis ticks from 0 to at least `max`, about five of them. */
export function axisTicks(max: number): number[] {
  const step = niceStep(max / 5);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return ticks;
}

interface Segment {
  label: string;
  value: number;
  fill: string;
}

function segments(p: Period, tags: readonly string[], catalogue: readonly TagInfo[]): Segment[] {
  const out: Segment[] = [
    { label: 'Untagged', value: Math.max(0, p.speeches - p.tagged), fill: UNTAGGED_FILL },
  ];
  for (const t of tags)
    out.push({ label: tagLabel(t, catalogue), value: p.tags[t] ?? 0, fill: tagColour(t, catalogue) });
  return out.filter((s) => s.value > 0);
}

function bar(
  p: Period,
  i: number,
  slot: number,
  scale: (v: number) => number,
  tags: readonly string[],
  catalogue: readonly TagInfo[],
): SafeHtml {
  const width = Math.max(2, slot * 0.7);
  const x = MARGIN.left + i * slot + (slot - width) / 2;
  let y = HEIGHT - MARGIN.bottom;
  const segs = segments(p, tags, catalogue);
  const title = `${p.label}: ${p.speeches} speeches${segs
    .filter((s) => s.label !== 'Untagged')
    .map((s) => `; ${s.label} ${s.value}`)
    .join('')}`;
  return html`<g class="bar"
    ><title>${title}</title>${segs.map((s) => {
      const h = scale(s.value);
      y -= h;
      return html`<rect
        x="${x.toFixed(1)}"
        y="${y.toFixed(1)}"
        width="${width.toFixed(1)}"
        height="${h.toFixed(1)}"
        fill="${s.fill}"
      ></rect>`;
    })}</g
  >`;
}

function axes(values: readonly number[], list: readonly Period[], slot: number): SafeHtml {
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const max = values[values.length - 1] ?? 1;
  const ticks = values.map((v) => ({ v, y: HEIGHT - MARGIN.bottom - (plotHeight * v) / max }));
  const every = Math.max(1, Math.ceil(list.length / 12));
  return html`<g class="axis" font-size="11" fill="#3d4650">
    ${ticks.map((t) => html`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${t.y.toFixed(1)}" y2="${t.y.toFixed(1)}" stroke="#d5dae0"></line><text x="${MARGIN.left - 6}" y="${(t.y + 4).toFixed(1)}" text-anchor="end">${t.v}</text>`)}
    ${list.map((p, i) => (i % every === 0 ? html`<text x="${(MARGIN.left + i * slot + slot / 2).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${p.label}</text>` : html``))}
  </g>`;
}

/** The chart, its legend and its data table; `id` keeps ids unique if a page has two. */
export function timelineChart(
  byMonth: readonly MonthCount[],
  catalogue: readonly TagInfo[],
  id = 'timeline',
): SafeHtml {
  const list = periods(byMonth);
  if (list.length === 0) return html`<p>No speeches in this period.</p>`;
  const tags = [...new Set(list.flatMap((p) => Object.keys(p.tags)))].sort(
    (a, b) =>
      catalogue.findIndex((t) => t.id === a) - catalogue.findIndex((t) => t.id === b) || a.localeCompare(b),
  );
  const ticks = axisTicks(
    Math.max(
      ...list.map((p) =>
        Math.max(p.speeches, p.speeches - p.tagged + Object.values(p.tags).reduce((s, n) => s + n, 0)),
      ),
    ),
  );
  const max = ticks[ticks.length - 1]!;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const scale = (v: number): number => (v / max) * plotHeight;
  const slot = (WIDTH - MARGIN.left - MARGIN.right) / list.length;
  const total = list.reduce((s, p) => s + p.speeches, 0);
  const unit = list[0]!.key.length === 4 ? 'year' : 'month';
  return html`<figure class="chart" id="${id}">
    <figcaption id="${id}-title">Contributions by ${unit} and tag</figcaption>
    <svg
      viewBox="0 0 ${WIDTH} ${HEIGHT}"
      role="img"
      aria-labelledby="${id}-title ${id}-desc"
      preserveAspectRatio="xMidYMid meet"
    >
      <desc id="${id}-desc">
        ${total} speeches from ${list[0]!.label} to ${list[list.length - 1]!.label}, stacked by tag; untagged
        speeches in grey. A speech with two tags is counted under each.
      </desc>
      ${axes(ticks, list, slot)} ${list.map((p, i) => bar(p, i, slot, scale, tags, catalogue))}
    </svg>
    ${legend(tags, catalogue)} ${dataTable(list, tags, catalogue, unit)}
  </figure>`;
}

function swatch(fill: string): SafeHtml {
  return html`<svg
    class="swatch"
    width="12"
    height="12"
    viewBox="0 0 12 12"
    aria-hidden="true"
    focusable="false"
  >
    <rect width="12" height="12" fill="${fill}"></rect>
  </svg>`;
}

function legend(tags: readonly string[], catalogue: readonly TagInfo[]): SafeHtml {
  return html`<ul class="legend">
    <li>${swatch(UNTAGGED_FILL)} Untagged</li>
    ${tags.map((t) => html`<li>${swatch(tagColour(t, catalogue))} ${tagLabel(t, catalogue)}</li>`)}
  </ul>`;
}

function dataTable(
  list: readonly Period[],
  tags: readonly string[],
  catalogue: readonly TagInfo[],
  unit: string,
): SafeHtml {
  return html`<details class="chart-data">
    <summary>The numbers behind the chart</summary>
    <div class="table-scroll">
      <table>
        <caption>
          Speeches by ${unit}
        </caption>
        <thead>
          <tr>
            <th scope="col">${unit === 'year' ? 'Year' : 'Month'}</th>
            <th scope="col">Speeches</th>
            ${tags.map((t) => html`<th scope="col">${tagLabel(t, catalogue)}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${list
            .filter((p) => p.speeches > 0)
            .map(
              (p) =>
                html`<tr>
                  <th scope="row">${p.label}</th>
                  <td>${p.speeches}</td>
                  ${tags.map((t) => html`<td>${p.tags[t] ?? 0}</td>`)}
                </tr>`,
            )}
        </tbody>
      </table>
    </div>
  </details>`;
}
