/**
 * The `notify` job against a real PostgreSQL: who hears about a new submission, a comment, a support milestone
 * and a status change; never the actor; never erased users; one notification per person per event; and a job
 * run twice writes nothing the second time.
 */
import { UnrecoverableError } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { follow, isFollowing } from "~/domain/notifications/notifications.server.ts";
import { InvalidJobPayload } from "~/jobs/queues.server.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import { handleNotifyJob, processNotifyJob } from "../../../workers/notify.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createUser } from "../../helpers/factories.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { createArticle, createComment, createConsultation, createSubmission } from "./fixtures.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const prisma = () => testDb().prisma;

beforeAll(() => {
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: testDb().url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
    APP_URL: "http://synochi.test",
  });
});

afterAll(() => closePublisher());

const user = (displayName?: string) => createUser(prisma(), { displayName });

async function notificationsOf(userId: string) {
  return prisma().notification.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
}

async function erase(userId: string) {
  await prisma().user.update({ where: { id: userId }, data: { erasedAt: new Date() } });
}

/** An open consultation with a published submission by `author`. */
async function setup() {
  const staff = await user("Διεύθυνση");
  const author = await user("Άννα Συγγραφέας");
  const consultation = await createConsultation(prisma(), { createdById: staff.id, title: "Στέγαση" });
  const submission = await createSubmission(prisma(), {
    consultationId: consultation.id,
    authorId: author.id,
    title: "Κοινωνικές κατοικίες",
  });
  return { staff, author, consultation, submission };
}

describe("submission.created", () => {
  it("notifies the consultation's followers, not the author, and makes the author follow the submission", async () => {
    const { author, consultation, submission } = await setup();
    const followerA = await user("Βασίλης");
    const followerB = await user("Γεωργία");
    const erased = await user("Διαγραμμένη");
    for (const u of [followerA, followerB, erased, author]) {
      await follow(prisma(), u.id, { targetType: "consultation", targetId: consultation.id });
    }
    await erase(erased.id);

    const created = await handleNotifyJob(prisma(), "submission.created", { submissionId: submission.id });
    expect(created.map((n) => n.userId).sort()).toEqual([followerA.id, followerB.id].sort());
    expect(created.every((n) => n.type === "followed_consultation_submission")).toBe(true);

    const [row] = await notificationsOf(followerA.id);
    expect(row.type).toBe("followed_consultation_submission");
    expect(row.readAt).toBeNull();
    expect(row.payload).toMatchObject({
      url: `/submissions/${submission.id}`,
      title: "Κοινωνικές κατοικίες",
      actorName: "Άννα Συγγραφέας",
      consultationTitle: "Στέγαση",
    });
    expect(await notificationsOf(author.id)).toEqual([]);
    expect(await notificationsOf(erased.id)).toEqual([]);
    expect(
      await isFollowing(prisma(), author.id, { targetType: "submission", targetId: submission.id }),
    ).toBe(true);
  });

  it("writes nothing new when the same job runs again", async () => {
    const { consultation, submission } = await setup();
    const follower = await user();
    await follow(prisma(), follower.id, { targetType: "consultation", targetId: consultation.id });

    const first = await handleNotifyJob(prisma(), "submission.created", { submissionId: submission.id });
    const second = await handleNotifyJob(prisma(), "submission.created", { submissionId: submission.id });
    expect(first).toHaveLength(1);
    expect(second).toEqual([]);
    expect(await notificationsOf(follower.id)).toHaveLength(1);
    // The same event under its worker job id is still one event per job id.
    const viaJob = await processNotifyJob(prisma(), {
      id: "notify.submission-created." + submission.id,
      name: "submission.created",
      data: { submissionId: submission.id },
    });
    const again = await processNotifyJob(prisma(), {
      id: "notify.submission-created." + submission.id,
      name: "submission.created",
      data: { submissionId: submission.id },
    });
    expect(viaJob.notified).toBe(1);
    expect(again.notified).toBe(0);
  });

  it("announces nothing about a submission awaiting review, and the author does not follow it yet", async () => {
    const { staff, author } = await setup();
    const consultation = await createConsultation(prisma(), { createdById: staff.id });
    const follower = await user();
    await follow(prisma(), follower.id, { targetType: "consultation", targetId: consultation.id });
    const pending = await createSubmission(prisma(), {
      consultationId: consultation.id,
      authorId: author.id,
      status: "pending_review",
    });
    expect(await handleNotifyJob(prisma(), "submission.created", { submissionId: pending.id })).toEqual([]);
    expect(await notificationsOf(follower.id)).toEqual([]);
    expect(await isFollowing(prisma(), author.id, { targetType: "submission", targetId: pending.id })).toBe(
      false,
    );
  });
});

