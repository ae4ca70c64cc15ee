/**
 * TRUST_PROXY: behind a reverse proxy every request arrives from the proxy's address, so
 * per-IP limits would be one limit for everybody. With the proxy's address trusted, each
 * client is counted by its X-Forwarded-For address; without it, a forged header changes
 * nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { MemoryQueue } from '../../src/pipeline/memory-queue.js';
import { RETENTION } from '../../src/app/runtime.js';
import { DEFAULT_RATE_LIMITS } from '../../src/web/api/context.js';
import { buildServer } from '../../src/web/server.js';
import { storePerTest } from '../support/db.js';
import { offlinePipeline } from './full-server.js';

const log = pino({ level: 'silent' });
const PROXY = '127.0.0.1';

async function server(db: Parameters<typeof buildServer>[0]['db'], trustProxy: boolean | string) {
  const pipeline = offlinePipeline(
    db,
    new MemoryQueue({ retry: { attempts: 1, backoffMs: 10 }, retention: RETENTION, log }),
  );
  return buildServer({ db, pipeline, adminToken: 'test-admin-token-0123456789', log, trustProxy });
}

/** Requests through the proxy for one client until the general limiter refuses one. */
async function exhaust(app: FastifyInstance, client: string): Promise<number> {
  for (let i = 1; i <= DEFAULT_RATE_LIMITS.general.max + 5; i++) {
    const res = await app.inject({
      url: '/api/v1/tags',
      remoteAddress: PROXY,
      headers: { 'x-forwarded-for': client },
    });
    if (res.statusCode === 429) return i;
  }
  return -1;
}

const asClient = (app: FastifyInstance, client: string) =>
  app.inject({ url: '/api/v1/tags', remoteAddress: PROXY, headers: { 'x-forwarded-for': client } });

describe('TRUST_PROXY', () => {
  const fresh = storePerTest('postgres');
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('counts each client behind a trusted proxy on its own', async () => {
    app = await server(await fresh(), PROXY);
    expect(await exhaust(app, '203.0.113.5')).toBeGreaterThan(1);
    expect((await asClient(app, '203.0.113.6')).statusCode).toBe(200);
    expect((await asClient(app, '203.0.113.5')).statusCode).toBe(429);
  });

  it('ignores X-Forwarded-For when no proxy is trusted: a forged header gets no new budget', async () => {
    app = await server(await fresh(), false);
    expect(await exhaust(app, '203.0.113.5')).toBeGreaterThan(1);
    expect((await asClient(app, '203.0.113.6')).statusCode).toBe(429);
  });

  it('reads TRUST_PROXY as false, true or proxy addresses, and names a wrong value', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.0.0.0/8' }).TRUST_PROXY).toBe('10.0.0.1, 10.0.0.0/8');
    expect(() => loadConfig({ TRUST_PROXY: 'yes please' })).toThrow(/TRUST_PROXY: must be true, false/);
  });
});
