-- Web and API reads (src/search, src/person, src/export/export-repository.ts).

-- Listings newest first with keyset paging on (sitting_date, gid), and the export's
-- (sitting_date, gid) order read without a sort.
CREATE INDEX speeches_date_gid ON speeches (sitting_date, gid);

-- Search driven by a text or tag index looks thousands of matching gids up to keep the
-- newest: with the filter columns beside the key, those lookups never touch the wide rows.
CREATE INDEX speeches_search_keys ON speeches (gid) INCLUDE (sitting_date, person_id, type, house, party);

-- A person's speeches by date (MP page, person filter) answered from the index alone:
-- the speaking record groups by house, type and month without visiting the table.
-- Supersedes speeches_person_date (person_id, sitting_date), its prefix.
CREATE INDEX speeches_person_record ON speeches (person_id, sitting_date, gid) INCLUDE (house, type);
DROP INDEX IF EXISTS speeches_person_date;

-- A debate page: the speeches under a heading, and a major heading's minor headings.
CREATE INDEX speeches_major_heading ON speeches (major_heading_gid);
CREATE INDEX speeches_minor_heading ON speeches (minor_heading_gid);
CREATE INDEX headings_parent ON headings (parent_gid);

-- The speaking record's counts, per person and sitting day: a few hundred rows per MP
-- instead of tens of thousands of speeches, so the MP page stays fast on a long career.
-- Rebuilt per day from the speeches (src/person/record-summary.ts) whenever a day is
-- queued in record_pending; the triggers below queue a day whenever its speeches or their
-- tags change (ingest, a revision, re-resolved speakers, tagging), so no writer needs to
-- know about these tables. Tag counts are at the default confidence (0.5); other
-- thresholds are counted from the speeches directly.
CREATE TABLE person_day_speeches (
  person_id     text NOT NULL,
  sitting_date  date NOT NULL,
  house         text NOT NULL,
  type          text NOT NULL,
  speeches      integer NOT NULL,
  PRIMARY KEY (person_id, sitting_date, house, type)
);
CREATE INDEX person_day_speeches_date ON person_day_speeches (sitting_date);

-- tag '*' counts the day's speeches with any tag, each once.
CREATE TABLE person_day_tags (
  person_id     text NOT NULL,
  sitting_date  date NOT NULL,
  tag           text NOT NULL,
  speeches      integer NOT NULL,
  PRIMARY KEY (person_id, sitting_date, tag)
);
CREATE INDEX person_day_tags_date ON person_day_tags (sitting_date);

-- Append-only (no key): a writer never waits on another writer's uncommitted row for the
-- same day, so two ingest lanes on one date stay independent. Duplicates are harmless.
CREATE TABLE record_pending (
  sitting_date  date NOT NULL
);
INSERT INTO record_pending (sitting_date) SELECT DISTINCT sitting_date FROM speeches;

CREATE FUNCTION record_pending_new_speeches() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO record_pending (sitting_date) SELECT DISTINCT sitting_date FROM new_rows; RETURN NULL; END $$;
CREATE FUNCTION record_pending_old_speeches() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO record_pending (sitting_date) SELECT DISTINCT sitting_date FROM old_rows; RETURN NULL; END $$;
CREATE FUNCTION record_pending_new_tags() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO record_pending (sitting_date) SELECT DISTINCT s.sitting_date FROM new_rows n JOIN speeches s ON s.gid = n.speech_gid; RETURN NULL; END $$;
-- A tag deleted with its speech (cascade) finds no speech here; the speech's own trigger queued the day.
CREATE FUNCTION record_pending_old_tags() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO record_pending (sitting_date) SELECT DISTINCT s.sitting_date FROM old_rows o JOIN speeches s ON s.gid = o.speech_gid; RETURN NULL; END $$;

CREATE TRIGGER speeches_record_insert AFTER INSERT ON speeches REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_pending_new_speeches();
CREATE TRIGGER speeches_record_update_new AFTER UPDATE ON speeches REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_pending_new_speeches();
CREATE TRIGGER speeches_record_update_old AFTER UPDATE ON speeches REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION record_pending_old_speeches();
CREATE TRIGGER speeches_record_delete AFTER DELETE ON speeches REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION record_pending_old_speeches();
CREATE TRIGGER speech_tags_record_insert AFTER INSERT ON speech_tags REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_pending_new_tags();
CREATE TRIGGER speech_tags_record_update_new AFTER UPDATE ON speech_tags REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_pending_new_tags();
CREATE TRIGGER speech_tags_record_update_old AFTER UPDATE ON speech_tags REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION record_pending_old_tags();
CREATE TRIGGER speech_tags_record_delete AFTER DELETE ON speech_tags REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION record_pending_old_tags();
