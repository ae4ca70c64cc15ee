/**
 * How CLI commands reach the pipeline. With REDIS_URL the queue and the store are shared
 * services, so the CLI talks to them directly. Without it the queue lives inside the
 * running `hansard-watch start` process (and PGlite allows only that process into the
 * store), so the CLI asks that server's admin API; when no server is running it opens the
 * store itself.
 */
import { request } from 'undici';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { startBackfill, type BackfillPlan, type BackfillRequest } from '../pipeline/backfill.js';
import { openRuntime, type Runtime } from '../app/runtime.js';
import { collectStatus, type PipelineStatus } from '../pipeline/status.js';
import { resolveAdminToken } from '../web/admin-token.js';
import { liveServerFile } from '../app/server-file.js';

/** The running server the CLI talks to. */
export interface ServerRef {
  url: string;
  token: string;
  /** From HW_DATA_DIR/server.json; unknown when found by probing HOST:PORT. */
  pid?: number | undefined;
  command?: string | undefined;
}

export interface Control {
  /** 'direct': shared services; 'server': a running embedded server; 'offline': embedded, nothing running. */
  readonly mode: 'direct' | 'server' | 'offline';
  /** Mode 'server': the server used. */
  readonly server?: ServerRef;
  status(): Promise<PipelineStatus>;
  retry(id?: string): Promise<number>;
  backfill(req: BackfillRequest): Promise<BackfillPlan>;
  remaining(batch: string): Promise<number>;
  /** The in-process runtime (direct and offline modes), e.g. to work an offline backfill. */
  readonly runtime?: Runtime;
  close(): Promise<void>;
}

export async function openControl(config: Config, log: Logger): Promise<Control> {
  if (!config.REDIS_URL) {
    const server = await findServer(config);
    // `serve` works no queue: on Postgres the CLI does better by itself.
    if (server && !(server.command === 'serve' && config.DATABASE_URL)) return serverControl(server);
  }
  const runtime = await openRuntime(config, log, 'cli');
  const { deps } = runtime.pipeline;
  return {
    mode: config.REDIS_URL ? 'direct' : 'offline',
    runtime,
    status: () => collectStatus(deps, 100),
    retry: (id) => runtime.pipeline.queue.retry(id),
    backfill: (req) => startBackfill(deps, req),
    remaining: (batch) => deps.cursors.pendingCount(batch),
    close: () => runtime.close(),
  };
}

/**
 * The running server: the one HW_DATA_DIR/server.json names (whatever port it was given),
 * else whatever answers on HOST:PORT (a server from before server.json).
 */
export async function findServer(config: Config): Promise<ServerRef | undefined> {
  const admin = resolveAdminToken(config, false);
  if (!admin) return undefined;
  const recorded = liveServerFile(config);
  if (recorded && (await answers(recorded.url)))
    return { url: recorded.url, token: admin.token, pid: recorded.pid, command: recorded.command };
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.PORT}`;
  return (await answers(url)) ? { url, token: admin.token } : undefined;
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await request(`${url}/healthz`, { signal: AbortSignal.timeout(1500) });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

/** GET a JSON admin API path on the running server. */
export async function serverGet<T>(server: ServerRef, path: string): Promise<{ status: number; body: T }> {
  const res = await request(`${server.url}${path}`, {
    headers: { authorization: `Bearer ${server.token}` },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200 && res.statusCode !== 404)
    throw new Error(`GET ${path} on the running server answered ${res.statusCode}: ${text}`);
  return { status: res.statusCode, body: JSON.parse(text) as T };
}

function serverControl(server: ServerRef): Control {
  const { url, token } = server;
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const res = await request(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.body.text();
    if (res.statusCode === 404 && server.command === 'serve')
      throw new Error(
        `the running server (PID ${server.pid}) is \`hansard-watch serve\`, which holds the embedded store but works no queue: stop it to run this, or run \`hansard-watch start\` instead`,
      );
    if (res.statusCode !== 200)
      throw new Error(`${method} ${path} on the running server answered ${res.statusCode}: ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    mode: 'server',
    server,
    status: async () => reviveStatus(await call<PipelineStatus>('GET', '/admin/api/status')),
    retry: async (id) =>
      (await call<{ retried: number }>('POST', '/admin/api/jobs/retry', id === undefined ? {} : { id }))
        .retried,
    backfill: (req) => call<BackfillPlan>('POST', '/admin/api/backfill', req),
    remaining: async (batch) =>
      (await call<{ remaining: number }>('GET', `/admin/api/backfill/${encodeURIComponent(batch)}`))
        .remaining,
    close: async () => undefined,
  };
}

/** JSON turned the status's dates into strings; turn them back. */
function reviveStatus(s: PipelineStatus): PipelineStatus {
  const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));
  return {
    ...s,
    types: s.types.map((t) => ({
      ...t,
      lastPollAt: date(t.lastPollAt),
      lastSuccessAt: date(t.lastSuccessAt),
      changedatesCheckedAt: date(t.changedatesCheckedAt),
      indexCheckedAt: date(t.indexCheckedAt),
    })),
    failed: s.failed.map((f) => ({ ...f, failedAt: date(f.failedAt) })),
  };
}
