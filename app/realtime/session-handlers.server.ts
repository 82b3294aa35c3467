/**
 * The live-session socket handlers: `session:command` (one domain operation, answered through the ack) and
 * `session:sync` (replay of the numbered events after a seq). Inputs are validated like form inputs; every
 * refusal goes to the sender only, through its ack, as a translation key. Nothing here broadcasts: the
 * domain publishes each event to the session's room after its commit.
 */
import type { Socket } from "socket.io";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import {
  addNote,
  approveQuestion,
  askQuestion,
  closePoll,
  endSession,
  eventsSince,
  markQuestionAnswered,
  openPoll,
  pinQuestion,
  rejectQuestion,
  revealPollResults,
  setCurrentAgendaItem,
  startSession,
  votePoll,
  voteQuestion,
} from "~/domain/sessions/sessions.server.ts";
import type { SessionEventMessage } from "~/domain/sessions/sessions.events.ts";
import { getDb, type Db } from "~/utils/db.server.ts";
import { DomainError, Invalid } from "~/utils/errors.server.ts";
import { hitRateLimit } from "~/utils/rate-limit.server.ts";
import { getRedis, redisKey } from "~/utils/redis.server.ts";
import { clientEvents, type SessionCommand, type SessionCommandAck } from "./events.ts";

/**
 * Socket limits per user (per socket for anonymous readers), in fixed windows of WINDOW_SECONDS. Asking is
 * stricter; the domain also keeps its longer per-user limit on questions.
 */
export const SOCKET_LIMITS = {
  windowSeconds: 10,
  commands: 40,
  questions: 3,
  syncs: 30,
};

type Ack<T> = ((reply: T) => void) | undefined;
type SyncAck = { ok: true; events: SessionEventMessage[] } | { ok: false; messageKey: string };
type Args = Record<string, unknown>;

const invalid: SessionCommandAck = { ok: false, messageKey: "errors.invalid" };

/** One command → one domain call; returns what the sender needs beyond the broadcast event. */
async function run(
  db: Db,
  user: CurrentUser,
  sessionId: string,
  command: SessionCommand,
  args: Args,
): Promise<Record<string, unknown>> {
  const seq = (event: SessionEventMessage | null) => ({ seq: event?.seq ?? null, changed: !!event });
  switch (command) {
    case "session.start":
      return seq(await startSession(db, user, sessionId));
    case "session.end":
      return seq(await endSession(db, user, sessionId));
    case "agenda.set":
      return seq(await setCurrentAgendaItem(db, user, sessionId, args.agendaItemId));
    case "question.ask": {
      // The author gets their question back: a pending one is not public, so only the ack carries it.
      const { event, question } = await askQuestion(db, user, sessionId, { text: args.text });
      return { ...seq(event), question };
    }
    case "question.vote":
      // A repeated upvote is a no-op (changed: false), not an error. The vote checks the session itself.
      return seq(await voteQuestion(db, user, args.questionId, sessionId));
    case "question.approve":
      return seq(await approveQuestion(db, user, args.questionId));
    case "question.reject":
      return seq(await rejectQuestion(db, user, args.questionId, { reason: args.reason }));
    case "question.pin":
      return seq(await pinQuestion(db, user, args.questionId, true));
    case "question.unpin":
      return seq(await pinQuestion(db, user, args.questionId, false));
    case "question.answer":
      return seq(await markQuestionAnswered(db, user, args.questionId));
    case "poll.open":
      return seq(
        await openPoll(db, user, sessionId, {
          question: args.question,
          kind: args.kind,
          options: args.options,
        }),
      );
    case "poll.vote":
      return seq(await votePoll(db, user, args.pollId, { optionIds: args.optionIds }));
    case "poll.reveal":
      return seq(await revealPollResults(db, user, args.pollId));
    case "poll.close":
      return seq(await closePoll(db, user, args.pollId));
    case "note.add":
      return seq(await addNote(db, user, sessionId, { text: args.text }));
  }
}

