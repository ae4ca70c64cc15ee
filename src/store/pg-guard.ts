/**
 * Keeps a long-running process alive when Postgres drops a pooled connection that is
 * checked out (inside a transaction). node-postgres then emits 'error' on that client,
 * and the store's pool (src/store/db.ts) listens for errors only on idle clients, so the
 * event would be an uncaught exception and kill the process. The query in flight has
 * already failed by then (its job is retried) and the pool discards the dead client on
 * release, so the event itself needs no handling. Every other uncaught exception still
 * ends the process, as Node's default would.
 *
 * Remove once the store attaches an error listener to checked-out clients.
 */
import type { Logger } from '../log.js';

/**
 * node-postgres's message for a socket closed under it, the server's "terminating
 * connection" codes, and the socket errors of writing to or reading from a connection
 * the server has closed. (Every other socket here, Redis, HTTP client and server, has its
 * own error listener, so an uncaught socket error can only be such a pg client's.)
 */
export function isLostPgConnection(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (err.message === 'Connection terminated unexpectedly') return true;
  return (
    code === '57P01' || code === '57P02' || code === '57P03' || code === 'EPIPE' || code === 'ECONNRESET'
  );
}

export function survivePgDisconnects(log: Logger): void {
  process.on('uncaughtException', (err: Error) => {
    if (isLostPgConnection(err)) {
      log.warn(
        { err: err.message },
        'Postgres connection lost mid-transaction; the job in flight will be retried',
      );
      return;
    }
    log.fatal({ err: err.stack ?? err.message }, 'uncaught exception');
    process.exit(1);
  });
}
