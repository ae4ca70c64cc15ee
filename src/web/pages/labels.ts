/** Human names for feed types and houses, as a reader of Hansard would call them. */
import { feedTypeEntry, HOUSE_LABELS, type House } from '../../parliament/index.js';
import type { TagInfo } from '../../tag/tag-info.js';

export function tagLabel(tag: string, catalogue: readonly TagInfo[]): string {
  return catalogue.find((t) => t.id === tag)?.label ?? tag;
}

export function typeLabel(type: string): string {
  return feedTypeEntry(type)?.label ?? type;
}

export function houseLabel(house: string | null): string {
  if (!house) return 'Unknown house';
  return Object.hasOwn(HOUSE_LABELS, house) ? HOUSE_LABELS[house as House] : house;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2009-10-26` → `26 Oct 2009`; partial Popolo dates (`1997`, `1997-05`) as far as they go. */
export function displayDate(iso: string | null): string {
  if (!iso) return '';
  const [y, m, d] = iso.split('-');
  const month = m ? MONTHS[Number(m) - 1] : undefined;
  if (!month) return y ?? iso;
  return d ? `${Number(d)} ${month} ${y}` : `${month} ${y}`;
}

/** `2009-10` → `Oct 2009`. */
export function displayMonth(month: string): string {
  return displayDate(month);
}

/**
 * `HH:MM` as printed Hansard writes a time: `11.32 am`, `4.31 pm`, `7 pm` on the hour,
 * `12 noon` and `12 midnight`; '' for no time (or anything that is not `HH:MM`).
 */
export function displayTime(hhmm: string | null): string {
  const m = hhmm === null ? null : /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) return '';
  const hour = Number(m[1]);
  const minutes = m[2] === '00' ? '' : `.${m[2]}`;
  if (minutes === '' && (hour === 0 || hour === 12)) return hour === 0 ? '12 midnight' : '12 noon';
  return `${hour % 12 === 0 ? 12 : hour % 12}${minutes} ${hour < 12 ? 'am' : 'pm'}`;
}
