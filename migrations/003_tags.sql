-- Topic tags per paragraph and per speech, with the evidence that gave them and the model
-- version, so a rules or model change can be re-applied and its effect counted.
CREATE TABLE paragraph_tags (
  speech_gid    text NOT NULL,
  seq           integer NOT NULL,
  tag           text NOT NULL,
  confidence    real NOT NULL,
  method        text NOT NULL,
  evidence      jsonb NOT NULL,
  model_version text NOT NULL,
  PRIMARY KEY (speech_gid, seq, tag),
  FOREIGN KEY (speech_gid, seq) REFERENCES paragraphs (speech_gid, seq) ON DELETE CASCADE
);
CREATE TABLE speech_tags (
  speech_gid    text NOT NULL REFERENCES speeches (gid) ON DELETE CASCADE,
  tag           text NOT NULL,
  confidence    real NOT NULL,
  method        text NOT NULL,
  evidence      jsonb NOT NULL,
  model_version text NOT NULL,
  PRIMARY KEY (speech_gid, tag)
);
CREATE INDEX speech_tags_tag ON speech_tags (tag, confidence);

-- Days whose current content awaits tagging; queued in the ingest transaction (as for
-- search), so a replaced day is always tagged again, and a crash loses no tagging.
CREATE TABLE tag_pending (
  group_key   text PRIMARY KEY,
  queued_at   timestamptz NOT NULL DEFAULT now()
);
