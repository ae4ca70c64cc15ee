/**
 * Opaque pagination cursors. A page ends at a (sitting_date, gid) pair; the next page is
 * everything strictly after it in the listing's order. Keyset paging rather than OFFSET,
 * so pages stay stable when new speeches arrive and page 500 costs the same as page 1.
 * The encoding is base64url JSON: opaque to clients, but nothing secret is in it.
 */

export interface PageKey {
  sittingDate: string;
  gid: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify([key.sittingDate, key.gid]), 'utf8').toString('base64url');
}

/** The key inside a cursor, or null when it is not one this server made. */
export function decodeCursor(cursor: string): PageKey | null {
  if (cursor.length > 400 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [sittingDate, gid] = value as unknown[];
    if (typeof sittingDate !== 'string' || !DATE.test(sittingDate)) return null;
    if (typeof gid !== 'string' || gid.length === 0 || gid.length > 200) return null;
    return { sittingDate, gid };
  } catch {
    return null;
  }
}

/**
 * A cursor for lists ordered by something other than date (relevance): the count of
 * results already shown. Such an order is not a key to resume after, so OFFSET it is.
 */
export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset }), 'utf8').toString('base64url');
}

export function decodeOffsetCursor(cursor: string): number | null {
  if (cursor.length > 100 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const o = (value as { o?: unknown } | null)?.o;
    return typeof o === 'number' && Number.isInteger(o) && o >= 0 && o <= 100_000 ? o : null;
  } catch {
    return null;
  }
}
