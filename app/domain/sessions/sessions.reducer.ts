/**
 * Applying session events to the state a page rendered (browser and server alike; no I/O). A page keeps
 * the seq of the last event its state includes: an event at or below it is a duplicate and changes
 * nothing; an event beyond the next one reveals a gap, and the page asks `eventsSince(state.seq)` and
 * applies what comes back first. So a page never shows an event twice and never skips one.
 */
import type { QuestionView, SessionEventMessage } from "./sessions.events.ts";
import type { SessionState } from "./sessions.server.ts";

export type ApplyResult =
  | { status: "applied"; state: SessionState }
  | { status: "duplicate"; state: SessionState }
  | { status: "gap"; state: SessionState; missingFrom: number };

/** The room's order: the pinned question first, then the most upvoted, then the oldest. */
export function compareQuestions(a: QuestionView, b: QuestionView): number {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
  if (a.upvoteCount !== b.upvoteCount) return b.upvoteCount - a.upvoteCount;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const sorted = (questions: QuestionView[]) => [...questions].sort(compareQuestions);
const without = <T extends { id: string }>(list: T[], id: string) => list.filter((x) => x.id !== id);

export function applySessionEvent(state: SessionState, event: SessionEventMessage): ApplyResult {
  if (event.sessionId !== state.session.id || event.seq <= state.seq) return { status: "duplicate", state };
  if (event.seq > state.seq + 1) return { status: "gap", state, missingFrom: state.seq };
  return { status: "applied", state: { ...reduce(state, event), seq: event.seq } };
}

/** Applies a replay page (in seq order); stops at a gap. */
export function applySessionEvents(state: SessionState, events: SessionEventMessage[]): ApplyResult {
  let current = state;
  let applied = false;
  for (const event of events) {
    const result = applySessionEvent(current, event);
    if (result.status === "gap") return { ...result, state: current };
    if (result.status === "applied") {
      applied = true;
      current = result.state;
    }
  }
  return { status: applied ? "applied" : "duplicate", state: current };
}

function reduce(state: SessionState, event: SessionEventMessage): SessionState {
  switch (event.type) {
    case "session.started":
      return {
        ...state,
        session: {
          ...state.session,
          status: "live",
          startedAt: event.payload.startedAt,
          currentAgendaItemId: event.payload.currentAgendaItemId,
        },
      };
    case "session.ended": {
      const closed = new Set(event.payload.closedPollIds);
      return {
        ...state,
        session: { ...state.session, status: "ended", endedAt: event.payload.endedAt },
        polls: state.polls.map((p) =>
          closed.has(p.id) ? { ...p, status: "closed", closedAt: event.payload.endedAt } : p,
        ),
      };
    }
    case "session.cancelled":
      return { ...state, session: { ...state.session, status: "cancelled" } };
    case "agenda.current":
      return { ...state, session: { ...state.session, currentAgendaItemId: event.payload.agendaItemId } };
    case "question.asked":
    case "question.approved": {
      const q = event.payload.question;
      return {
        ...state,
        questions: sorted([...without(state.questions, q.id), q]),
        pendingQuestions: without(state.pendingQuestions, q.id),
        myQuestions: without(state.myQuestions, q.id),
      };
    }
    case "question.pending":
      // The text is not public; a moderator's page reloads its queue (listPendingQuestions).
      return state;
    case "question.rejected": {
      const id = event.payload.questionId;
      return {
        ...state,
        questions: without(state.questions, id),
        pendingQuestions: without(state.pendingQuestions, id),
        myQuestions: state.myQuestions.map((q) => (q.id === id ? { ...q, status: "rejected" } : q)),
      };
    }
    case "question.voted": {
      const { questionId, upvoteCount } = event.payload;
      return {
        ...state,
        questions: sorted(state.questions.map((q) => (q.id === questionId ? { ...q, upvoteCount } : q))),
      };
    }
    case "question.pinned": {
      const id = event.payload.questionId;
      return { ...state, questions: sorted(state.questions.map((q) => ({ ...q, pinned: q.id === id }))) };
    }
    case "question.answered": {
      const { questionId, answeredAt } = event.payload;
      const q = state.questions.find((x) => x.id === questionId);
      if (!q) return state;
      return {
        ...state,
        questions: without(state.questions, questionId),
        answeredQuestions: [
          { ...q, status: "answered", pinned: false, answeredAt },
          ...without(state.answeredQuestions, questionId),
        ],
      };
    }
    case "poll.opened":
      return { ...state, polls: [...without(state.polls, event.payload.poll.id), event.payload.poll] };
    case "poll.voted": {
      const { pollId, ballotCount, votes } = event.payload;
      const counts = votes ? new Map(votes.map((v) => [v.optionId, v.votes])) : null;
      return {
        ...state,
        polls: state.polls.map((p) =>
          p.id !== pollId
            ? p
            : {
                ...p,
                ballotCount,
                options: counts ? p.options.map((o) => ({ ...o, votes: counts.get(o.id) ?? 0 })) : p.options,
              },
        ),
      };
    }
    case "poll.revealed":
    case "poll.closed":
      return {
        ...state,
        polls: state.polls.map((p) => (p.id === event.payload.poll.id ? event.payload.poll : p)),
      };
    case "note.added":
      return { ...state, notes: [...without(state.notes, event.payload.note.id), event.payload.note] };
  }
}
