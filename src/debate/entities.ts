/** Named entities in force for one document: XML's five plus those its DOCTYPE declares. */
export type EntityTable = Map<string, string>;

export function predefinedEntities(): EntityTable {
  return new Map([
    ['amp', '&'],
    ['lt', '<'],
    ['gt', '>'],
    ['quot', '"'],
    ['apos', "'"],
  ]);
}

/** Reports a reference that could not be expanded (or was dropped); `at` is its offset within the raw string. */
export type BadReference = (at: number, message: string) => void;

/**
 * Told the size of each general entity's expansion before it is appended (`at` as for
 * BadReference); throws to stop a document whose expansions run over its budget, so the
 * amplified string is never built.
 */
export type ExpansionBudget = (at: number, chars: number) => void;

// Longer "references" are almost certainly a bare ampersand followed by prose.
const MAX_REF_LENGTH = 40;

/**
 * HTML5's reading of numeric references 128–159 (the Windows-1252 characters; the five
 * bytes it leaves undefined — 0x81, 0x8D, 0x8F, 0x90, 0x9D — are dropped). Public bill
 * committee files write apostrophes and dashes as `&#146;` and `&#150;`: browsers show
 * ’ and –, so that is what we store, not the C1 controls XML would give.
 */
const WINDOWS_1252_C1 =
  '\u20ac\0\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\0\u017d\0' +
  '\0\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\0\u017e\u0178';

function isXmlChar(cp: number): boolean {
  if (cp < 0x20) return cp === 0x9 || cp === 0xa || cp === 0xd;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  return cp <= 0x10ffff && cp !== 0xfffe && cp !== 0xffff;
}

/** A character reference's text: '' for a control character (dropped), undefined when malformed. */
function charRef(body: string): string | undefined {
  const hex = body.charCodeAt(1) === 0x78; // 'x'
  const digits = body.slice(hex ? 2 : 1);
  if (!(hex ? /^[0-9a-fA-F]{1,8}$/ : /^[0-9]{1,10}$/).test(digits)) return undefined;
  const cp = parseInt(digits, hex ? 16 : 10);
  if (cp >= 0x80 && cp <= 0x9f) {
    const c = WINDOWS_1252_C1.charAt(cp - 0x80);
    return c === '\0' ? '' : c;
  }
  // C0 controls (NUL included) cannot be stored as text worth quoting: dropped, reported.
  if (cp < 0x20 && cp !== 0x9 && cp !== 0xa && cp !== 0xd) return '';
  return isXmlChar(cp) ? String.fromCodePoint(cp) : undefined;
}

/**
 * Expands character and entity references in text or attribute values. A reference that
 * cannot be expanded is reported and kept literally, so no text is lost; a reference to a
 * control character is reported and dropped.
 */
export function decodeEntities(
  raw: string,
  table: EntityTable,
  onBad: BadReference,
  budget?: ExpansionBudget,
): string {
  let amp = raw.indexOf('&');
  if (amp < 0) return raw;
  let out = '';
  let last = 0;
  while (amp >= 0) {
    const semi = raw.indexOf(';', amp + 1);
    const body = semi > amp + 1 && semi - amp <= MAX_REF_LENGTH ? raw.slice(amp + 1, semi) : undefined;
    const numeric = body !== undefined && body.charCodeAt(0) === 0x23; /* # */
    const value = body === undefined ? undefined : numeric ? charRef(body) : table.get(body);
    if (value === undefined) {
      onBad(amp, body === undefined ? 'bare "&" in text' : `unknown or invalid reference "&${body};"`);
      amp = raw.indexOf('&', amp + 1);
      continue;
    }
    if (!numeric) budget?.(amp, value.length);
    else if (value === '') onBad(amp, `reference "&${body};" to a control character dropped`);
    out += raw.slice(last, amp) + value;
    last = semi + 1;
    amp = raw.indexOf('&', last);
  }
  return out + raw.slice(last);
}
