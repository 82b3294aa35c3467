/**
 * Moderation against a real PostgreSQL and Redis: automatic hiding at the flag threshold, hide/restore with
 * exact counts, merging (supports and followers carried over once), moving, title edits, locks, blocks (content
 * hidden, login refused), appeals (second-moderator rule), the append-only log, transparency counts, claims,
 * and the messages each decision sends.
 */
import type { Redis } from "ioredis";
import { correctLabel } from "~/domain/analysis/labels.server.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login } from "~/domain/accounts/accounts.server.ts";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import { hashPassword } from "~/domain/accounts/password.server.ts";
import { createComment } from "~/domain/comments/comments.server.ts";
import {
  appeal,
  approveSubmission,
  blockUser,
  claimItem,
  decideAppeal,
  dismissFlags,
  editTitle,
  flagContent,
  getModerationSettings,
  hideContent,
  listModerationLog,
  lockThread,
  mergeSubmissions,
  MODERATION_NOTIFICATION_TYPE,
  moderationNoticeText,
  moderationQueue,
  moveSubmission,
  rejectSubmission,
  releaseClaim,
  restoreContent,
  transparencyCounts,
  unblockUser,
  unlockThread,
} from "~/domain/moderation/moderation.server.ts";
import { getSubmissionPage, supportSubmission } from "~/domain/submissions/submissions.server.ts";
import type { PrismaClient } from "~/generated/prisma/client.ts";
import { createT } from "~/i18n/i18n.ts";
import { sendMailPayloadSchema } from "~/jobs/queues.server.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { RateLimited } from "~/utils/errors.server.ts";
import { newId } from "~/utils/ids.ts";
import { closeReadPool } from "~/utils/sql.server.ts";
import { renderMail } from "../../../workers/mail.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createRedis, useTestRedis } from "../../helpers/redis.ts";
import {
  errorOf,
  expectError,
  makeActor,
  makeComment,
  makeConsultation,
  makeSubmission,
  setEnv,
} from "./fixtures.ts";
import { insertAnalysis } from "../analysis-people/fixtures.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const db = (): PrismaClient => testDb().prisma;

let redis: Redis;
let directorate: CurrentUser;
let mod1: CurrentUser;
let mod2: CurrentUser;
let author: CurrentUser;
let consultationId: string;
const why = { reasonCode: "offensive", message: "Παραβίαση του κανόνα 3 των όρων χρήσης." };

beforeAll(async () => {
  setEnv(testDb().url, testRedis);
  redis = createRedis();
  directorate = await makeActor(db(), ["directorate"]);
  mod1 = await makeActor(db(), ["citizen", "moderator"]);
  mod2 = await makeActor(db(), ["citizen", "moderator"]);
  author = await makeActor(db());
  consultationId = await makeConsultation(db(), directorate.id);
});

afterAll(async () => {
  redis?.disconnect();
  closePublisher();
  await closeReadPool();
  await getDb().$disconnect();
});

const submissionCount = async (id = consultationId) =>
  (await db().consultation.findUniqueOrThrow({ where: { id } })).submissionCount;
const submission = (id: string) => db().submission.findUniqueOrThrow({ where: { id } });
const noticesOf = (userId: string) =>
  db().notification.findMany({
    where: { userId, type: MODERATION_NOTIFICATION_TYPE },
    orderBy: { createdAt: "asc" },
  });

