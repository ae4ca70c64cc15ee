CREATE TABLE paragraph_tags (speech_gid text NOT NULL, seq integer NOT NULL, tag text NOT NULL, confidence real NOT NULL, method text NOT NULL, evidence jsonb NOT NULL, model_version text NOT NULL, PRIMARY KEY (speech_gid, seq, tag));
CREATE TABLE speech_tags (speech_gid text NOT NULL, tag text NOT NULL, confidence real NOT NULL, method text NOT NULL, evidence jsonb NOT NULL, model_version text NOT NULL, PRIMARY KEY (speech_gid, tag));
CREATE INDEX speech_tags_tag ON speech_tags (tag, confidence);
