/**
 * The admin token: ADMIN_TOKEN when set; otherwise one generated on first start and kept
 * in HW_DATA_DIR/admin-token (mode 600), so a fresh install has a protected dashboard and
 * the CLI on the same machine can still reach the running server.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';

export interface AdminToken {
  token: string;
  /** Where it came from, for the start-up log (never the token itself). */
  source: 'ADMIN_TOKEN' | string;
  /** True for the run that generated it (start-up shows it once, then only where it is kept). */
  created?: boolean;
}

export function adminTokenFile(config: Pick<Config, 'HW_DATA_DIR'>): string {
  return path.join(config.HW_DATA_DIR, 'admin-token');
}

export function resolveAdminToken(
  config: Pick<Config, 'ADMIN_TOKEN' | 'HW_DATA_DIR'>,
  create = true,
): AdminToken | undefined {
  if (config.ADMIN_TOKEN) return { token: config.ADMIN_TOKEN, source: 'ADMIN_TOKEN' };
  const file = adminTokenFile(config);
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), source: file };
  if (!create) return undefined;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, randomBytes(24).toString('hex') + '\n', { mode: 0o600 });
  return { token: readFileSync(file, 'utf8').trim(), source: file, created: true };
}