describe("flags and automatic hiding", () => {
  it("reads the threshold from settings, with a default of 3", async () => {
    expect(await getModerationSettings(db())).toEqual({
      autoHideFlags: 3,
      flagsPerHour: 30,
      // The posting limits default to the environment's (set by fixtures.ts).
      submissionsPerHour: 10_000,
      commentsPerHour: 10_000,
      claimMinutes: 5,
    });
    await db().setting.create({ data: { key: "moderation.autoHideFlags", value: "nonsense" } });
    expect((await getModerationSettings(db())).autoHideFlags).toBe(3);
    await db().setting.update({ where: { key: "moderation.autoHideFlags" }, data: { value: "5" } });
    expect((await getModerationSettings(db())).autoHideFlags).toBe(5);
    await db().setting.update({ where: { key: "moderation.autoHideFlags" }, data: { value: 3 } });
    expect((await getModerationSettings(db())).autoHideFlags).toBe(3);
  });

  it("hides a submission at the third distinct flag, with counts exact and the author told", async () => {
    const id = await makeSubmission(db(), author, consultationId);
    const before = await submissionCount();
    const [f1, f2, f3] = [await makeActor(db()), await makeActor(db()), await makeActor(db())];
    const flag = (who: CurrentUser) =>
      flagContent(db(), who, { targetType: "submission", targetId: id, reason: "spam" });
    expect(await flag(f1)).toMatchObject({ openFlags: 1, autoHidden: false });
    // The same person again is refused and does not count twice.
    await expectError(flag(f1), "moderation.errors.alreadyFlagged");
    expect(await flag(f2)).toMatchObject({ openFlags: 2, autoHidden: false });
    expect((await submission(id)).status).toBe("published");
    expect(await flag(f3)).toMatchObject({ openFlags: 3, autoHidden: true });
    const row = await submission(id);
    expect(row.status).toBe("hidden");
    expect(row.hiddenAt).not.toBeNull();
    expect(await submissionCount()).toBe(before - 1);
    // No person decided this: nothing in the log, the flags stay open for the queue.
    expect(await db().moderationAction.count({ where: { targetId: id } })).toBe(0);
    expect(await db().flag.count({ where: { targetId: id, status: "open" } })).toBe(3);
    const notices = await noticesOf(author.id);
    expect(notices.at(-1)?.payload).toMatchObject({ status: "auto_hidden", url: `/submissions/${id}` });
    // Hidden content can no longer be flagged.
    await expectError(flag(await makeActor(db())), "moderation.errors.notFound");
  });

  it("hides a comment at the threshold and keeps the submission's comment count exact", async () => {
    const sub = await makeSubmission(db(), author, consultationId);
    const other = await makeActor(db());
    const commentId = await makeComment(db(), other, sub);
    await makeComment(db(), author, sub);
    expect((await submission(sub)).commentCount).toBe(2);
    for (let i = 0; i < 3; i += 1) {
      await flagContent(db(), await makeActor(db()), {
        targetType: "comment",
        targetId: commentId,
        reason: "offensive",
      });
    }
    expect((await db().comment.findUniqueOrThrow({ where: { id: commentId } })).status).toBe("hidden");
    expect((await submission(sub)).commentCount).toBe(1);
  });

  it("limits how many flags one participant files per hour (admin setting)", async () => {
    await db().setting.create({ data: { key: "moderation.flagsPerHour", value: 2 } });
    try {
      const eager = await makeActor(db());
      const flag = async () =>
        flagContent(db(), eager, {
          targetType: "submission",
          targetId: await makeSubmission(db(), author, consultationId),
          reason: "spam",
        });
      await flag();
      await flag();
      const error = await errorOf(flag());
      expect(error).toBeInstanceOf(RateLimited);
    } finally {
      await db().setting.delete({ where: { key: "moderation.flagsPerHour" } });
    }
  });

  it("validates flags: 'other' needs a text; unknown targets, own content and visitors are refused", async () => {
    const id = await makeSubmission(db(), author, consultationId);
    const flagger = await makeActor(db());
    await expectError(
      flagContent(db(), flagger, { targetType: "submission", targetId: id, reason: "other" }),
      "moderation.errors.textRequired",
      "text",
    );
    await expectError(
      flagContent(db(), flagger, { targetType: "submission", targetId: newId(), reason: "spam" }),
      "moderation.errors.notFound",
    );
    await expectError(
      flagContent(db(), flagger, { targetType: "article" as never, targetId: id, reason: "spam" }),
      "moderation.errors.invalidTarget",
      "targetType",
    );
    await expectError(
      flagContent(db(), author, { targetType: "submission", targetId: id, reason: "spam" }),
      "moderation.errors.cannotFlag",
    );
    await expectError(
      flagContent(db(), null, { targetType: "submission", targetId: id, reason: "spam" }),
      "moderation.errors.signInToFlag",
    );
    const ok = await flagContent(db(), flagger, {
      targetType: "user",
      targetId: author.id,
      reason: "other",
      text: "Στέλνει διαφημίσεις σε όλες τις διαβουλεύσεις.",
    });
    expect(ok.autoHidden).toBe(false);
  });
});

