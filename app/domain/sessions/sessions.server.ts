/**
 * Live committee sessions: scheduling, the state a page renders at once, and the live operations.
 *
 * Every live operation runs in ONE transaction that starts by taking the session's next sequence number
 * (`UPDATE "LiveSession" SET "lastSeq" = "lastSeq" + 1 … RETURNING`). That row lock is held until commit,
 * so the operations of one session apply one after the other, each event gets the next number, and a
 * refused or failed operation rolls its number back: the log is always 1..lastSeq with no gaps and no
 * duplicates. Events are published to the session's room after the commit; a client that sees a gap (or
 * reconnects) asks `eventsSince` for what it missed.
 */
import type { z } from "zod";
import type { Actor } from "~/domain/accounts/policy.ts";
import { Prisma } from "~/generated/prisma/client.ts";
import { publish } from "~/realtime/publish.server.ts";
import { rooms } from "~/realtime/rooms.ts";
import type { Db, DbOrTx, Tx } from "~/utils/db.server.ts";
import { Forbidden, Invalid, NotFound, RateLimited } from "~/utils/errors.server.ts";
import { newId } from "~/utils/ids.ts";
import { hitRateLimit } from "~/utils/rate-limit.server.ts";
import { getRedis, redisKey } from "~/utils/redis.server.ts";
import type {
  NoteView,
  PollView,
  QuestionView,
  SessionEventBody,
  SessionEventMessage,
} from "./sessions.events.ts";
import { sessionIcs, type IcsOptions } from "./sessions.ics.ts";
import { canSession, sessionCapabilities, type SessionAction } from "./sessions.policy.ts";
import {
  ballotSchema,
  idSchema,
  noteSchema,
  pollSchema,
  questionSchema,
  rejectSchema,
  SESSION_LIMITS,
  sessionFieldErrors,
  sessionInputSchema,
} from "./sessions.schema.ts";

export type { SessionEventMessage } from "./sessions.events.ts";

type Participant = NonNullable<Actor>;

/** The raw fields of the scheduling form (or JSON): validated by `sessionInputSchema`. */
export interface SessionFields {
  title?: unknown;
  description?: unknown;
  committeeId?: unknown;
  consultationId?: unknown;
  startsAt?: unknown;
  endsAt?: unknown;
  place?: unknown;
  onlineUrl?: unknown;
  mode?: unknown;
  preModerateQuestions?: unknown;
  agenda?: unknown;
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new Invalid(sessionFieldErrors(result.error));
  return result.data;
}

