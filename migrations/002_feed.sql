-- Live feeds (src/pipeline): where each feed type has been read up to, the file versions
-- listed but not yet ingested, the validators for conditional requests, and downloaded
-- bytes waiting for their ingest job. Postgres, not Redis, is the record of what is still
-- to do: a queue that loses its jobs is refilled from feed_pending on the next poll.

-- One row per feed type: its changedates.txt cursor (ChangeCursor) and poll health.
CREATE TABLE feed_cursors (
  type            text PRIMARY KEY,
  -- 'changedates', or 'index' when the type has no changedates.txt and is listed from its directory index.
  mode            text NOT NULL DEFAULT 'changedates',
  cursor_time     bigint,
  cursor_names    text[] NOT NULL DEFAULT '{}',
  last_poll_at    timestamptz,
  last_success_at timestamptz,
  last_error      text,
  -- In 'index' mode, when changedates.txt was last looked for (it is retried daily).
  changedates_checked_at timestamptz,
  -- In 'changedates' mode, when the directory index was last compared with what is known,
  -- to pick up files changedates.txt never mentioned (it is done daily).
  index_checked_at timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- File versions listed (by a poll or a backfill) whose ingest has not finished: the outbox
-- that fetch jobs are (re-)enqueued from. A row goes only once its version is in the store.
CREATE TABLE feed_pending (
  type        text NOT NULL,
  name        text NOT NULL,
  -- changedates time, index stamp hash or backfill id: part of the fetch job id.
  version     text NOT NULL,
  origin      text NOT NULL,
  -- Backfill run that listed it, for progress; null for polls.
  batch       text,
  listed_at   timestamptz NOT NULL DEFAULT now(),
  -- Set once fetched: the bytes wait in feed_blobs and an ingest job is (re-)enqueued directly.
  checksum      text,
  etag          text,
  last_modified text,
  PRIMARY KEY (type, name)
);
CREATE INDEX feed_pending_batch ON feed_pending (batch) WHERE batch IS NOT NULL;
CREATE INDEX feed_pending_checksum ON feed_pending (checksum) WHERE checksum IS NOT NULL;

-- For types listed from a directory index: the stamp (date and size as the index shows
-- them) last seen per file; a changed stamp lists the file again.
CREATE TABLE feed_index_entries (
  type   text NOT NULL,
  name   text NOT NULL,
  stamp  text NOT NULL,
  PRIMARY KEY (type, name)
);

-- The version of each file last ingested (or found invalid), with the validators the feed
-- gave for it, so the next fetch is conditional. Written only after the ingest commits,
-- so a validator never stands for bytes the store does not hold.
CREATE TABLE feed_versions (
  type           text NOT NULL,
  name           text NOT NULL,
  checksum       text NOT NULL,
  etag           text,
  last_modified  text,
  status         text NOT NULL,
  fetched_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (type, name)
);

-- Downloaded, verified bytes between the fetch and the ingest job (job data in Redis
-- carries only the checksum). Deleted once no pending ingest needs them.
CREATE TABLE feed_blobs (
  checksum    text PRIMARY KEY,
  bytes       bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Small facts about the pipeline as a whole (last successful poll, people.json checks).
CREATE TABLE feed_state (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
