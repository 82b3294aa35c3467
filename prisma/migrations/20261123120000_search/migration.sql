-- ─────────────────────────────────────────────────────────────────────────────
-- Search (issue 3): Greek-aware full-text search over consultations, document articles, submissions and
-- comments, and trigram "similar submissions" suggestions. Written by hand: Prisma's schema language
-- cannot express expression or trigram indexes (the indexes are listed in HAND_WRITTEN_INDEXES of
-- tests/integration/schema/consistency.test.ts). The queries live in app/domain/search/search.server.ts
-- and repeat the index expressions below EXACTLY; change both together.
-- ─────────────────────────────────────────────────────────────────────────────

-- Trigram similarity of titles for "similar submissions" (a trusted extension, like unaccent).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Text as search compares it: accents and diaeresis removed (unaccent), lower-case, final sigma as σ. The
-- same normalisation as normalizeGreek() in app/domain/text/greek.ts.
-- unaccent(text) is only STABLE (it looks its dictionary up through search_path), so it cannot appear in
-- an index expression; naming the dictionary explicitly makes the result depend on the input alone, which
-- is what IMMUTABLE promises. Unaccenting BEFORE the Greek stemmer also fixes its handling of dialytika
-- (on its own it stems "προϊόντα" to 'προηοντ', after unaccent to 'προιοντ').
-- COST: with the default (100) the planner prefers scanning a small table and computing
-- to_tsvector(synochi_search_text(…)) for every row over its GIN index, which on long consultation bodies
-- is ten times slower.
CREATE FUNCTION "synochi_search_text"(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000
    AS $$ SELECT translate(lower(public.unaccent('public.unaccent'::regdictionary, $1)), 'ς', 'σ') $$;

-- For ts_headline only: it must parse the ORIGINAL text (to show it with its accents) yet find the words
-- the search matched, so each word is unaccented before the Greek stemmer, as synochi_search_text does
-- for the indexes.
CREATE TEXT SEARCH CONFIGURATION "synochi_greek_headline" (COPY = pg_catalog.greek);
ALTER TEXT SEARCH CONFIGURATION "synochi_greek_headline"
    ALTER MAPPING FOR asciihword, asciiword, hword, hword_asciipart, hword_part, word
    WITH public.unaccent, pg_catalog.greek_stem;

-- Full-text indexes: one document per row, Greek stemming over the normalised text. Public consultations
-- and their articles are few; submissions and comments are indexed only while the public can see them
-- (partial indexes), which keeps the indexes small and every match a visible one.
-- gin_pending_list_limit = 256 (kB): new rows wait in GIN's unsorted pending list until it is merged
-- into the index; every search reads that list in full, and the planner, pricing it, may prefer scanning
-- the table. The default limit (4 MB) made searches slower after bursts of posts; no list at all
-- (fastupdate = off) made inserting 20,000 comments 4 times slower (6.7 s instead of 1.7 s); 256 kB kept
-- inserts at 2.1 s and the list a few pages long.
CREATE INDEX "Consultation_search_idx" ON "Consultation" USING gin
    (to_tsvector('greek'::regconfig, "synochi_search_text"("title" || ' ' || "summary" || ' ' || "bodyHtml")))
    WITH (gin_pending_list_limit = 256);

CREATE INDEX "ConsultationArticle_search_idx" ON "ConsultationArticle" USING gin
    (to_tsvector('greek'::regconfig, "synochi_search_text"("title" || ' ' || "bodyHtml")))
    WITH (gin_pending_list_limit = 256);

CREATE INDEX "Submission_search_idx" ON "Submission" USING gin
    (to_tsvector('greek'::regconfig, "synochi_search_text"("title" || ' ' || "bodyText")))
    WITH (gin_pending_list_limit = 256)
    WHERE "status" = 'published';

-- Titles alone: title matches rank first, so search collects them apart from body matches, and the
-- similar-submissions suggestions compare titles.
CREATE INDEX "Submission_title_search_idx" ON "Submission" USING gin
    (to_tsvector('greek'::regconfig, "synochi_search_text"("title")))
    WITH (gin_pending_list_limit = 256)
    WHERE "status" = 'published';

CREATE INDEX "Submission_title_trgm_idx" ON "Submission" USING gin
    ("synochi_search_text"("title") gin_trgm_ops)
    WITH (gin_pending_list_limit = 256)
    WHERE "status" = 'published';

CREATE INDEX "Comment_search_idx" ON "Comment" USING gin
    (to_tsvector('greek'::regconfig, "synochi_search_text"("body")))
    WITH (gin_pending_list_limit = 256)
    WHERE "status" = 'published' AND "deletedAt" IS NULL AND "hiddenAt" IS NULL;
