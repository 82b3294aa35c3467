/**
 * The numbered event log of a live session: concurrent operations get consecutive sequence numbers with
 * no gaps and no duplicates (refused ones leave no number behind), a reconnecting client replays exactly
 * what it missed with `eventsSince`, and every event is published to the session's room through Redis.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import { applySessionEvent, applySessionEvents } from "~/domain/sessions/sessions.reducer.ts";
import {
  addNote,
  askQuestion,
  closePoll,
  markQuestionAnswered,
  pinQuestion,
  rejectQuestion,
  revealPollResults,
  eventsSince,
  getSessionState,
  openPoll,
  setCurrentAgendaItem,
  voteQuestion,
  votePoll,
  type SessionEventMessage,
} from "~/domain/sessions/sessions.server.ts";
import type { PrismaClient } from "~/generated/prisma/client.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import { rooms } from "~/realtime/rooms.ts";
import { getDb } from "~/utils/db.server.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { committee, expectError, liveSession, person } from "./fixtures.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const db = (): PrismaClient => testDb().prisma;

let committeeId: string;
let chair: CurrentUser;
let secretary: CurrentUser;
let citizens: CurrentUser[];

beforeAll(async () => {
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: testDb().url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
  });
  committeeId = await committee(db());
  chair = await person(db(), { committees: [{ committeeId, role: "chair" }] });
  secretary = await person(db(), { committees: [{ committeeId, role: "secretary" }] });
  citizens = await Promise.all(Array.from({ length: 20 }, () => person(db())));
});

afterAll(async () => {
  closePublisher();
  await getDb().$disconnect();
});

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("sequence numbers", () => {
  it("gives 20 concurrent operations 20 consecutive numbers, none skipped or repeated", async () => {
    const s = await liveSession(db(), chair, committeeId); // seq 1: session.started
    const asked = await askQuestion(db(), citizens[0]!, s.id, { text: "Αρχική ερώτηση;" }); // seq 2
    const opened = await openPoll(db(), chair, s.id, {
      question: "Ναι ή όχι;",
      kind: "single",
      options: ["Ναι", "Όχι"],
    }); // seq 3
    if (opened.type !== "poll.opened") throw new Error("expected poll.opened");
    const [yes] = opened.payload.poll.options;
    // A mix of every kind of live write, all at once, from different people.
    const operations: Promise<SessionEventMessage | null>[] = [
      ...citizens
        .slice(1, 7)
        .map((c, i) => askQuestion(db(), c, s.id, { text: `Ερώτηση ${i};` }).then((r) => r.event)),
      ...citizens.slice(7, 12).map((c) => voteQuestion(db(), c, asked.question.id)),
      ...citizens
        .slice(12, 17)
        .map((c) => votePoll(db(), c, opened.payload.poll.id, { optionIds: [yes!.id] })),
      addNote(db(), secretary, s.id, { text: "Πρώτη σημείωση" }),
      addNote(db(), secretary, s.id, { text: "Δεύτερη σημείωση" }),
      setCurrentAgendaItem(db(), chair, s.id, s.items[1]),
      setCurrentAgendaItem(db(), chair, s.id, s.items[2]),
    ];
    expect(operations).toHaveLength(20);
    const events = (await Promise.all(operations)).filter((e): e is SessionEventMessage => e !== null);
    expect(events).toHaveLength(20);
    expect(events.map((e) => e.seq).sort((a, b) => a - b)).toEqual(range(4, 23));

    const log = await eventsSince(db(), s.id, 3);
    expect(log.map((e) => e.seq)).toEqual(range(4, 23));
    // The log holds what the operations returned, event for event.
    const bySeq = new Map(events.map((e) => [e.seq, e]));
    for (const e of log) expect(e).toEqual(JSON.parse(JSON.stringify(bySeq.get(e.seq))));
    const row = await db().liveSession.findUniqueOrThrow({ where: { id: s.id } });
    expect(row.lastSeq).toBe(23);
    // Upvote counts applied in seq order are consecutive too: each vote saw the one before it.
    const upvotes = log.flatMap((e) => (e.type === "question.voted" ? [e.payload.upvoteCount] : []));
    expect(upvotes).toEqual([1, 2, 3, 4, 5]);
  });

  it("numbers a fresh session's events exactly 1..20 when 19 writes follow the start at once", async () => {
    const s = await liveSession(db(), chair, committeeId);
    // Start from the event log of a session with only `session.started` (seq 1): 19 more writes at once.
    const results = await Promise.all(
      citizens.slice(0, 19).map((c, i) => askQuestion(db(), c, s.id, { text: `Παράλληλη ${i};` })),
    );
    const seqs = [1, ...results.map((r) => r.event.seq)].sort((a, b) => a - b);
    expect(seqs).toEqual(range(1, 20));
    expect(new Set(seqs).size).toBe(20);
  });

  it("leaves no gap when some concurrent operations are refused or change nothing", async () => {
    const s = await liveSession(db(), chair, committeeId);
    const q = (await askQuestion(db(), citizens[0]!, s.id, { text: "Ερώτηση για ψήφους;" })).question;
    const outcomes = await Promise.allSettled([
      // The same voter five times: one event, four no-ops.
      ...Array.from({ length: 5 }, () => voteQuestion(db(), citizens[1]!, q.id)),
      // The author upvoting their own question: refused.
      voteQuestion(db(), citizens[0]!, q.id),
      // Not the secretary: refused.
      addNote(db(), chair, s.id, { text: "Σημείωση" }),
      ...citizens.slice(2, 8).map((c) => voteQuestion(db(), c, q.id)),
    ]);
    const events = outcomes.flatMap((o) => (o.status === "fulfilled" && o.value ? [o.value] : []));
    expect(outcomes.filter((o) => o.status === "rejected")).toHaveLength(2);
    expect(events).toHaveLength(7);
    const log = await eventsSince(db(), s.id, 0);
    expect(log.map((e) => e.seq)).toEqual(range(1, 9));
    const state = await getSessionState(db(), s.id, null);
    expect(state.seq).toBe(9);
    expect(state.questions[0]!.upvoteCount).toBe(7);
  });
});

describe("replay with eventsSince", () => {
  it("returns what a client missed, in order, in pages, with no duplicates; other sessions stay apart", async () => {
    const s = await liveSession(db(), chair, committeeId);
    const other = await liveSession(db(), chair, committeeId);
    for (let i = 0; i < 12; i++) {
      await askQuestion(db(), citizens[i]!, s.id, { text: `Αναπαραγωγή ${i};` });
      if (i % 3 === 0) await addNote(db(), secretary, other.id, { text: `Άλλη ${i}` });
    }
    const all = await eventsSince(db(), s.id, 0);
    expect(all.map((e) => e.seq)).toEqual(range(1, 13));
    expect(all.every((e) => e.sessionId === s.id)).toBe(true);
    expect(all[0]!.type).toBe("session.started");

    // A client that had applied up to seq 5 and reconnects.
    const missed = await eventsSince(db(), s.id, 5);
    expect(missed.map((e) => e.seq)).toEqual(range(6, 13));
    expect(missed).toEqual(all.slice(5));

    // Paging with a small limit: the client asks again from the last seq it got.
    const paged: SessionEventMessage[] = [];
    for (let after = 0; ;) {
      const page = await eventsSince(db(), s.id, after, 4);
      paged.push(...page);
      if (page.length < 4) break;
      after = page.at(-1)!.seq;
    }
    expect(paged).toEqual(all);

    expect(await eventsSince(db(), s.id, 13)).toEqual([]);
    expect(await eventsSince(db(), s.id, 1000)).toEqual([]);
    expect(await eventsSince(db(), "no-such-session", 0)).toEqual([]);
    expect((await eventsSince(db(), s.id, 0, 10_000)).length).toBe(13);
    await expectError(eventsSince(db(), s.id, -1), "errors.invalid");
    await expectError(eventsSince(db(), s.id, 1.5), "errors.invalid");
  });

  it("combines with the page's state: state.seq plus the replay is the whole log", async () => {
    const s = await liveSession(db(), chair, committeeId);
    await askQuestion(db(), citizens[0]!, s.id, { text: "Πριν τη φόρτωση;" });
    const state = await getSessionState(db(), s.id, null);
    await askQuestion(db(), citizens[1]!, s.id, { text: "Μετά τη φόρτωση;" });
    await addNote(db(), secretary, s.id, { text: "Σημείωση μετά" });
    const missed = await eventsSince(db(), s.id, state.seq);
    expect(state.seq).toBe(2);
    expect(state.questions).toHaveLength(1);
    expect(missed.map((e) => [e.seq, e.type])).toEqual([
      [3, "question.asked"],
      [4, "note.added"],
    ]);
  });
});

describe("a page that opened late", () => {
  it("reaches the server's state by applying the replay to its first state, ignoring duplicates", async () => {
    const moderator = await person(db(), { roles: ["moderator"] });
    const s = await liveSession(db(), chair, committeeId);
    const first = await getSessionState(db(), s.id, null);
    const ask = async (i: number, text: string) =>
      (await askQuestion(db(), citizens[i]!, s.id, { text })).question.id;
    const a = await ask(0, "Πρώτη;");
    const b = await ask(1, "Δεύτερη;");
    const c = await ask(2, "Τρίτη;");
    for (const i of [3, 4, 5]) await voteQuestion(db(), citizens[i]!, c);
    await voteQuestion(db(), citizens[3]!, b);
    await pinQuestion(db(), moderator, b);
    await markQuestionAnswered(db(), chair, b);
    await rejectQuestion(db(), moderator, a, { reason: "Εκτός θέματος" });
    await setCurrentAgendaItem(db(), chair, s.id, s.items[1]);
    const opened = await openPoll(db(), chair, s.id, {
      question: "Ποια θέματα;",
      kind: "multiple",
      options: ["Α", "Β", "Γ"],
    });
    if (opened.type !== "poll.opened") throw new Error("expected poll.opened");
    const [x, y] = opened.payload.poll.options.map((o) => o.id);
    await votePoll(db(), citizens[6]!, opened.payload.poll.id, { optionIds: [x!, y!] });
    await revealPollResults(db(), chair, opened.payload.poll.id);
    await votePoll(db(), citizens[7]!, opened.payload.poll.id, { optionIds: [y!] });
    await closePoll(db(), chair, opened.payload.poll.id);
    await addNote(db(), secretary, s.id, { text: "Συμφωνήθηκε το θέμα Β." });

    const final = await getSessionState(db(), s.id, null);
    const replay = await eventsSince(db(), s.id, first.seq);
    const result = applySessionEvents(first, replay);
    expect(result.status).toBe("applied");
    const pick = (st: typeof final) => ({
      seq: st.seq,
      status: st.session.status,
      current: st.session.currentAgendaItemId,
      questions: st.questions,
      answered: st.answeredQuestions,
      polls: st.polls,
      notes: st.notes,
    });
    expect(pick(result.state)).toEqual(pick(final));

    // Events arriving again (live after the replay, or twice) change nothing.
    const everything = await eventsSince(db(), s.id, 0);
    const again = applySessionEvents(result.state, everything);
    expect(again.status).toBe("duplicate");
    expect(again.state).toBe(result.state);
    // An event beyond the next one reveals the gap to fill.
    const gap = applySessionEvent(first, replay[2]!);
    expect(gap).toMatchObject({ status: "gap", missingFrom: first.seq });
  });
});

describe("publishing", () => {
  it("publishes each committed event to the session's room as session:event", async () => {
    const s = await liveSession(db(), chair, committeeId);
    const subscriber = new Redis(testRedis.url, { maxRetriesPerRequest: 1 });
    subscriber.on("error", () => {});
    const messages: Buffer[] = [];
    try {
      // The Socket.io emitter publishes on <prefix>:socket.io#/#<room>#; the payload is msgpack, whose
      // strings are plain UTF-8 bytes.
      await subscriber.psubscribe(`${testRedis.prefix}:socket.io#/#${rooms.liveSession(s.id)}#*`);
      subscriber.on("pmessageBuffer", (_pattern: Buffer, _channel: Buffer, message: Buffer) => {
        messages.push(message);
      });
      const { question } = await askQuestion(db(), citizens[3]!, s.id, { text: "Φτάνει στο δωμάτιο;" });
      for (let i = 0; i < 50 && messages.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(messages).toHaveLength(1);
      const text = messages[0]!.toString("utf8");
      expect(text).toContain("session:event");
      expect(text).toContain(question.id);
      expect(text).toContain("question.asked");
    } finally {
      subscriber.disconnect();
    }
  });
});
