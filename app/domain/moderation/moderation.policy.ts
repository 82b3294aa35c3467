// Who may do what in moderation. Routes, sockets, the queue UI and the authorization matrix test ask here;
// every domain function in moderation.server.ts checks it again before writing.
import { hasRole, type Actor } from "~/domain/accounts/policy.ts";

export const MODERATION_VERBS = [
  "flag",
  "hide",
  "restore",
  "lock",
  "unlock",
  "merge",
  "move",
  "edit_title",
  "block",
  "unblock",
  "dismiss_flags",
  "approve",
  "reject",
  "appeal",
  "decide_appeal",
  "claim",
  "view_log",
] as const;
export type ModerationVerb = (typeof MODERATION_VERBS)[number];

/** Verbs that change content or accounts: moderators only, never on their own content or account. */
const MODERATOR_VERBS = new Set<ModerationVerb>([
  "hide",
  "restore",
  "lock",
  "unlock",
  "merge",
  "move",
  "edit_title",
  "block",
  "unblock",
  "dismiss_flags",
  "approve",
  "reject",
]);

/** What a moderation rule needs to know about the thing acted on. */
export interface ModerationThing {
  /** Authors of the content acted on (a merge touches two). */
  authorIds?: readonly string[];
  /** The account acted on (block, unblock, flagging a user). */
  userId?: string;
  /** The user an earlier action affected (the only one who may appeal it). */
  affectedUserId?: string;
  /** The moderator who took the action an appeal is about (may not decide it). */
  actionModeratorId?: string;
}

function involves(actor: NonNullable<Actor>, thing: ModerationThing): boolean {
  return (thing.authorIds ?? []).includes(actor.id) || thing.userId === actor.id;
}

/**
 * The rules: signed-in participants with a confirmed address flag (not their own content); moderators act
 * (admins and the directorate do not: moderation is a separate duty, and an admin who moderates is given the
 * moderator role), never on their own content or account; only the affected user appeals; an appeal is
 * decided by a moderator other than the one who took the action (and not by the appellant). Moderators and
 * admins read the log.
 */
export function canModerate(actor: Actor, verb: ModerationVerb, thing: ModerationThing = {}): boolean {
  if (!actor) return false;
  if (MODERATOR_VERBS.has(verb)) return hasRole(actor, "moderator") && !involves(actor, thing);
  switch (verb) {
    case "flag":
      return actor.emailVerified && !involves(actor, thing);
    case "appeal":
      return !!thing.affectedUserId && thing.affectedUserId === actor.id;
    case "decide_appeal":
      return (
        hasRole(actor, "moderator") &&
        !!thing.actionModeratorId &&
        thing.actionModeratorId !== actor.id &&
        thing.affectedUserId !== actor.id
      );
    case "claim":
      return hasRole(actor, "moderator");
    case "view_log":
      return hasRole(actor, "moderator") || hasRole(actor, "admin");
    default:
      return false;
  }
}
