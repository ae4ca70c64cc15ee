-- Rare words searched within a window of dates (src/search/search-repository.ts).
--
-- Paragraphs are stored roughly in date order (a day is ingested at a time), so a block
-- range index on the sitting date names a window's pages in well under a millisecond
-- whatever the window's size, where the btree of migration 011 must list every paragraph
-- of it (5 ms for a year of a 2-million-speech store). For a rare word Postgres ANDs this
-- with the text index and reads only the word's pages inside the window; for a common word
-- it still walks the btree's short windows. Out-of-order days (revisions, backfills) only
-- widen the ranges: the index stays correct, just less selective.
CREATE INDEX paragraph_search_date_range ON paragraph_search USING brin (sitting_date) WITH (pages_per_range = 32);
