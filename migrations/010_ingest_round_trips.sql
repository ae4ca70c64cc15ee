-- Ingest throughput, continued: one feed file used to cost 28 statements, each a round
-- trip with its own parse, plan and protocol work on both sides; about 10,000 of them for
-- the bench's 413 files. The fixed part of writing a file now runs as three functions,
-- leaving the COPYs (src/ingest/sitting-repository.ts). The rules are the same as before.

-- Takes the day's lock (two writers of one day must not interleave). `unchanged` when this
-- exact file is stored already; otherwise the file's earlier redirects are forgotten (it
-- writes its current ones) and the day's current version is returned (NULL: a new day).
CREATE FUNCTION ingest_open_file(p_group_key text, p_name text, p_checksum text,
                                 OUT unchanged boolean, OUT current_version text)
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext(p_group_key));
  unchanged := EXISTS (SELECT 1 FROM feed_files f WHERE f.name = p_name AND f.checksum = p_checksum);
  IF unchanged THEN RETURN; END IF;
  DELETE FROM gid_redirects WHERE file_name = p_name;
  SELECT s.current_version INTO current_version FROM sittings s WHERE s.group_key = p_group_key;
END $$;

-- Empties a day for its new current version and queues what follows the commit (search,
-- tags, the MP record). Returns the content hashes of the speeches it removed, from which
-- the writer tells changed speeches from unchanged ones. Paragraphs and votes have no
-- foreign key (migration 008): they go here, with their parents.
CREATE FUNCTION ingest_clear_day(p_group_key text, p_type text, p_date date, p_file text, p_version text)
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
  INSERT INTO search_pending (group_key) VALUES (p_group_key) ON CONFLICT DO NOTHING;
  INSERT INTO tag_pending (group_key) VALUES (p_group_key) ON CONFLICT DO NOTHING;
  INSERT INTO record_pending (sitting_date) VALUES (p_date);
  INSERT INTO sittings (group_key, type, sitting_date, current_file, current_version)
    VALUES (p_group_key, p_type, p_date, p_file, p_version)
    ON CONFLICT (group_key) DO UPDATE SET current_file = EXCLUDED.current_file, current_version = EXCLUDED.current_version;
  RETURN hashes;
END $$;

-- Records the file as ingested and closes its earlier errors (a good copy arrived).
CREATE FUNCTION ingest_close_file(p_name text, p_type text, p_group_key text, p_version text, p_date date,
                                  p_checksum text, p_bytes integer, p_latest boolean, p_speeches integer,
                                  p_paragraphs integer)
  RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO feed_files (name, type, group_key, version, sitting_date, checksum, bytes, latest, speeches, paragraphs)
    VALUES (p_name, p_type, p_group_key, p_version, p_date, p_checksum, p_bytes, p_latest, p_speeches, p_paragraphs)
    ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, bytes = EXCLUDED.bytes, latest = EXCLUDED.latest,
      speeches = EXCLUDED.speeches, paragraphs = EXCLUDED.paragraphs, ingested_at = now();
  UPDATE ingest_errors SET resolved_at = now() WHERE file_name = p_name AND resolved_at IS NULL;
END $$;