describe("comment.created", () => {
  it("tells the submission's author about a top-level comment and followers about it, never the commenter", async () => {
    const { author, submission } = await setup();
    await handleNotifyJob(prisma(), "submission.created", { submissionId: submission.id }); // author follows
    const follower = await user("Δημήτρης");
    const commenter = await user("Ελένη Σχολιάστρια");
    await follow(prisma(), follower.id, { targetType: "submission", targetId: submission.id });
    await follow(prisma(), commenter.id, { targetType: "submission", targetId: submission.id });

    const comment = await createComment(prisma(), {
      authorId: commenter.id,
      submissionId: submission.id,
      alignment: "against",
    });
    const created = await handleNotifyJob(prisma(), "comment.created", { commentId: comment.id });
    const byUser = Object.fromEntries(created.map((n) => [n.userId, n.type]));
    expect(byUser).toEqual({
      [author.id]: "comment_on_yours",
      [follower.id]: "followed_submission_comment",
    });

    const [forAuthor] = await notificationsOf(author.id);
    expect(forAuthor.payload).toMatchObject({
      url: `/submissions/${submission.id}#comment-${comment.id}`,
      title: submission.title,
      actorName: "Ελένη Σχολιάστρια",
      alignment: "against",
      commentId: comment.id,
    });
    expect(await notificationsOf(commenter.id)).toEqual([]);
  });

  it("tells the parent's author about a reply (once, even if they also follow), and the submission's followers", async () => {
    const { author, submission } = await setup();
    await handleNotifyJob(prisma(), "submission.created", { submissionId: submission.id });
    const first = await user("Θανάσης");
    const replier = await user("Ιωάννα");
    await follow(prisma(), first.id, { targetType: "submission", targetId: submission.id });
    const parent = await createComment(prisma(), { authorId: first.id, submissionId: submission.id });
    const reply = await createComment(prisma(), {
      authorId: replier.id,
      submissionId: submission.id,
      parentId: parent.id,
      depth: 2,
      alignment: "in_favour",
    });

    const created = await handleNotifyJob(prisma(), "comment.created", { commentId: reply.id });
    const byUser = Object.fromEntries(created.map((n) => [n.userId, n.type]));
    // The submission's author hears as a follower: a reply is not a comment on their submission itself.
    expect(byUser).toEqual({ [first.id]: "reply", [author.id]: "followed_submission_comment" });
    expect((await notificationsOf(first.id)).map((n) => n.type)).toEqual(["reply"]);
    expect(await notificationsOf(replier.id)).toEqual([]);
  });

  it("does not notify someone who replies to their own comment", async () => {
    const { author, submission } = await setup();
    const commenter = await user();
    const parent = await createComment(prisma(), { authorId: commenter.id, submissionId: submission.id });
    const ownReply = await createComment(prisma(), {
      authorId: commenter.id,
      submissionId: submission.id,
      parentId: parent.id,
      depth: 2,
    });
    expect(await handleNotifyJob(prisma(), "comment.created", { commentId: ownReply.id })).toEqual([]);
    expect(await notificationsOf(commenter.id)).toEqual([]);
    expect(await notificationsOf(author.id)).toEqual([]);
  });

  it("does not notify the author about their own comment on their submission", async () => {
    const { author, submission } = await setup();
    await handleNotifyJob(prisma(), "submission.created", { submissionId: submission.id });
    const comment = await createComment(prisma(), { authorId: author.id, submissionId: submission.id });
    expect(await handleNotifyJob(prisma(), "comment.created", { commentId: comment.id })).toEqual([]);
  });

  it("skips an erased parent author and an erased submission author", async () => {
    const { author, submission } = await setup();
    const first = await user();
    const replier = await user();
    const parent = await createComment(prisma(), { authorId: first.id, submissionId: submission.id });
    await erase(first.id);
    await erase(author.id);
    const reply = await createComment(prisma(), {
      authorId: replier.id,
      submissionId: submission.id,
      parentId: parent.id,
      depth: 2,
    });
    const topLevel = await createComment(prisma(), { authorId: replier.id, submissionId: submission.id });
    expect(await handleNotifyJob(prisma(), "comment.created", { commentId: reply.id })).toEqual([]);
    expect(await handleNotifyJob(prisma(), "comment.created", { commentId: topLevel.id })).toEqual([]);
  });

  it("on a document article notifies only the parent's author, with a link to the article", async () => {
    const { staff, consultation } = await setup();
    const article = await createArticle(prisma(), { consultationId: consultation.id, number: 3 });
    const consultationFollower = await user();
    await follow(prisma(), consultationFollower.id, {
      targetType: "consultation",
      targetId: consultation.id,
    });
    const first = await user();
    const replier = await user("Κώστας");
    const parent = await createComment(prisma(), { authorId: first.id, articleId: article.id });
    expect(await handleNotifyJob(prisma(), "comment.created", { commentId: parent.id })).toEqual([]);

    const reply = await createComment(prisma(), {
      authorId: replier.id,
      articleId: article.id,
      parentId: parent.id,
      depth: 2,
    });
    const created = await handleNotifyJob(prisma(), "comment.created", { commentId: reply.id });
    expect(created.map((n) => [n.userId, n.type])).toEqual([[first.id, "reply"]]);
    const [row] = await notificationsOf(first.id);
    expect(row.payload).toMatchObject({
      url: `/consultations/${consultation.slug}/articles/3#comment-${reply.id}`,
      title: "Άρθρο 3",
      actorName: "Κώστας",
      articleNumber: 3,
    });
    expect(await notificationsOf(consultationFollower.id)).toEqual([]);
    expect(await notificationsOf(staff.id)).toEqual([]);
  });

  it("announces nothing about a hidden comment or a comment on a hidden submission", async () => {
    const { author, submission } = await setup();
    const commenter = await user();
    const hidden = await createComment(prisma(), { authorId: commenter.id, submissionId: submission.id });
    await prisma().comment.update({ where: { id: hidden.id }, data: { status: "hidden" } });
    expect(await handleNotifyJob(prisma(), "comment.created", { commentId: hidden.id })).toEqual([]);

    const comment = await createComment(prisma(), { authorId: commenter.id, submissionId: submission.id });
    await prisma().submission.update({ where: { id: submission.id }, data: { status: "hidden" } });
    expect(await handleNotifyJob(prisma(), "comment.created", { commentId: comment.id })).toEqual([]);
    expect(await notificationsOf(author.id)).toEqual([]);
  });
});

