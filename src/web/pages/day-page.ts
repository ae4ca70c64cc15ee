/**
 * Browsing by date: a month's calendar of sitting days (each house that sat linked), and a
 * day in one house listing its debates in sitting order, as Hansard's own daily index
 * does, with each debate's time, speeches and tags.
 */
import { HOUSES, type House } from '../../parliament/index.js';
import type { CalendarMonth, DayHeading, SittingDayListing } from '../../search/day-repository.js';
import type { TagInfo } from '../api/context.js';
import { debateHref, tagLabel } from './components.js';
import { html, type SafeHtml } from '../../html/template.js';
import { displayDate, displayMonth, displayTime, displayTitle, houseLabel, typeLabel } from './labels.js';
import { layout } from './layout.js';

/** A house in a calendar cell: a word, and initials where a phone's cell is too narrow for it. */
const SHORT_HOUSE: Record<House, [string, string]> = {
  'house-of-commons': ['Commons', 'HC'],
  'house-of-lords': ['Lords', 'HL'],
  'scottish-parliament': ['Holyrood', 'SP'],
  'northern-ireland-assembly': ['Stormont', 'NI'],
  'welsh-parliament': ['Senedd', 'Sen'],
};

export function dayHref(date: string, house?: string | null): string {
  return house ? `/days/${date}/${encodeURIComponent(house)}` : `/days/${date}`;
}

export function monthHref(month: string): string {
  return `/days?month=${month}`;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The month's days as weeks starting on Monday; null where a week reaches into another month. */
function weeks(month: string): (string | null)[][] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m - 1, 1));
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const cells: (string | null)[] = Array.from({ length: (first.getUTCDay() + 6) % 7 }, () => null);
  for (let d = 1; d <= days; d++) cells.push(`${month}-${String(d).padStart(2, '0')}`);
  while (cells.length % 7) cells.push(null);
  return Array.from({ length: cells.length / 7 }, (_, i) => cells.slice(i * 7, i * 7 + 7));
}

function calendarCell(date: string | null, cal: CalendarMonth): SafeHtml {
  if (!date) return html`<td></td>`;
  const day = cal.days.find((d) => d.date === date);
  const n = Number(date.slice(8));
  if (!day) return html`<td class="no-sitting"><span class="day-number">${n}</span></td>`;
  return html`<td class="sitting">
    <a class="day-number" href="${dayHref(date)}" aria-label="${displayDate(date)}">${n}</a>
    <ul class="day-houses">
      ${HOUSES.filter((h) => day.houses.includes(h)).map(
        (h) =>
          html`<li>
            <a href="${dayHref(date, h)}" aria-label="${houseLabel(h)}, ${displayDate(date)}"
              ><span class="wide">${SHORT_HOUSE[h][0]}</span
              ><span class="narrow">${SHORT_HOUSE[h][1]}</span></a
            >
          </li>`,
      )}
    </ul>
  </td>`;
}

function monthNav(cal: CalendarMonth): SafeHtml {
  return html`<nav class="pager" aria-label="Months">
    ${cal.previous ? html`<a rel="prev" href="${monthHref(cal.previous)}">← ${displayMonth(cal.previous)}</a>` : html`<span></span>`}
    ${cal.next ? html`<a rel="next" href="${monthHref(cal.next)}">${displayMonth(cal.next)} →</a>` : html`<span></span>`}
  </nav>`;
}