describe("hide and restore", () => {
  it("hides and restores with exact counts, upholding then dismissing flags", async () => {
    const id = await makeSubmission(db(), author, consultationId);
    const before = await submissionCount();
    await flagContent(db(), await makeActor(db()), {
      targetType: "submission",
      targetId: id,
      reason: "spam",
    });
    const { actionId } = await hideContent(db(), mod1, { targetType: "submission", targetId: id, ...why });
    expect(await submissionCount()).toBe(before - 1);
    expect(await db().flag.count({ where: { targetId: id, status: "upheld" } })).toBe(1);
    await expectError(
      hideContent(db(), mod1, { targetType: "submission", targetId: id, ...why }),
      "moderation.errors.notHideable",
    );
    const log = await db().moderationAction.findUniqueOrThrow({ where: { id: actionId } });
    expect(log).toMatchObject({
      action: "hide",
      reasonCode: "offensive",
      message: why.message,
      moderatorId: mod1.id,
    });
    // The author hears in-app and by e-mail (outbox), and followers through the notify queue.
    expect((await noticesOf(author.id)).at(-1)?.payload).toMatchObject({ status: "hide", actionId });
    expect(await db().outboxEvent.count({ where: { key: `mail:moderation-${actionId}` } })).toBe(1);
    expect(
      await db().outboxEvent.count({ where: { key: `notify:submission-status:${id}:${actionId}` } }),
    ).toBe(1);

    await restoreContent(db(), mod2, {
      targetType: "submission",
      targetId: id,
      reasonCode: "flags_unfounded",
    });
    expect((await submission(id)).status).toBe("published");
    expect((await submission(id)).hiddenAt).toBeNull();
    expect(await submissionCount()).toBe(before);
    await expectError(
      restoreContent(db(), mod2, { targetType: "submission", targetId: id, reasonCode: "other" }),
      "moderation.errors.notHidden",
    );
  });

  it("confirms an automatic hide without counting it twice", async () => {
    const id = await makeSubmission(db(), author, consultationId);
    for (let i = 0; i < 3; i += 1) {
      await flagContent(db(), await makeActor(db()), {
        targetType: "submission",
        targetId: id,
        reason: "spam",
      });
    }
    const before = await submissionCount();
    await hideContent(db(), mod1, { targetType: "submission", targetId: id, reasonCode: "spam" });
    expect(await submissionCount()).toBe(before);
    expect(await db().flag.count({ where: { targetId: id, status: "upheld" } })).toBe(3);
  });

  it("refuses an unknown reason code and an over-long message with field errors", async () => {
    const id = await makeSubmission(db(), author, consultationId);
    await expectError(
      hideContent(db(), mod1, { targetType: "submission", targetId: id, reasonCode: "whim" as never }),
      "moderation.errors.invalidReasonCode",
      "reasonCode",
    );
    await expectError(
      hideContent(db(), mod1, {
        targetType: "submission",
        targetId: id,
        reasonCode: "spam",
        message: "x".repeat(2001),
      }),
      "moderation.errors.messageTooLong",
      "message",
    );
  });

  it("dismisses open flags and says so when there are none", async () => {
    const id = await makeSubmission(db(), author, consultationId);
    await flagContent(db(), await makeActor(db()), {
      targetType: "submission",
      targetId: id,
      reason: "spam",
    });
    const { dismissed } = await dismissFlags(db(), mod1, {
      targetType: "submission",
      targetId: id,
      reasonCode: "flags_unfounded",
    });
    expect(dismissed).toBe(1);
    await expectError(
      dismissFlags(db(), mod1, { targetType: "submission", targetId: id, reasonCode: "flags_unfounded" }),
      "moderation.errors.noOpenFlags",
    );
  });
});

describe("lock, move and title edits", () => {
  it("locks a thread against new comments and unlocks it", async () => {
    const id = await makeSubmission(db(), author, consultationId);
    await lockThread(db(), mod1, { submissionId: id, ...why });
    await expectError(
      createComment(db(), await makeActor(db()), { submissionId: id }, { body: "Ένα σχόλιο ακόμη." }),
      "comments.errors.locked",
    );
    await expectError(
      lockThread(db(), mod1, { submissionId: id, ...why }),
      "moderation.errors.alreadyLocked",
    );
    await unlockThread(db(), mod2, { submissionId: id, reasonCode: "other" });
    await makeComment(db(), await makeActor(db()), id);
  });

  it("moves a submission and adjusts both consultations' counts", async () => {
    const other = await makeConsultation(db(), directorate.id);
    const id = await makeSubmission(db(), author, consultationId);
    const [a, b] = [await submissionCount(), await submissionCount(other)];
    await moveSubmission(db(), mod1, {
      submissionId: id,
      consultationId: other,
      reasonCode: "wrong_consultation",
    });
    expect((await submission(id)).consultationId).toBe(other);
    expect([await submissionCount(), await submissionCount(other)]).toEqual([a - 1, b + 1]);
    await expectError(
      moveSubmission(db(), mod1, { submissionId: id, consultationId: other, reasonCode: "other" }),
      "moderation.errors.sameConsultation",
      "consultationId",
    );
    const draft = await makeConsultation(db(), directorate.id, "draft");
    await expectError(
      moveSubmission(db(), mod1, { submissionId: id, consultationId: draft, reasonCode: "other" }),
      "moderation.errors.consultationNotFound",
      "consultationId",
    );
  });

  it("edits a title and keeps the author's original once", async () => {
    const id = await makeSubmission(db(), author, consultationId);
    const original = (await submission(id)).title;
    await editTitle(db(), mod1, {
      submissionId: id,
      title: "Κέντρο ημέρας στη γειτονιά",
      reasonCode: "personal_data",
    });
    await editTitle(db(), mod2, {
      submissionId: id,
      title: "Κέντρο ημέρας για ηλικιωμένους",
      reasonCode: "other",
    });
    const row = await submission(id);
    expect(row.title).toBe("Κέντρο ημέρας για ηλικιωμένους");
    expect(row.originalTitle).toBe(original);
    await expectError(
      editTitle(db(), mod1, { submissionId: id, title: "abc", reasonCode: "other" }),
      "moderation.errors.titleTooShort",
      "title",
    );
  });
});

