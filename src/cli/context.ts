import { ConfigError, loadConfig, type Config } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { openAppStore } from '../app/store.js';

export interface CliContext {
  config: Config;
  log: Logger;
  db: Db;
}

/** Validates config, opens (and migrates) the store, runs `fn`, and always closes the store. */
export async function withStore<T>(fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);
  const db = await openAppStore(config, 'plain');
  try {
    return await fn({ config, log, db });
  } finally {
    await db.close();
  }
}
