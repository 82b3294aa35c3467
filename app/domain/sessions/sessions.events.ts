// The views and the numbered events of a live session, shared by the server, the socket layer and the
// browser (no server-only imports here). A client applies events in `seq` order and ignores any event
// whose seq it has already applied; on a gap it asks for `eventsSince(lastAppliedSeq)`.

export interface QuestionView {
  id: string;
  sessionId: string;
  agendaItemId: string | null;
  text: string;
  status: "pending" | "approved" | "rejected" | "answered";
  /** Empty when the author's account was erased (shown as "deleted participant"). */
  authorName: string;
  upvoteCount: number;
  pinned: boolean;
  answeredAt: string | null;
  createdAt: string;
}

export interface PollOptionView {
  id: string;
  position: number;
  label: string;
  /** Null until the chair reveals the results. */
  votes: number | null;
}

export interface PollView {
  id: string;
  sessionId: string;
  agendaItemId: string | null;
  question: string;
  kind: "single" | "multiple";
  status: "open" | "closed";
  resultsVisible: boolean;
  ballotCount: number;
  openedAt: string | null;
  closedAt: string | null;
  options: PollOptionView[];
}

export interface NoteView {
  id: string;
  sessionId: string;
  agendaItemId: string | null;
  text: string;
  authorName: string;
  createdAt: string;
}

/** Every kind of session event with its payload. Pending questions carry no text: the room is public. */
export type SessionEventBody =
  | { type: "session.started"; payload: { startedAt: string; currentAgendaItemId: string | null } }
  | { type: "session.ended"; payload: { endedAt: string; closedPollIds: string[] } }
  | { type: "session.cancelled"; payload: { cancelledAt: string } }
  | { type: "agenda.current"; payload: { agendaItemId: string } }
  | { type: "question.asked"; payload: { question: QuestionView } }
  | { type: "question.pending"; payload: { questionId: string; agendaItemId: string | null } }
  | { type: "question.approved"; payload: { question: QuestionView } }
  | { type: "question.rejected"; payload: { questionId: string } }
  | { type: "question.voted"; payload: { questionId: string; upvoteCount: number } }
  /** The question being answered now (null: none pinned). */
  | { type: "question.pinned"; payload: { questionId: string | null } }
  | { type: "question.answered"; payload: { questionId: string; answeredAt: string } }
  | { type: "poll.opened"; payload: { poll: PollView } }
  | {
      type: "poll.voted";
      payload: { pollId: string; ballotCount: number; votes: { optionId: string; votes: number }[] | null };
    }
  | { type: "poll.revealed"; payload: { poll: PollView } }
  | { type: "poll.closed"; payload: { poll: PollView } }
  | { type: "note.added"; payload: { note: NoteView } };

export type SessionEventType = SessionEventBody["type"];

/** The payload of the socket event `session:event`, and one row of the replay. */
export type SessionEventMessage = { sessionId: string; seq: number } & SessionEventBody;
