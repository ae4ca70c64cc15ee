-- Ingest throughput, continued (docs/operations.md, `npm run bench ingest`).
--
-- Every index on speeches is paid for by every speech ingested. Measured on the bench's
-- 55,594 speeches: COPY 0.23 s with no index, 1.15 s with the eight there were, each one
-- costing 60–190 ms. Four remain, each serving reads no other index can:

-- The search lookups' covering index (migration 004) becomes the primary key itself, so the
-- gid is indexed once rather than twice. Same uniqueness; the foreign key from speech_tags is
-- rebuilt on it.
ALTER TABLE speech_tags DROP CONSTRAINT speech_tags_speech_gid_fkey;
ALTER TABLE speeches DROP CONSTRAINT speeches_pkey;
ALTER TABLE speeches ADD CONSTRAINT speeches_pkey PRIMARY KEY (gid) INCLUDE (sitting_date, person_id, type, house, party);
ALTER TABLE speech_tags ADD CONSTRAINT speech_tags_speech_gid_fkey
  FOREIGN KEY (speech_gid) REFERENCES speeches (gid) ON DELETE CASCADE;
DROP INDEX speeches_search_keys;

-- (sitting_date, type) is served by speeches_date_gid (sitting_date, gid): every reader
-- filters a date range and reads the type from the row or the primary key's INCLUDE.
DROP INDEX speeches_date;

-- A debate page finds its speeches and subheadings through the day (group_key), a few
-- hundred rows, instead of through an index per heading column
-- (src/search/debate-repository.ts).
DROP INDEX speeches_major_heading;
DROP INDEX speeches_minor_heading;
DROP INDEX headings_parent;

-- The insert trigger's transition table copied every speech written only to read its
-- date; the writer that replaces a day queues the day for the MP record itself
-- (src/ingest/sitting-repository.ts). Updates and deletes keep their triggers.
DROP TRIGGER speeches_record_insert ON speeches;
