-- ─────────────────────────────────────────────────────────────────────────────
-- An upvote on a live question in one round trip (issue 6). The upvote is the commonest command of a
-- live session; done as an interactive transaction it took about nine round trips (the question's
-- session, the session's sequence row, the question, the vote, the count, the event, BEGIN/COMMIT),
-- and its tail latency showed in every client's delivery time. This function does the same work in the
-- same order as app/domain/sessions/sessions.server.ts liveOperation: it takes the session's row lock
-- first (so events stay numbered in commit order and it cannot deadlock with a moderator's operation,
-- which locks the session and then the question), checks, records the vote, counts it, takes the next
-- sequence number and appends the event. A refusal changes nothing and returns its reason:
--   not_found  no such question, or it belongs to another session than p_session (when given)
--   not_live   the session is not live
--   not_open   the question is not approved (pending, rejected)
--   own        the voter asked the question
--   duplicate  the voter has already upvoted it
-- Written by hand (Prisma cannot express functions); the domain maps each outcome to its error.
-- ─────────────────────────────────────────────────────────────────────────────

CREATE FUNCTION "synochi_vote_question"(p_question TEXT, p_user TEXT, p_session TEXT)
RETURNS TABLE ("outcome" TEXT, "sessionId" TEXT, "seq" INTEGER, "upvoteCount" INTEGER)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_session TEXT;
    v_session_status TEXT;
    v_question_status TEXT;
    v_author TEXT;
    v_seq INTEGER;
    v_count INTEGER;
BEGIN
    SELECT q."sessionId" INTO v_session FROM "SessionQuestion" q WHERE q."id" = p_question;
    IF v_session IS NULL OR (p_session IS NOT NULL AND v_session <> p_session) THEN
        RETURN QUERY SELECT 'not_found'::TEXT, NULL::TEXT, NULL::INTEGER, NULL::INTEGER;
        RETURN;
    END IF;

    -- The session's row lock, held until commit, as every live operation takes it first.
    SELECT s."status"::TEXT INTO v_session_status FROM "LiveSession" s WHERE s."id" = v_session FOR UPDATE;
    IF v_session_status IS DISTINCT FROM 'live' THEN
        RETURN QUERY SELECT 'not_live'::TEXT, v_session, NULL::INTEGER, NULL::INTEGER;
        RETURN;
    END IF;

    -- Read after the lock: a moderator's decision committed meanwhile is seen.
    SELECT q."status"::TEXT, q."authorId" INTO v_question_status, v_author
        FROM "SessionQuestion" q WHERE q."id" = p_question;
    IF v_question_status IS DISTINCT FROM 'approved' THEN
        RETURN QUERY SELECT 'not_open'::TEXT, v_session, NULL::INTEGER, NULL::INTEGER;
        RETURN;
    END IF;
    IF v_author = p_user THEN
        RETURN QUERY SELECT 'own'::TEXT, v_session, NULL::INTEGER, NULL::INTEGER;
        RETURN;
    END IF;

    INSERT INTO "QuestionVote" ("questionId", "userId") VALUES (p_question, p_user) ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'duplicate'::TEXT, v_session, NULL::INTEGER, NULL::INTEGER;
        RETURN;
    END IF;

    UPDATE "SessionQuestion" SET "upvoteCount" = "upvoteCount" + 1 WHERE "id" = p_question
        RETURNING "SessionQuestion"."upvoteCount" INTO v_count;
    UPDATE "LiveSession" SET "lastSeq" = "lastSeq" + 1 WHERE "id" = v_session
        RETURNING "LiveSession"."lastSeq" INTO v_seq;
    INSERT INTO "SessionEvent" ("sessionId", "seq", "type", "payload")
        VALUES (v_session, v_seq, 'question.voted',
                jsonb_build_object('questionId', p_question, 'upvoteCount', v_count));

    RETURN QUERY SELECT 'voted'::TEXT, v_session, v_seq, v_count;
END
$$;
