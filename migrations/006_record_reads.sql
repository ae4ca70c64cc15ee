-- The speaking record reads one person's summary rows. The summary is rebuilt a day at a
-- time, so a person's rows lie scattered over the table (a busy MP's 1,800 day rows sat on
-- 1,500 heap pages in the 2-million-speech bench). These covering indexes, in person and
-- date order, answer the record's reads from a few dozen index pages (index-only scans).
CREATE INDEX person_day_speeches_record ON person_day_speeches (person_id, sitting_date) INCLUDE (house, type, speeches);
CREATE INDEX person_day_tags_record ON person_day_tags (person_id, sitting_date) INCLUDE (tag, speeches);
