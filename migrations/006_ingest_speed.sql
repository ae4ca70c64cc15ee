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
