/**
 * Read-only commands (`speech`, `errors`) on an embedded store held by a running server:
 * PGlite admits one process, so they ask that server's admin API instead of opening the
 * store. With DATABASE_URL (many processes by design) or no server up, undefined: the
 * caller opens the store itself.
 */
import { ConfigError, loadConfig } from '../config.js';
import { findServer, serverGet, type ServerRef } from './control.js';

export async function embeddedServer(): Promise<ServerRef | undefined> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) return undefined; // withStore reports it.
    throw err;
  }
  if (config.DATABASE_URL) return undefined;
  return findServer(config);
}

export { serverGet };
