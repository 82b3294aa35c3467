/**
 * Live committee sessions at the domain level, on a real PostgreSQL (own database) and Redis (own prefix):
 * scheduling and its validation, who may do what (only the chair runs the meeting, only moderators or the
 * chair review questions, only the secretary writes notes), questions and their votes, polls and their
 * ballots, notes, interest, the state a page renders at once, and the .ics file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import {
  addNote,
  approveQuestion,
  askQuestion,
  cancelSession,
  claimDueReminders,
  closePoll,
  createSession,
  endSession,
  eventsSince,
  getSessionIcs,
  getSessionState,
  listPendingQuestions,
  listUpcomingSessions,
  markQuestionAnswered,
  openPoll,
  pinQuestion,
  registerInterest,
  rejectQuestion,
  revealPollResults,
  setCurrentAgendaItem,
  startSession,
  updateSession,
  voteQuestion,
  votePoll,
  withdrawInterest,
} from "~/domain/sessions/sessions.server.ts";
import type { PrismaClient } from "~/generated/prisma/client.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { RateLimited } from "~/utils/errors.server.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { committee, expectError, liveSession, person, sessionFields } from "./fixtures.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const db = (): PrismaClient => testDb().prisma;

let committeeId: string;
let otherCommitteeId: string;
let chair: CurrentUser;
let secretary: CurrentUser;
let member: CurrentUser;
let otherChair: CurrentUser;
let moderator: CurrentUser;
let directorate: CurrentUser;
let alice: CurrentUser;
let bob: CurrentUser;
let carol: CurrentUser;
let unverified: CurrentUser;

beforeAll(async () => {
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: testDb().url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
    APP_URL: "http://synochi.test",
  });
  committeeId = await committee(db());
  otherCommitteeId = await committee(db());
  chair = await person(db(), { committees: [{ committeeId, role: "chair" }], name: "Πρόεδρος" });
  secretary = await person(db(), { committees: [{ committeeId, role: "secretary" }], name: "Γραμματέας" });
  member = await person(db(), { committees: [{ committeeId, role: "member" }] });
  otherChair = await person(db(), { committees: [{ committeeId: otherCommitteeId, role: "chair" }] });
  moderator = await person(db(), { roles: ["moderator"] });
  directorate = await person(db(), { roles: ["directorate"] });
  alice = await person(db(), { name: "Αλίκη" });
  bob = await person(db(), { name: "Βασίλης" });
  carol = await person(db(), { name: "Καρολίνα" });
  unverified = await person(db(), { emailVerified: false });
});

afterAll(async () => {
  closePublisher();
  await getDb().$disconnect();
});

describe("scheduling", () => {
  it("lets the chair, the secretary and the directorate schedule, with the agenda in order", async () => {
    for (const who of [chair, secretary, directorate]) {
      const { id } = await createSession(db(), who, sessionFields(committeeId));
      const s = await db().liveSession.findUniqueOrThrow({
        where: { id },
        include: { agendaItems: { orderBy: { position: "asc" } } },
      });
      expect(s.status).toBe("scheduled");
      expect(s.mode).toBe("hybrid");
      expect(s.agendaItems.map((a) => [a.position, a.title])).toEqual([
        [1, "Στέγαση"],
        [2, "Σίτιση"],
        [3, "Διάφορα"],
      ]);
    }
  });

  it("refuses members, citizens, moderators and the chair of another committee", async () => {
    for (const who of [member, alice, moderator, otherChair]) {
      await expectError(createSession(db(), who, sessionFields(committeeId)), "sessions.errors.forbidden");
    }
  });

  it("validates every field with a localised key", async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ title: "" }, "title", "sessions.errors.titleRequired"],
      [{ title: "x".repeat(201) }, "title", "sessions.errors.titleTooLong"],
      [{ onlineUrl: "javascript:alert(1)" }, "onlineUrl", "sessions.errors.urlInvalid"],
      [{ onlineUrl: "ftp://example.org/x" }, "onlineUrl", "sessions.errors.urlInvalid"],
      [{ mode: "online", onlineUrl: "" }, "onlineUrl", "sessions.errors.urlRequired"],
      [{ mode: "in_person", place: "" }, "place", "sessions.errors.placeRequired"],
      [{ mode: "zoom" }, "mode", "sessions.errors.modeRequired"],
      [{ startsAt: "not a date" }, "startsAt", "sessions.errors.startsAtInvalid"],
      [{ startsAt: undefined }, "startsAt", "sessions.errors.startsAtRequired"],
      [
        { startsAt: "2026-12-01T10:00:00Z", endsAt: "2026-12-01T09:00:00Z" },
        "endsAt",
        "sessions.errors.endsBeforeStart",
      ],
      [{ agenda: [] }, "agenda", "sessions.errors.agendaRequired"],
      [{ agenda: [{ title: "Α" }, { title: " " }] }, "agenda.1.title", "sessions.errors.agendaTitleRequired"],
    ];
    for (const [extra, field, key] of cases) {
      await expectError(createSession(db(), chair, sessionFields(committeeId, extra)), key, field);
    }
    await expectError(
      createSession(db(), directorate, sessionFields("no-such-committee")),
      "sessions.errors.unknownCommittee",
      "committeeId",
    );
    await expectError(
      createSession(db(), chair, sessionFields(committeeId, { consultationId: "nope" })),
      "sessions.errors.unknownConsultation",
      "consultationId",
    );
  });

  it("accepts an online-only session without a place", async () => {
    const { id } = await createSession(
      db(),
      chair,
      sessionFields(committeeId, { mode: "online", place: "", onlineUrl: "https://stream.example.org/live" }),
    );
    const s = await db().liveSession.findUniqueOrThrow({ where: { id } });
    expect(s.place).toBeNull();
    expect(s.onlineUrl).toBe("https://stream.example.org/live");
  });

  it("edits a scheduled session: reorders kept items by id, adds and removes items", async () => {
    const { id } = await createSession(db(), chair, sessionFields(committeeId));
    const [a, b, c] = await db().agendaItem.findMany({
      where: { sessionId: id },
      orderBy: { position: "asc" },
    });
    await updateSession(
      db(),
      secretary,
      id,
      sessionFields(committeeId, {
        title: "Νέος τίτλος",
        preModerateQuestions: true,
        agenda: [
          { id: c!.id, title: "Διάφορα (αλλαγή)" },
          { title: "Νέο θέμα" },
          { id: a!.id, title: "Στέγαση" },
        ],
      }),
    );
    const s = await db().liveSession.findUniqueOrThrow({
      where: { id },
      include: { agendaItems: { orderBy: { position: "asc" } } },
    });
    expect(s.title).toBe("Νέος τίτλος");
    expect(s.preModerateQuestions).toBe(true);
    expect(s.agendaItems.map((i) => i.title)).toEqual(["Διάφορα (αλλαγή)", "Νέο θέμα", "Στέγαση"]);
    expect(s.agendaItems[0]!.id).toBe(c!.id);
    expect(s.agendaItems[2]!.id).toBe(a!.id);
    expect(s.agendaItems.some((i) => i.id === b!.id)).toBe(false);

    const { id: other } = await createSession(db(), chair, sessionFields(committeeId));
    await expectError(
      updateSession(
        db(),
        chair,
        other,
        sessionFields(committeeId, { agenda: [{ id: a!.id, title: "Ξένο" }] }),
      ),
      "sessions.errors.unknownAgendaItem",
      "agenda",
    );
    await expectError(
      updateSession(db(), member, id, sessionFields(committeeId)),
      "sessions.errors.forbidden",
    );
    await expectError(
      updateSession(db(), chair, id, sessionFields(otherCommitteeId)),
      "sessions.errors.forbidden",
    );
    await startSession(db(), chair, id);
    await expectError(
      updateSession(db(), chair, id, sessionFields(committeeId)),
      "sessions.errors.notEditable",
    );
  });

  it("lists live and upcoming sessions soonest first, without past or cancelled ones", async () => {
    const c = await committee(db());
    const cChair = await person(db(), { committees: [{ committeeId: c, role: "chair" }] });
    const at = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
    const later = await createSession(
      db(),
      cChair,
      sessionFields(c, { title: "Αργότερα", startsAt: at(48) }),
    );
    const sooner = await createSession(
      db(),
      cChair,
      sessionFields(c, { title: "Νωρίτερα", startsAt: at(2) }),
    );
    await createSession(db(), cChair, sessionFields(c, { title: "Παλιά", startsAt: at(-48) }));
    const cancelled = await createSession(db(), cChair, sessionFields(c, { startsAt: at(5) }));
    await cancelSession(db(), cChair, cancelled.id);
    const live = await createSession(db(), cChair, sessionFields(c, { title: "Τώρα", startsAt: at(-30) }));
    await startSession(db(), cChair, live.id);
    const list = await listUpcomingSessions(db(), { committeeId: c });
    expect(list.map((s) => s.id)).toEqual([live.id, sooner.id, later.id]);
    expect(list[0]!.committee.id).toBe(c);
    expect(list[0]!.status).toBe("live");
  });

  it("registers and withdraws interest, once per participant", async () => {
    const { id } = await createSession(db(), chair, sessionFields(committeeId));
    expect(await registerInterest(db(), alice, id)).toEqual({ added: true });
    expect(await registerInterest(db(), alice, id)).toEqual({ added: false });
    await registerInterest(db(), bob, id);
    let state = await getSessionState(db(), id, alice);
    expect(state.viewer.interested).toBe(true);
    expect(state.session.interestCount).toBe(2);
    expect(await withdrawInterest(db(), alice, id)).toEqual({ removed: true });
    state = await getSessionState(db(), id, alice);
    expect(state.viewer.interested).toBe(false);
    await cancelSession(db(), chair, id);
    await expectError(registerInterest(db(), alice, id), "sessions.errors.sessionOver");
  });

  it("claims due reminders once: scheduled sessions within the lead time, not yet reminded", async () => {
    const c = await committee(db());
    const cChair = await person(db(), { committees: [{ committeeId: c, role: "chair" }] });
    const now = new Date();
    const at = (hours: number) => new Date(now.getTime() + hours * 3600_000).toISOString();
    const soon = await createSession(db(), cChair, sessionFields(c, { startsAt: at(3) }));
    const far = await createSession(db(), cChair, sessionFields(c, { startsAt: at(72) }));
    const cancelled = await createSession(db(), cChair, sessionFields(c, { startsAt: at(2) }));
    for (const id of [soon.id, far.id, cancelled.id]) {
      await registerInterest(db(), alice, id);
      await registerInterest(db(), bob, id);
    }
    await cancelSession(db(), cChair, cancelled.id);
    const [first, second] = await Promise.all([
      claimDueReminders(db(), { now, leadMinutes: 24 * 60 }),
      claimDueReminders(db(), { now, leadMinutes: 24 * 60 }),
    ]);
    const claimed = [...first!, ...second!].filter((r) =>
      [soon.id, far.id, cancelled.id].includes(r.sessionId),
    );
    expect(claimed.map((r) => `${r.sessionId}:${r.userId}`).sort()).toEqual(
      [`${soon.id}:${alice.id}`, `${soon.id}:${bob.id}`].sort(),
    );
    expect(
      (await claimDueReminders(db(), { now, leadMinutes: 24 * 60 })).filter((r) => r.sessionId === soon.id),
    ).toEqual([]);
  });

  it("reads the pre-moderation checkbox as a form sends it", async () => {
    const on = await createSession(db(), chair, sessionFields(committeeId, { preModerateQuestions: "on" }));
    const off = await createSession(db(), chair, sessionFields(committeeId, { preModerateQuestions: "" }));
    const rows = await db().liveSession.findMany({ where: { id: { in: [on.id, off.id] } } });
    expect(rows.find((r) => r.id === on.id)!.preModerateQuestions).toBe(true);
    expect(rows.find((r) => r.id === off.id)!.preModerateQuestions).toBe(false);
  });

  it("serves an .ics file for a session", async () => {
    const { id } = await createSession(
      db(),
      chair,
      sessionFields(committeeId, {
        startsAt: "2026-12-03T16:30:00+02:00",
        endsAt: "2026-12-03T18:00:00+02:00",
      }),
    );
    const ics = await getSessionIcs(db(), id, { uidDomain: "synochi.test" });
    expect(ics).toContain(`UID:session-${id}@synochi.test\r\n`);
    expect(ics).toContain("DTSTART:20261203T143000Z\r\n");
    expect(ics).toContain("DTEND:20261203T160000Z\r\n");
    expect(ics).toContain("SUMMARY:Συνεδρίαση για τη στέγαση\r\n");
    for (const line of ics.split("\r\n"))
      expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
  });
});

describe("running a session", () => {
  it("only the chair starts it; the first agenda item becomes current", async () => {
    const { id } = await createSession(db(), chair, sessionFields(committeeId));
    for (const who of [secretary, member, moderator, directorate, alice]) {
      await expectError(startSession(db(), who, id), "sessions.errors.chairOnly");
    }
    const event = await startSession(db(), chair, id);
    const first = await db().agendaItem.findFirstOrThrow({ where: { sessionId: id, position: 1 } });
    expect(event).toMatchObject({ sessionId: id, seq: 1, type: "session.started" });
    expect(event.type === "session.started" && event.payload.currentAgendaItemId).toBe(first.id);
    await expectError(startSession(db(), chair, id), "sessions.errors.notScheduled");
    const s = await db().liveSession.findUniqueOrThrow({ where: { id } });
    expect([s.status, s.lastSeq, s.currentAgendaItemId]).toEqual(["live", 1, first.id]);
  });

  it("only the chair moves the agenda, and only to an item of this session", async () => {
    const s = await liveSession(db(), chair, committeeId);
    const other = await liveSession(db(), chair, committeeId);
    for (const who of [secretary, member, moderator, directorate, otherChair, alice, null]) {
      await expectError(setCurrentAgendaItem(db(), who, s.id, s.items[1]), "sessions.errors.chairOnly");
    }
    await expectError(
      setCurrentAgendaItem(db(), chair, s.id, other.items[1]),
      "sessions.errors.unknownAgendaItem",
      "agendaItemId",
    );
    const event = await setCurrentAgendaItem(db(), chair, s.id, s.items[1]);
    expect(event).toMatchObject({ seq: 2, type: "agenda.current", payload: { agendaItemId: s.items[1] } });
    const state = await getSessionState(db(), s.id, alice);
    expect(state.session.currentAgendaItemId).toBe(s.items[1]);
    expect(state.seq).toBe(2);
    // Refusals left no trace in the log.
    expect((await eventsSince(db(), s.id, 0)).map((e) => e.seq)).toEqual([1, 2]);
  });

  it("only the chair ends it; open polls close with it and nothing live is accepted afterwards", async () => {
    const s = await liveSession(db(), chair, committeeId);
    const opened = await openPoll(db(), chair, s.id, {
      question: "Συμφωνείτε;",
      kind: "single",
      options: ["Ναι", "Όχι"],
    });
    const pollId = opened.type === "poll.opened" ? opened.payload.poll.id : "";
    await expectError(endSession(db(), secretary, s.id), "sessions.errors.chairOnly");
    const ended = await endSession(db(), chair, s.id);
    expect(ended).toMatchObject({ type: "session.ended", payload: { closedPollIds: [pollId] } });
    expect((await db().poll.findUniqueOrThrow({ where: { id: pollId } })).status).toBe("closed");
    await expectError(askQuestion(db(), alice, s.id, { text: "Ακόμα εδώ;" }), "sessions.errors.notLive");
    await expectError(addNote(db(), secretary, s.id, { text: "Σημείωση" }), "sessions.errors.notLive");
    await expectError(endSession(db(), chair, s.id), "sessions.errors.notLive");
    // The chair may still show the results of a poll after the end.
    const revealed = await revealPollResults(db(), chair, pollId);
    expect(revealed.type).toBe("poll.revealed");
  });
});

describe("questions from the floor", () => {
  it("asks under the current agenda item; approved at once without pre-moderation", async () => {
    const s = await liveSession(db(), chair, committeeId);
    await setCurrentAgendaItem(db(), chair, s.id, s.items[2]);
    const { event, question } = await askQuestion(db(), alice, s.id, {
      text: "  Πότε ξεκινά το πρόγραμμα;  ",
    });
    expect(question).toMatchObject({
      status: "approved",
      agendaItemId: s.items[2],
      text: "Πότε ξεκινά το πρόγραμμα;",
    });
    expect(question.authorName).toBe("Αλίκη");
    expect(event).toMatchObject({
      seq: 3,
      type: "question.asked",
      payload: { question: { id: question.id } },
    });
  });

  it("refuses unverified participants and bad text", async () => {
    const s = await liveSession(db(), chair, committeeId);
    await expectError(
      askQuestion(db(), unverified, s.id, { text: "Ερώτηση;" }),
      "sessions.errors.verifyFirst",
    );
    await expectError(askQuestion(db(), null, s.id, { text: "Ερώτηση;" }), "sessions.errors.verifyFirst");
    await expectError(
      askQuestion(db(), alice, s.id, { text: "" }),
      "sessions.errors.questionRequired",
      "text",
    );
    await expectError(
      askQuestion(db(), alice, s.id, { text: "ab" }),
      "sessions.errors.questionTooShort",
      "text",
    );
    await expectError(
      askQuestion(db(), alice, s.id, { text: "α".repeat(501) }),
      "sessions.errors.questionTooLong",
      "text",
    );
    await expectError(
      askQuestion(db(), alice, s.id, { text: 42 }),
      "sessions.errors.questionRequired",
      "text",
    );
    expect((await askQuestion(db(), alice, s.id, { text: "α".repeat(500) })).question.text).toHaveLength(500);
    await expectError(
      askQuestion(db(), alice, "no-such-session", { text: "Ερώτηση;" }),
      "sessions.errors.notFound",
    );
  });

  it("keeps pre-moderated questions pending, their text out of the public event and state", async () => {
    const s = await liveSession(db(), chair, committeeId, { preModerateQuestions: true });
    const { event, question } = await askQuestion(db(), alice, s.id, { text: "Ερώτηση προς έλεγχο;" });
    expect(question.status).toBe("pending");
    expect(event.type).toBe("question.pending");
    expect(JSON.stringify(event)).not.toContain("Ερώτηση προς έλεγχο");
    const publicState = await getSessionState(db(), s.id, bob);
    expect(publicState.questions).toEqual([]);
    expect(publicState.pendingQuestions).toEqual([]);
    const own = await getSessionState(db(), s.id, alice);
    expect(own.myQuestions.map((q) => q.id)).toEqual([question.id]);
    const modState = await getSessionState(db(), s.id, moderator);
    expect(modState.pendingQuestions.map((q) => q.text)).toEqual(["Ερώτηση προς έλεγχο;"]);
    expect((await listPendingQuestions(db(), chair, s.id)).map((q) => q.id)).toEqual([question.id]);
    await expectError(listPendingQuestions(db(), bob, s.id), "sessions.errors.forbidden");
  });

  it("only moderators or the chair approve, reject, pin and mark answered", async () => {
    const s = await liveSession(db(), chair, committeeId, { preModerateQuestions: true });
    const q1 = (await askQuestion(db(), alice, s.id, { text: "Πρώτη ερώτηση;" })).question;
    const q2 = (await askQuestion(db(), bob, s.id, { text: "Δεύτερη ερώτηση;" })).question;
    for (const who of [secretary, member, directorate, otherChair, carol]) {
      await expectError(approveQuestion(db(), who, q1.id), "sessions.errors.moderatorOnly");
      await expectError(
        rejectQuestion(db(), who, q1.id, { reason: "Εκτός θέματος" }),
        "sessions.errors.moderatorOnly",
      );
      await expectError(pinQuestion(db(), who, q1.id), "sessions.errors.moderatorOnly");
      await expectError(markQuestionAnswered(db(), who, q1.id), "sessions.errors.moderatorOnly");
    }
    const approved = await approveQuestion(db(), moderator, q1.id);
    expect(approved).toMatchObject({
      type: "question.approved",
      payload: { question: { id: q1.id, status: "approved" } },
    });
    await expectError(approveQuestion(db(), chair, q1.id), "sessions.errors.questionNotPending");
    await expectError(
      rejectQuestion(db(), chair, q2.id, { reason: "" }),
      "sessions.errors.reasonRequired",
      "reason",
    );
    const rejected = await rejectQuestion(db(), chair, q2.id, { reason: "Προσωπικά δεδομένα" });
    expect(rejected).toEqual(
      expect.objectContaining({ type: "question.rejected", payload: { questionId: q2.id } }),
    );
    const bobState = await getSessionState(db(), s.id, bob);
    expect(bobState.myQuestions).toEqual([
      expect.objectContaining({ id: q2.id, status: "rejected", rejectionReason: "Προσωπικά δεδομένα" }),
    ]);
    expect(bobState.questions.map((q) => q.id)).toEqual([q1.id]);
    await expectError(pinQuestion(db(), chair, q2.id), "sessions.errors.questionNotOpen");
    await pinQuestion(db(), chair, q1.id);
    const answered = await markQuestionAnswered(db(), moderator, q1.id);
    expect(answered.type).toBe("question.answered");
    const state = await getSessionState(db(), s.id, carol);
    expect(state.questions).toEqual([]);
    expect(state.answeredQuestions.map((q) => [q.id, q.pinned])).toEqual([[q1.id, false]]);
    // Every successful operation left exactly one event, in order.
    const events = await eventsSince(db(), s.id, 0);
    expect(events.map((e) => e.type)).toEqual([
      "session.started",
      "question.pending",
      "question.pending",
      "question.approved",
      "question.rejected",
      "question.pinned",
      "question.answered",
    ]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("counts one upvote per participant, also when sent many times at once", async () => {
    const s = await liveSession(db(), chair, committeeId);
    const q = (await askQuestion(db(), alice, s.id, { text: "Ψηφίστε με;" })).question;
    const results = await Promise.all(Array.from({ length: 6 }, () => voteQuestion(db(), bob, q.id)));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await voteQuestion(db(), bob, q.id)).toBeNull();
    const carolVote = await voteQuestion(db(), carol, q.id);
    expect(carolVote).toMatchObject({
      type: "question.voted",
      payload: { questionId: q.id, upvoteCount: 2 },
    });
    await expectError(voteQuestion(db(), alice, q.id), "sessions.errors.ownQuestion");
    await expectError(voteQuestion(db(), unverified, q.id), "sessions.errors.verifyFirst");
    expect((await db().sessionQuestion.findUniqueOrThrow({ where: { id: q.id } })).upvoteCount).toBe(2);
    const state = await getSessionState(db(), s.id, bob);
    expect(state.viewer.votedQuestionIds).toEqual([q.id]);
    // No-op votes left no events: started, asked, bob's vote, carol's vote.
    expect((await eventsSince(db(), s.id, 0)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it("refuses votes on pending questions", async () => {
    const s = await liveSession(db(), chair, committeeId, { preModerateQuestions: true });
    const q = (await askQuestion(db(), alice, s.id, { text: "Εκκρεμής;" })).question;
    await expectError(voteQuestion(db(), bob, q.id), "sessions.errors.questionNotOpen");
    await expectError(voteQuestion(db(), bob, "no-such-question"), "sessions.errors.questionNotFound");
  });

  it("refuses votes on rejected questions, on questions of another session and once the session has ended", async () => {
    const s = await liveSession(db(), chair, committeeId);
    const other = await liveSession(db(), chair, committeeId);
    const asker = await person(db()); // its own, so the others keep their question allowance
    const kept = (await askQuestion(db(), asker, s.id, { text: "Μένει;" })).question;
    const dropped = (await askQuestion(db(), asker, s.id, { text: "Φεύγει;" })).question;
    await rejectQuestion(db(), moderator, dropped.id, { reason: "Εκτός θέματος" });
    await expectError(voteQuestion(db(), bob, dropped.id), "sessions.errors.questionNotOpen");
    await expectError(voteQuestion(db(), bob, kept.id, other.id), "sessions.errors.questionNotFound");
    await endSession(db(), chair, s.id);
    await expectError(voteQuestion(db(), bob, kept.id), "sessions.errors.notLive");
    // Refusals changed nothing: no vote, no count, no event after the session ended.
    expect(await db().questionVote.count({ where: { questionId: kept.id } })).toBe(0);
    expect((await db().sessionQuestion.findUniqueOrThrow({ where: { id: kept.id } })).upvoteCount).toBe(0);
    const log = await eventsSince(db(), s.id, 0);
    expect(log.at(-1)?.type).toBe("session.ended");
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
  });

  it("orders approved questions pinned first, then by votes, then oldest first; one pin at a time", async () => {
    const s = await liveSession(db(), chair, committeeId);
    const voters = await Promise.all([1, 2, 3].map(() => person(db())));
    const ask = async (text: string) => (await askQuestion(db(), alice, s.id, { text })).question.id;
    const a = await ask("Ερώτηση Α;");
    const b = await ask("Ερώτηση Β;");
    const c = await ask("Ερώτηση Γ;");
    for (const v of voters) await voteQuestion(db(), v, b);
    await voteQuestion(db(), voters[0]!, c);
    let state = await getSessionState(db(), s.id, null);
    expect(state.questions.map((q) => q.id)).toEqual([b, c, a]);
    await pinQuestion(db(), moderator, a);
    state = await getSessionState(db(), s.id, null);
    expect(state.questions.map((q) => [q.id, q.pinned])).toEqual([
      [a, true],
      [b, false],
      [c, false],
    ]);
    const pinned = await pinQuestion(db(), chair, c);
    expect(pinned).toMatchObject({ type: "question.pinned", payload: { questionId: c } });
    state = await getSessionState(db(), s.id, null);
    expect(state.questions.map((q) => [q.id, q.pinned])).toEqual([
      [c, true],
      [b, false],
      [a, false],
    ]);
    const unpinned = await pinQuestion(db(), chair, c, false);
    expect(unpinned).toMatchObject({ payload: { questionId: null } });
    expect((await getSessionState(db(), s.id, null)).questions.some((q) => q.pinned)).toBe(false);
  });

  it("rate-limits questions per participant", async () => {
    const s = await liveSession(db(), chair, committeeId);
    const eager = await person(db());
    for (let i = 0; i < 10; i++) await askQuestion(db(), eager, s.id, { text: `Ερώτηση αριθμός ${i};` });
    const error = await askQuestion(db(), eager, s.id, { text: "Μία ακόμα;" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    const other = await person(db());
    expect((await askQuestion(db(), other, s.id, { text: "Άλλος συμμετέχων;" })).question.status).toBe(
      "approved",
    );
  });
});

describe("polls", () => {
  it("only the chair opens, reveals and closes polls; options are validated", async () => {
    const s = await liveSession(db(), chair, committeeId);
    const fields = { question: "Ποιο θέμα πρώτα;", kind: "single", options: ["Στέγαση", "Σίτιση"] };
    for (const who of [secretary, moderator, directorate, alice]) {
      await expectError(openPoll(db(), who, s.id, fields), "sessions.errors.chairOnly");
    }
    await expectError(
      openPoll(db(), chair, s.id, { ...fields, options: ["Μόνη"] }),
      "sessions.errors.pollOptionsCount",
      "options",
    );
    await expectError(
      openPoll(db(), chair, s.id, {
        ...fields,
        options: Array.from({ length: 11 }, (_, i) => `Επιλογή ${i}`),
      }),
      "sessions.errors.pollOptionsCount",
      "options",
    );
    await expectError(
      openPoll(db(), chair, s.id, { ...fields, options: ["Ναι", "ναι"] }),
      "sessions.errors.pollOptionsDuplicate",
      "options",
    );
    await expectError(
      openPoll(db(), chair, s.id, { ...fields, kind: "ranked" }),
      "sessions.errors.pollKindRequired",
      "kind",
    );
    const opened = await openPoll(db(), chair, s.id, fields);
    if (opened.type !== "poll.opened") throw new Error("expected poll.opened");
    const poll = opened.payload.poll;
    expect(poll).toMatchObject({ status: "open", kind: "single", ballotCount: 0, agendaItemId: s.items[0] });
    expect(poll.options.map((o) => [o.position, o.label, o.votes])).toEqual([
      [1, "Στέγαση", null],
      [2, "Σίτιση", null],
    ]);
    await expectError(revealPollResults(db(), secretary, poll.id), "sessions.errors.chairOnly");
    await expectError(closePoll(db(), moderator, poll.id), "sessions.errors.chairOnly");
  });

  it("single choice: exactly one option of this poll, one ballot per participant", async () => {
    const s = await liveSession(db(), chair, committeeId);
    const open = async (kind: string) => {
      const e = await openPoll(db(), chair, s.id, { question: "Ερώτημα;", kind, options: ["Α", "Β", "Γ"] });
      if (e.type !== "poll.opened") throw new Error("expected poll.opened");
      return e.payload.poll;
    };
    const poll = await open("single");
    const foreign = await open("single");
    const [a, b] = poll.options;
    await expectError(
      votePoll(db(), alice, poll.id, { optionIds: [] }),
      "sessions.errors.ballotEmpty",
      "optionIds",
    );
    await expectError(
      votePoll(db(), alice, poll.id, { optionIds: [a!.id, b!.id] }),
      "sessions.errors.ballotSingle",
      "optionIds",
    );
    await expectError(
      votePoll(db(), alice, poll.id, { optionIds: [foreign.options[0]!.id] }),
      "sessions.errors.ballotInvalid",
      "optionIds",
    );
    await expectError(
      votePoll(db(), alice, poll.id, { optionIds: "x" }),
      "sessions.errors.ballotEmpty",
      "optionIds",
    );
    await expectError(
      votePoll(db(), unverified, poll.id, { optionIds: [a!.id] }),
      "sessions.errors.verifyFirst",
    );
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => votePoll(db(), alice, poll.id, { optionIds: [a!.id] })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    await expectError(votePoll(db(), alice, poll.id, { optionIds: [b!.id] }), "sessions.errors.alreadyVoted");
    const bobVote = await votePoll(db(), bob, poll.id, { optionIds: [b!.id] });
    // Results stay hidden until the chair reveals them.
    expect(bobVote).toMatchObject({
      type: "poll.voted",
      payload: { pollId: poll.id, ballotCount: 2, votes: null },
    });
    expect((await getSessionState(db(), s.id, alice)).polls[0]!.options.every((o) => o.votes === null)).toBe(
      true,
    );
    expect((await getSessionState(db(), s.id, alice)).viewer.ballots).toEqual({ [poll.id]: [a!.id] });
    expect(await db().pollBallot.count({ where: { pollId: poll.id } })).toBe(2);
  });

  it("multiple choice: 1..n distinct options of this poll; reveal shows live results; close freezes", async () => {
    const s = await liveSession(db(), chair, committeeId);
    const e = await openPoll(db(), chair, s.id, {
      question: "Ποια θέματα σας αφορούν;",
      kind: "multiple",
      options: ["Στέγαση", "Σίτιση", "Υγεία"],
    });
    if (e.type !== "poll.opened") throw new Error("expected poll.opened");
    const poll = e.payload.poll;
    const [x, y, z] = poll.options.map((o) => o.id) as [string, string, string];
    await expectError(
      votePoll(db(), alice, poll.id, { optionIds: [x, x] }),
      "sessions.errors.ballotInvalid",
      "optionIds",
    );
    await expectError(
      votePoll(db(), alice, poll.id, { optionIds: [x, "not-an-option"] }),
      "sessions.errors.ballotInvalid",
      "optionIds",
    );
    await votePoll(db(), alice, poll.id, { optionIds: [x, y, z] });
    await votePoll(db(), bob, poll.id, { optionIds: [y] });
    const revealed = await revealPollResults(db(), chair, poll.id);
    expect(revealed).toMatchObject({
      type: "poll.revealed",
      payload: { poll: { resultsVisible: true, ballotCount: 2 } },
    });
    if (revealed.type !== "poll.revealed") throw new Error("expected poll.revealed");
    expect(revealed.payload.poll.options.map((o) => o.votes)).toEqual([1, 2, 1]);
    const carolVote = await votePoll(db(), carol, poll.id, { optionIds: [z, x] });
    expect(carolVote).toMatchObject({
      payload: {
        ballotCount: 3,
        votes: [
          { optionId: x, votes: 2 },
          { optionId: y, votes: 2 },
          { optionId: z, votes: 2 },
        ],
      },
    });
    const closed = await closePoll(db(), chair, poll.id);
    expect(closed).toMatchObject({
      type: "poll.closed",
      payload: { poll: { status: "closed", ballotCount: 3 } },
    });
    const late = await person(db());
    await expectError(votePoll(db(), late, poll.id, { optionIds: [x] }), "sessions.errors.pollClosed");
    await expectError(closePoll(db(), chair, poll.id), "sessions.errors.pollClosed");
    const state = await getSessionState(db(), s.id, late);
    expect(state.polls[0]).toMatchObject({ status: "closed", ballotCount: 3 });
    expect(state.polls[0]!.options.map((o) => o.votes)).toEqual([2, 2, 2]);
  });
});

describe("running notes", () => {
  it("only the secretary writes them, under the current agenda item, up to 5,000 characters", async () => {
    const s = await liveSession(db(), chair, committeeId);
    for (const who of [chair, member, moderator, directorate, alice, null]) {
      await expectError(addNote(db(), who, s.id, { text: "Σημείωση" }), "sessions.errors.secretaryOnly");
    }
    await expectError(addNote(db(), secretary, s.id, { text: " " }), "sessions.errors.noteRequired", "text");
    await expectError(
      addNote(db(), secretary, s.id, { text: "σ".repeat(5001) }),
      "sessions.errors.noteTooLong",
      "text",
    );
    await setCurrentAgendaItem(db(), chair, s.id, s.items[1]);
    const event = await addNote(db(), secretary, s.id, { text: "Η επιτροπή συμφώνησε." });
    expect(event).toMatchObject({
      type: "note.added",
      payload: {
        note: { text: "Η επιτροπή συμφώνησε.", agendaItemId: s.items[1], authorName: "Γραμματέας" },
      },
    });
    await addNote(db(), secretary, s.id, { text: "σ".repeat(5000) });
    const state = await getSessionState(db(), s.id, null);
    expect(state.notes.map((n) => n.text.length)).toEqual([21, 5000]);
  });
});

describe("the state a page renders at once", () => {
  it("has the session, agenda, capabilities and the seq of the last event it includes", async () => {
    const s = await liveSession(db(), chair, committeeId);
    await askQuestion(db(), await person(db()), s.id, { text: "Κατάσταση;" });
    const state = await getSessionState(db(), s.id, chair);
    expect(state.seq).toBe(2);
    expect(state.session).toMatchObject({ id: s.id, status: "live", currentAgendaItemId: s.items[0] });
    expect(state.session.agendaItems.map((a) => a.id)).toEqual(s.items);
    expect(state.viewer.capabilities).toMatchObject({
      chair: true,
      moderate: true,
      notes: false,
      schedule: true,
    });
    const anonymous = await getSessionState(db(), s.id, null);
    expect(anonymous.viewer.capabilities).toMatchObject({ chair: false, participate: false });
    expect(anonymous.questions).toHaveLength(1);
    await expectError(getSessionState(db(), "missing", null), "sessions.errors.notFound");
  });
});
