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

/** Reports a reference that could not be expanded; `at` is its offset within the raw string. */
export type BadReference = (at: number, message: string) => void;

// Longer "references" are almost certainly a bare ampersand followed by prose.
const MAX_REF_LENGTH = 40;

function isXmlChar(cp: number): boolean {
  if (cp < 0x20) return cp === 0x9 || cp === 0xa || cp === 0xd;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  return cp <= 0x10ffff && cp !== 0xfffe && cp !== 0xffff;
}

function charRef(body: string): string | undefined {
  const hex = body.charCodeAt(1) === 0x78; // 'x'
  const digits = body.slice(hex ? 2 : 1);
  if (!(hex ? /^[0-9a-fA-F]{1,8}$/ : /^[0-9]{1,10}$/).test(digits)) return undefined;
  const cp = parseInt(digits, hex ? 16 : 10);
  // C1 code points (e.g. &#151; in standing committee files) are legal XML and stay as
  // they are, exactly as ElementTree yields them.
  return isXmlChar(cp) ? String.fromCodePoint(cp) : undefined;
}

function resolve(body: string, table: EntityTable): string | undefined {
  return body.charCodeAt(0) === 0x23 /* # */ ? charRef(body) : table.get(body);
}

/**
 * Expands character and entity references in text or attribute values. A reference that
 * cannot be expanded is reported and kept literally, so no text is lost.
 */
export function decodeEntities(raw: string, table: EntityTable, onBad: BadReference): string {
  let amp = raw.indexOf('&');
  if (amp < 0) return raw;
  let out = '';
  let last = 0;
  while (amp >= 0) {
    const semi = raw.indexOf(';', amp + 1);
    const body = semi > amp + 1 && semi - amp <= MAX_REF_LENGTH ? raw.slice(amp + 1, semi) : undefined;
    const value = body === undefined ? undefined : resolve(body, table);
    if (value === undefined) {
      onBad(amp, body === undefined ? 'bare "&" in text' : `unknown or invalid reference "&${body};"`);
      amp = raw.indexOf('&', amp + 1);
      continue;
    }
    out += raw.slice(last, amp) + value;
    last = semi + 1;
    amp = raw.indexOf('&', last);
  }
  return out + raw.slice(last);
}
