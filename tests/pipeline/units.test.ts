/** The pipeline's pure parts: schedules, configuration, job ids, index pages, backoff. */
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { minCronIntervalSeconds } from '../../src/feed/poll-schedule.js';
import { parseIndexPage } from '../../src/feed/feed-index.js';
import { BACKFILL_PRIORITY, jobIds, jobsForPending } from '../../src/pipeline/jobs.js';
import { retryDelayMs } from '../../src/pipeline/queue.js';
import { withApplicationName } from '../../src/app/store.js';
import type { PendingFile } from '../../src/pipeline/cursor-repository.js';
import { dropPrefix, redisUrl, uniquePrefix } from './harness.js';

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('poll schedule', () => {
  it('measures the shortest gap between runs', () => {
    expect(minCronIntervalSeconds('*/5 * * * *')).toBe(300);
    expect(minCronIntervalSeconds('*/30 * * * * *')).toBe(30);
    expect(minCronIntervalSeconds('0,10 0 * * * *')).toBe(10);
    expect(minCronIntervalSeconds('0 3 * * *')).toBe(86_400);
    expect(minCronIntervalSeconds('* * * * *')).toBe(60);
  });

  it('defaults to every 5 minutes and refuses anything more often than every 30 s', () => {
    expect(loadConfig({}).POLL_CRON).toBe('*/5 * * * *');
    expect(loadConfig({ POLL_CRON: '*/30 * * * * *' }).POLL_CRON).toBe('*/30 * * * * *');
    expect(configError({ POLL_CRON: '*/10 * * * * *' })).toMatch(
      /POLL_CRON: polls every 10 s; the minimum is 30 s/,
    );
    expect(configError({ POLL_CRON: 'every five minutes' })).toMatch(/POLL_CRON: not a cron expression/);
  });
});

describe('configuration', () => {
  it('has working defaults for a fresh machine', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      FEED_BASE_URL: 'https://www.theyworkforyou.com/pwdata/',
      QUEUE_CONCURRENCY: 2,
      PORT: 3000,
      HOST: '127.0.0.1',
      QUEUE_PREFIX: 'hw',
    });
    expect(c.FEED_TYPES).toContain('lordswrans');
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.ADMIN_TOKEN).toBeUndefined();
  });

  it('names each bad setting with a reason', () => {
    const message = configError({
      FEED_TYPES: 'debates,commons',
      FEED_BASE_URL: 'ftp://x',
      QUEUE_CONCURRENCY: '0',
      ADMIN_TOKEN: 'short',
      PORT: 'eighty',
      QUEUE_PREFIX: 'a:b',
      FEED_SINCE: '2016',
    });
    expect(message).toMatch(/FEED_TYPES: unknown feed type\(s\) commons; known: debates, /);
    expect(message).toMatch(/FEED_BASE_URL: must be an http/);
    expect(message).toMatch(/QUEUE_CONCURRENCY: must be at least 1/);
    expect(message).toMatch(/ADMIN_TOKEN: must be at least 16 characters/);
    expect(message).toMatch(/PORT: /);
    expect(message).toMatch(/QUEUE_PREFIX: letters, digits/);
    expect(message).toMatch(/FEED_SINCE: must be a date/);
  });

  it('reads lists and numbers', () => {
    const c = loadConfig({ FEED_TYPES: ' wrans , debates,wrans', QUEUE_CONCURRENCY: '4', PORT: '0' });
    expect(c.FEED_TYPES).toEqual(['wrans', 'debates']);
    expect(c.QUEUE_CONCURRENCY).toBe(4);
    expect(c.PORT).toBe(0);
  });
});

describe('job ids', () => {
  const file = {
    type: 'standing',
    name: 'standing2009-10-20_CHILDPOV_05-0_2009-10-27a.xml',
    version: '1256809584',
    checksum: 'ab'.repeat(32),
  };

  it('name the work (type, file, version or checksum) without ":"', () => {
    const ids = [jobIds.fetch(file), jobIds.ingest(file), jobIds.speeches(file), jobIds.poll('manual')];
    expect(ids[0]).toBe('fetch-standing-standing2009-10-20_CHILDPOV_05-0_2009-10-27a.xml-1256809584');
    expect(ids[1]).toBe(
      `ingest-standing-standing2009-10-20_CHILDPOV_05-0_2009-10-27a.xml-${'ab'.repeat(12)}`,
    );
    for (const id of ids) expect(id).not.toContain(':');
  });

  it('are accepted by BullMQ, and adding one twice keeps one job', async () => {
    const prefix = uniquePrefix();
    const queue = new Queue('fetch', { connection: { url: redisUrl }, prefix });
    try {
      await queue.add('fetch', {}, { jobId: jobIds.fetch(file) });
      await queue.add('fetch', {}, { jobId: jobIds.fetch(file) });
      expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
      await expect(queue.add('fetch', {}, { jobId: 'a:b' })).rejects.toThrow(/cannot contain :/);
    } finally {
      await queue.close();
      await dropPrefix(prefix);
    }
  });

  it('go from pending files to the next step, backfills spread out behind live work', () => {
    const row = (
      name: string,
      origin: PendingFile['origin'],
      checksum: string | null = null,
    ): PendingFile => ({
      type: 'debates',
      name,
      version: origin === 'backfill' ? 'bx' : '100',
      origin,
      batch: null,
      checksum,
      etag: null,
      lastModified: null,
    });
    const jobs = jobsForPending(
      [
        row('a.xml', 'poll'),
        row('b.xml', 'backfill'),
        row('c.xml', 'backfill'),
        row('d.xml', 'poll', 'cd'.repeat(32)),
      ],
      30,
    );
    expect(jobs.map((j) => [j.stage, j.priority, j.delayMs])).toEqual([
      ['fetch', undefined, undefined],
      ['fetch', BACKFILL_PRIORITY, undefined],
      ['fetch', BACKFILL_PRIORITY, 2000],
      ['ingest', undefined, undefined],
    ]);
  });
});