/** An id from a form or a socket message, or null when it cannot be one. */
function readId(value: unknown): string | null {
  const parsed = idSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

function requireCan(
  actor: Actor,
  action: SessionAction,
  committeeId: string,
  key = "sessions.errors.forbidden",
): asserts actor is Participant {
  if (!canSession(actor, action, { committeeId })) throw new Forbidden(key);
}

function requireParticipant(actor: Actor): asserts actor is Participant {
  if (!canSession(actor, "session.participate", { committeeId: "" })) {
    throw new Forbidden("sessions.errors.verifyFirst");
  }
}

// ───────────────────────────── Scheduling ─────────────────────────────

async function validateSession(db: DbOrTx, fields: SessionFields) {
  const input = parse(sessionInputSchema, fields);
  const [committee, consultation] = await Promise.all([
    db.committee.findUnique({ where: { id: input.committeeId }, select: { id: true } }),
    input.consultationId
      ? db.consultation.findUnique({ where: { id: input.consultationId }, select: { id: true } })
      : null,
  ]);
  const errors: Record<string, string> = {};
  if (!committee) errors.committeeId = "sessions.errors.unknownCommittee";
  if (input.consultationId && !consultation) errors.consultationId = "sessions.errors.unknownConsultation";
  if (Object.keys(errors).length) throw new Invalid(errors);
  return input;
}

/** Schedules a session of a committee (its chair or secretary, or the directorate). */
export async function createSession(
  db: Db,
  actor: Participant,
  fields: SessionFields,
): Promise<{ id: string }> {
  const committeeId = typeof fields.committeeId === "string" ? fields.committeeId.trim() : "";
  // Refuse before telling a stranger which committees exist.
  if (committeeId) requireCan(actor, "session.schedule", committeeId);
  const input = await validateSession(db, fields);
  requireCan(actor, "session.schedule", input.committeeId);
  const id = newId();
  await db.liveSession.create({
    data: {
      id,
      committeeId: input.committeeId,
      consultationId: input.consultationId ?? null,
      title: input.title,
      description: input.description,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      place: input.place ?? null,
      onlineUrl: input.onlineUrl ?? null,
      mode: input.mode,
      preModerateQuestions: input.preModerateQuestions,
      createdById: actor.id,
      agendaItems: {
        create: input.agenda.map((item, i) => ({
          id: newId(),
          position: i + 1,
          title: item.title,
          description: item.description,
        })),
      },
    },
  });
  return { id };
}

/**
 * Edits a session that has not started: every field, and the agenda (items keep their id when the input
 * gives it; items left out are removed; the order of the list is the agenda's order).
 */
export async function updateSession(
  db: Db,
  actor: Participant,
  sessionId: string,
  fields: SessionFields,
): Promise<void> {
  const session = await db.liveSession.findUnique({
    where: { id: sessionId },
    select: { committeeId: true, status: true, agendaItems: { select: { id: true } } },
  });
  if (!session) throw new NotFound("sessions.errors.notFound");
  requireCan(actor, "session.schedule", session.committeeId);
  if (session.status !== "scheduled") throw new Invalid({}, "sessions.errors.notEditable");
  const input = await validateSession(db, fields);
  // Moving a session to another committee needs the right to schedule for that one too.
  requireCan(actor, "session.schedule", input.committeeId);
  const existing = new Set(session.agendaItems.map((a) => a.id));
  const keep = input.agenda.flatMap((a) => (a.id ? [a.id] : []));
  if (keep.some((id) => !existing.has(id)))
    throw new Invalid({ agenda: "sessions.errors.unknownAgendaItem" });

  await db.$transaction(async (tx) => {
    const { count } = await tx.liveSession.updateMany({
      where: { id: sessionId, status: "scheduled" },
      data: {
        committeeId: input.committeeId,
        consultationId: input.consultationId ?? null,
        title: input.title,
        description: input.description,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        place: input.place ?? null,
        onlineUrl: input.onlineUrl ?? null,
        mode: input.mode,
        preModerateQuestions: input.preModerateQuestions,
      },
    });
    if (count !== 1) throw new Invalid({}, "sessions.errors.notEditable");
    await tx.agendaItem.deleteMany({ where: { sessionId, id: { notIn: keep } } });
    // Positions are unique per session: park the kept items on negative positions before renumbering.
    for (const [i, itemId] of keep.entries()) {
      await tx.agendaItem.update({ where: { id: itemId }, data: { position: -(i + 1) } });
    }
    for (const [i, item] of input.agenda.entries()) {
      const data = { position: i + 1, title: item.title, description: item.description };
      if (item.id) await tx.agendaItem.update({ where: { id: item.id }, data });
      else await tx.agendaItem.create({ data: { id: newId(), sessionId, ...data } });
    }
  });
}

/** Cancels a session that has not started (it stays listed as cancelled). */
export async function cancelSession(db: Db, actor: Actor, sessionId: string) {
  return liveOperation(db, sessionId, async (tx, s) => {
    requireCan(actor, "session.schedule", s.committeeId);
    if (s.status !== "scheduled") throw new Invalid({}, "sessions.errors.notScheduled");
    const now = new Date();
    await tx.liveSession.update({ where: { id: s.id }, data: { status: "cancelled" } });
    return { type: "session.cancelled", payload: { cancelledAt: now.toISOString() } };
  });
}

const summarySelect = {
  id: true,
  title: true,
  startsAt: true,
  endsAt: true,
  place: true,
  onlineUrl: true,
  mode: true,
  status: true,
  committee: { select: { id: true, name: true } },
  consultation: { select: { id: true, slug: true, title: true } },
  _count: { select: { interests: true } },
} satisfies Prisma.LiveSessionSelect;

/**
 * The calendar: live sessions and scheduled ones still to come (a scheduled session stays listed for
 * 12 hours after its start time, in case it starts late), soonest first.
 */
export async function listUpcomingSessions(
  db: DbOrTx,
  options: { now?: Date; committeeId?: string; consultationId?: string; limit?: number } = {},
) {
  const now = options.now ?? new Date();
  const rows = await db.liveSession.findMany({
    where: {
      ...(options.committeeId ? { committeeId: options.committeeId } : {}),
      ...(options.consultationId ? { consultationId: options.consultationId } : {}),
      OR: [
        { status: "live" },
        { status: "scheduled", startsAt: { gte: new Date(now.getTime() - 12 * 3600_000) } },
      ],
    },
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    take: Math.min(Math.max(options.limit ?? 50, 1), 200),
    select: summarySelect,
  });
  return rows.map(({ _count, ...s }) => ({
    ...s,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt?.toISOString() ?? null,
    interestCount: _count.interests,
  }));
}

/** Registers the participant's interest (for the reminder); a no-op when already registered. */
export async function registerInterest(
  db: Db,
  actor: Participant,
  sessionId: string,
): Promise<{ added: boolean }> {
  const s = await db.liveSession.findUnique({ where: { id: sessionId }, select: { status: true } });
  if (!s) throw new NotFound("sessions.errors.notFound");
  if (s.status !== "scheduled" && s.status !== "live") throw new Invalid({}, "sessions.errors.sessionOver");
  const { count } = await db.sessionInterest.createMany({
    data: [{ sessionId, userId: actor.id }],
    skipDuplicates: true,
  });
  return { added: count === 1 };
}

export async function withdrawInterest(
  db: Db,
  actor: Participant,
  sessionId: string,
): Promise<{ removed: boolean }> {
  const { count } = await db.sessionInterest.deleteMany({ where: { sessionId, userId: actor.id } });
  return { removed: count === 1 };
}

/**
 * Claims the reminders that are due: interests in scheduled sessions starting within `leadMinutes` that
 * were not reminded yet. Marks them reminded and returns them, in one statement, so two workers never
 * remind the same person twice. Call it in the transaction that writes the reminder e-mails' outbox
 * events: if that rolls back, the claim does too.
 */
export async function claimDueReminders(
  tx: DbOrTx,
  options: { now?: Date; leadMinutes?: number; limit?: number } = {},
): Promise<{ sessionId: string; userId: string }[]> {
  const now = options.now ?? new Date();
  const until = new Date(now.getTime() + (options.leadMinutes ?? 24 * 60) * 60_000);
  const limit = Math.min(Math.max(options.limit ?? 500, 1), 5_000);
  return tx.$queryRaw<{ sessionId: string; userId: string }[]>`
    UPDATE "SessionInterest" si SET "remindedAt" = ${now}
    WHERE (si."sessionId", si."userId") IN (
      SELECT i."sessionId", i."userId"
      FROM "SessionInterest" i JOIN "LiveSession" s ON s.id = i."sessionId"
      WHERE i."remindedAt" IS NULL AND s.status = 'scheduled' AND s."startsAt" > ${now} AND s."startsAt" <= ${until}
      ORDER BY s."startsAt", i."sessionId", i."userId"
      LIMIT ${limit}
      FOR UPDATE OF i SKIP LOCKED)
    RETURNING si."sessionId", si."userId"`;
}

/** The .ics file of a session. */
export async function getSessionIcs(
  db: DbOrTx,
  sessionId: string,
  options: Omit<IcsOptions, "now"> = {},
): Promise<string> {
  const s = await db.liveSession.findUnique({
    where: { id: sessionId },
    select: {
      id: true,
      title: true,
      description: true,
      startsAt: true,
      endsAt: true,
      place: true,
      onlineUrl: true,
      status: true,
      committee: { select: { name: true } },
    },
  });
  if (!s) throw new NotFound("sessions.errors.notFound");
  return sessionIcs({ ...s, committeeName: s.committee.name }, options);
}

// ───────────────────────────── Views ─────────────────────────────

const questionSelect = {
  id: true,
  sessionId: true,
  agendaItemId: true,
  authorId: true,
  text: true,
  status: true,
  rejectionReason: true,
  pinnedAt: true,
  answeredAt: true,
  upvoteCount: true,
  createdAt: true,
  author: { select: { displayName: true, erasedAt: true } },
} satisfies Prisma.SessionQuestionSelect;
type QuestionRow = Prisma.SessionQuestionGetPayload<{ select: typeof questionSelect }>;

function toQuestion(q: QuestionRow): QuestionView {
  return {
    id: q.id,
    sessionId: q.sessionId,
    agendaItemId: q.agendaItemId,
    text: q.text,
    status: q.status,
    authorName: q.author.erasedAt ? "" : q.author.displayName,
    upvoteCount: q.upvoteCount,
    pinned: !!q.pinnedAt,
    answeredAt: q.answeredAt?.toISOString() ?? null,
    createdAt: q.createdAt.toISOString(),
  };
}

const noteSelect = {
  id: true,
  sessionId: true,
  agendaItemId: true,
  text: true,
  createdAt: true,
  author: { select: { displayName: true, erasedAt: true } },
} satisfies Prisma.SessionNoteSelect;

function toNote(n: Prisma.SessionNoteGetPayload<{ select: typeof noteSelect }>): NoteView {
  return {
    id: n.id,
    sessionId: n.sessionId,
    agendaItemId: n.agendaItemId,
    text: n.text,
    authorName: n.author.erasedAt ? "" : n.author.displayName,
    createdAt: n.createdAt.toISOString(),
  };
}

/** Ballots and votes per option of the given polls, in two grouped queries. */
async function pollCounts(db: DbOrTx, pollIds: string[]) {
  if (pollIds.length === 0) return { ballots: new Map<string, number>(), votes: new Map<string, number>() };
  // One after the other: inside a transaction there is one connection, and pg refuses overlapping queries.
  const ballots = await db.$queryRaw<{ pollId: string; n: number }[]>`
      SELECT "pollId", count(*)::int AS n FROM "PollBallot" WHERE "pollId" = ANY(${pollIds}::text[]) GROUP BY "pollId"`;
  const votes = await db.$queryRaw<{ optionId: string; n: number }[]>`
      SELECT c."optionId", count(*)::int AS n
      FROM "PollBallotChoice" c JOIN "PollOption" o ON o.id = c."optionId"
      WHERE o."pollId" = ANY(${pollIds}::text[]) GROUP BY c."optionId"`;
  return {
    ballots: new Map(ballots.map((b) => [b.pollId, b.n])),
    votes: new Map(votes.map((v) => [v.optionId, v.n])),
  };
}

const pollSelect = {
  id: true,
  sessionId: true,
  agendaItemId: true,
  question: true,
  kind: true,
  status: true,
  resultsVisible: true,
  openedAt: true,
  closedAt: true,
  options: { select: { id: true, position: true, label: true }, orderBy: { position: "asc" } },
} satisfies Prisma.PollSelect;
type PollRow = Prisma.PollGetPayload<{ select: typeof pollSelect }>;

function toPoll(p: PollRow, counts: Awaited<ReturnType<typeof pollCounts>>): PollView {
  return {
    id: p.id,
    sessionId: p.sessionId,
    agendaItemId: p.agendaItemId,
    question: p.question,
    kind: p.kind,
    status: p.status === "closed" ? "closed" : "open",
    resultsVisible: p.resultsVisible,
    ballotCount: counts.ballots.get(p.id) ?? 0,
    openedAt: p.openedAt?.toISOString() ?? null,
    closedAt: p.closedAt?.toISOString() ?? null,
    // Results stay on the server until the chair shows them: nobody votes with the crowd.
    options: p.options.map((o) => ({
      ...o,
      votes: p.resultsVisible ? (counts.votes.get(o.id) ?? 0) : null,
    })),
  };
}

async function loadPollView(db: DbOrTx, pollId: string): Promise<PollView> {
  const poll = await db.poll.findUniqueOrThrow({ where: { id: pollId }, select: pollSelect });
  const counts = await pollCounts(db, [pollId]);
  return toPoll(poll, counts);
}

/**
 * Everything a session page renders at once, read from one snapshot so that `seq` is exactly the last
 * event the state includes: the page then subscribes and applies events with a higher seq only.
 */
export async function getSessionState(db: Db, sessionId: string, viewer: Actor) {
  return db.$transaction(
    async (tx) => {
      const session = await tx.liveSession.findUnique({
        where: { id: sessionId },
        select: {
          id: true,
          title: true,
          description: true,
          startsAt: true,
          endsAt: true,
          place: true,
          onlineUrl: true,
          mode: true,
          status: true,
          preModerateQuestions: true,
          currentAgendaItemId: true,
          lastSeq: true,
          startedAt: true,
          endedAt: true,
          committee: { select: { id: true, name: true } },
          consultation: { select: { id: true, slug: true, title: true, phase: true } },
          agendaItems: {
            select: { id: true, position: true, title: true, description: true },
            orderBy: { position: "asc" },
          },
          _count: { select: { interests: true } },
        },
      });
      if (!session) throw new NotFound("sessions.errors.notFound");
      const capabilities = sessionCapabilities(viewer, { committeeId: session.committee.id });
      const viewerId = viewer?.id ?? "";
      // Sequential: a transaction has one connection (pg refuses overlapping queries on it).
      const questions = await tx.sessionQuestion.findMany({
        where: { sessionId, status: { in: ["approved", "answered"] } },
        select: questionSelect,
        // Pinned first, then the most upvoted, then the oldest: the order the room sees live.
        orderBy: [
          { pinnedAt: { sort: "desc", nulls: "last" } },
          { upvoteCount: "desc" },
          { createdAt: "asc" },
          { id: "asc" },
        ],
      });
      const pending = capabilities.moderate
        ? await tx.sessionQuestion.findMany({
            where: { sessionId, status: "pending" },
            select: questionSelect,
            orderBy: [{ createdAt: "asc" }, { id: "asc" }],
          })
        : [];
      const mine = viewer
        ? await tx.sessionQuestion.findMany({
            where: { sessionId, authorId: viewerId, status: { in: ["pending", "rejected"] } },
            select: questionSelect,
            orderBy: [{ createdAt: "asc" }, { id: "asc" }],
          })
        : [];
      const polls = await tx.poll.findMany({
        where: { sessionId, status: { not: "draft" } },
        select: pollSelect,
        orderBy: [{ openedAt: "asc" }, { id: "asc" }],
      });
      const notes = await tx.sessionNote.findMany({
        where: { sessionId },
        select: noteSelect,
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
      const votes = viewer
        ? await tx.questionVote.findMany({
            where: { userId: viewerId, question: { sessionId } },
            select: { questionId: true },
          })
        : [];
      const ballots = viewer
        ? await tx.pollBallot.findMany({
            where: { userId: viewerId, poll: { sessionId } },
            select: { pollId: true, choices: { select: { optionId: true } } },
          })
        : [];
      const interest = viewer
        ? await tx.sessionInterest.findUnique({
            where: { sessionId_userId: { sessionId, userId: viewerId } },
            select: { userId: true },
          })
        : null;
      const counts = await pollCounts(
        tx,
        polls.map((p) => p.id),
      );
      const { _count, lastSeq, committee, ...rest } = session;
      return {
        seq: lastSeq,
        session: {
          ...rest,
          committee,
          startsAt: rest.startsAt.toISOString(),
          endsAt: rest.endsAt?.toISOString() ?? null,
          startedAt: rest.startedAt?.toISOString() ?? null,
          endedAt: rest.endedAt?.toISOString() ?? null,
          interestCount: _count.interests,
        },
        questions: questions.filter((q) => q.status === "approved").map(toQuestion),
        answeredQuestions: questions
          .filter((q) => q.status === "answered")
          .sort((a, b) => (b.answeredAt?.getTime() ?? 0) - (a.answeredAt?.getTime() ?? 0))
          .map(toQuestion),
        pendingQuestions: pending.map(toQuestion),
        myQuestions: mine.map((q) => ({ ...toQuestion(q), rejectionReason: q.rejectionReason })),
        polls: polls.map((p) => toPoll(p, counts)),
        notes: notes.map(toNote),
        viewer: {
          capabilities,
          votedQuestionIds: votes.map((v) => v.questionId),
          ballots: Object.fromEntries(ballots.map((b) => [b.pollId, b.choices.map((c) => c.optionId)])),
          interested: !!interest,
        },
      };
    },
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
  );
}
export type SessionState = Awaited<ReturnType<typeof getSessionState>>;

/** The pending questions, for a moderator's queue (refreshed on `question.pending` events). */
export async function listPendingQuestions(db: DbOrTx, actor: Participant, sessionId: string) {
  const s = await db.liveSession.findUnique({ where: { id: sessionId }, select: { committeeId: true } });
  if (!s) throw new NotFound("sessions.errors.notFound");
  requireCan(actor, "session.moderate", s.committeeId);
  const rows = await db.sessionQuestion.findMany({
    where: { sessionId, status: "pending" },
    select: questionSelect,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map(toQuestion);
}

// ───────────────────────────── Event log ─────────────────────────────

interface LockedSession {
  id: string;
  seq: number;
  status: "scheduled" | "live" | "ended" | "cancelled";
  committeeId: string;
  currentAgendaItemId: string | null;
  preModerateQuestions: boolean;
}

/**
 * A busy room queues its writes on the session's row lock (and on the pool): give them longer than
 * Prisma's defaults (2 s to get a connection, 5 s in all) before giving up.
 */
const LIVE_TX = { maxWait: 10_000, timeout: 15_000 };

/**
 * Takes the session's next sequence number (and its row lock, until commit), runs the operation, appends
 * its event, commits, then publishes. Any throw rolls everything back, the number included.
 */
async function liveOperation(
  db: Db,
  sessionId: string,
  work: (tx: Tx, session: LockedSession) => Promise<SessionEventBody>,
): Promise<SessionEventMessage> {
  const event = await db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<LockedSession[]>`
      UPDATE "LiveSession" SET "lastSeq" = "lastSeq" + 1 WHERE id = ${sessionId}
      RETURNING id, "lastSeq" AS seq, status::text AS status, "committeeId", "currentAgendaItemId",
                "preModerateQuestions"`;
    const session = rows[0];
    if (!session) throw new NotFound("sessions.errors.notFound");
    const body = await work(tx, session);
    await tx.sessionEvent.create({
      data: {
        sessionId,
        seq: session.seq,
        type: body.type,
        payload: body.payload as unknown as Prisma.InputJsonValue,
      },
    });
    return { sessionId, seq: session.seq, ...body } as SessionEventMessage;
  }, LIVE_TX);
  publish(rooms.liveSession(sessionId), "session:event", event);
  return event;
}

function requireLive(s: LockedSession) {
  if (s.status !== "live") throw new Invalid({}, "sessions.errors.notLive");
}

/**
 * The events after `afterSeq`, in order, at most `limit` (≤ 500). A client calls again from the last seq
 * it got while it receives full pages. The log is a gap-free prefix 1..lastSeq at every commit, so this
 * never skips an event that a later one depends on.
 */
export async function eventsSince(
  db: DbOrTx,
  sessionId: string,
  afterSeq: number,
  limit: number = SESSION_LIMITS.replayMax,
): Promise<SessionEventMessage[]> {
  if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) throw new Invalid({ afterSeq: "errors.invalidField" });
  const take = Math.min(Math.max(Math.trunc(limit) || 1, 1), SESSION_LIMITS.replayMax);
  const rows = await db.sessionEvent.findMany({
    where: { sessionId, seq: { gt: afterSeq } },
    orderBy: { seq: "asc" },
    take,
    select: { seq: true, type: true, payload: true },
  });
  return rows.map(
    (r) => ({ sessionId, seq: r.seq, type: r.type, payload: r.payload }) as SessionEventMessage,
  );
}

// ───────────────────────────── Chair ─────────────────────────────

/** The chair starts the session; the first agenda item becomes current unless one was chosen. */
export async function startSession(db: Db, actor: Actor, sessionId: string) {
  return liveOperation(db, sessionId, async (tx, s) => {
    requireCan(actor, "session.chair", s.committeeId, "sessions.errors.chairOnly");
    if (s.status !== "scheduled") throw new Invalid({}, "sessions.errors.notScheduled");
    const first =
      s.currentAgendaItemId ??
      (
        await tx.agendaItem.findFirst({
          where: { sessionId },
          orderBy: { position: "asc" },
          select: { id: true },
        })
      )?.id ??
      null;
    const startedAt = new Date();
    await tx.liveSession.update({
      where: { id: sessionId },
      data: { status: "live", startedAt, currentAgendaItemId: first },
    });
    return {
      type: "session.started",
      payload: { startedAt: startedAt.toISOString(), currentAgendaItemId: first },
    };
  });
}

/** The chair ends the session; open polls close with it. Everything stays as the session's record. */
export async function endSession(db: Db, actor: Actor, sessionId: string) {
  return liveOperation(db, sessionId, async (tx, s) => {
    requireCan(actor, "session.chair", s.committeeId, "sessions.errors.chairOnly");
    requireLive(s);
    const endedAt = new Date();
    const open = await tx.poll.findMany({ where: { sessionId, status: "open" }, select: { id: true } });
    await tx.poll.updateMany({
      where: { sessionId, status: "open" },
      data: { status: "closed", closedAt: endedAt },
    });
    await tx.liveSession.update({ where: { id: sessionId }, data: { status: "ended", endedAt } });
    return {
      type: "session.ended",
      payload: { endedAt: endedAt.toISOString(), closedPollIds: open.map((p) => p.id) },
    };
  });
}

/** Only the chair moves the agenda. */
export async function setCurrentAgendaItem(db: Db, actor: Actor, sessionId: string, agendaItemId: unknown) {
  const itemId = readId(agendaItemId);
  if (!itemId) throw new Invalid({ agendaItemId: "sessions.errors.unknownAgendaItem" });
  return liveOperation(db, sessionId, async (tx, s) => {
    requireCan(actor, "session.chair", s.committeeId, "sessions.errors.chairOnly");
    requireLive(s);
    const item = await tx.agendaItem.findFirst({ where: { id: itemId, sessionId }, select: { id: true } });
    if (!item) throw new Invalid({ agendaItemId: "sessions.errors.unknownAgendaItem" });
    await tx.liveSession.update({ where: { id: sessionId }, data: { currentAgendaItemId: itemId } });
    return { type: "agenda.current", payload: { agendaItemId: itemId } };
  });
}

// ───────────────────────────── Questions ─────────────────────────────

/** Questions per participant and window, in Redis; when Redis is down the question goes through. */
async function limitQuestions(userId: string): Promise<void> {
  let result;
  try {
    result = await hitRateLimit(
      getRedis(),
      redisKey("rl", "session-question", userId),
      SESSION_LIMITS.questionsPerWindow,
      SESSION_LIMITS.questionWindowSeconds,
    );
  } catch {
    return;
  }
  if (!result.allowed) throw new RateLimited(result.retryAfterSeconds);
}

/**
 * A participant asks a question under the current agenda item. It is pending review when the session
 * pre-moderates questions (its event then carries no text), approved at once otherwise.
 */
export async function askQuestion(
  db: Db,
  actor: Actor,
  sessionId: string,
  fields: { text?: unknown },
): Promise<{ event: SessionEventMessage; question: QuestionView }> {
  requireParticipant(actor);
  const { text } = parse(questionSchema, { text: fields.text });
  await limitQuestions(actor.id);
  let question: QuestionView | undefined;
  const event = await liveOperation(db, sessionId, async (tx, s) => {
    requireLive(s);
    const row = await tx.sessionQuestion.create({
      data: {
        id: newId(),
        sessionId,
        agendaItemId: s.currentAgendaItemId,
        authorId: actor.id,
        text,
        status: s.preModerateQuestions ? "pending" : "approved",
      },
      select: questionSelect,
    });
    question = toQuestion(row);
    return row.status === "pending"
      ? { type: "question.pending", payload: { questionId: row.id, agendaItemId: row.agendaItemId } }
      : { type: "question.asked", payload: { question } };
  });
  return { event, question: question! };
}

async function questionSession(db: DbOrTx, questionId: unknown): Promise<{ id: string; sessionId: string }> {
  const id = readId(questionId);
  if (!id) throw new NotFound("sessions.errors.questionNotFound");
  const q = await db.sessionQuestion.findUnique({ where: { id }, select: { id: true, sessionId: true } });
  if (!q) throw new NotFound("sessions.errors.questionNotFound");
  return q;
}

/** What `synochi_vote_question` answers (prisma/migrations/20261204120000_vote_question). */
interface VoteOutcome {
  outcome: "voted" | "not_found" | "not_live" | "not_open" | "own" | "duplicate";
  sessionId: string | null;
  seq: number | null;
  upvoteCount: number | null;
}

/**
 * One upvote per participant and question: the (question, user) key makes a repeat a no-op, which
 * returns null and leaves no event. The commonest live command, so it is one round trip: a database
 * function does what `liveOperation` does (session row lock first, checks, vote, count, next seq, event)
 * and answers with the outcome. With `sessionId`, a question of another session is "not found".
 */
export async function voteQuestion(
  db: Db,
  actor: Actor,
  questionId: unknown,
  sessionId: string | null = null,
): Promise<SessionEventMessage | null> {
  requireParticipant(actor);
  const id = readId(questionId);
  if (!id) throw new NotFound("sessions.errors.questionNotFound");
  const [result] = await db.$queryRaw<VoteOutcome[]>`
    SELECT * FROM "synochi_vote_question"(${id}, ${actor.id}, ${sessionId}::text)`;
  switch (result?.outcome) {
    case "voted": {
      const event = {
        sessionId: result.sessionId!,
        seq: result.seq!,
        type: "question.voted",
        payload: { questionId: id, upvoteCount: result.upvoteCount! },
      } satisfies SessionEventMessage;
      publish(rooms.liveSession(event.sessionId), "session:event", event);
      return event;
    }
    case "duplicate":
      return null;
    case "not_live":
      throw new Invalid({}, "sessions.errors.notLive");
    case "not_open":
      throw new Invalid({}, "sessions.errors.questionNotOpen");
    case "own":
      throw new Invalid({}, "sessions.errors.ownQuestion");
    default:
      throw new NotFound("sessions.errors.questionNotFound");
  }
}

/** Runs a moderator's operation on one question of a live session. */
async function moderateQuestion(
  db: Db,
  actor: Actor,
  questionId: unknown,
  work: (tx: Tx, question: QuestionRow) => Promise<SessionEventBody>,
) {
  const q = await questionSession(db, questionId);
  return liveOperation(db, q.sessionId, async (tx, s) => {
    requireCan(actor, "session.moderate", s.committeeId, "sessions.errors.moderatorOnly");
    requireLive(s);
    const question = await tx.sessionQuestion.findUniqueOrThrow({
      where: { id: q.id },
      select: questionSelect,
    });
    return work(tx, question);
  });
}

/** A moderator or the chair approves a pending (or earlier rejected) question. */
export async function approveQuestion(db: Db, actor: Actor, questionId: unknown) {
  return moderateQuestion(db, actor, questionId, async (tx, q) => {
    if (q.status !== "pending" && q.status !== "rejected")
      throw new Invalid({}, "sessions.errors.questionNotPending");
    const row = await tx.sessionQuestion.update({
      where: { id: q.id },
      data: { status: "approved", rejectionReason: null },
      select: questionSelect,
    });
    return { type: "question.approved", payload: { question: toQuestion(row) } };
  });
}

/** A moderator or the chair rejects a question, with a reason its author sees. */
export async function rejectQuestion(
  db: Db,
  actor: Actor,
  questionId: unknown,
  fields: { reason?: unknown },
) {
  const { reason } = parse(rejectSchema, { reason: fields.reason });
  return moderateQuestion(db, actor, questionId, async (tx, q) => {
    if (q.status !== "pending" && q.status !== "approved")
      throw new Invalid({}, "sessions.errors.questionNotOpen");
    await tx.sessionQuestion.update({
      where: { id: q.id },
      data: { status: "rejected", rejectionReason: reason, pinnedAt: null },
    });
    return { type: "question.rejected", payload: { questionId: q.id } };
  });
}

/** Pins the question being answered now (one at a time), or unpins it. */
export async function pinQuestion(db: Db, actor: Actor, questionId: unknown, pinned = true) {
  return moderateQuestion(db, actor, questionId, async (tx, q) => {
    if (q.status !== "approved") throw new Invalid({}, "sessions.errors.questionNotOpen");
    await tx.sessionQuestion.updateMany({
      where: { sessionId: q.sessionId, pinnedAt: { not: null } },
      data: { pinnedAt: null },
    });
    if (pinned) await tx.sessionQuestion.update({ where: { id: q.id }, data: { pinnedAt: new Date() } });
    return { type: "question.pinned", payload: { questionId: pinned ? q.id : null } };
  });
}

export async function markQuestionAnswered(db: Db, actor: Actor, questionId: unknown) {
  return moderateQuestion(db, actor, questionId, async (tx, q) => {
    if (q.status !== "approved") throw new Invalid({}, "sessions.errors.questionNotOpen");
    const answeredAt = new Date();
    await tx.sessionQuestion.update({
      where: { id: q.id },
      data: { status: "answered", answeredAt, pinnedAt: null },
    });
    return { type: "question.answered", payload: { questionId: q.id, answeredAt: answeredAt.toISOString() } };
  });
}

// ───────────────────────────── Polls ─────────────────────────────

/** The chair opens a poll (single or multiple choice, 2–10 options) under the current agenda item. */
export async function openPoll(
  db: Db,
  actor: Actor,
  sessionId: string,
  fields: { question?: unknown; kind?: unknown; options?: unknown },
) {
  const input = parse(pollSchema, { question: fields.question, kind: fields.kind, options: fields.options });
  return liveOperation(db, sessionId, async (tx, s) => {
    requireCan(actor, "session.chair", s.committeeId, "sessions.errors.chairOnly");
    requireLive(s);
    const id = newId();
    await tx.poll.create({
      data: {
        id,
        sessionId,
        agendaItemId: s.currentAgendaItemId,
        question: input.question,
        kind: input.kind,
        status: "open",
        openedAt: new Date(),
        options: { create: input.options.map((label, i) => ({ id: newId(), position: i + 1, label })) },
      },
    });
    return { type: "poll.opened", payload: { poll: await loadPollView(tx, id) } };
  });
}

async function pollSession(db: DbOrTx, pollId: unknown): Promise<{ id: string; sessionId: string }> {
  const id = readId(pollId);
  if (!id) throw new NotFound("sessions.errors.pollNotFound");
  const p = await db.poll.findUnique({ where: { id }, select: { id: true, sessionId: true } });
  if (!p) throw new NotFound("sessions.errors.pollNotFound");
  return p;
}

/**
 * One ballot per participant and poll: exactly one option of this poll for a single-choice poll, one or
 * more distinct options of this poll for a multiple-choice one. A second ballot is refused.
 */
export async function votePoll(db: Db, actor: Actor, pollId: unknown, fields: { optionIds?: unknown }) {
  requireParticipant(actor);
  const { optionIds } = parse(ballotSchema, { optionIds: fields.optionIds });
  const p = await pollSession(db, pollId);
  return liveOperation(db, p.sessionId, async (tx, s) => {
    requireLive(s);
    const poll = await tx.poll.findUniqueOrThrow({
      where: { id: p.id },
      select: { status: true, kind: true, resultsVisible: true, options: { select: { id: true } } },
    });
    if (poll.status !== "open") throw new Invalid({}, "sessions.errors.pollClosed");
    const own = new Set(poll.options.map((o) => o.id));
    if (optionIds.some((o) => !own.has(o))) throw new Invalid({ optionIds: "sessions.errors.ballotInvalid" });
    if (poll.kind === "single" && optionIds.length !== 1) {
      throw new Invalid({ optionIds: "sessions.errors.ballotSingle" });
    }
    const ballotId = newId();
    const { count } = await tx.pollBallot.createMany({
      data: [{ id: ballotId, pollId: p.id, userId: actor.id }],
      skipDuplicates: true,
    });
    if (count === 0) throw new Invalid({}, "sessions.errors.alreadyVoted");
    await tx.pollBallotChoice.createMany({ data: optionIds.map((optionId) => ({ ballotId, optionId })) });
    const counts = await pollCounts(tx, [p.id]);
    return {
      type: "poll.voted",
      payload: {
        pollId: p.id,
        ballotCount: counts.ballots.get(p.id) ?? 0,
        votes: poll.resultsVisible
          ? poll.options.map((o) => ({ optionId: o.id, votes: counts.votes.get(o.id) ?? 0 }))
          : null,
      },
    };
  });
}

/** Runs a chair's operation on one poll. */
async function chairPoll(
  db: Db,
  actor: Actor,
  pollId: unknown,
  allowEnded: boolean,
  work: (tx: Tx, poll: { id: string; status: string; resultsVisible: boolean }) => Promise<SessionEventBody>,
) {
  const p = await pollSession(db, pollId);
  return liveOperation(db, p.sessionId, async (tx, s) => {
    requireCan(actor, "session.chair", s.committeeId, "sessions.errors.chairOnly");
    if (!(s.status === "live" || (allowEnded && s.status === "ended"))) requireLive(s);
    const poll = await tx.poll.findUniqueOrThrow({
      where: { id: p.id },
      select: { id: true, status: true, resultsVisible: true },
    });
    return work(tx, poll);
  });
}

/** The chair shows the results (also after the poll or the session has closed). */
export async function revealPollResults(db: Db, actor: Actor, pollId: unknown) {
  return chairPoll(db, actor, pollId, true, async (tx, poll) => {
    if (poll.status === "draft") throw new Invalid({}, "sessions.errors.pollNotOpen");
    await tx.poll.update({ where: { id: poll.id }, data: { resultsVisible: true } });
    return { type: "poll.revealed", payload: { poll: await loadPollView(tx, poll.id) } };
  });
}

/** The chair closes a poll: no more ballots, its results are frozen. */
export async function closePoll(db: Db, actor: Actor, pollId: unknown) {
  return chairPoll(db, actor, pollId, false, async (tx, poll) => {
    if (poll.status !== "open") throw new Invalid({}, "sessions.errors.pollClosed");
    await tx.poll.update({ where: { id: poll.id }, data: { status: "closed", closedAt: new Date() } });
    return { type: "poll.closed", payload: { poll: await loadPollView(tx, poll.id) } };
  });
}

// ───────────────────────────── Notes ─────────────────────────────

/** The secretary's running notes, under the current agenda item; they seed the minutes. */
export async function addNote(db: Db, actor: Actor, sessionId: string, fields: { text?: unknown }) {
  const { text } = parse(noteSchema, { text: fields.text });
  return liveOperation(db, sessionId, async (tx, s) => {
    requireCan(actor, "session.notes", s.committeeId, "sessions.errors.secretaryOnly");
    requireLive(s);
    const row = await tx.sessionNote.create({
      data: { id: newId(), sessionId, agendaItemId: s.currentAgendaItemId, authorId: actor.id, text },
      select: noteSelect,
    });
    return { type: "note.added", payload: { note: toNote(row) } };
  });
}
