/**
 * Keeps the member tables current with pwdata's `members/people.json`: checked at most
 * every PEOPLE_REFRESH_HOURS (daily by default), conditionally, and loaded through the
 * member service so stored speeches are re-resolved against the new data.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FeedSource, PreviousVersion } from '../feed/index.js';
import type { Logger } from '../log.js';
import { loadMembersFile } from '../member/member-service.js';
import { MemberRepository } from '../member/member-repository.js';
import type { Db } from '../store/db.js';
import { StateRepository, type PeopleState } from './state-repository.js';

export interface PeopleRefreshDeps {
  db: Db;
  source: FeedSource;
  log: Logger;
  refreshHours: number;
  signal?: AbortSignal;
}

export type PeopleRefreshOutcome = 'not-due' | PeopleState['status'];

/** People.json is stored under this name in people_sources, as `hansard-watch members load` does. */
const PEOPLE_NAME = 'people.json';

export async function refreshPeopleIfDue(deps: PeopleRefreshDeps): Promise<PeopleRefreshOutcome> {
  const states = new StateRepository(deps.db);
  const state = await states.get('people');
  const loaded = await storedChecksum(deps.db);
  const dueAt = state ? Date.parse(state.checkedAt) + deps.refreshHours * 3_600_000 : 0;
  // Never loaded (a fresh store) is always due: ingest needs members to resolve speakers.
  if (loaded !== undefined && Date.now() < dueAt && state?.status !== 'failed') return 'not-due';
  const previous: PreviousVersion | undefined =
    loaded === undefined
      ? undefined
      : state?.checksum === loaded
        ? { checksum: loaded, etag: state.etag, lastModified: state.lastModified }
        : { checksum: loaded };
  try {
    const result = await deps.source.fetchPeople(previous, { signal: deps.signal });
    const validators = { checksum: result.checksum, etag: result.etag, lastModified: result.lastModified };
    if (result.status === 'unchanged') {
      await states.set('people', { checkedAt: new Date().toISOString(), status: 'unchanged', ...validators });
      return 'unchanged';
    }
    await loadBytes(deps, result.bytes);
    await states.set('people', { checkedAt: new Date().toISOString(), status: 'loaded', ...validators });
    return 'loaded';
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    deps.log.warn({ err: error }, 'people.json refresh failed; keeping the stored members');
    await states.set('people', {
      ...(state ?? {}),
      checkedAt: new Date().toISOString(),
      status: 'failed',
      error,
    });
    return 'failed';
  }
}

async function storedChecksum(db: Db): Promise<string | undefined> {
  const rows = await db.query<{ checksum: string }>('SELECT checksum FROM people_sources WHERE name = $1', [
    PEOPLE_NAME,
  ]);
  return rows[0]?.checksum;
}

/** The member service loads from a file (and re-resolves speeches); hand it the bytes that way. */
async function loadBytes(deps: PeopleRefreshDeps, bytes: Buffer): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hw-people-'));
  try {
    const file = path.join(dir, PEOPLE_NAME);
    await writeFile(file, bytes);
    const res = await loadMembersFile(new MemberRepository(deps.db), file, deps.log);
    deps.log.info(
      {
        persons: res.persons,
        memberships: res.memberships,
        skipped: res.issues.length,
        speechesUpdated: res.speechesUpdated,
      },
      'people.json loaded',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