describe("pre-moderation", () => {
  it("publishes an approved submission and hides a rejected one, which its author may appeal", async () => {
    const pre = await makeConsultation(db(), directorate.id);
    await db().consultation.update({ where: { id: pre }, data: { preModeration: true } });
    const [x, y] = [await makeSubmission(db(), author, pre), await makeSubmission(db(), author, pre)];
    expect((await submission(x)).status).toBe("pending_review");
    expect(await submissionCount(pre)).toBe(0);
    await approveSubmission(db(), mod1, { submissionId: x, reasonCode: "approved" });
    expect((await submission(x)).status).toBe("published");
    expect(await submissionCount(pre)).toBe(1);
    expect(await db().outboxEvent.count({ where: { key: `notify:submission-created:${x}` } })).toBe(1);
    await expectError(
      approveSubmission(db(), mod1, { submissionId: x, reasonCode: "approved" }),
      "moderation.errors.notPending",
    );
    const { actionId } = await rejectSubmission(db(), mod1, { submissionId: y, reasonCode: "off_topic" });
    expect((await submission(y)).status).toBe("hidden");
    expect(await submissionCount(pre)).toBe(1);
    const { appealId } = await appeal(db(), author, { actionId, text: "Η πρότασή μου αφορά το θέμα." });
    await decideAppeal(db(), mod2, { appealId, uphold: true, reason: "Είναι εντός θέματος." });
    expect((await submission(y)).status).toBe("published");
    expect(await submissionCount(pre)).toBe(2);
  });
});

