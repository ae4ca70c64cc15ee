/**
 * The web server's operations surface: liveness and readiness for load balancers, and
 * everything under /admin (Bull Board, the admin API) behind the admin token, by Bearer
 * or by HTTP Basic (any user, the token as password) so a browser can open the dashboard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { BullPipelineQueue } from '../../src/pipeline/bullmq-queue.js';
import { MemoryQueue } from '../../src/pipeline/memory-queue.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { RETENTION } from '../../src/app/runtime.js';
import type { Db } from '../../src/store/db.js';
import { buildServer } from '../../src/web/server.js';
import { freshStore } from '../support/db.js';
import { offlinePipeline } from './full-server.js';
import { dropPrefix, redisUrl, uniquePrefix } from '../pipeline/harness.js';

const TOKEN = 'test-admin-token-0123456789';
const log = pino({ level: 'silent' });
const retry = { attempts: 3, backoffMs: 100 };

const pipelineWith = offlinePipeline;

const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('web server with BullMQ', () => {
  const prefix = uniquePrefix();
  let db: Db;
  let pipeline: Pipeline;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await freshStore('postgres');
    pipeline = pipelineWith(
      db,
      new BullPipelineQueue({ url: redisUrl, prefix, retry, retention: RETENTION, lockMs: 5000, log }),
    );
    app = await buildServer({ db, pipeline, adminToken: TOKEN, log });
  });
  afterAll(async () => {
    await app?.close();
    await pipeline?.stop(1000);
    await db?.close();
    await dropPrefix(prefix);
  });

  it('answers /healthz and /readyz', async () => {
    const health = await app.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ready',
      store: 'ok',
      pool: { max: 4, total: expect.any(Number), idle: expect.any(Number), waiting: 0 },
      queue: { kind: 'bullmq', status: 'ok' },
    });
  });

  it('keeps /admin behind the token, by Bearer or Basic', async () => {
    const none = await app.inject({ url: '/admin/queues' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic realm=/);
    for (const authorization of [
      `Bearer wrong-token-0123456789`,
      basic('admin', 'nope'),
      'Token x',
      basic('', ''),
    ])
      expect(
        (await app.inject({ url: '/admin/api/status', headers: { authorization } })).statusCode,
        authorization,
      ).toBe(401);
    expect(
      (await app.inject({ url: '/admin/api/status', headers: { authorization: `Bearer ${TOKEN}` } }))
        .statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ url: '/admin/api/status', headers: { authorization: basic('anyone', TOKEN) } }))
        .statusCode,
    ).toBe(200);
    // Health stays open: load balancers carry no token.
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('serves Bull Board over the four stage queues', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const page = await app.inject({ url: '/admin/queues', headers });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/html/);
    expect(page.body).toContain('/admin/queues');
    const api = await app.inject({ url: '/admin/queues/api/queues', headers });
    expect(api.statusCode).toBe(200);
    const names = (api.json() as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    expect(names).toEqual(['fetch', 'ingest', 'poll', 'speeches-ingested']);
  });

  it('offers status, retry and backfill to the CLI, validating input', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const status = (await app.inject({ url: '/admin/api/status', headers })).json() as {
      queue: { kind: string };
      types: { type: string }[];
    };
    expect(status.queue.kind).toBe('bullmq');
    expect(status.types.map((t) => t.type)).toEqual(['debates']);
    expect(
      (await app.inject({ method: 'POST', url: '/admin/api/jobs/retry', headers, payload: {} })).json(),
    ).toEqual({ retried: 0 });
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/admin/api/backfill',
          headers,
          payload: { from: 'yesterday' },
        })
      ).statusCode,
    ).toBe(400);
  });
});

describe('web server with the in-process queue', () => {
  let db: Db;
  let closed = false;
  let pipeline: Pipeline;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await freshStore('pglite');
    pipeline = pipelineWith(db, new MemoryQueue({ retry, retention: RETENTION, log }));
    app = await buildServer({ db, pipeline, adminToken: TOKEN, log });
  });
  afterAll(async () => {
    await app?.close();
    await pipeline?.stop(1000);
    if (!closed) await db?.close();
  });

  it('is ready, and shows a plain status page where Bull Board would be', async () => {
    expect((await app.inject({ url: '/readyz' })).json()).toMatchObject({
      status: 'ready',
      queue: { kind: 'memory' },
    });
    const page = await app.inject({ url: '/admin/queues', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/In-process queue/);
    expect(page.body).toMatch(/feed types/);
  });

  it('reports not ready when the store is gone', async () => {
    await db.close();
    closed = true;
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'unavailable', queue: { status: 'ok' } });
    // What failed, never the error's own text (it can name internal hosts): that is logged.
    expect(ready.json().store).toMatch(/^(error \(see the server log\)|timed out after \d+ ms)$/);
  });
});