/** The operation must concern the session the message names (a question or poll of another session is not "found"). */
async function belongsToSession(db: Db, sessionId: string, command: SessionCommand, args: Args) {
  const id = (v: unknown) => (typeof v === "string" && v.length <= 100 ? v : null);
  if (command === "question.vote") return; // checked in the same round trip as the vote
  if (command.startsWith("question.") && command !== "question.ask") {
    const questionId = id(args.questionId);
    const q = questionId
      ? await db.sessionQuestion.findUnique({ where: { id: questionId }, select: { sessionId: true } })
      : null;
    if (!q || q.sessionId !== sessionId) throw new DomainError(404, "sessions.errors.questionNotFound");
  } else if (command.startsWith("poll.") && command !== "poll.open") {
    const pollId = id(args.pollId);
    const p = pollId
      ? await db.poll.findUnique({ where: { id: pollId }, select: { sessionId: true } })
      : null;
    if (!p || p.sessionId !== sessionId) throw new DomainError(404, "sessions.errors.pollNotFound");
  }
}

/**
 * One command of a live session for `user`: the socket handler and the page's no-JS action both call
 * this, so the two paths cannot drift apart. Throws the domain's errors.
 */
export async function runSessionCommand(
  db: Db,
  user: CurrentUser,
  sessionId: string,
  command: SessionCommand,
  args: Args,
): Promise<Record<string, unknown>> {
  await belongsToSession(db, sessionId, command, args);
  return run(db, user, sessionId, command, args);
}

/** True when the user (or the anonymous socket) is still within its window; Redis down lets it through. */
async function withinLimit(kind: string, who: string, limit: number): Promise<boolean> {
  try {
    const result = await hitRateLimit(
      getRedis(),
      redisKey("rl", "socket", kind, who),
      limit,
      SOCKET_LIMITS.windowSeconds,
    );
    return result.allowed;
  } catch {
    return true;
  }
}

function toAck(error: unknown): SessionCommandAck {
  if (error instanceof Invalid) {
    return {
      ok: false,
      messageKey: error.messageKey,
      ...(Object.keys(error.fieldErrors).length ? { fieldErrors: error.fieldErrors } : {}),
    };
  }
  if (error instanceof DomainError) {
    // The domain's question limit counts minutes; the live page says "slow down" either way.
    return { ok: false, messageKey: error.status === 429 ? "live.errors.tooFast" : error.messageKey };
  }
  console.error("session:command failed", error);
  return { ok: false, messageKey: "errors.unexpected" };
}

/** Calls `ack` when the client asked for one; a client without an ack just gets nothing back. */
function reply<T>(ack: unknown, value: T): void {
  if (typeof ack === "function") (ack as NonNullable<Ack<T>>)(value);
}

export function registerSessionHandlers(socket: Socket, getUser: () => CurrentUser | null): void {
  socket.on("session:command", async (raw: unknown, ack?: unknown) => {
    try {
      const parsed = clientEvents["session:command"].safeParse(raw);
      if (!parsed.success) return reply(ack, invalid);
      const user = getUser();
      if (!user) return reply<SessionCommandAck>(ack, { ok: false, messageKey: "live.errors.signIn" });
      const { sessionId, command, args } = parsed.data;
      const allowed =
        (await withinLimit("cmd", user.id, SOCKET_LIMITS.commands)) &&
        (command !== "question.ask" || (await withinLimit("ask", user.id, SOCKET_LIMITS.questions)));
      if (!allowed) return reply<SessionCommandAck>(ack, { ok: false, messageKey: "live.errors.tooFast" });
      const data = await runSessionCommand(getDb(), user, sessionId, command, args);
      reply<SessionCommandAck>(ack, { ok: true, data });
    } catch (error) {
      reply(ack, toAck(error));
    }
  });

  socket.on("session:sync", async (raw: unknown, ack?: unknown) => {
    try {
      const parsed = clientEvents["session:sync"].safeParse(raw);
      if (!parsed.success) return reply<SyncAck>(ack, { ok: false, messageKey: "errors.invalid" });
      const who = getUser()?.id ?? `anon:${socket.id}`;
      if (!(await withinLimit("sync", who, SOCKET_LIMITS.syncs))) {
        return reply<SyncAck>(ack, { ok: false, messageKey: "live.errors.tooFast" });
      }
      // The log is public: pending questions appear there without their text (question.pending).
      const events = await eventsSince(getDb(), parsed.data.sessionId, parsed.data.since);
      reply<SyncAck>(ack, { ok: true, events });
    } catch (error) {
      reply<SyncAck>(ack, { ok: false, messageKey: errorKey(error) });
    }
  });
}

function errorKey(error: unknown): string {
  const ack = toAck(error);
  return ack.ok ? "errors.unexpected" : ack.messageKey;
}