describe("merging duplicates", () => {
  it("carries supports and followers over once and keeps every count exact", async () => {
    const targetAuthor = await makeActor(db());
    const source = await makeSubmission(db(), author, consultationId);
    const target = await makeSubmission(db(), targetAuthor, consultationId);
    const [a, b, c, d] = [
      await makeActor(db()),
      await makeActor(db()),
      await makeActor(db()),
      await makeActor(db()),
    ];
    // Source: a, b, c and the target's own author; target: b, d. b supports both.
    for (const who of [a, b, c, targetAuthor]) await supportSubmission(db(), who, source);
    for (const who of [b, d]) await supportSubmission(db(), who, target);
    for (const who of [a, c]) {
      await db().follow.create({
        data: { id: newId(), userId: who.id, targetType: "submission", targetId: source },
      });
    }
    await db().follow.create({
      data: { id: newId(), userId: a.id, targetType: "submission", targetId: target },
    });
    const before = await submissionCount();

    const result = await mergeSubmissions(db(), mod1, {
      sourceId: source,
      targetId: target,
      reasonCode: "duplicate",
    });
    // a and c are new; b was there already; the target's author cannot support their own proposal.
    expect(result).toMatchObject({ supportsAdded: 2, followsAdded: 1, supportCount: 4 });
    const t = await submission(target);
    expect(t.supportCount).toBe(4);
    expect(await db().support.count({ where: { submissionId: target } })).toBe(4);
    const s = await submission(source);
    expect(s).toMatchObject({ status: "merged", mergedIntoId: target });
    expect(await submissionCount()).toBe(before - 1);
    const followers = await db().follow.findMany({ where: { targetType: "submission", targetId: target } });
    expect(followers.map((f) => f.userId).sort()).toEqual([a.id, c.id].sort());
    // The merged one redirects; both authors are told.
    expect(await getSubmissionPage(db(), source, null)).toMatchObject({
      redirectTo: `/submissions/${target}`,
    });
    expect((await noticesOf(author.id)).at(-1)?.payload).toMatchObject({ status: "merge" });
    expect((await noticesOf(targetAuthor.id)).at(-1)?.payload).toMatchObject({ status: "merge" });
    // The notifications list renders the notice in the reader's language.
    const notice = moderationNoticeText(createT("en"), "en", (await noticesOf(author.id)).at(-1)?.payload);
    expect(notice).toMatchObject({
      summary: `Your submission “${s.title}” was merged into the similar submission “${t.title}”; its supporters and followers were carried over.`,
      reason: "Duplicate of another submission",
      message: "",
      actionId: result.actionId,
    });
    expect(moderationNoticeText(createT("en"), "en", { nonsense: true })).toBeNull();
    // Merging again, or into a merged one, is refused.
    await expectError(
      mergeSubmissions(db(), mod1, { sourceId: source, targetId: target, reasonCode: "duplicate" }),
      "moderation.errors.mergeNotPublished",
    );
  });

  it("refuses merging across consultations and into itself", async () => {
    const other = await makeConsultation(db(), directorate.id);
    const x = await makeSubmission(db(), author, consultationId);
    const y = await makeSubmission(db(), await makeActor(db()), other);
    await expectError(
      mergeSubmissions(db(), mod1, { sourceId: x, targetId: y, reasonCode: "duplicate" }),
      "moderation.errors.mergeOtherConsultation",
      "targetId",
    );
    await expectError(
      mergeSubmissions(db(), mod1, { sourceId: x, targetId: x, reasonCode: "duplicate" }),
      "moderation.errors.mergeIntoItself",
      "targetId",
    );
  });
});

describe("blocking", () => {
  const password = "ένας πολύ καλός κωδικός 42";
  let ip = 0;
  const tryLogin = (email: string) => {
    ip += 1;
    return login({ db: db(), redis }, { email, password }, { ip: `203.0.113.${ip}` });
  };

  it("hides the user's content, ends their sessions and refuses login with a clear message", async () => {
    const user = await makeActor(db(), ["citizen"], { passwordHash: await hashPassword(password) });
    const s1 = await makeSubmission(db(), user, consultationId);
    const s2 = await makeSubmission(db(), user, consultationId);
    const host = await makeSubmission(db(), author, consultationId);
    const comment = await makeComment(db(), user, host);
    await tryLogin(user.email);
    const before = await submissionCount();
    const comments = (await submission(host)).commentCount;

    const until = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    const result = await blockUser(db(), mod1, { userId: user.id, endsAt: until, hideContent: true, ...why });
    expect(result).toMatchObject({ hiddenSubmissions: 2, hiddenComments: 1 });
    expect((await submission(s1)).status).toBe("hidden");
    expect((await submission(s2)).status).toBe("hidden");
    expect((await db().comment.findUniqueOrThrow({ where: { id: comment } })).status).toBe("hidden");
    expect(await submissionCount()).toBe(before - 2);
    expect((await submission(host)).commentCount).toBe(comments - 1);
    expect(await db().session.count({ where: { userId: user.id } })).toBe(0);
    await expectError(tryLogin(user.email), "accounts.errors.blockedUntil");
    await expectError(blockUser(db(), mod2, { userId: user.id, ...why }), "moderation.errors.alreadyBlocked");
    // The e-mail carries the decision, the rule and the message, in the user's language.
    const mail = await db().outboxEvent.findUniqueOrThrow({
      where: { key: `mail:moderation-${result.actionId}` },
    });
    const rendered = renderMail(sendMailPayloadSchema.parse(mail.payload));
    expect(rendered.text).toContain("αποκλείστηκε έως");
    expect(rendered.text).toContain("Προσβλητικός ή υβριστικός λόγος");
    expect(rendered.text).toContain(why.message);

    const lifted = await unblockUser(db(), mod2, { userId: user.id, reasonCode: "other" });
    expect(lifted).toMatchObject({ submissionsRestored: 2, commentsRestored: 1 });
    expect(await submissionCount()).toBe(before);
    expect((await submission(host)).commentCount).toBe(comments);
    await tryLogin(user.email);
    await expectError(
      unblockUser(db(), mod2, { userId: user.id, reasonCode: "other" }),
      "moderation.errors.notBlocked",
    );
  });

  it("says 'blocked' without a date for an indefinite block, and refuses a past end date", async () => {
    const user = await makeActor(db(), ["citizen"], { passwordHash: await hashPassword(password) });
    await expectError(
      blockUser(db(), mod1, { userId: user.id, endsAt: new Date(Date.now() - 1000), ...why }),
      "moderation.errors.endInPast",
      "endsAt",
    );
    await blockUser(db(), mod1, { userId: user.id, ...why });
    await expectError(tryLogin(user.email), "accounts.errors.blocked");
  });
});

