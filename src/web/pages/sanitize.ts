/**
 * Feed HTML is sanitised at ingest; this is the second line of defence at render time. An
 * allowlist: the inline and table markup Hansard uses survives, links only to http(s) and
 * mailto (marked nofollow), every other attribute is dropped (so no event handlers or
 * styles), elements that run or embed things (script, iframe, object, …) go with their
 * content, and anything unknown is unwrapped to its text. Output is always balanced.
 */

const ALLOWED = new Set([
  'p',
  'i',
  'b',
  'em',
  'strong',
  'u',
  'sup',
  'sub',
  'br',
  'span',
  'small',
  'a',
  'q',
  'abbr',
  'cite',
  'table',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'td',
  'th',
  'ul',
  'ol',
  'li',
  'blockquote',
  'pre',
  'code',
]);
const VOID = new Set(['br']);
/** Removed together with everything inside them (void elements such as embed are simply not allowed). */
const DROP_WITH_CONTENT = new Set([
  'script',
  'style',
  'iframe',
  'frameset',
  'object',
  'applet',
  'noscript',
  'template',
  'svg',
  'math',
  'textarea',
  'select',
  'title',
  'head',
  'xmp',
  'noembed',
  'noframes',
  'plaintext',
]);
const CELL_ATTRIBUTES = new Set(['colspan', 'rowspan']);

const TOKEN = /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<|[^<]+/g;
const ATTRIBUTE = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
const ENTITY = /&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/y;

/** Text with its entities kept and every other `&`, `<`, `>` escaped. */
function safeText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '&') {
      ENTITY.lastIndex = i;
      out += ENTITY.test(text) ? '&' : '&amp;';
    } else if (c === '<') out += '&lt;';
    else if (c === '>') out += '&gt;';
    else out += c;
  }
  return out;
}

function decodeBasicEntities(s: string): string {
  return s
    .replace(/&#(\d+);?/g, (_, d: string) => String.fromCodePoint(Math.min(Number(d), 0x10ffff)))
    .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) =>
      String.fromCodePoint(Math.min(parseInt(h, 16), 0x10ffff)),
    )
    .replace(/&amp;/gi, '&')
    .replace(/&quot;/gi, '"')
    .replace(/&apos;/gi, "'")
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>');
}

/** An http(s) or mailto URL, else null (javascript:, data:, relative and protocol-relative links are dropped). */
export function safeHref(raw: string): string | null {
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:"), so they go first.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const url = decodeBasicEntities(raw).replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  return /^(https?:\/\/[^/]|mailto:)/i.test(url) ? url : null;
}

function attributes(tag: string, source: string): string {
  let out = '';
  for (const m of source.matchAll(ATTRIBUTE)) {
    const name = m[1]!.toLowerCase();
    const value = m[2] ?? m[3] ?? m[4] ?? '';
    if (tag === 'a' && name === 'href') {
      const href = safeHref(value);
      if (href) out += ` href="${escapeAttribute(href)}" rel="nofollow noopener noreferrer"`;
    } else if ((tag === 'td' || tag === 'th') && CELL_ATTRIBUTES.has(name) && /^\d{1,3}$/.test(value)) {
      out += ` ${name}="${value}"`;
    }
  }
  return out;
}

function escapeAttribute(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Sanitised HTML for a fragment of feed markup. */
export function sanitizeFeedHtml(input: string): string {
  const open: string[] = [];
  let out = '';
  let dropping: string | null = null;
  for (const m of input.matchAll(TOKEN)) {
    const [token, slash, rawName, attrs = ''] = m;
    if (token.startsWith('<!--')) continue;
    if (rawName === undefined) {
      if (!dropping) out += token === '<' ? '&lt;' : safeText(token);
      continue;
    }
    const name = rawName.toLowerCase();
    if (dropping) {
      if (slash && name === dropping) dropping = null;
      continue;
    }
    if (DROP_WITH_CONTENT.has(name)) {
      if (!slash && !/\/\s*$/.test(attrs)) dropping = name;
      continue;
    }
    if (!ALLOWED.has(name)) continue;
    if (slash) {
      const at = open.lastIndexOf(name);
      if (at < 0) continue;
      while (open.length > at) out += `</${open.pop()}>`;
    } else if (VOID.has(name)) {
      out += `<${name}>`;
    } else {
      out += `<${name}${attributes(name, attrs)}>`;
      open.push(name);
    }
  }
  while (open.length) out += `</${open.pop()}>`;
  return out;
}