describe("support.milestone and submission.status", () => {
  it("tells the author that their proposal reached a milestone, once per milestone", async () => {
    const { author, submission } = await setup();
    const ten = await handleNotifyJob(prisma(), "support.milestone", {
      submissionId: submission.id,
      count: 10,
    });
    const tenAgain = await handleNotifyJob(prisma(), "support.milestone", {
      submissionId: submission.id,
      count: 10,
    });
    const fifty = await handleNotifyJob(prisma(), "support.milestone", {
      submissionId: submission.id,
      count: 50,
    });
    expect(ten.map((n) => [n.userId, n.type])).toEqual([[author.id, "support_milestone"]]);
    expect(tenAgain).toEqual([]);
    expect(fifty).toHaveLength(1);
    const rows = await notificationsOf(author.id);
    expect(rows.map((r) => (r.payload as { count: number }).count).sort((a, b) => a - b)).toEqual([10, 50]);
    expect(rows[0].payload).toMatchObject({ url: `/submissions/${submission.id}`, title: submission.title });
  });

  it("tells the author about a status change; each status event (by job id) once", async () => {
    const { author, submission } = await setup();
    const hidden = await processNotifyJob(prisma(), {
      id: `notify.submission-status.${submission.id}.1`,
      name: "submission.status",
      data: { submissionId: submission.id, status: "hidden" },
    });
    const republished = await processNotifyJob(prisma(), {
      id: `notify.submission-status.${submission.id}.2`,
      name: "submission.status",
      data: { submissionId: submission.id, status: "published" },
    });
    const hiddenAgain = await processNotifyJob(prisma(), {
      id: `notify.submission-status.${submission.id}.3`,
      name: "submission.status",
      data: { submissionId: submission.id, status: "hidden" },
    });
    const retried = await processNotifyJob(prisma(), {
      id: `notify.submission-status.${submission.id}.3`,
      name: "submission.status",
      data: { submissionId: submission.id, status: "hidden" },
    });
    expect([hidden, republished, hiddenAgain, retried].map((r) => r.notified)).toEqual([1, 1, 1, 0]);
    const rows = await notificationsOf(author.id);
    expect(rows.every((r) => r.type === "status_changed")).toBe(true);
    expect(rows.map((r) => (r.payload as { status: string }).status).sort()).toEqual([
      "hidden",
      "hidden",
      "published",
    ]);
  });

  it("does not notify an erased author", async () => {
    const { author, submission } = await setup();
    await erase(author.id);
    expect(
      await handleNotifyJob(prisma(), "submission.status", { submissionId: submission.id, status: "hidden" }),
    ).toEqual([]);
    expect(
      await handleNotifyJob(prisma(), "support.milestone", { submissionId: submission.id, count: 100 }),
    ).toEqual([]);
  });
});

describe("invalid jobs", () => {
  it("refuses bad payloads and unknown job names; the worker wrapper makes them unrecoverable", async () => {
    await expect(handleNotifyJob(prisma(), "comment.created", { commentId: "nope" })).rejects.toBeInstanceOf(
      InvalidJobPayload,
    );
    await expect(handleNotifyJob(prisma(), "something.else", {})).rejects.toBeInstanceOf(InvalidJobPayload);
    await expect(
      processNotifyJob(prisma(), { id: "x", name: "support.milestone", data: { submissionId: "x" } }),
    ).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it("writes nothing for a submission or comment that does not exist", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    expect(await handleNotifyJob(prisma(), "submission.created", { submissionId: missing })).toEqual([]);
    expect(await handleNotifyJob(prisma(), "comment.created", { commentId: missing })).toEqual([]);
  });
});
