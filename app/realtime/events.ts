import { z } from "zod";
import type { SessionEventMessage } from "~/domain/sessions/sessions.events.ts";

// Every real-time event: its name and payload schema, shared by server, workers and client.
export const clientEvents = {
  /** Ask to join a public room; the server checks the policy before joining. */
  "room:join": z.object({ room: z.string().min(1).max(100) }),
  "room:leave": z.object({ room: z.string().min(1).max(100) }),
} as const;

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
  /** Room moderation (moderators only): a queue item was flagged, claimed or acted on; reload the queue. */
  "moderation:changed": (payload: { targetType: string; targetId: string }) => void;
};
