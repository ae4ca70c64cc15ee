-- Search vectors are now written by the ingest itself, in the same transaction as the
-- paragraphs (worked out in the parse workers, src/ingest/search-vector.ts). The foreign key
-- re-checked every vector against paragraphs, as migration 008 found for paragraphs and
-- votes; the day's vectors are now deleted with its other rows instead.
ALTER TABLE paragraph_search DROP CONSTRAINT paragraph_search_speech_gid_seq_fkey;

CREATE OR REPLACE FUNCTION ingest_clear_day(p_group_key text, p_type text, p_date date, p_file text, p_version text)
  RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  hashes text[];
BEGIN
  SELECT coalesce(array_agg(content_hash), '{}') INTO hashes FROM speeches WHERE group_key = p_group_key;
  DELETE FROM paragraph_search ps USING speeches s WHERE s.group_key = p_group_key AND ps.speech_gid = s.gid;
  DELETE FROM paragraphs p USING speeches s WHERE s.group_key = p_group_key AND p.speech_gid = s.gid;
  DELETE FROM votes v USING divisions d WHERE d.group_key = p_group_key AND v.division_gid = d.gid;
  DELETE FROM speeches WHERE group_key = p_group_key;
  DELETE FROM headings WHERE group_key = p_group_key;
  DELETE FROM divisions WHERE group_key = p_group_key;
  -- As migration 027 added: a revised Welsh file swaps out its translations.
  DELETE FROM speech_translations WHERE group_key = p_group_key;
  INSERT INTO search_pending (group_key) VALUES (p_group_key) ON CONFLICT DO NOTHING;
  INSERT INTO tag_pending (group_key) VALUES (p_group_key) ON CONFLICT DO NOTHING;
  INSERT INTO record_pending (sitting_date) VALUES (p_date);
  INSERT INTO sittings (group_key, type, sitting_date, current_file, current_version)
    VALUES (p_group_key, p_type, p_date, p_file, p_version)
    ON CONFLICT (group_key) DO UPDATE SET current_file = EXCLUDED.current_file, current_version = EXCLUDED.current_version;
  RETURN hashes;
END $$;