export function renderCalendar(cal: CalendarMonth | null): string {
  if (!cal)
    return layout({
      title: 'Browse by date',
      current: 'days',
      body: html`<h1>Browse by date</h1>
        <p>Nothing has been loaded into the record yet.</p>`,
    });
  const body = html`<h1>Sittings in ${displayMonth(cal.month)}</h1>
    <p class="lede">
      Choose a day to see what each house debated. ${cal.days.length} sitting
      day${cal.days.length === 1 ? '' : 's'} this month.
    </p>
    ${monthNav(cal)}
    <div class="table-scroll">
      <table class="calendar">
        <caption>
          ${displayMonth(cal.month)}: days each house sat
        </caption>
        <thead>
          <tr>
            ${WEEKDAYS.map((d) => html`<th scope="col">${d}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${weeks(cal.month).map(
            (w) =>
              html`<tr>
                ${w.map((d) => calendarCell(d, cal))}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${monthNav(cal)}`;
  return layout({ title: `Sittings in ${displayMonth(cal.month)}`, current: 'days', body });
}

/** The houses that sat on one day, for a day address without a house. */
export function renderDayHouses(date: string, houses: readonly House[]): string {
  const body = html`<h1>${displayDate(date)}</h1>
    ${
      houses.length === 0
        ? html`<p>No house sat on this day in the record.</p>`
        : html`<ul class="day-house-list">
            ${houses.map((h) => html`<li><a href="${dayHref(date, h)}">${houseLabel(h)}</a></li>`)}
          </ul>`
    }
    <p><a href="${monthHref(date.slice(0, 7))}">Calendar for ${displayMonth(date.slice(0, 7))}</a></p>`;
  return layout({ title: displayDate(date), current: 'days', body });
}

function headingTags(h: DayHeading, listing: SittingDayListing, catalogue: readonly TagInfo[]): SafeHtml {
  if (h.tags.length === 0) return html``;
  return html`<ul class="tags" aria-label="Tags">
    ${h.tags.map(
      (t) =>
        html`<li>
          <a
            class="tag"
            href="/search?tag=${encodeURIComponent(t.tag)}&amp;from=${listing.date}&amp;to=${listing.date}&amp;house=${listing.house}"
            >${tagLabel(t.tag, catalogue)}
            <span class="confidence" title="speeches with this tag">${t.speeches}</span></a
          >
        </li>`,
    )}
  </ul>`;
}

function headingLine(h: DayHeading, listing: SittingDayListing, catalogue: readonly TagInfo[]): SafeHtml {
  const time = displayTime(h.time);
  return html`<a href="${debateHref(h.gid)}">${displayTitle(h.title)}</a>
    <span class="meta"
      >${time ? html`<time datetime="${h.time}">${time}</time> · ` : ''}${h.speeches}
      speech${h.speeches === 1 ? '' : 'es'}</span
    >
    ${headingTags(h, listing, catalogue)}`;
}

/** One feed type's headings: majors with their minors beneath; minors with no major listed alone. */
function typeSection(
  type: string,
  headings: DayHeading[],
  listing: SittingDayListing,
  catalogue: readonly TagInfo[],
): SafeHtml {
  const majors = new Set(headings.filter((h) => h.kind !== 'minor').map((h) => h.gid));
  const top = headings.filter((h) => h.kind !== 'minor' || !h.parentGid || !majors.has(h.parentGid));
  const under = (gid: string) => headings.filter((h) => h.kind === 'minor' && h.parentGid === gid);
  const id = `type-${type}`;
  return html`<section class="day-type" aria-labelledby="${id}">
    <h2 id="${id}">${typeLabel(type)}</h2>
    <ol class="day-debates">
      ${top.map((h) => {
        const minors = under(h.gid);
        return html`<li class="day-debate day-${h.kind}">
          ${headingLine(h, listing, catalogue)}
          ${
            minors.length
              ? html`<ol class="day-minors">
                  ${minors.map((m) => html`<li class="day-debate day-minor">${headingLine(m, listing, catalogue)}</li>`)}
                </ol>`
              : ''
          }
        </li>`;
      })}
    </ol>
  </section>`;
}

function dayNav(listing: SittingDayListing): SafeHtml {
  const { house } = listing;
  return html`<nav class="pager" aria-label="Sitting days">
    ${listing.previous ? html`<a rel="prev" href="${dayHref(listing.previous, house)}">← ${displayDate(listing.previous)}</a>` : html`<span></span>`}
    <a href="${monthHref(listing.date.slice(0, 7))}">Calendar</a>
    ${listing.next ? html`<a rel="next" href="${dayHref(listing.next, house)}">${displayDate(listing.next)} →</a>` : html`<span></span>`}
  </nav>`;
}

export function renderDay(listing: SittingDayListing, catalogue: readonly TagInfo[]): string {
  const types = [...new Set(listing.headings.map((h) => h.type))];
  const title = `${houseLabel(listing.house)}, ${displayDate(listing.date)}`;
  const tagged = listing.headings.filter((h) => h.tags.length > 0).length;
  const body = html`<p class="breadcrumb">
      <a href="${monthHref(listing.date.slice(0, 7))}">${displayMonth(listing.date.slice(0, 7))}</a> ·
      <a href="${dayHref(listing.date)}">${displayDate(listing.date)}</a>
    </p>
    <h1>${title}</h1>
    <p class="lede">
      ${listing.headings.length} headings${types.length > 1 ? html` in ${types.length} series` : ''};
      ${tagged} with tagged speeches.
    </p>
    ${dayNav(listing)}
    ${types.map((t) =>
      typeSection(
        t,
        listing.headings.filter((h) => h.type === t),
        listing,
        catalogue,
      ),
    )}
    ${dayNav(listing)}`;
  return layout({
    title,
    current: 'days',
    description: `What the ${houseLabel(listing.house)} debated on ${displayDate(listing.date)}`,
    body,
  });
}
