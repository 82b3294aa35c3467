/**
 * Who may do what in a committee's live sessions. Routes, socket handlers and the UI (to hide controls)
 * ask here; the domain functions check again before every write.
 */
import { hasRole, type Actor } from "~/domain/accounts/policy.ts";

export type SessionAction =
  /** Schedule a session of a committee, edit or cancel it before it starts. */
  | "session.schedule"
  /** Start and end the session, move the agenda, open, reveal and close polls. */
  | "session.chair"
  /** Approve, reject, pin and mark answered the questions from the floor. */
  | "session.moderate"
  /** Write the running notes that seed the minutes. */
  | "session.notes"
  /** Ask and upvote questions, vote in polls. */
  | "session.participate"
  /** Register interest in a session (for a reminder). */
  | "session.follow";

export interface SessionThing {
  committeeId: string;
}

export function committeeRole(actor: Actor, committeeId: string): "chair" | "secretary" | "member" | null {
  return actor?.committees.find((c) => c.committeeId === committeeId)?.role ?? null;
}

export function canSession(actor: Actor, action: SessionAction, thing: SessionThing): boolean {
  if (!actor) return false;
  const role = committeeRole(actor, thing.committeeId);
  switch (action) {
    case "session.schedule":
      // The committee's officers organise its sessions; the directorate (and admins) may do it for them.
      return (
        role === "chair" || role === "secretary" || hasRole(actor, "directorate") || hasRole(actor, "admin")
      );
    case "session.chair":
      // The issue is explicit: only the chair runs the meeting. No fallback for directorate or admins,
      // so the room never sees two people moving the agenda.
      return role === "chair";
    case "session.moderate":
      return role === "chair" || hasRole(actor, "moderator");
    case "session.notes":
      return role === "secretary";
    // One person, one voice: taking part needs a confirmed e-mail address.
    case "session.participate":
      return actor.emailVerified;
    case "session.follow":
      return true;
  }
}

/** What the viewer may do in a session, for the page to show the right controls. */
export function sessionCapabilities(actor: Actor, thing: SessionThing) {
  return {
    schedule: canSession(actor, "session.schedule", thing),
    chair: canSession(actor, "session.chair", thing),
    moderate: canSession(actor, "session.moderate", thing),
    notes: canSession(actor, "session.notes", thing),
    participate: canSession(actor, "session.participate", thing),
    follow: canSession(actor, "session.follow", thing),
  };
}
export type SessionCapabilities = ReturnType<typeof sessionCapabilities>;
