/**
 * The moderation authorization matrix: every moderation action × every role (visitor, citizen, the author,
 * the moderator, another moderator, directorate, admin), first as the policy answers it, then against the
 * domain functions on a real database (a refused role changes nothing; an allowed one succeeds).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import type { Actor } from "~/domain/accounts/policy.ts";
import { canModerate, MODERATION_VERBS, type ModerationVerb } from "~/domain/moderation/moderation.policy.ts";
import {
  appeal,
  approveSubmission,
  blockUser,
  claimItem,
  decideAppeal,
  dismissFlags,
  editTitle,
  flagContent,
  hideContent,
  listModerationLog,
  lockThread,
  mergeSubmissions,
  moveSubmission,
  rejectSubmission,
  restoreContent,
  unblockUser,
  unlockThread,
} from "~/domain/moderation/moderation.server.ts";
import type { PrismaClient } from "~/generated/prisma/client.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { closeReadPool } from "~/utils/sql.server.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { errorOf, makeActor, makeConsultation, makeSubmission, setEnv } from "./fixtures.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const db = (): PrismaClient => testDb().prisma;

type RoleKey = "visitor" | "citizen" | "author" | "moderator" | "anotherModerator" | "directorate" | "admin";
const ROLES: RoleKey[] = [
  "visitor",
  "citizen",
  "author",
  "moderator",
  "anotherModerator",
  "directorate",
  "admin",
];

let people: Record<RoleKey, CurrentUser | null>;
let consultationId: string;
let otherConsultationId: string;
let preModeratedId: string;

beforeAll(async () => {
  setEnv(testDb().url, testRedis);
  const directorate = await makeActor(db(), ["directorate"]);
  people = {
    visitor: null,
    citizen: await makeActor(db()),
    author: await makeActor(db()),
    moderator: await makeActor(db(), ["citizen", "moderator"]),
    anotherModerator: await makeActor(db(), ["citizen", "moderator"]),
    directorate,
    admin: await makeActor(db(), ["admin"]),
  };
  consultationId = await makeConsultation(db(), directorate.id);
  otherConsultationId = await makeConsultation(db(), directorate.id);
  preModeratedId = await makeConsultation(db(), directorate.id);
  await db().consultation.update({ where: { id: preModeratedId }, data: { preModeration: true } });
});

afterAll(async () => {
  closePublisher();
  await closeReadPool();
  await getDb().$disconnect();
});

const MODERATOR_ACTIONS: ModerationVerb[] = [
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
];

/**
 * Expected answers. The thing acted on is the author's content (or account); an appeal is about an action
 * the moderator (not "another moderator") took against the author.
 */
function expected(verb: ModerationVerb, role: RoleKey): boolean {
  if (MODERATOR_ACTIONS.includes(verb)) return role === "moderator" || role === "anotherModerator";
  switch (verb) {
    case "flag":
      return role !== "visitor" && role !== "author";
    case "appeal":
      return role === "author";
    case "decide_appeal":
      return role === "anotherModerator";
    case "claim":
      return role === "moderator" || role === "anotherModerator";
    case "view_log":
      return role === "moderator" || role === "anotherModerator" || role === "admin";
    default:
      throw new Error(`no expectation for ${verb}`);
  }
}

describe("the policy matrix", () => {
  for (const verb of MODERATION_VERBS) {
    for (const role of ROLES) {
      it(`${verb} by ${role}: ${expected(verb, role) ? "allowed" : "refused"}`, () => {
        const thing = {
          authorIds: [people.author!.id],
          userId: ["block", "unblock"].includes(verb) ? people.author!.id : undefined,
          affectedUserId: people.author!.id,
          actionModeratorId: people.moderator!.id,
        };
        expect(canModerate(people[role], verb, thing)).toBe(expected(verb, role));
      });
    }
  }

  it("refuses a moderator acting on their own content or account, or deciding their own appeal", () => {
    const mod = people.moderator;
    for (const verb of MODERATOR_ACTIONS) {
      expect(canModerate(mod, verb, { authorIds: [mod!.id] })).toBe(false);
      expect(canModerate(mod, verb, { userId: mod!.id })).toBe(false);
    }
    // A merge involves two authors: being either one is enough to be refused.
    expect(canModerate(mod, "merge", { authorIds: [people.author!.id, mod!.id] })).toBe(false);
    expect(canModerate(mod, "flag", { authorIds: [mod!.id] })).toBe(false);
    expect(
      canModerate(people.anotherModerator, "decide_appeal", {
        actionModeratorId: mod!.id,
        affectedUserId: people.anotherModerator!.id,
      }),
    ).toBe(false);
  });

  it("refuses flags from participants without a confirmed address", () => {
    const unverified = { ...people.citizen!, emailVerified: false };
    expect(canModerate(unverified, "flag", { authorIds: [people.author!.id] })).toBe(false);
  });
});

// ───────────────────────────── Against the domain functions ─────────────────────────────

type Attempt = (who: Actor) => Promise<unknown>;

