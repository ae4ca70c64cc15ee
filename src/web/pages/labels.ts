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

/** Words that stay in capitals when an upper-case title is recased. */
const ACRONYMS = new Set(
  (
    'NHS UK EU UN US USA VAT GCSE BBC ECOFIN MP MPS MSP MSPS MLA MEP PFI PPP GP GPS HMRC DWP NATO ECHR ICT IT ' +
    'CCTV DNA HIV AIDS MOD MRSA OECD G8 G20 ISA QC TV A&E NI SNP DUP SDLP UUP PCT PCTS STP STPS ACO ACOS'
  ).split(' '),
);
const MINOR_WORDS = new Set('a an and as at but by for from in into of on or the to with via'.split(' '));
const ROMAN = /^(?=[IVXLC])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$/;

function recaseWord(word: string, first: boolean): string {
  const bare = word.replace(/^[^A-Z0-9&]+|[^A-Z0-9&]+$/g, '');
  if (ACRONYMS.has(bare) || ROMAN.test(bare) || !/[AEIOUY]/.test(bare)) {
    // Plurals of acronyms read as `MPs`, `GPs`.
    return /^(MPS|MSPS|GPS|PCTS|STPS|ACOS)$/.test(bare) ? word.replace(bare, `${bare.slice(0, -1)}s`) : word;
  }
  const lower = word.toLowerCase();
  if (!first && MINOR_WORDS.has(lower)) return lower;
  // Each part of a hyphenated or parenthesised word starts with a capital: `Solicitor-General`, `(South West)`.
  return lower.replace(/(^|[-(/'"‘“])([a-z])/g, (_m, pre: string, c: string) => pre + c.toUpperCase());
}

/** Upper case, allowing a slip of the typist's (`REgional SELECT COMMITTEE`). */
function isUpperCase(title: string): boolean {
  const lower = title.replace(/[^a-z]/g, '').length;
  const letters = title.replace(/[^A-Za-z]/g, '').length;
  return /[A-Z]{2}/.test(title) && lower <= letters * 0.25;
}

/**
 * A heading as a reader expects it: Hansard prints many in capitals (`HOME DEPARTMENT`),
 * shown in title case with acronyms kept (`NHS`, `VAT`, `GCSE`); any title with a
 * lower-case letter is the source's own casing and is kept as it is.
 */
export function displayTitle(title: string): string {
  if (!isUpperCase(title)) return title;
  return title
    .split(/(\s+)/)
    .map((w, i) => (/^\s+$/.test(w) ? w : recaseWord(w, i === 0)))
    .join('');
}
