-- The tag walk (migration 012) for several tags or any tag (`tagged=true`): every speech tag
-- newest first, whatever its tag, so the page is read off this index instead of collecting
-- every tagged speech and sorting it (8 ms for `tagged=true` on the bench store).
CREATE INDEX speech_tags_newest ON speech_tags (sitting_date, speech_gid) INCLUDE (tag, confidence);