describe("appeals", () => {
  const text = "Η συμμετοχή μου δεν περιέχει τίποτα προσβλητικό.";

  it("lets the author appeal once; only another moderator decides; upholding restores the content", async () => {
    const id = await makeSubmission(db(), author, consultationId);
    const before = await submissionCount();
    const { actionId } = await hideContent(db(), mod1, { targetType: "submission", targetId: id, ...why });
    await expectError(
      appeal(db(), await makeActor(db()), { actionId, text }),
      "moderation.errors.actionNotFound",
    );
    await expectError(
      appeal(db(), author, { actionId, text: "όχι" }),
      "moderation.errors.appealTooShort",
      "text",
    );
    const { appealId } = await appeal(db(), author, { actionId, text });
    await expectError(appeal(db(), author, { actionId, text }), "moderation.errors.alreadyAppealed");

    await expectError(
      decideAppeal(db(), mod1, { appealId, uphold: true, reason: "Το ξανασκέφτηκα." }),
      "moderation.errors.ownDecision",
    );
    const decision = await decideAppeal(db(), mod2, {
      appealId,
      uphold: true,
      reason: "Δεν παραβιάζει τους όρους.",
    });
    expect(decision.status).toBe("upheld");
    expect((await submission(id)).status).toBe("published");
    expect(await submissionCount()).toBe(before);
    expect(await db().appeal.findUniqueOrThrow({ where: { id: appealId } })).toMatchObject({
      status: "upheld",
      decidedById: mod2.id,
      decisionReason: "Δεν παραβιάζει τους όρους.",
    });
    const log = await db().moderationAction.findUniqueOrThrow({ where: { id: decision.actionId } });
    expect(log).toMatchObject({ action: "appeal_upheld", moderatorId: mod2.id, targetId: id });
    expect((await noticesOf(author.id)).at(-1)?.payload).toMatchObject({ status: "appeal_upheld" });
    await expectError(
      decideAppeal(db(), mod2, { appealId, uphold: false, reason: "Ξανά." }),
      "moderation.errors.alreadyDecided",
    );
  });

  it("lets a blocked user appeal; rejecting keeps the block and tells them", async () => {
    const user = await makeActor(db());
    const { actionId } = await blockUser(db(), mod1, { userId: user.id, ...why });
    const { appealId } = await appeal(db(), user, { actionId, text });
    const decision = await decideAppeal(db(), mod2, { appealId, uphold: false, reason: "Ο κανόνας ισχύει." });
    expect(decision.status).toBe("rejected");
    expect(await db().userBlock.count({ where: { userId: user.id, liftedAt: null } })).toBe(1);
    expect((await noticesOf(user.id)).at(-1)?.payload).toMatchObject({
      status: "appeal_rejected",
      message: "Ο κανόνας ισχύει.",
    });
  });

  it("upholding a block appeal lifts it", async () => {
    const user = await makeActor(db());
    const { actionId } = await blockUser(db(), mod1, { userId: user.id, ...why });
    const { appealId } = await appeal(db(), user, { actionId, text });
    await decideAppeal(db(), mod2, { appealId, uphold: true, reason: "Λάθος πρόσωπο." });
    expect(await db().userBlock.count({ where: { userId: user.id, liftedAt: null } })).toBe(0);
  });

  it("takes form values: uphold as 'true'/'false', a missing answer is an error", async () => {
    const user = await makeActor(db());
    const { actionId } = await blockUser(db(), mod1, { userId: user.id, hideContent: "on", ...why });
    const { appealId } = await appeal(db(), user, { actionId, text });
    await expectError(
      decideAppeal(db(), mod2, { appealId, reason: "Χωρίς απάντηση." }),
      "moderation.errors.invalidDecision",
      "uphold",
    );
    expect(await decideAppeal(db(), mod2, { appealId, uphold: "false", reason: "Ισχύει." })).toMatchObject({
      status: "rejected",
    });
  });

  it("refuses appeals on decisions that cannot be appealed or no longer apply", async () => {
    const id = await makeSubmission(db(), author, consultationId);
    const { actionId: lock } = await lockThread(db(), mod1, { submissionId: id, ...why });
    await expectError(appeal(db(), author, { actionId: lock, text }), "moderation.errors.notAppealable");
    const { actionId: hide } = await hideContent(db(), mod1, {
      targetType: "submission",
      targetId: id,
      ...why,
    });
    await restoreContent(db(), mod2, { targetType: "submission", targetId: id, reasonCode: "other" });
    await expectError(appeal(db(), author, { actionId: hide, text }), "moderation.errors.nothingToAppeal");
  });
});

