-- Search of common words and phrases, newest first (src/search/search-repository.ts).
--
-- A phrase of common words ("private sector", "primary care trust") has tens of thousands
-- of candidate paragraphs in a 2-million-speech store. The full-text index finds them in a
-- few milliseconds, but every candidate's vector must then be read from the heap to check
-- word positions, and only the newest page of them is wanted: 14,000 heap blocks for 21
-- results. With each paragraph's sitting date beside its vector, a search first looks at a
-- recent window of dates: Postgres ANDs the full-text bitmap with this date index's bitmap
-- and reads only the candidates inside the window, widening it when they hold less than a
-- page.
ALTER TABLE paragraph_search ADD COLUMN sitting_date date;
UPDATE paragraph_search ps SET sitting_date = s.sitting_date FROM speeches s WHERE s.gid = ps.speech_gid;
ALTER TABLE paragraph_search ALTER COLUMN sitting_date SET NOT NULL;
CREATE INDEX paragraph_search_date ON paragraph_search (sitting_date);
