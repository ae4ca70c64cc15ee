/**
 * Links in e-mails, feeds and webhook payloads. The speech `url` attribute comes from the
 * source XML and is passed on as a link to the Official Report; a `javascript:` or
 * `data:` URL there would become a live link in a mail client or feed reader, and a
 * relative one would point somewhere unintended. Only absolute http(s) URLs pass.
 */

/** `raw` as a normalised absolute http: or https: URL, or null for anything else. */
export function safeWebUrl(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  // URL parsing drops tabs and newlines inside a URL; a link should not need them.
  if (text === '' || text.length > 2000 || hasControl(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null; // relative or malformed
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || !url.hostname) return null;
  return url.href;
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
