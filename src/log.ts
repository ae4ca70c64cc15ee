import { pino, type Logger } from 'pino';

export type { Logger };

/** One structured logger for the process; child loggers add the component name. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  // Logs go to stderr so that CLI output on stdout (summaries, JSON) stays clean to pipe.
  return pino({ level, base: { app: 'hansard-watch' } }, pino.destination(2));
}
