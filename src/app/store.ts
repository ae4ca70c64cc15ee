/**
 * Opening the configured store for each kind of process. Kept apart from runtime.ts so
 * that CLI commands, which only need the store, do not load the queue, alerts and tagger
 * modules (about 45 MB of RSS in `bench api`'s export measurements).
 */
import type { Config } from '../config.js';
import type { Db } from '../store/db.js';
import { openStore } from '../store/open.js';

/** Who is opening: names the store and queue sessions, and picks the store's session settings. */
export type Role = 'start' | 'worker' | 'cli' | 'serve';

/**
 * Session settings for serving many short queries, added to the connection string unless
 * it sets them already (`?options=-c …`). On a large store the planner's cost estimates
 * for the site's queries are high, which makes Postgres JIT-compile them (a fixed 50–4000
 * ms, for queries that run in a few milliseconds) and start parallel workers (tens of ms
 * to start, and they take the cores that concurrent requests need).
 */
export const WEB_SESSION_SETTINGS: Readonly<Record<string, string>> = {
  jit: 'off',
  max_parallel_workers_per_gather: '0',
};

export function withWebSessionSettings(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  let options = url.searchParams.get('options') ?? '';
  for (const [name, value] of Object.entries(WEB_SESSION_SETTINGS))
    if (!new RegExp(`(^|\\s)-c\\s*${name}=`).test(options)) options = `${options} -c ${name}=${value}`.trim();
  url.searchParams.set('options', options);
  return url.toString();
}

/**
 * The configured store, migrated. The pipeline's processes name their sessions
 * (pg_stat_activity); `serve` gets the web session settings instead; a plain CLI command
 * opens it as configured.
 */
export function openAppStore(config: Config, role: Role | 'plain'): Promise<Db> {
  const url = config.DATABASE_URL;
  if (role === 'plain' || !url) return openStore(config);
  if (role === 'serve') return openStore({ ...config, DATABASE_URL: withWebSessionSettings(url) });
  return openStore({ ...config, DATABASE_URL: withApplicationName(url, `hansard-watch-${role}`) });
}

/** Names our Postgres sessions (pg_stat_activity) unless the URL already does. */
export function withApplicationName(url: string | undefined, name: string): string | undefined {
  if (!url || new URL(url).searchParams.has('application_name')) return url;
  // Appended as text: re-serialising the query would turn other parameters' %20 into '+'.
  const [base, hash] = url.split('#', 2);
  const joined = `${base}${base?.includes('?') ? '&' : '?'}application_name=${encodeURIComponent(name)}`;
  return hash === undefined ? joined : `${joined}#${hash}`;
}
