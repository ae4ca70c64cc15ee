/**
 * Revisions chain a → b → … → f through gid_redirects; following more hops than this
 * means a loop in the data. One bound for every reader that follows the chain.
 */
export const MAX_REDIRECT_HOPS = 16;
