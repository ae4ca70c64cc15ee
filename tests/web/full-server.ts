/**
 * The whole server as `hansard-watch start` builds it (buildServer): health, /admin with
 * Bull Board on a real Redis (or the in-process queue), the site and API, and the alert
 * routes, over a fresh Postgres schema holding the small pwdata-mini fixture. Every route
 * registered is recorded through Fastify's onRoute hook.
 */
import path from 'node:path';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { pino } from 'pino';
import { createAlerts, type Alerts } from '../../src/alert/alerts.js';
import { BullPipelineQueue } from '../../src/pipeline/bullmq-queue.js';
import { openFeed } from '../../src/feed/open-feed.js';
import { MemoryQueue } from '../../src/pipeline/memory-queue.js';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import { assemblePipeline, RETENTION } from '../../src/app/runtime.js';
import type { Db } from '../../src/store/db.js';
import { buildServer } from '../../src/web/server.js';
import { loadMiniMembers, mini, tableResolver, testSettings } from '../alert/support.js';
import { dropPrefix, redisUrl, uniquePrefix } from '../pipeline/harness.js';
import { freshStore } from '../support/db.js';
import { ingest, pick, readPeople } from '../support/ingest.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
const log = pino({ level: 'silent' });
const retry = { attempts: 3, backoffMs: 100 };

export interface RegisteredRoute {
  method: string;
  url: string;
}

export interface FullServer {
  app: FastifyInstance;
  db: Db;
  pipeline: Pipeline;
  alerts: Alerts;
  routes: RegisteredRoute[];
  close(): Promise<void>;
}

/** A pipeline for server tests: one feed type, and a feed address that refuses at once. */
export function offlinePipeline(db: Db, queue: Pipeline['deps']['queue']): Pipeline {
  // Port 9 (discard) refuses: nothing in these tests may reach beyond this machine.
  const feed = openFeed({ baseUrl: 'http://127.0.0.1:9/pwdata/', minIntervalMs: 0, timeoutMs: 1000, log });
  return assemblePipeline({
    db,
    queue,
    feed,
    log,
    settings: {
      types: ['debates'],
      peopleRefreshHours: 24,
      backfillPerMinute: 60,
      concurrency: 1,
      fetchPerMinute: 60,
      schedule: { everyMs: 60_000 },
    },
  }).pipeline;
}

export async function fullServer(queueKind: 'bullmq' | 'memory'): Promise<FullServer> {
  const db = await freshStore('postgres');
  await loadMiniMembers(db);
  const people = readPeople(path.join(mini, 'members', 'people.json'));
  await ingest(db, pick(mini, 'debates2030-01-07a.xml', 'debates2030-01-07b.xml'), people);
  const prefix = uniquePrefix();
  const queue =
    queueKind === 'bullmq'
      ? new BullPipelineQueue({ url: redisUrl, prefix, retry, retention: RETENTION, lockMs: 5000, log })
      : new MemoryQueue({ retry, retention: RETENTION, log });
  const pipeline = offlinePipeline(db, queue);
  const alerts = createAlerts({
    db,
    settings: testSettings({ smtpUrl: 'smtp://127.0.0.1:9' }),
    log,
    resolver: tableResolver({}),
    knownTags: () => ['privatisation', 'outsourcing', 'stp', 'aco'],
  });
  const routes: RegisteredRoute[] = [];
  const onRoute = (r: RouteOptions) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  };
  const app = await buildServer({ db, pipeline, adminToken: ADMIN_TOKEN, log, alerts, onRoute });
  await app.ready();
  return {
    app,
    db,
    pipeline,
    alerts,
    routes,
    async close() {
      await app.close();
      await alerts.close();
      await pipeline.stop(1000);
      await db.close();
      if (queueKind === 'bullmq') await dropPrefix(prefix);
    },
  };
}

export const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