describe('directory index pages', () => {
  it('reads Apache mod_autoindex tables', () => {
    const html = `<table><tr><th><a href="?C=N;O=D">Name</a></th></tr>
<tr><td valign="top"><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td><a href="/pwdata/scrapedxml/">Parent Directory</a></td><td>&nbsp;</td><td align="right">  - </td><td>&nbsp;</td></tr>
<tr><td valign="top"><img src="/icons/text.gif" alt="[TXT]"></td><td><a href="lordswms2009-10-26a.xml">lordswms2009-10-26a.xml</a></td><td align="right">2009-10-27 08:17  </td><td align="right"> 25K</td><td>&nbsp;</td></tr>
<tr><td valign="top"><img src="/icons/text.gif" alt="[TXT]"></td><td><a href="changedates.txt">changedates.txt</a></td><td align="right">2009-10-27 08:17  </td><td align="right">442</td><td>&nbsp;</td></tr>
<tr><td valign="top"><img src="/icons/text.gif" alt="[TXT]"></td><td><a href="lordswms2009-10-27a.xml">lordswms2009-10-27a.xml</a></td><td align="right">2009-10-28 09:00  </td><td align="right">1.1M</td><td>&nbsp;</td></tr></table>`;
    expect(parseIndexPage(html)).toEqual([
      { name: 'lordswms2009-10-26a.xml', stamp: '2009-10-27 08:17 25K' },
      { name: 'lordswms2009-10-27a.xml', stamp: '2009-10-28 09:00 1.1M' },
    ]);
  });

  it('reads nginx autoindex <pre> listings and refuses unsafe names', () => {
    const html = `<html><body><h1>Index of /x/</h1><hr><pre><a href="../">../</a>
<a href="answers2009-10-26a.xml">answers2009-10-26a.xml</a>                       26-Oct-2009 17:59              219206
<a href="..%2Fetc%2Fpasswd.xml">../etc/passwd.xml</a>                       26-Oct-2009 17:59              1
<a href="sub/">sub/</a>                       26-Oct-2009 17:59              -
</pre><hr></body></html>`;
    expect(parseIndexPage(html)).toEqual([
      { name: 'answers2009-10-26a.xml', stamp: '26-Oct-2009 17:59 219206' },
    ]);
  });
});

describe('backoff', () => {
  it('doubles with jitter, is capped, and honours a longer Retry-After', () => {
    const mid = (): number => 0.5;
    expect(retryDelayMs(1, 1000, undefined, mid)).toBe(750);
    expect(retryDelayMs(3, 1000, undefined, mid)).toBe(3000);
    expect(retryDelayMs(30, 1000, undefined, () => 1)).toBe(15 * 60_000);
    expect(retryDelayMs(1, 1000, Object.assign(new Error('503'), { retryAfterMs: 60_000 }), mid)).toBe(
      60_000,
    );
    expect(retryDelayMs(5, 1000, Object.assign(new Error('503'), { retryAfterMs: 10 }), mid)).toBe(12_000);
  });
});

describe('Postgres session names', () => {
  it('are added to DATABASE_URL without disturbing other parameters', () => {
    expect(withApplicationName('postgres://u@h/db', 'hansard-watch-worker')).toBe(
      'postgres://u@h/db?application_name=hansard-watch-worker',
    );
    expect(withApplicationName('postgres://u@h/db?options=-c%20search_path%3Dx', 'w')).toBe(
      'postgres://u@h/db?options=-c%20search_path%3Dx&application_name=w',
    );
    expect(withApplicationName('postgres://u@h/db?application_name=mine', 'w')).toBe(
      'postgres://u@h/db?application_name=mine',
    );
    expect(withApplicationName(undefined, 'w')).toBeUndefined();
  });
});
