import { z } from "zod";
import type { SessionEventMessage } from "~/domain/sessions/sessions.events.ts";

// Every real-time event: its name and payload schema, shared by server, workers and client.
export const clientEvents = {
  /** Ask to join a public room; the server checks the policy before joining. */
  "room:join": z.object({ room: z.string().min(1).max(100) }),
  "room:leave": z.object({ room: z.string().min(1).max(100) }),
  /**
   * One command of a live session, answered through the ack with `SessionCommandAck`. `args` are
   * validated by the domain function the command names (the same schemas as forms); the whole message
   * is capped by the server's maxHttpBufferSize and rate-limited per user.
   */
  "session:command": z.object({
    sessionId: z.uuid(),
    command: z.enum([
      "session.start",
      "session.end",
      "agenda.set",
      "question.ask",
      "question.vote",
      "question.approve",
      "question.reject",
      "question.pin",
      "question.unpin",
      "question.answer",
      "poll.open",
      "poll.vote",
      "poll.reveal",
      "poll.close",
      "note.add",
    ]),
    args: z.record(z.string(), z.unknown()).default({}),
  }),
  /** Replay: the session's events after `since`, through the ack as `{ ok: true, events }`. */
  "session:sync": z.object({ sessionId: z.uuid(), since: z.number().int().min(0) }),
} as const;

export type SessionCommand = z.infer<(typeof clientEvents)["session:command"]>["command"];

/** The ack of `session:command`: errors go to the sender only, as translation keys. */
export type SessionCommandAck =
  | { ok: true; data?: Record<string, unknown> }
  | { ok: false; messageKey: string; fieldErrors?: Record<string, string> };

/** A submission as the consultation page lists it (also the payload of `submission:new`). */
export interface SubmissionCard {
  id: string;
  consultationId: string;
  kind: "proposal" | "need" | "opinion";
  title: string;
  excerpt: string;
  authorName: string;
  organisationName: string | null;
  municipalityName: string | null;
  supportCount: number;
  commentCount: number;
  createdAt: string;
  status: "pending_review" | "published" | "hidden" | "withdrawn" | "merged";
}

/** A comment as threads show it (also the payload of `comment:new`). */
export interface CommentView {
  id: string;
  submissionId: string | null;
  articleId: string | null;
  parentId: string | null;
  depth: number;
  authorId: string | null;
  authorName: string;
  alignment: "in_favour" | "against" | "neutral";
  body: string;
  upvotes: number;
  downvotes: number;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
}

/** A comment with its replies, as a thread shows it. */
export type ThreadNode = CommentView & { replies: ThreadNode[] };

export type ServerEvents = {
  "notification:new": (payload: { id: string; type: string; unread: number }) => void;
  "error:input": (payload: { event: string; messageKey: string }) => void;
  "session:whoami": (payload: { userId: string | null }) => void;
  /** Room consultation:<id>: a submission was published. */
  "submission:new": (payload: SubmissionCard) => void;
  /** Room consultation:<id>: a submission's counts changed. */
  "submission:counts": (payload: { id: string; supportCount: number; commentCount: number }) => void;
  /** Room consultation:<id>: a comment was posted (on a submission or an article of this consultation). */
  "comment:new": (payload: CommentView & { consultationId: string }) => void;
  /** Room consultation:<id>: a comment's votes, text or state changed. */
  "comment:changed": (payload: CommentView & { consultationId: string }) => void;
  /** Room session:<id>: a numbered event of a live session (replay with eventsSince on a gap). */
  "session:event": (payload: SessionEventMessage) => void;
  /** Room session:<id>: how many are watching (throttled; counted across all app processes). */
  "session:presence": (payload: { sessionId: string; watching: number }) => void;
  /**
   * Room consultation:<id>: a submission's effective labels changed (a new analysis, or a person's
   * correction). Pages refetch or patch what they show.
   */
  "analysis:updated": (payload: { submissionId: string; consultationId: string; version: number }) => void;
  /** Room alerts (moderators, directorate, admins): a submission was judged urgent. */
  "alert:urgent": (payload: {
    submissionId: string;
    consultationId: string;
    title: string;
    confidence: number;
    createdAt: string;
  }) => void;
  /** Room moderation (moderators only): a queue item was flagged, claimed or acted on; reload the queue. */
  "moderation:changed": (payload: { targetType: string; targetId: string }) => void;
};
