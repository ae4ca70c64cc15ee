/**
 * Graceful shutdown for long-running processes (`start`, workers): the first SIGTERM or
 * SIGINT runs `stop` (stop taking jobs, let running ones finish or hand them back, close
 * connections) and exits 0; a second signal exits at once.
 */
import type { Logger } from '../log.js';

export function exitOnSignals(stop: () => Promise<void>, log: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down: finishing running jobs');
    stop().then(
      () => {
        log.info('shut down cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err: err instanceof Error ? err.message : String(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
