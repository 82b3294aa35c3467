-- ─────────────────────────────────────────────────────────────────────────────
-- Near-duplicate submissions (issue 4): after each analysis, app/domain/analysis/duplicates.server.ts looks
-- for submissions of the same consultation whose text is alike (pg_trgm `%` at similarity ≥ 0.55). Without
-- an index every call computes the trigrams of every submission of the consultation (≈ 0.2 ms each: 450 ms
-- for 2,000 submissions); with this one it reads the few that share enough trigrams (≈ 20 ms). Not partial:
-- with a status predicate the planner preferred the (consultationId, status, …) indexes and compared every
-- row again; the query filters status and consultation after the trigram match instead. Written by
-- hand (Prisma cannot express expression or trigram indexes; listed in HAND_WRITTEN_INDEXES of
-- tests/integration/schema/consistency.test.ts). The query repeats the expression EXACTLY; change both.
-- ─────────────────────────────────────────────────────────────────────────────

CREATE INDEX "Submission_duplicate_trgm_idx" ON "Submission" USING gin
    ("synochi_search_text"(left("title" || ' ' || "bodyText", 1500)) gin_trgm_ops)
    WITH (gin_pending_list_limit = 256);
