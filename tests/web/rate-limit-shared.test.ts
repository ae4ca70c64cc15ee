/**
 * The rate limits hold across processes (issue #17): two real `hansard-watch serve`
 * processes on one real Redis count one budget per client, where the hand-written limiter
 * let each process allow the full limit. Each test uses its own key prefix (QUEUE_PREFIX).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { freePort, runTs, type Child } from '../pipeline/children.js';
import { dropPrefix, GiveUp, redisUrl, uniquePrefix, waitFor } from '../pipeline/harness.js';
import { freshStore, testDatabaseUrl } from '../support/db.js';

const LIMIT = 5;

describe('rate limits with REDIS_URL, across two server processes', () => {
  let db: Db & { schema: string };
  let dataDir: string;
  const prefix = uniquePrefix();
  const servers: { child: Child; base: string }[] = [];

  beforeAll(async () => {
    db = await freshStore('postgres');
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'hw-rate-'));
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const child = runTs(
        'src/cli/main.ts',
        ['serve', '--port', String(port), '--rate-limit', String(LIMIT)],
        {
          DATABASE_URL: `${testDatabaseUrl}?application_name=hwrate${randomBytes(3).toString('hex')}&options=-c%20search_path%3D${db.schema}`,
          REDIS_URL: redisUrl,
          QUEUE_PREFIX: prefix,
          HW_DATA_DIR: dataDir,
          LOG_LEVEL: 'info',
        },
      );
      servers.push({ child, base: `http://127.0.0.1:${port}` });
    }
    for (const { child } of servers)
      await waitFor(
        'a server listening',
        async () => {
          if (child.proc.exitCode !== null) throw new GiveUp(`serve exited: ${child.stderr()}`);
          return child.records.some((r) => r.msg === 'hansard-watch serving');
        },
        60_000,
      );
  }, 90_000);

  afterAll(async () => {
    for (const { child } of servers) child.kill();
    await Promise.all(servers.map(({ child }) => child.exited));
    await dropPrefix(prefix);
    await db?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('both processes say their counts are in Redis', () => {
    for (const { child } of servers)
      expect(child.records.find((r) => r.msg === 'hansard-watch serving')?.rateLimits).toBe('redis');
  });

  it('counts one budget for a client, whichever process answers', async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    // Alternately, so that each process alone sees at most half of the requests.
    for (let i = 0; i < LIMIT + 3; i++) {
      const res = await fetch(`${servers[i % 2]!.base}/api/v1/nothing-here`);
      statuses.push(res.status);
      if (res.status === 429) refused ??= res;
      else await res.arrayBuffer();
    }
    // Per process, each would have allowed LIMIT (2 × 5 = 10 > 8 requests): none refused.
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429, 429]);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await refused!.json()) as { error: string; message: string };
    expect(body.error).toBe('Too Many Requests');
    expect(body.message).toMatch(/^Too many requests from your address\. Try again in \d+ s\.$/);
    // The count is under this deployment's prefix.
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    try {
      const keys = await redis.keys(`${prefix}:rate-limit:general:*`);
      expect(keys).toEqual([`${prefix}:rate-limit:general:127.0.0.1`]);
      expect(await redis.get(keys[0]!)).toBe(String(LIMIT + 3));
    } finally {
      redis.disconnect();
    }
  });
});
