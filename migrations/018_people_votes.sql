-- Speakers and voters resolved to people (issue #16).
--
-- speeches.person_name: the speaker's name on the sitting date from the member data, beside
-- speaker_name (what Hansard printed, which may be an office such as "The First Minister").
-- votes: the membership valid on the division's date, with the voter's name, party, seat
-- and house then, as speeches already carry them. Until now a vote's list id (a membership
-- id, like a speech's speakerid) was never looked up, so votes had no person.
ALTER TABLE speeches ADD COLUMN person_name text;
ALTER TABLE votes
  ADD COLUMN membership_id text,
  ADD COLUMN person_name text,
  ADD COLUMN party text,
  ADD COLUMN constituency text,
  ADD COLUMN house text;

-- Rows stored before this migration are filled in by re-resolving them against the member
-- data; forgetting which people.json was loaded makes the next `members load`, ingest or
-- people refresh load it again and re-resolve every stored speech and vote.
DELETE FROM people_sources;