describe("the log and transparency", () => {
  it("is append-only: updates and deletes fail", async () => {
    const row = await db().moderationAction.findFirstOrThrow();
    await expect(
      db().$executeRaw`UPDATE "ModerationAction" SET "reasonCode" = 'other' WHERE id = ${row.id}`,
    ).rejects.toThrow();
    await expect(db().$executeRaw`DELETE FROM "ModerationAction" WHERE id = ${row.id}`).rejects.toThrow();
    expect((await db().moderationAction.findUniqueOrThrow({ where: { id: row.id } })).reasonCode).toBe(
      row.reasonCode,
    );
  });

  it("filters by moderator, action and period, for moderators and admins only", async () => {
    const mine = await listModerationLog(db(), mod2, { moderatorId: mod2.id });
    expect(mine.total).toBeGreaterThan(0);
    expect(mine.items.every((i) => i.moderatorId === mod2.id)).toBe(true);
    const merges = await listModerationLog(db(), mod1, { action: "merge" });
    expect(merges.items.every((i) => i.action === "merge")).toBe(true);
    expect(merges.total).toBe(await db().moderationAction.count({ where: { action: "merge" } }));
    // Empty form fields mean no filter; a bad value is a clear error.
    expect(
      (await listModerationLog(db(), mod1, { moderatorId: "", action: "", from: "", page: "" })).total,
    ).toBe(await db().moderationAction.count());
    await expectError(
      listModerationLog(db(), mod1, { action: "nap" }),
      "moderation.errors.invalidFilter",
      "action",
    );
    const future = await listModerationLog(db(), mod1, { from: new Date(Date.now() + 3600_000) });
    expect(future.total).toBe(0);
    const admin = await makeActor(db(), ["admin"]);
    expect((await listModerationLog(db(), admin, {})).total).toBe(await db().moderationAction.count());
    expect((await errorOf(listModerationLog(db(), author, {}))).status).toBe(403);
    expect((await errorOf(listModerationLog(db(), directorate, {}))).status).toBe(403);
  });

  it("counts by action, reason and month without personal data", async () => {
    const counts = await transparencyCounts(db());
    const expected = await db().moderationAction.groupBy({ by: ["action"], _count: { _all: true } });
    expect(Object.fromEntries(counts.byAction.map((r) => [r.action, r.count]))).toEqual(
      Object.fromEntries(expected.map((r) => [r.action, r._count._all])),
    );
    const total = await db().moderationAction.count();
    expect(counts.byReason.reduce((n, r) => n + r.count, 0)).toBe(total);
    expect(counts.byMonth.reduce((n, r) => n + r.count, 0)).toBe(total);
    expect(counts.byMonth.every((r) => /^\d{4}-\d{2}$/.test(r.month))).toBe(true);
    expect(counts.flagsByReason.reduce((n, r) => n + r.count, 0)).toBe(await db().flag.count());
    const text = JSON.stringify(counts);
    for (const person of [mod1, mod2, author]) expect(text).not.toContain(person.id);
  });
});

