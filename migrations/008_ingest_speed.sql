-- Ingest throughput (docs/operations.md, `npm run bench ingest`).
--
-- Most paragraphs have no markup: their HTML is just their text, escaped. Storing it twice
-- doubled the bytes every ingest copies, logs and writes. Such paragraphs now keep html
-- NULL and readers take paragraph_html(html, body), which gives back the same string
-- (escapeHtml in src/debate/inline-html.ts escapes exactly these four characters).
ALTER TABLE paragraphs ALTER COLUMN html DROP NOT NULL;

CREATE FUNCTION paragraph_html(html text, body text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(html, replace(replace(replace(replace(body, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;')) $$;

-- Paragraphs and votes are written only with their speech or division, in the one
-- transaction that replaces a day (src/ingest/sitting-repository.ts), which also deletes
-- them with it. A foreign key re-checked that for every row and about doubled the cost of
-- writing paragraphs (measured: 138,000 rows, 8–11 s with it, 4.6 s without, on a loaded
-- machine); its ON DELETE CASCADE ran one delete per speech.
ALTER TABLE paragraphs DROP CONSTRAINT paragraphs_speech_gid_fkey;
ALTER TABLE votes DROP CONSTRAINT votes_division_gid_fkey;
