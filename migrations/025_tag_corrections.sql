-- Editors' corrections to paragraph tags. Keyed on the speech's gid without its version
-- letter (2009-10-12a.1.0 and the revised 2009-10-12b.1.0 are one speech) and a hash of
-- the paragraph's text (not its seq), so a correction outlives re-ingest, re-tagging and a
-- revised file in which the paragraph is unchanged, and lapses if the text changes.
-- One row per paragraph and tag: the latest verdict wins. speech_gid is the gid corrected.
CREATE TABLE tag_corrections (
  id          bigserial PRIMARY KEY,
  speech_gid  text NOT NULL,
  speech_key  text NOT NULL,
  text_sha1   text NOT NULL CHECK (text_sha1 ~ '^[0-9a-f]{40}$'),
  tag         text NOT NULL,
  action      text NOT NULL CHECK (action IN ('add', 'remove')),
  note        text,
  -- The paragraph's text when corrected: `tags train` uses it as labelled data even after
  -- the speech is gone from the store.
  body        text NOT NULL,
  origin      text NOT NULL CHECK (origin IN ('cli', 'api', 'audit')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (speech_key, text_sha1, tag)
);
