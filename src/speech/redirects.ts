import type { Queryable } from '../store/db.js';

/**
 * Revisions chain a → b → … → f through gid_redirects; following more hops than this
 * means a loop in the data. One bound for every reader that follows the chain.
 */
export const MAX_REDIRECT_HOPS = 16;

/** Tables whose rows revisions renumber, and whose old gids gid_redirects maps on. */
export type RedirectedTable = 'speeches' | 'divisions';

/** The current gid of a row of `table`, following gid_redirects; null when the gid is unknown. */
export async function currentGid(db: Queryable, table: RedirectedTable, gid: string): Promise<string | null> {
  let current = gid;
  for (let hop = 0; hop <= MAX_REDIRECT_HOPS; hop++) {
    const found = await db.query(`SELECT 1 FROM ${table} WHERE gid = $1`, [current]);
    if (found.length > 0) return current;
    const next = await db.query<{ new_gid: string }>('SELECT new_gid FROM gid_redirects WHERE old_gid = $1', [
      current,
    ]);
    if (!next[0]) return null;
    current = next[0].new_gid;
  }
  return null;
}
