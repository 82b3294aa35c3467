import { describe, expect, it } from "vitest";
import type { QuestionView, SessionEventMessage } from "./sessions.events.ts";
import { applySessionEvent, applySessionEvents, compareQuestions } from "./sessions.reducer.ts";
import type { SessionState } from "./sessions.server.ts";

const question = (id: string, extra: Partial<QuestionView> = {}): QuestionView => ({
  id,
  sessionId: "s1",
  agendaItemId: "a1",
  text: `Ερώτηση ${id}`,
  status: "approved",
  authorName: "Αλίκη",
  upvoteCount: 0,
  pinned: false,
  answeredAt: null,
  createdAt: `2026-11-23T10:00:0${id.length}.000Z`,
  ...extra,
});

function state(extra: Partial<SessionState> = {}): SessionState {
  return {
    seq: 5,
    session: { id: "s1", status: "live", currentAgendaItemId: "a1" } as SessionState["session"],
    questions: [],
    answeredQuestions: [],
    pendingQuestions: [],
    myQuestions: [],
    polls: [],
    notes: [],
    viewer: {} as SessionState["viewer"],
    ...extra,
  };
}

const ev = (seq: number, body: Omit<SessionEventMessage, "seq" | "sessionId">) =>
  ({ sessionId: "s1", seq, ...body }) as SessionEventMessage;

describe("applySessionEvent", () => {
  it("ignores events at or below its seq and those of other sessions; reports a gap", () => {
    const s = state();
    const move = { type: "agenda.current", payload: { agendaItemId: "a2" } } as const;
    expect(applySessionEvent(s, ev(5, move))).toEqual({ status: "duplicate", state: s });
    expect(applySessionEvent(s, { ...ev(6, move), sessionId: "other" }).status).toBe("duplicate");
    expect(applySessionEvent(s, ev(8, move))).toEqual({ status: "gap", state: s, missingFrom: 5 });
    const applied = applySessionEvent(s, ev(6, move));
    expect(applied.status).toBe("applied");
    expect(applied.state.seq).toBe(6);
    expect(applied.state.session.currentAgendaItemId).toBe("a2");
  });

  it("moves an approved question from the moderator's queue to the list, in the room's order", () => {
    const s = state({
      questions: [question("a", { upvoteCount: 2 })],
      pendingQuestions: [question("bb", { status: "pending" })],
    });
    const r = applySessionEvents(s, [
      ev(6, { type: "question.approved", payload: { question: question("bb") } }),
      ev(7, { type: "question.voted", payload: { questionId: "bb", upvoteCount: 3 } }),
    ]);
    expect(r.status).toBe("applied");
    expect(r.state.pendingQuestions).toEqual([]);
    expect(r.state.questions.map((q) => [q.id, q.upvoteCount])).toEqual([
      ["bb", 3],
      ["a", 2],
    ]);
    const pinned = applySessionEvent(
      r.state,
      ev(8, { type: "question.pinned", payload: { questionId: "a" } }),
    );
    expect(pinned.state.questions.map((q) => q.id)).toEqual(["a", "bb"]);
  });

  it("marks the author's own rejected question and removes it from the public list", () => {
    const s = state({
      questions: [question("a")],
      myQuestions: [{ ...question("a"), rejectionReason: null }],
    });
    const r = applySessionEvent(s, ev(6, { type: "question.rejected", payload: { questionId: "a" } }));
    expect(r.state.questions).toEqual([]);
    expect(r.state.myQuestions[0]!.status).toBe("rejected");
  });

  it("stops a replay at a gap, keeping what it applied before it", () => {
    const r = applySessionEvents(state(), [
      ev(6, { type: "agenda.current", payload: { agendaItemId: "a2" } }),
      ev(9, { type: "agenda.current", payload: { agendaItemId: "a3" } }),
    ]);
    expect(r).toMatchObject({ status: "gap", missingFrom: 6 });
    expect(r.state.session.currentAgendaItemId).toBe("a2");
  });
});

describe("compareQuestions", () => {
  it("puts the pinned one first, then the most upvoted, then the oldest", () => {
    const list = [
      question("old", { upvoteCount: 1, createdAt: "2026-01-01T00:00:00.000Z" }),
      question("new", { upvoteCount: 1, createdAt: "2026-01-02T00:00:00.000Z" }),
      question("top", { upvoteCount: 9 }),
      question("pin", { pinned: true }),
    ];
    expect([...list].sort(compareQuestions).map((q) => q.id)).toEqual(["pin", "top", "old", "new"]);
  });
});
