/**
 * Follows, the notification list and read marks, and the digest preference, against a real PostgreSQL:
 * validation of what can be followed, idempotent follow/unfollow, paging newest first, read marks limited to
 * one's own notifications, and the localised sentences of every type.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  applyFollowIntent,
  countUnreadNotifications,
  follow,
  followedIds,
  getDigestPreference,
  isFollowing,
  listFollowedTargets,
  listFollows,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  setDigestPreference,
  unfollow,
} from "~/domain/notifications/notifications.server.ts";
import { notificationText, type NotificationPayload } from "~/domain/notifications/notifications.schema.ts";
import { createT } from "~/i18n/i18n.ts";
import { Invalid, NotFound } from "~/utils/errors.server.ts";
import { newId } from "~/utils/ids.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createUser } from "../../helpers/factories.ts";
import { createConsultation, createLiveSession, createSubmission } from "./fixtures.ts";

const testDb = useTestDatabase();
const prisma = () => testDb().prisma;

beforeAll(() => {
  Object.assign(process.env, { NODE_ENV: "test", DATABASE_URL: testDb().url });
});

async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("Expected the call to throw");
}

describe("follow / unfollow", () => {
  it("follows a public consultation, submission and live session; twice is one follow", async () => {
    const u = await createUser(prisma());
    const staff = await createUser(prisma(), { roles: ["directorate"] });
    const consultation = await createConsultation(prisma(), { createdById: staff.id });
    const submission = await createSubmission(prisma(), {
      consultationId: consultation.id,
      authorId: staff.id,
    });
    const session = await createLiveSession(prisma(), { createdById: staff.id });

    for (const target of [
      { targetType: "consultation", targetId: consultation.id },
      { targetType: "submission", targetId: submission.id },
      { targetType: "live_session", targetId: session.id },
    ] as const) {
      expect(await follow(prisma(), u.id, target)).toEqual({ following: true });
      expect(await follow(prisma(), u.id, target)).toEqual({ following: true });
      expect(await isFollowing(prisma(), u.id, target)).toBe(true);
    }
    expect(await prisma().follow.count({ where: { userId: u.id } })).toBe(3);
    const listed = await listFollows(prisma(), u.id);
    expect(listed.map((f) => f.targetType).sort()).toEqual(["consultation", "live_session", "submission"]);
    expect(await followedIds(prisma(), u.id, "submission", [submission.id, newId()])).toEqual(
      new Set([submission.id]),
    );

    expect(await unfollow(prisma(), u.id, { targetType: "submission", targetId: submission.id })).toEqual({
      following: false,
    });
    expect(await unfollow(prisma(), u.id, { targetType: "submission", targetId: submission.id })).toEqual({
      following: false,
    });
    expect(await isFollowing(prisma(), u.id, { targetType: "submission", targetId: submission.id })).toBe(
      false,
    );
    expect(await prisma().follow.count({ where: { userId: u.id } })).toBe(2);
  });

  it("refuses what is not public: a draft consultation, an unpublished submission, a cancelled session, an unknown id", async () => {
    const u = await createUser(prisma());
    const staff = await createUser(prisma(), { roles: ["directorate"] });
    const draft = await createConsultation(prisma(), { createdById: staff.id, phase: "draft" });
    const open = await createConsultation(prisma(), { createdById: staff.id });
    const pending = await createSubmission(prisma(), {
      consultationId: open.id,
      authorId: staff.id,
      status: "pending_review",
    });
    const hidden = await createSubmission(prisma(), {
      consultationId: open.id,
      authorId: staff.id,
      status: "hidden",
    });
    const cancelled = await createLiveSession(prisma(), { createdById: staff.id, status: "cancelled" });

    for (const target of [
      { targetType: "consultation", targetId: draft.id },
      { targetType: "submission", targetId: pending.id },
      { targetType: "submission", targetId: hidden.id },
      { targetType: "live_session", targetId: cancelled.id },
      { targetType: "consultation", targetId: newId() },
      // An id of one kind given as another kind.
      { targetType: "submission", targetId: open.id },
    ]) {
      const error = await caught(() => follow(prisma(), u.id, target));
      expect(error, JSON.stringify(target)).toBeInstanceOf(NotFound);
      expect((error as NotFound).messageKey).toBe("notifications.errors.targetNotFound");
    }
    expect(await prisma().follow.count({ where: { userId: u.id } })).toBe(0);
  });

  it("answers malformed input with field errors", async () => {
    const u = await createUser(prisma());
    for (const [input, field] of [
      [{ targetType: "user", targetId: newId() }, "targetType"],
      [{ targetType: "consultation", targetId: "1 OR 1=1" }, "targetId"],
      [{}, "targetType"],
    ] as const) {
      const error = await caught(() => follow(prisma(), u.id, input));
      expect(error).toBeInstanceOf(Invalid);
      expect((error as Invalid).fieldErrors[field]).toBe("notifications.errors.invalidTarget");
    }
    const badIntent = await caught(() =>
      applyFollowIntent(prisma(), u.id, { intent: "delete", targetType: "consultation", targetId: newId() }),
    );
    expect((badIntent as Invalid).fieldErrors.intent).toBe("notifications.errors.invalidIntent");
    expect(await isFollowing(prisma(), u.id, { targetType: "nope", targetId: "x" })).toBe(false);
  });

  it("lists what the user follows with titles and links, leaving out what is no longer public", async () => {
    const u = await createUser(prisma());
    const staff = await createUser(prisma(), { roles: ["directorate"] });
    const consultation = await createConsultation(prisma(), { createdById: staff.id, title: "Στέγαση" });
    const submission = await createSubmission(prisma(), {
      consultationId: consultation.id,
      authorId: staff.id,
      title: "Κοινωνικές κατοικίες",
    });
    const gone = await createSubmission(prisma(), { consultationId: consultation.id, authorId: staff.id });
    const session = await createLiveSession(prisma(), { createdById: staff.id });
    await follow(prisma(), u.id, { targetType: "consultation", targetId: consultation.id });
    await follow(prisma(), u.id, { targetType: "submission", targetId: submission.id });
    await follow(prisma(), u.id, { targetType: "submission", targetId: gone.id });
    await follow(prisma(), u.id, { targetType: "live_session", targetId: session.id });
    await prisma().submission.update({ where: { id: gone.id }, data: { status: "withdrawn" } });

    const listed = await listFollowedTargets(prisma(), u.id);
    expect(listed).toEqual(
      expect.arrayContaining([
        {
          targetType: "consultation",
          targetId: consultation.id,
          title: "Στέγαση",
          url: `/consultations/${consultation.slug}`,
        },
        {
          targetType: "submission",
          targetId: submission.id,
          title: "Κοινωνικές κατοικίες",
          url: `/submissions/${submission.id}`,
        },
        { targetType: "live_session", targetId: session.id, title: session.title, url: null },
      ]),
    );
    expect(listed).toHaveLength(3);
  });

  it("applies a follow form's intent", async () => {
    const u = await createUser(prisma());
    const staff = await createUser(prisma(), { roles: ["directorate"] });
    const consultation = await createConsultation(prisma(), { createdById: staff.id });
    const target = { targetType: "consultation", targetId: consultation.id };
    expect(await applyFollowIntent(prisma(), u.id, { ...target, intent: "follow" })).toEqual({
      following: true,
    });
    expect(await applyFollowIntent(prisma(), u.id, { ...target, intent: "unfollow" })).toEqual({
      following: false,
    });
  });
});

describe("the notification list", () => {
  async function seedNotifications(userId: string, n: number) {
    const base = Date.now() - n * 60_000;
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = newId();
      ids.push(id);
      await prisma().notification.create({
        data: {
          id,
          userId,
          type: "support_milestone",
          payload: { url: `/submissions/${i}`, title: `Πρόταση ${i}`, count: 10 },
          createdAt: new Date(base + i * 60_000),
        },
      });
    }
    return ids; // oldest first
  }

  it("lists newest first, page by page, and counts unread", async () => {
    const u = await createUser(prisma());
    const ids = await seedNotifications(u.id, 25);
    const first = await listNotifications(prisma(), u.id, { page: 1 });
    expect(first.total).toBe(25);
    expect(first.unread).toBe(25);
    expect(first.pageCount).toBe(2);
    expect(first.items).toHaveLength(20);
    expect(first.items[0].id).toBe(ids[24]);
    expect(first.items[0].payload).toEqual({ url: "/submissions/24", title: "Πρόταση 24", count: 10 });
    const second = await listNotifications(prisma(), u.id, { page: 2 });
    expect(second.items.map((i) => i.id)).toEqual(ids.slice(0, 5).reverse());
    // A page past the end shows the last page.
    expect((await listNotifications(prisma(), u.id, { page: 99 })).page).toBe(2);
    // Reading the list changes nothing.
    expect(await countUnreadNotifications(prisma(), u.id)).toBe(25);
  });

  it("marks one and then all read, only the user's own", async () => {
    const u = await createUser(prisma());
    const other = await createUser(prisma());
    const [mine] = await seedNotifications(u.id, 3);
    const [theirs] = await seedNotifications(other.id, 1);

    await markNotificationRead(prisma(), u.id, mine);
    await markNotificationRead(prisma(), u.id, mine); // again: no-op
    expect(await countUnreadNotifications(prisma(), u.id)).toBe(2);

    expect(await caught(() => markNotificationRead(prisma(), u.id, theirs))).toBeInstanceOf(NotFound);
    expect(await caught(() => markNotificationRead(prisma(), u.id, "not-an-id"))).toBeInstanceOf(NotFound);
    expect(await countUnreadNotifications(prisma(), other.id)).toBe(1);

    expect(await markAllNotificationsRead(prisma(), u.id)).toBe(2);
    expect(await countUnreadNotifications(prisma(), u.id)).toBe(0);
    expect(await countUnreadNotifications(prisma(), other.id)).toBe(1);
    const page = await listNotifications(prisma(), u.id);
    expect(page.items.every((i) => i.read)).toBe(true);
  });

  it("shows a harmless placeholder for a malformed stored payload", async () => {
    const u = await createUser(prisma());
    await prisma().notification.create({
      data: { id: newId(), userId: u.id, type: "reply", payload: { url: "https://evil.example", title: 1 } },
    });
    const [item] = (await listNotifications(prisma(), u.id)).items;
    expect(item.payload.url).toBe("/notifications");
  });
});

describe("digest preference", () => {
  it("reads and saves daily/none and refuses anything else", async () => {
    const u = await createUser(prisma());
    expect(await getDigestPreference(prisma(), u.id)).toBe("daily");
    expect(await setDigestPreference(prisma(), u.id, { digest: "none" })).toBe("none");
    expect(await getDigestPreference(prisma(), u.id)).toBe("none");
    const error = await caught(() => setDigestPreference(prisma(), u.id, { digest: "hourly" }));
    expect((error as Invalid).fieldErrors.digest).toBe("notifications.errors.invalidDigest");
    expect(await getDigestPreference(prisma(), u.id)).toBe("none");
  });
});

describe("notification sentences", () => {
  const payload: NotificationPayload = {
    url: "/submissions/x",
    title: "Κοινωνικές κατοικίες",
    actorName: "Μαρία",
    consultationTitle: "Στέγαση",
    count: 50,
    status: "hidden",
  };
  const types = [
    "reply",
    "comment_on_yours",
    "followed_submission_comment",
    "followed_consultation_submission",
    "support_milestone",
    "status_changed",
  ];

  it("renders every type in Greek and English with its details and no placeholder left", () => {
    for (const locale of ["el", "en"] as const) {
      const t = createT(locale);
      for (const type of types) {
        const text = notificationText(t, type, payload);
        expect(text, `${locale} ${type}`).toContain("Κοινωνικές κατοικίες");
        expect(text).not.toMatch(/\{\w+\}|notifications\./);
      }
      expect(notificationText(t, "reply", payload)).toContain("Μαρία");
      expect(notificationText(t, "followed_consultation_submission", payload)).toContain("Στέγαση");
      expect(notificationText(t, "support_milestone", payload)).toContain("50");
    }
    const en = createT("en");
    expect(notificationText(en, "reply", payload)).toBe(
      "Μαρία replied to your comment on “Κοινωνικές κατοικίες”",
    );
    expect(notificationText(en, "status_changed", payload)).toContain("hidden by moderation");
    expect(notificationText(en, "reply", { ...payload, actorName: null })).toMatch(/^A participant/);
    expect(notificationText(en, "status_changed", { ...payload, status: "something_new" })).toBe(
      "The status of your submission “Κοινωνικές κατοικίες” changed",
    );
  });
});
