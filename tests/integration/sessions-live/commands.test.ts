/**
 * The live-session socket API on the real server: each command maps to its domain operation with the
 * socket's user as actor; permissions (only the chair moves the agenda and runs polls, only moderators and
 * the chair review questions), one upvote per question and one ballot per poll, anonymous sockets refused,
 * malformed or oversized messages answered with an error to the sender only (and the process survives),
 * per-user rate limits, and replay after a disconnect with no duplicates and no gaps.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import type { SessionEventMessage } from "~/domain/sessions/sessions.events.ts";
import { applySessionEvents } from "~/domain/sessions/sessions.reducer.ts";
import { getSessionState } from "~/domain/sessions/sessions.server.ts";
import type { PrismaClient } from "~/generated/prisma/client.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import { SOCKET_LIMITS } from "~/realtime/session-handlers.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { startApp, type RunningApp } from "../../helpers/server.ts";
import { committee, liveSession, person } from "../sessions/fixtures.ts";
import { closeAll, connect, cookieOf, questionIdOf, sleep, until, type Client } from "./helpers.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const db = (): PrismaClient => testDb().prisma;

let app: RunningApp;
let committeeId: string;
let chair: CurrentUser;
let secretary: CurrentUser;
let moderator: CurrentUser;
let citizens: CurrentUser[];

beforeAll(async () => {
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: testDb().url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
  });
  app = await startApp({ databaseUrl: testDb().url });
  committeeId = await committee(db());
  chair = await person(db(), { committees: [{ committeeId, role: "chair" }] });
  secretary = await person(db(), { committees: [{ committeeId, role: "secretary" }] });
  moderator = await person(db(), { roles: ["citizen", "moderator"] });
  citizens = await Promise.all(Array.from({ length: 6 }, () => person(db())));
});

afterEach(() => closeAll());

afterAll(async () => {
  closeAll();
  await app?.stop();
  closePublisher();
  await getDb().$disconnect();
});

const as = async (user: CurrentUser | null) => connect(app.url, await cookieOf(db(), user));

describe("session:command permissions", () => {
  it("refuses anonymous sockets with a localised 'sign in' error", async () => {
    const { id } = await liveSession(db(), chair, committeeId);
    const anon = await as(null);
    for (const command of ["question.ask", "question.vote", "session.end"] as const) {
      expect(await anon.command(id, command, { text: "Μια ερώτηση", questionId: "x" })).toEqual({
        ok: false,
        messageKey: "live.errors.signIn",
      });
    }
    // …but anonymous readers may replay the public log.
    const replay = await anon.sync(id, 0);
    expect(replay.ok).toBe(true);
    expect(replay.events?.map((e) => e.type)).toEqual(["session.started"]);
  });

  it("lets only the chair move the agenda, run polls and end the session", async () => {
    const { id, items } = await liveSession(db(), chair, committeeId);
    const [c, m, s, ch, watcher] = await Promise.all([
      as(citizens[0]),
      as(moderator),
      as(secretary),
      as(chair),
      as(null),
    ]);
    await watcher.join(id);
    const poll = { question: "Συμφωνείτε;", kind: "single", options: ["Ναι", "Όχι"] };
    for (const client of [c, m, s]) {
      expect(await client.command(id, "agenda.set", { agendaItemId: items[1] })).toEqual({
        ok: false,
        messageKey: "sessions.errors.chairOnly",
      });
      expect(await client.command(id, "poll.open", poll)).toMatchObject({
        ok: false,
        messageKey: "sessions.errors.chairOnly",
      });
      expect(await client.command(id, "session.end")).toMatchObject({
        ok: false,
        messageKey: "sessions.errors.chairOnly",
      });
    }
    const moved = await ch.command(id, "agenda.set", { agendaItemId: items[1] });
    expect(moved).toMatchObject({ ok: true, data: { changed: true } });
    const opened = await ch.command(id, "poll.open", poll);
    expect(opened.ok).toBe(true);
    // The watcher saw only the chair's two changes, no trace of the refused attempts.
    await until(() => watcher.events.length >= 2, 5_000, "two events");
    await sleep(200);
    expect(watcher.events.map((e) => e.type)).toEqual(["agenda.current", "poll.opened"]);
    expect(
      watcher.received.filter(
        (r) => r.event !== "session:event" && r.event !== "session:presence" && r.event !== "session:whoami",
      ),
    ).toEqual([]);

    // Polls: citizens vote once; only the chair reveals and closes.
    const pollId = (watcher.events[1] as Extract<SessionEventMessage, { type: "poll.opened" }>).payload.poll
      .id;
    const yes = (watcher.events[1] as Extract<SessionEventMessage, { type: "poll.opened" }>).payload.poll
      .options[0].id;
    expect(await c.command(id, "poll.vote", { pollId, optionIds: [yes] })).toMatchObject({ ok: true });
    expect(await c.command(id, "poll.vote", { pollId, optionIds: [yes] })).toEqual({
      ok: false,
      messageKey: "sessions.errors.alreadyVoted",
    });
    expect(await m.command(id, "poll.reveal", { pollId })).toMatchObject({
      messageKey: "sessions.errors.chairOnly",
    });
    expect(await c.command(id, "poll.close", { pollId })).toMatchObject({
      messageKey: "sessions.errors.chairOnly",
    });
    expect(await ch.command(id, "poll.reveal", { pollId })).toMatchObject({ ok: true });
    expect(await ch.command(id, "poll.close", { pollId })).toMatchObject({ ok: true });
    expect(await db().pollBallot.count({ where: { pollId } })).toBe(1);

    // Notes: the secretary only.
    expect(await c.command(id, "note.add", { text: "Σημείωση" })).toMatchObject({
      messageKey: "sessions.errors.secretaryOnly",
    });
    expect(await s.command(id, "note.add", { text: "Ο πρόεδρος άνοιξε το θέμα." })).toMatchObject({
      ok: true,
    });
    expect(await ch.command(id, "session.end")).toMatchObject({ ok: true });
  });

  it("lets only moderators and the chair review questions; one upvote per person", async () => {
    const { id } = await liveSession(db(), chair, committeeId, { preModerateQuestions: true });
    const [asker, voter, m, ch, watcher] = await Promise.all([
      as(citizens[1]),
      as(citizens[2]),
      as(moderator),
      as(chair),
      as(null),
    ]);
    await watcher.join(id);
    const asked = await asker.command(id, "question.ask", { text: "Πότε θα ανοίξει ο ξενώνας;" });
    expect(asked).toMatchObject({
      ok: true,
      data: { question: { status: "pending", text: "Πότε θα ανοίξει ο ξενώνας;" } },
    });
    const questionId = questionIdOf(asked);
    // The public event carries no text.
    const pending = await until(() => watcher.events.find((e) => e.type === "question.pending"));
    expect(JSON.stringify(pending)).not.toContain("ξενώνας");

    for (const client of [asker, voter]) {
      expect(await client.command(id, "question.approve", { questionId })).toEqual({
        ok: false,
        messageKey: "sessions.errors.moderatorOnly",
      });
    }
    expect(await m.command(id, "question.approve", { questionId })).toMatchObject({ ok: true });
    // One upvote per person: a repeat changes nothing; one's own question cannot be upvoted.
    expect(await voter.command(id, "question.vote", { questionId })).toMatchObject({
      ok: true,
      data: { changed: true },
    });
    expect(await voter.command(id, "question.vote", { questionId })).toMatchObject({
      ok: true,
      data: { changed: false },
    });
    expect(await asker.command(id, "question.vote", { questionId })).toEqual({
      ok: false,
      messageKey: "sessions.errors.ownQuestion",
    });
    expect((await db().sessionQuestion.findUniqueOrThrow({ where: { id: questionId } })).upvoteCount).toBe(1);
    expect(await voter.command(id, "question.pin", { questionId })).toMatchObject({
      messageKey: "sessions.errors.moderatorOnly",
    });
    expect(await ch.command(id, "question.pin", { questionId })).toMatchObject({ ok: true });
    expect(await m.command(id, "question.answer", { questionId })).toMatchObject({ ok: true });

    // Rejecting needs a reason; the error names the field.
    const second = await asker.command(id, "question.ask", { text: "Και η σίτιση;" });
    const secondId = questionIdOf(second);
    expect(await m.command(id, "question.reject", { questionId: secondId, reason: "" })).toEqual({
      ok: false,
      messageKey: "errors.invalid",
      fieldErrors: { reason: "sessions.errors.reasonRequired" },
    });
    expect(
      await m.command(id, "question.reject", { questionId: secondId, reason: "Εκτός θέματος" }),
    ).toMatchObject({ ok: true });

    await until(() => watcher.events.some((e) => e.type === "question.rejected"));
    expect(watcher.events.map((e) => e.type)).toEqual([
      "question.pending",
      "question.approved",
      "question.voted",
      "question.pinned",
      "question.answered",
      "question.pending",
      "question.rejected",
    ]);
  });

  it("does not act on a question or poll of another session", async () => {
    const a = await liveSession(db(), chair, committeeId);
    const b = await liveSession(db(), chair, committeeId);
    const [asker, voter] = await Promise.all([as(citizens[3]), as(citizens[4])]);
    const asked = await asker.command(a.id, "question.ask", { text: "Ερώτηση στην πρώτη" });
    const questionId = questionIdOf(asked);
    expect(await voter.command(b.id, "question.vote", { questionId })).toEqual({
      ok: false,
      messageKey: "sessions.errors.questionNotFound",
    });
  });
});

describe("malformed input", () => {
  it("answers the sender only, and the process keeps serving", async () => {
    const { id } = await liveSession(db(), chair, committeeId);
    const [sender, bystander] = await Promise.all([as(citizens[5]), as(citizens[0])]);
    await bystander.join(id);
    const bad: unknown[] = [
      "garbage",
      null,
      42,
      [],
      { sessionId: "not-a-uuid", command: "question.ask", args: {} },
      { sessionId: id, command: "question.delete", args: {} },
      { sessionId: id, command: "question.ask", args: "text" },
      { sessionId: id },
    ];
    for (const payload of bad) {
      expect(await sender.socket.timeout(5_000).emitWithAck("session:command", payload)).toEqual({
        ok: false,
        messageKey: "errors.invalid",
      });
    }
    expect(
      await sender.socket.timeout(5_000).emitWithAck("session:sync", { sessionId: id, since: -1 }),
    ).toEqual({
      ok: false,
      messageKey: "errors.invalid",
    });
    // Domain validation: field errors as translation keys.
    expect(await sender.command(id, "question.ask", { text: "" })).toEqual({
      ok: false,
      messageKey: "errors.invalid",
      fieldErrors: { text: "sessions.errors.questionRequired" },
    });
    expect(await sender.command(id, "question.ask", { text: { $gt: "" } })).toMatchObject({
      ok: false,
      messageKey: "errors.invalid",
    });
    // Without an ack, and with junk where the ack goes: nothing comes back, nothing breaks.
    sender.socket.emit("session:command", "garbage");
    sender.socket.emit("session:sync", { nope: true });
    sender.socket.emit("room:join", { room: `session:${id}` }, 5);
    // More than 16 KB: the server drops that connection (only that one).
    const big = await as(citizens[1]);
    const closed = new Promise<string>((resolve) =>
      big.socket.once("disconnect", (reason) => resolve(reason)),
    );
    big.socket.emit("session:command", {
      sessionId: id,
      command: "note.add",
      args: { text: "α".repeat(40_000) },
    });
    expect(await closed).toBeTruthy();

    await sleep(300);
    expect(
      bystander.received.filter((r) => r.event !== "session:presence" && r.event !== "session:whoami"),
    ).toEqual([]);
    // Still serving, on the same connection and on new ones.
    expect(await sender.command(id, "question.ask", { text: "Μια κανονική ερώτηση" })).toMatchObject({
      ok: true,
    });
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const again = await as(citizens[2]);
    expect((await again.sync(id, 0)).ok).toBe(true);
  });
});

describe("rate limits", () => {
  it("slows down a user who asks too fast, with a localised error", async () => {
    const { id } = await liveSession(db(), chair, committeeId);
    const user = await person(db());
    const client = await as(user);
    const replies = [];
    for (let i = 0; i < SOCKET_LIMITS.questions + 1; i++) {
      replies.push(await client.command(id, "question.ask", { text: `Ερώτηση αριθμός ${i + 1}` }));
    }
    expect(replies.slice(0, SOCKET_LIMITS.questions).every((r) => r.ok)).toBe(true);
    expect(replies.at(-1)).toEqual({ ok: false, messageKey: "live.errors.tooFast" });
    expect(await db().sessionQuestion.count({ where: { sessionId: id, authorId: user.id } })).toBe(
      SOCKET_LIMITS.questions,
    );
    // Other commands are limited too, per user across sockets.
    const second = await as(user);
    const burst = await Promise.all(
      Array.from({ length: SOCKET_LIMITS.commands + 5 }, (_, i) =>
        (i % 2 ? client : second).command(id, "question.vote", {
          questionId: "00000000-0000-0000-0000-000000000000",
        }),
      ),
    );
    expect(
      burst.filter((r) => !r.ok && r.messageKey === "live.errors.tooFast").length,
    ).toBeGreaterThanOrEqual(5);
  });
});

describe("replay", () => {
  it("gives a reconnecting client exactly what it missed: no duplicates, no gaps", async () => {
    const { id, items } = await liveSession(db(), chair, committeeId);
    const initial = await getSessionState(getDb(), id, null);
    const ch = await as(chair);
    const voters = await Promise.all(citizens.slice(0, 4).map((c) => as(c)));
    let watcher: Client = await as(null);
    await watcher.join(id);

    const asked = await voters[0].command(id, "question.ask", { text: "Πρώτη ερώτηση" });
    const q1 = questionIdOf(asked);
    await voters[1].command(id, "question.vote", { questionId: q1 });
    await until(() => watcher.events.length >= 2);
    const seen = [...watcher.events];
    watcher.close();

    // While it is away: a burst of concurrent operations.
    await Promise.all([
      ch.command(id, "agenda.set", { agendaItemId: items[2] }),
      voters[2].command(id, "question.vote", { questionId: q1 }),
      voters[3].command(id, "question.vote", { questionId: q1 }),
      voters[1].command(id, "question.ask", { text: "Δεύτερη ερώτηση" }),
      ch.command(id, "poll.open", { question: "Ψηφοφορία;", kind: "multiple", options: ["Α", "Β", "Γ"] }),
    ]);

    // Back: join first (live events may arrive meanwhile), then replay from the last seq it applied.
    watcher = await as(null);
    await watcher.join(id);
    const lastSeen = seen.at(-1)!.seq;
    const replay = await watcher.sync(id, lastSeen);
    expect(replay.ok).toBe(true);
    await voters[0].command(id, "question.vote", { questionId: q1 }).catch(() => null); // own: refused, no event
    await ch.command(id, "agenda.set", { agendaItemId: items[0] }); // one more live event after the replay
    await until(() =>
      watcher.events.some((e) => e.type === "agenda.current" && e.payload.agendaItemId === items[0]),
    );

    // Everything the client saw, with the reducer's dedupe: 1..lastSeq exactly once each.
    const all = [...seen, ...replay.events!, ...watcher.events];
    const applied = applySessionEvents(
      initial,
      all.sort((a, b) => a.seq - b.seq),
    );
    expect(applied.status).toBe("applied");
    const final = await getSessionState(getDb(), id, null);
    expect(applied.state.seq).toBe(final.seq);
    const seqs = [...new Set(all.map((e) => e.seq))].sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: final.seq - initial.seq }, (_, i) => initial.seq + 1 + i));
    // The replay itself is contiguous from the last seen seq, with no duplicates.
    expect(replay.events!.map((e) => e.seq)).toEqual(
      Array.from({ length: replay.events!.length }, (_, i) => lastSeen + 1 + i),
    );
    // The client's state after replay equals a fresh render (public parts).
    const pick = (s: typeof final) => ({
      session: s.session,
      questions: s.questions,
      polls: s.polls,
      notes: s.notes,
      answered: s.answeredQuestions,
    });
    expect(pick(applied.state)).toEqual(pick(final));
  });
});
