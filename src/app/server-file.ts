/**
 * HW_DATA_DIR/server.json: where the running `start` or `serve` listens, written once it
 * listens and removed when it stops. CLI commands on the same machine read it to reach the
 * server whatever PORT and HOST it was given, instead of guessing from their own settings.
 */
import { readFileSync, renameSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { processStartTicks } from '../store/store-lock.js';

export interface ServerInfo {
  pid: number;
  /** Base URL to call from this machine (a wildcard listen address becomes loopback). */
  url: string;
  command: 'start' | 'serve';
  /** Which store it serves: the CLI may open a Postgres store itself, never a held embedded one. */
  store: 'postgres' | 'pglite';
  startedAt: string;
  startTicks?: number | undefined;
}

export function serverFile(config: Pick<Config, 'HW_DATA_DIR'>): string {
  return path.join(config.HW_DATA_DIR, 'server.json');
}

/** A listen address as a URL this machine can call: 0.0.0.0 and :: become loopback. */
export function callableUrl(address: string): string {
  const url = new URL(address);
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  if (url.hostname === '[::]') url.hostname = '[::1]';
  return url.origin;
}

/** Records this process as the server; removed again on exit unless another server replaced it. */
export function announceServer(
  config: Pick<Config, 'HW_DATA_DIR' | 'DATABASE_URL'>,
  address: string,
  command: ServerInfo['command'],
): void {
  const file = serverFile(config);
  const info: ServerInfo = {
    pid: process.pid,
    url: callableUrl(address),
    command,
    store: config.DATABASE_URL ? 'postgres' : 'pglite',
    startedAt: new Date().toISOString(),
    startTicks: processStartTicks(process.pid),
  };
  mkdirSync(path.dirname(file), { recursive: true });
  // Written aside then renamed: a reader never sees half a file.
  const tmp = `${file}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n');
  renameSync(tmp, file);
  process.on('exit', () => {
    if (readServerFile(config)?.pid !== process.pid) return;
    try {
      unlinkSync(file);
    } catch {
      // Already gone.
    }
  });
}

export function readServerFile(config: Pick<Config, 'HW_DATA_DIR'>): ServerInfo | null {
  try {
    const info = JSON.parse(readFileSync(serverFile(config), 'utf8')) as Partial<ServerInfo>;
    return typeof info.pid === 'number' && typeof info.url === 'string' ? (info as ServerInfo) : null;
  } catch {
    return null;
  }
}

/** The recorded server when its process still runs (a crashed server leaves the file behind). */
export function liveServerFile(config: Pick<Config, 'HW_DATA_DIR'>): ServerInfo | null {
  const info = readServerFile(config);
  if (!info) return null;
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  if (info.startTicks !== undefined) {
    const ticks = processStartTicks(info.pid);
    if (ticks !== undefined && ticks !== info.startTicks) return null;
  }
  return info;
}
