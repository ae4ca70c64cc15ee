/** Small JSON facts about the pipeline as a whole (feed_state): last successful poll, people.json checks. */
import type { Db } from '../store/db.js';

export interface LastPoll {
  at: string;
  durationMs: number;
  typesFailed: string[];
  jobsQueued: number;
}

export interface PeopleState {
  checkedAt: string;
  checksum?: string | undefined;
  etag?: string | undefined;
  lastModified?: string | undefined;
  status: 'loaded' | 'unchanged' | 'failed';
  error?: string | undefined;
}

/** A nested feed's meeting folders as its index last showed them, with that listing's validators. */
export interface NestedFolders {
  folders: string[];
  etag: string | null;
  lastModified: string | null;
}

interface StateShapes {
  'nested-folders': Record<string, NestedFolders>;
  'last-poll': LastPoll;
  'last-successful-poll': LastPoll;
  people: PeopleState;
}

export class StateRepository {
  constructor(private readonly db: Db) {}

  async get<K extends keyof StateShapes>(key: K): Promise<StateShapes[K] | undefined> {
    const rows = await this.db.query<{ value: StateShapes[K] }>(
      'SELECT value FROM feed_state WHERE key = $1',
      [key],
    );
    return rows[0]?.value;
  }

  async set<K extends keyof StateShapes>(key: K, value: StateShapes[K]): Promise<void> {
    await this.db.query(
      `INSERT INTO feed_state (key, value, updated_at) VALUES ($1, $2::jsonb, now())
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
  }
}
