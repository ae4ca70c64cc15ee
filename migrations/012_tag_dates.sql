-- Search by tag, newest first (src/search/search-repository.ts, the `tag walk`).
--
-- A tag search used to collect every speech holding the tag and sort them by the speech's
-- date: in a 2-million-speech store, 2,000-20,000 lookups into speeches for a page of 21,
-- and past 15,000 a wasted collection before the fallback scan. With the speech's sitting
-- date beside each tag, the page is read straight off this index, newest first.
--
-- The date is filled from the speech on insert (a trigger), so that every writer (the
-- tagger, fixtures, tools) stores it the same way; a speech's date never changes under its gid.
ALTER TABLE speech_tags ADD COLUMN sitting_date date;
-- Filling the new column changes no tag: the MP-record summary's triggers (migration 006)
-- would otherwise queue every day of the store for recounting.
ALTER TABLE speech_tags DISABLE TRIGGER speech_tags_record_update_new;
ALTER TABLE speech_tags DISABLE TRIGGER speech_tags_record_update_old;
UPDATE speech_tags t SET sitting_date = s.sitting_date FROM speeches s WHERE s.gid = t.speech_gid;
ALTER TABLE speech_tags ENABLE TRIGGER speech_tags_record_update_new;
ALTER TABLE speech_tags ENABLE TRIGGER speech_tags_record_update_old;
ALTER TABLE speech_tags ALTER COLUMN sitting_date SET NOT NULL;

CREATE FUNCTION speech_tags_sitting_date() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.sitting_date IS NULL THEN
    SELECT s.sitting_date INTO NEW.sitting_date FROM speeches s WHERE s.gid = NEW.speech_gid;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER speech_tags_sitting_date BEFORE INSERT ON speech_tags
  FOR EACH ROW EXECUTE FUNCTION speech_tags_sitting_date();

CREATE INDEX speech_tags_date ON speech_tags (tag, sitting_date, speech_gid) INCLUDE (confidence);
