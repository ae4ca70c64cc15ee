/**
 * A subscriber's own words, made safe to put in an e-mail to an address that has not
 * confirmed anything yet. Anyone can type a query and any address into the subscribe
 * form, so without this the confirmation mail would carry a stranger's text ("URGENT: your
 * account is suspended, verify at https://…") from our server to anyone. So the words
 * appear only in the body, never the subject: on one line, quoted, at most 80 characters,
 * with anything a mail client could turn into a link (schemes, domains, addresses)
 * defanged — `example[.]org`, `https[:]//`, `name[at]example[.]org`.
 */

/** Longest rendering, quotes and ellipsis included. */
export const NEUTRAL_MAX = 80;

// Format characters (bidi overrides and isolates, zero-width spaces and joiners, soft
// hyphens) and blank fillers: they can make the text read differently from what it is,
// or hide a dot from the defanging below.
const INVISIBLE = /\p{Cf}|\u115f|\u1160|\u17b4|\u17b5|\u3164|\uffa0/gu;
// Dots that browsers and mail clients accept between the labels of a domain name.
const DOTS = /[\u3002\uff0e\uff61]/gu;

function clean(text: string): string {
  return (
    text
      // Full-width and other compatibility forms (ｈｔｔｐｓ：／／) become the plain ones, and get defanged.
      .normalize('NFKC')
      .replace(INVISIBLE, '')
      .replace(DOTS, '.')
      .replace(/\p{Cc}|\p{Zl}|\p{Zp}|\s/gu, ' ')
      .replace(/ {2,}/g, ' ')
      .trim()
  );
}

/** Breaks everything a linkifier looks for: `://`, `scheme:`, `www.`, `a.b`, `a@b`, `\\host\share`. */
export function defang(text: string): string {
  return text
    .replace(/\\/g, '[\\]')
    .replace(/:/g, '[:]')
    .replace(/(?<=\S)\.(?=\S)/g, '[.]')
    .replace(/@/g, '[at]');
}

/** Cuts to `max` characters (code points), without leaving half a `[.]` at the end. */
function cut(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars
    .slice(0, max - 1)
    .join('')
    .replace(/\[[^\]]*$/, '')
    .trimEnd()}…`;
}

/** `“private sector OR outsourcing”`, or `“see example[.]org/verify…”`. */
export function neutralQuote(text: string, max = NEUTRAL_MAX): string {
  return `“${cut(defang(clean(text)), max - 2)}”`;
}