describe("the queue", () => {
  it("lists flagged items by flag count, pending submissions and appeals, with claims and who may act", async () => {
    const many = await makeSubmission(db(), author, consultationId);
    const own = await makeSubmission(db(), mod1, consultationId);
    for (let i = 0; i < 2; i += 1) {
      await flagContent(db(), await makeActor(db()), {
        targetType: "submission",
        targetId: many,
        reason: "spam",
      });
    }
    await flagContent(db(), await makeActor(db()), {
      targetType: "submission",
      targetId: own,
      reason: "off_topic",
    });
    await claimItem(db(), mod2, { targetType: "submission", targetId: many });
    const pre = await makeConsultation(db(), directorate.id);
    await db().consultation.update({ where: { id: pre }, data: { preModeration: true } });
    const waiting = await makeSubmission(db(), author, pre);
    const hidden = await makeSubmission(db(), author, consultationId);
    const { actionId } = await hideContent(db(), mod1, {
      targetType: "submission",
      targetId: hidden,
      ...why,
    });
    const { appealId } = await appeal(db(), author, { actionId, text: "Δεν υπάρχει κάτι προσβλητικό εδώ." });

    const queue = await moderationQueue(db(), mod1);
    const ids = queue.flagged.map((f) => f.targetId);
    expect(ids.indexOf(many)).toBeLessThan(ids.indexOf(own));
    const counts = queue.flagged.map((f) => f.openFlags);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(queue.flagged.find((f) => f.targetId === many)).toMatchObject({
      openFlags: 2,
      reasons: ["spam"],
      canAct: true,
      hidden: false,
      url: `/submissions/${many}`,
      claim: { moderatorId: mod2.id },
    });
    expect(queue.flagged.find((f) => f.targetId === own)).toMatchObject({ canAct: false, claim: null });
    expect(queue.pending.find((p) => p.submissionId === waiting)).toMatchObject({ canAct: true });
    expect(queue.appeals.find((a) => a.appealId === appealId)).toMatchObject({ canDecide: false });
    const other = await moderationQueue(db(), mod2);
    expect(other.appeals.find((a) => a.appealId === appealId)).toMatchObject({ canDecide: true });
    expect((await errorOf(moderationQueue(db(), author))).status).toBe(403);
  });
});

describe("automatic flags", () => {
  it("lists published submissions the analysis judged off-topic until a person labels them or reports them", async () => {
    const spam = await makeSubmission(db(), author, consultationId);
    const fine = await makeSubmission(db(), author, consultationId);
    const reported = await makeSubmission(db(), author, consultationId);
    await insertAnalysis(db(), spam, { offTopic: true, offTopicConfidence: 0.93 });
    await insertAnalysis(db(), fine, { offTopic: false });
    await insertAnalysis(db(), reported, { offTopic: true, offTopicConfidence: 0.7 });
    await flagContent(db(), await makeActor(db()), {
      targetType: "submission",
      targetId: reported,
      reason: "spam",
    });

    const queue = await moderationQueue(db(), mod1);
    const auto = queue.autoFlagged.filter((a) => [spam, fine, reported].includes(a.submissionId));
    // The reported one is already in the reported list; the on-topic one is not flagged at all.
    expect(auto.map((a) => a.submissionId)).toEqual([spam]);
    expect(auto[0]).toMatchObject({ confidence: 0.93, canAct: true, claim: null, authorId: author.id });
    expect(queue.flagged.map((f) => f.targetId)).toContain(reported);

    // A person's "not off-topic" label ends the automatic flag.
    await correctLabel(db(), mod1, spam, "off_topic", false);
    const after = await moderationQueue(db(), mod1);
    expect(after.autoFlagged.some((a) => a.submissionId === spam)).toBe(false);

    // Only the current version counts: an edit waits for its own analysis.
    const edited = await makeSubmission(db(), author, consultationId);
    await insertAnalysis(db(), edited, { offTopic: true });
    await db().submission.update({ where: { id: edited }, data: { version: 2 } });
    const later = await moderationQueue(db(), mod1);
    expect(later.autoFlagged.some((a) => a.submissionId === edited)).toBe(false);
  });
});

describe("claims", () => {
  it("locks an item to one moderator, renews it, lets an expired claim be taken over and released", async () => {
    const item = {
      targetType: "submission" as const,
      targetId: await makeSubmission(db(), author, consultationId),
    };
    expect(await claimItem(db(), mod1, item)).toMatchObject({ claimed: true });
    expect(await claimItem(db(), mod2, item)).toMatchObject({ claimed: false, moderatorId: mod1.id });
    expect(await claimItem(db(), mod1, item, 600)).toMatchObject({ claimed: true });
    await db().moderationClaim.update({
      where: { targetType_targetId: item },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await claimItem(db(), mod2, item)).toMatchObject({ claimed: true });
    expect(await releaseClaim(db(), mod1, item)).toBe(false);
    expect(await releaseClaim(db(), mod2, item)).toBe(true);
    expect((await errorOf(claimItem(db(), author, item))).status).toBe(403);
    // Two moderators claiming at the same moment: exactly one wins.
    const results = await Promise.all([claimItem(db(), mod1, item), claimItem(db(), mod2, item)]);
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    // Acting on the item releases its claim.
    await hideContent(db(), mod1, { ...item, ...why });
    expect(await db().moderationClaim.count({ where: item })).toBe(0);
  });
});
