-- The Senedd publishes each day twice, `senedd/en/senedd<date>.xml` and
-- `senedd/cy/senedd<date>.xml`, item for item (ids differ only in `/en/` ↔ `/cy/`). The
-- English file's speeches are the speeches; the Welsh file adds each one's Welsh text here,
-- keyed by the English speech's gid, so that search, tags and alerts, which all work on
-- speeches, see one speech in two languages and never two speeches. No foreign key: either
-- language's file may be ingested first.
CREATE TABLE speech_translations (
  speech_gid    text NOT NULL,
  lang          text NOT NULL,
  -- The item's own id in its language's file (also a gid_redirects row to speech_gid).
  gid           text NOT NULL,
  -- The Welsh file's day (`cy/senedd2026-01-14`): replaced with it, revision by revision.
  group_key     text NOT NULL,
  sitting_date  date NOT NULL,
  seq           integer NOT NULL,
  -- True when this text is what was said, false when it is the Senedd's translation.
  original      boolean NOT NULL,
  html          text NOT NULL,
  body          text NOT NULL,
  -- Postgres has no Welsh stemmer (nor Welsh stop words): 'simple' lower-cases and keeps
  -- every word as it is, so a Welsh search matches the word forms it is given.
  tsv           tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED,
  PRIMARY KEY (speech_gid, lang)
);
CREATE INDEX speech_translations_group ON speech_translations (group_key);
CREATE INDEX speech_translations_tsv ON speech_translations USING gin (tsv);

-- As in migration 010, and a day's translations are emptied with the rest of its content.
CREATE OR REPLACE FUNCTION ingest_clear_day(p_group_key text, p_type text, p_date date, p_file text, p_version text)
  RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  hashes text[];
BEGIN
  SELECT coalesce(array_agg(content_hash), '{}') INTO hashes FROM speeches WHERE group_key = p_group_key;
  DELETE FROM paragraphs p USING speeches s WHERE s.group_key = p_group_key AND p.speech_gid = s.gid;
  DELETE FROM votes v USING divisions d WHERE d.group_key = p_group_key AND v.division_gid = d.gid;
  DELETE FROM speeches WHERE group_key = p_group_key;
  DELETE FROM headings WHERE group_key = p_group_key;
  DELETE FROM divisions WHERE group_key = p_group_key;
  DELETE FROM speech_translations WHERE group_key = p_group_key;
  INSERT INTO search_pending (group_key) VALUES (p_group_key) ON CONFLICT DO NOTHING;
  INSERT INTO tag_pending (group_key) VALUES (p_group_key) ON CONFLICT DO NOTHING;
  INSERT INTO record_pending (sitting_date) VALUES (p_date);
  INSERT INTO sittings (group_key, type, sitting_date, current_file, current_version)
    VALUES (p_group_key, p_type, p_date, p_file, p_version)
    ON CONFLICT (group_key) DO UPDATE SET current_file = EXCLUDED.current_file, current_version = EXCLUDED.current_version;
  RETURN hashes;
END $$;
