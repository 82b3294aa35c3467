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
  | "account.manage";

export function hasRole(actor: Actor, role: RoleName): boolean {
  return !!actor && actor.roles.includes(role);
}

export function isCommitteeMember(actor: Actor, committeeId: string): boolean {
  return !!actor && actor.committees.some((c) => c.committeeId === committeeId);
}

export function can(actor: Actor, action: Action, thing?: { committeeId?: string }): boolean {
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
      return !!actor;
  }
}
