-- Ingestion core: feed files, sittings (one day of one feed, in its current version),
-- headings, speeches, paragraphs, divisions, gid redirects, members, ingest errors.
-- Natural keys (gids) everywhere so that ingesting versions in any order ends in the same rows.

CREATE TABLE feed_files (
  name          text PRIMARY KEY,
  type          text NOT NULL,
  group_key     text NOT NULL,
  version       text NOT NULL,
  sitting_date  date NOT NULL,
  checksum      text NOT NULL,
  bytes         integer NOT NULL,
  latest        boolean,
  speeches      integer NOT NULL,
  paragraphs    integer NOT NULL,
  ingested_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feed_files_group ON feed_files (group_key);

-- The version of a day whose content is in the tables below.
CREATE TABLE sittings (
  group_key       text PRIMARY KEY,
  type            text NOT NULL,
  sitting_date    date NOT NULL,
  current_file    text NOT NULL,
  current_version text NOT NULL
);
CREATE INDEX sittings_date ON sittings (sitting_date, type);

CREATE TABLE headings (
  gid           text PRIMARY KEY,
  group_key     text NOT NULL,
  type          text NOT NULL,
  sitting_date  date NOT NULL,
  seq           integer NOT NULL,
  kind          text NOT NULL,
  title         text NOT NULL,
  parent_gid    text,
  colnum        text,
  time          text,
  url           text
);
CREATE INDEX headings_group ON headings (group_key);

CREATE TABLE speeches (
  gid               text PRIMARY KEY,
  group_key         text NOT NULL,
  type              text NOT NULL,
  sitting_date      date NOT NULL,
  seq               integer NOT NULL,
  kind              text NOT NULL,
  speaker_id        text,
  person_id         text,
  membership_id     text,
  speaker_name      text,
  party             text,
  constituency      text,
  house             text,
  nospeaker         boolean NOT NULL,
  time              text,
  colnum            text,
  url               text,
  oldstyle_id       text,
  major_heading_gid text,
  minor_heading_gid text,
  -- Hash of speaker + paragraph texts: tells a changed speech from one only renumbered.
  content_hash      text NOT NULL
);
CREATE INDEX speeches_group ON speeches (group_key);
CREATE INDEX speeches_person_date ON speeches (person_id, sitting_date);
CREATE INDEX speeches_date ON speeches (sitting_date, type);

CREATE TABLE paragraphs (
  speech_gid  text NOT NULL REFERENCES speeches (gid) ON DELETE CASCADE,
  seq         integer NOT NULL,
  pid         text,
  cls         text,
  html        text NOT NULL,
  body        text NOT NULL,
  PRIMARY KEY (speech_gid, seq)
);

-- Full-text vectors live beside the paragraphs, filled by the search indexer right after
-- a day's rows commit (docs/architecture.md): to_tsvector costs more than the rest of
-- ingest together, so it must not hold up the commit, and inserting here is far cheaper
-- than rewriting paragraph rows with UPDATE.
CREATE TABLE paragraph_search (
  speech_gid  text NOT NULL,
  seq         integer NOT NULL,
  tsv         tsvector NOT NULL,
  PRIMARY KEY (speech_gid, seq),
  FOREIGN KEY (speech_gid, seq) REFERENCES paragraphs (speech_gid, seq) ON DELETE CASCADE
);
CREATE INDEX paragraph_search_tsv ON paragraph_search USING gin (tsv);

-- Days whose current content still awaits indexing; written in the ingest transaction,
-- so a crash between commit and indexing leaves the day queued, not forgotten.
CREATE TABLE search_pending (
  group_key   text PRIMARY KEY,
  queued_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE divisions (
  gid               text PRIMARY KEY,
  group_key         text NOT NULL,
  type              text NOT NULL,
  sitting_date      date NOT NULL,
  seq               integer NOT NULL,
  number            text,
  colnum            text,
  time              text,
  url               text,
  major_heading_gid text,
  minor_heading_gid text,
  counts            jsonb NOT NULL
);
CREATE INDEX divisions_group ON divisions (group_key);

CREATE TABLE votes (
  division_gid  text NOT NULL REFERENCES divisions (gid) ON DELETE CASCADE,
  seq           integer NOT NULL,
  member_id     text,
  person_id     text,
  name          text NOT NULL,
  vote          text NOT NULL,
  PRIMARY KEY (division_gid, seq)
);
CREATE INDEX votes_person ON votes (person_id);

-- Old ids of revised files point at their successors; a lookup follows the chain.
CREATE TABLE gid_redirects (
  old_gid     text PRIMARY KEY,
  new_gid     text NOT NULL,
  match_type  text NOT NULL,
  file_name   text NOT NULL
);
CREATE INDEX gid_redirects_file ON gid_redirects (file_name);
CREATE INDEX gid_redirects_new ON gid_redirects (new_gid);

CREATE TABLE organizations (
  id              text PRIMARY KEY,
  name            text NOT NULL,
  classification  text
);

CREATE TABLE posts (
  id              text PRIMARY KEY,
  organization_id text,
  area            text,
  role            text
);

CREATE TABLE persons (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  identifiers jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE person_names (
  person_id         text NOT NULL,
  seq               integer NOT NULL,
  note              text,
  display           text NOT NULL,
  given_name        text,
  family_name       text,
  honorific_prefix  text,
  lord_name         text,
  lord_of_name      text,
  start_date        text,
  end_date          text,
  PRIMARY KEY (person_id, seq)
);
CREATE INDEX person_names_display ON person_names (lower(display));

CREATE TABLE memberships (
  id              text PRIMARY KEY,
  person_id       text NOT NULL,
  party_id        text,
  post_id         text,
  organization_id text,
  start_date      text,
  end_date        text,
  start_reason    text,
  end_reason      text
);
CREATE INDEX memberships_person ON memberships (person_id);

-- Every problem met while ingesting, fatal ('error') or not ('warning'); a later clean
-- ingest of the same file marks its errors resolved rather than deleting the history.
CREATE TABLE ingest_errors (
  id          bigserial PRIMARY KEY,
  file_name   text NOT NULL,
  severity    text NOT NULL,
  line        integer,
  col         integer,
  field       text,
  message     text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz
);
CREATE INDEX ingest_errors_open ON ingest_errors (file_name) WHERE resolved_at IS NULL;

-- Which people.json was loaded last, so an unchanged file is not reloaded.
CREATE TABLE people_sources (
  name        text PRIMARY KEY,
  checksum    text NOT NULL,
  persons     integer NOT NULL,
  loaded_at   timestamptz NOT NULL DEFAULT now()
);
