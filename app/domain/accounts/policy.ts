// Who may do what: routes, sockets, the UI (to hide controls) and the authorization tests all ask here.

export type RoleName = "citizen" | "moderator" | "directorate" | "admin";

export type Actor = {
  id: string;
  roles: readonly RoleName[];
  committees: readonly { committeeId: string; role: "chair" | "secretary" | "member" }[];
  emailVerified: boolean;
} | null;

export type Action =
  | "admin.access"
  | "admin.assignRoles"
  | "directorate.access"
  | "moderation.access"
  | "committee.member"
  | "account.manage"
  | "consultation.manage"
  | "submission.create"
  | "submission.edit"
  | "submission.withdraw"
  | "submission.support"
  | "comment.create"
  | "comment.vote"
  | "comment.edit"
  | "comment.delete"
  | "follow.manage";

/** What a content rule needs to know about the thing acted on. */
export interface PolicyThing {
  committeeId?: string;
  /** The author of the submission or comment acted on. */
  authorId?: string;
  /** The content's creation time, for edit windows. */
  createdAt?: Date;
  /** Edit window in minutes (from settings); no window means edits are closed. */
  editWindowMinutes?: number;
  now?: Date;
}

export function hasRole(actor: Actor, role: RoleName): boolean {
  return !!actor && actor.roles.includes(role);
}

export function isCommitteeMember(actor: Actor, committeeId: string): boolean {
  return !!actor && actor.committees.some((c) => c.committeeId === committeeId);
}

function isAuthor(actor: Actor, thing: PolicyThing | undefined): boolean {
  return !!actor && !!thing?.authorId && thing.authorId === actor.id;
}

function withinEditWindow(thing: PolicyThing | undefined): boolean {
  if (!thing?.createdAt || thing.editWindowMinutes === undefined) return false;
  const now = thing.now ?? new Date();
  return now.getTime() - thing.createdAt.getTime() <= thing.editWindowMinutes * 60_000;
}

export function can(actor: Actor, action: Action, thing?: PolicyThing): boolean {
  switch (action) {
    case "admin.access":
    case "admin.assignRoles":
      return hasRole(actor, "admin");
    case "directorate.access":
      return hasRole(actor, "directorate") || hasRole(actor, "admin");
    case "moderation.access":
      return hasRole(actor, "moderator");
    case "committee.member":
      return !!thing?.committeeId && isCommitteeMember(actor, thing.committeeId);
    case "account.manage":
    case "follow.manage":
      return !!actor;
    case "consultation.manage":
      return hasRole(actor, "directorate") || hasRole(actor, "admin");
    // Taking part needs a confirmed e-mail address: one person, one voice.
    case "submission.create":
    case "submission.support":
    case "comment.create":
    case "comment.vote":
      return !!actor && actor.emailVerified;
    case "submission.edit":
    case "comment.edit":
      return isAuthor(actor, thing) && withinEditWindow(thing);
    case "submission.withdraw":
      return isAuthor(actor, thing);
    case "comment.delete":
      return isAuthor(actor, thing) || hasRole(actor, "moderator");
  }
}
