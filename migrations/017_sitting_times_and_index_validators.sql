-- Sitting times as a `time`, and the directory index polled with conditional requests.
--
-- 1. Times (docs/data-model.md#times). The feeds write times as `011:32:00`, `14:30:00`,
-- `11:32`, `9:30`, `unknown` or ``; they were stored as given, and pages cut the first five
-- characters (`011:3`). The parser now writes `HH:MM` (src/debate/sitting-time.ts); rows
-- stored before are converted here by the same rules for the forms parlparse writes, and
-- anything else (`unknown`, empty, malformed) becomes NULL. Seconds are dropped (they are
-- always `00` in the feeds). This rewrites the three tables and their indexes: minutes on
-- a store of millions of speeches; run `VACUUM ANALYZE` after it there.
CREATE FUNCTION migration_017_time(raw text) RETURNS time
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN m IS NULL OR m[1]::int > 23 OR m[2]::int > 59 OR coalesce(m[3], '0')::int > 59 THEN NULL
    ELSE make_time(m[1]::int, m[2]::int, 0)
  END
  FROM (SELECT coalesce(
          regexp_match(btrim(raw), '^0?([0-9]{1,2})[:.]([0-9]{2})(?::([0-9]{2}))?$'),
          regexp_match(btrim(raw), '^([0-9]{2})([0-9]{2})$')) AS m) AS parsed
$$;

ALTER TABLE headings ALTER COLUMN time TYPE time USING migration_017_time(time);
ALTER TABLE speeches ALTER COLUMN time TYPE time USING migration_017_time(time);
ALTER TABLE divisions ALTER COLUMN time TYPE time USING migration_017_time(time);

DROP FUNCTION migration_017_time(text);

-- 2. The directory index of every type is now read on every poll (docs/operations.md#polling),
-- conditionally: these are the validators of the last listing recorded, kept with the
-- listing (in the transaction that records it) so that a 304 always stands for a listing
-- the store has taken in, whichever process polls next. `index_checked_at` is now when
-- the last full listing was recorded; one is asked for unconditionally once a day.
ALTER TABLE feed_cursors ADD COLUMN index_etag text;
ALTER TABLE feed_cursors ADD COLUMN index_last_modified text;