/** Fresh content for each attempt, so one role's success never changes another's starting point. */
async function scenario(verb: ModerationVerb, author: CurrentUser): Promise<Attempt> {
  const mod = people.moderator!;
  const reason = { reasonCode: "other", message: "Δοκιμή" };
  const sub = () => makeSubmission(db(), author, consultationId);
  switch (verb) {
    case "flag": {
      const id = await sub();
      return (who) => flagContent(db(), who, { targetType: "submission", targetId: id, reason: "spam" });
    }
    case "hide": {
      const id = await sub();
      return (who) => hideContent(db(), who, { targetType: "submission", targetId: id, ...reason });
    }
    case "restore": {
      const id = await sub();
      await hideContent(db(), people.anotherModerator, { targetType: "submission", targetId: id, ...reason });
      return (who) => restoreContent(db(), who, { targetType: "submission", targetId: id, ...reason });
    }
    case "lock": {
      const id = await sub();
      return (who) => lockThread(db(), who, { submissionId: id, ...reason });
    }
    case "unlock": {
      const id = await sub();
      await lockThread(db(), people.anotherModerator, { submissionId: id, ...reason });
      return (who) => unlockThread(db(), who, { submissionId: id, ...reason });
    }
    case "merge": {
      const [a, b] = [await sub(), await sub()];
      return (who) => mergeSubmissions(db(), who, { sourceId: a, targetId: b, reasonCode: "duplicate" });
    }
    case "move": {
      const id = await sub();
      return (who) =>
        moveSubmission(db(), who, { submissionId: id, consultationId: otherConsultationId, ...reason });
    }
    case "edit_title": {
      const id = await sub();
      return (who) =>
        editTitle(db(), who, { submissionId: id, title: "Ένας νέος ουδέτερος τίτλος", ...reason });
    }
    case "block": {
      const target = await makeActor(db());
      const victim = author.roles.includes("moderator") ? author : target;
      return (who) => blockUser(db(), who, { userId: victim.id, ...reason });
    }
    case "unblock": {
      const victim = author.roles.includes("moderator") ? author : await makeActor(db());
      await blockUser(db(), author.id === mod.id ? people.anotherModerator : mod, {
        userId: victim.id,
        ...reason,
      });
      return (who) => unblockUser(db(), who, { userId: victim.id, ...reason });
    }
    case "dismiss_flags": {
      const id = await sub();
      await flagContent(db(), people.citizen, { targetType: "submission", targetId: id, reason: "spam" });
      return (who) => dismissFlags(db(), who, { targetType: "submission", targetId: id, ...reason });
    }
    case "appeal": {
      const id = await sub();
      const { actionId } = await hideContent(db(), mod, {
        targetType: "submission",
        targetId: id,
        ...reason,
      });
      return (who) => appeal(db(), who, { actionId, text: "Η πρότασή μου δεν παραβιάζει κανέναν κανόνα." });
    }
    case "decide_appeal": {
      const id = await sub();
      const { actionId } = await hideContent(db(), mod, {
        targetType: "submission",
        targetId: id,
        ...reason,
      });
      const { appealId } = await appeal(db(), author, { actionId, text: "Δεν παραβίασα κανέναν κανόνα." });
      return (who) => decideAppeal(db(), who, { appealId, uphold: false, reason: "Ο κανόνας ισχύει." });
    }
    case "claim": {
      const id = await sub();
      return (who) => claimItem(db(), who, { targetType: "submission", targetId: id });
    }
    case "approve":
    case "reject": {
      const id = await makeSubmission(db(), author, preModeratedId);
      const decide = verb === "approve" ? approveSubmission : rejectSubmission;
      return (who) => decide(db(), who, { submissionId: id, reasonCode: "approved" });
    }
    case "view_log":
      return (who) => listModerationLog(db(), who, {});
  }
}

describe("the domain functions follow the matrix", () => {
  for (const verb of MODERATION_VERBS) {
    it(`${verb}: refused roles change nothing, allowed roles succeed`, async () => {
      for (const role of ROLES) {
        const attempt = await scenario(verb, people.author!);
        const before = await db().moderationAction.count();
        if (expected(verb, role)) {
          await expect(attempt(people[role])).resolves.toBeDefined();
        } else {
          const error = await errorOf(attempt(people[role]));
          // Someone else's decision is "not found" to a stranger; everything else is plainly forbidden.
          expect([403, 404], `${verb} by ${role}: ${error.messageKey}`).toContain(error.status);
          expect(await db().moderationAction.count()).toBe(before);
        }
      }
    });
  }

  it("refuses every moderator action on the moderator's own content or account", async () => {
    for (const verb of MODERATOR_ACTIONS) {
      const attempt = await scenario(verb, people.moderator!);
      const error = await errorOf(attempt(people.moderator));
      expect(error.status, verb).toBe(403);
      expect(["moderation.errors.ownContent", "moderation.errors.ownAccount"]).toContain(error.messageKey);
    }
  });
});
