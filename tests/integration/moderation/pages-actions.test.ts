/**
 * The moderation action pages on the real server, through their plain HTML forms: merge (found by link,
 * previewed, counts exact, the duplicate redirecting), move, title edit (original kept in the log), block and
 * unblock with content hidden and brought back, the admin settings (validated, audited, read by the posting
 * limiter), the notifications list wording moderation notices, and the signed appeal link of a blocked user
 * (works once; tampered or expired links refused). Moderators only (admins for settings): 403 for others;
 * moderators are refused on their own content with the reason shown.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import { hashPassword } from "~/domain/accounts/password.server.ts";
import { appealSecret, appealToken } from "~/domain/moderation/moderation.server.ts";
import { createSubmission, supportSubmission } from "~/domain/submissions/submissions.server.ts";
import moderationEl from "~/i18n/areas/moderation.el.json";
import moderationEn from "~/i18n/areas/moderation.en.json";
import notificationsEl from "~/i18n/areas/notifications.el.json";
import { closePublisher } from "~/realtime/publish.server.ts";
import { RateLimited } from "~/utils/errors.server.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { httpClient, html } from "../../helpers/http.ts";
import { findLink, isAddressedTo, waitForMail } from "../../helpers/mail.ts";
import { redisPrefix, redisUrl, useTestRedis } from "../../helpers/redis.ts";
import { startApp, startWorker, type RunningApp, type RunningWorker } from "../../helpers/server.ts";
import { errorOf, makeActor, makeConsultation, makeSubmission, setEnv } from "./fixtures.ts";

const testDb = useTestDatabase();
useTestRedis();

const el = moderationEl.moderation;
const en = moderationEn.moderation;
let app: RunningApp;
let worker: RunningWorker;
let moderator: CurrentUser;
let otherModerator: CurrentUser;
let citizen: CurrentUser;
let author: CurrentUser;
let admin: CurrentUser;
let consultationId: string;
let otherConsultationId: string;
const db = () => testDb().prisma;
const { cookiesOf: sessionOf, get, post } = httpClient(() => app.url, db);

async function statusOf(res: Response): Promise<number> {
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  setEnv(testDb().url, { url: redisUrl, prefix: redisPrefix });
  const directorate = await makeActor(db(), ["directorate"]);
  moderator = await makeActor(db(), ["citizen", "moderator"]);
  otherModerator = await makeActor(db(), ["citizen", "moderator"]);
  citizen = await makeActor(db());
  author = await makeActor(db());
  admin = await makeActor(db(), ["citizen", "admin"]);
  consultationId = await makeConsultation(db(), directorate.id);
  otherConsultationId = await makeConsultation(db(), directorate.id);
  app = await startApp({ databaseUrl: testDb().url });
  // The worker delivers the e-mails (outbox → mail queue → sink) to the app's mail dir.
  worker = await startWorker({ databaseUrl: testDb().url, mailDir: app.mailDir });
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await app?.stop();
  closePublisher();
});

describe("who may use the action pages", () => {
  it("refuses visitors, citizens, the directorate and admins the moderation pages, and non-admins the settings", async () => {
    const s = await makeSubmission(db(), author, consultationId);
    const directorate = await makeActor(db(), ["directorate"]);
    for (const user of [citizen, directorate, admin]) {
      const cookies = await sessionOf(user);
      for (const path of [`/moderation/submissions/${s}`, `/moderation/users/${author.id}`]) {
        expect(await statusOf(await get(path, cookies)), path).toBe(403);
        const res = await post(path, cookies, [
          ["intent", "editTitle"],
          ["title", "Ένας εντελώς νέος τίτλος εδώ"],
          ["reasonCode", "personal_data"],
        ]);
        expect(await statusOf(res), `POST ${path}`).toBe(403);
      }
    }
    // Visitors are sent to sign in.
    expect(await statusOf(await get(`/moderation/submissions/${s}`))).toBe(302);
    for (const user of [citizen, moderator]) {
      const cookies = await sessionOf(user);
      expect(await statusOf(await get("/admin/settings", cookies))).toBe(403);
      expect(await statusOf(await post("/admin/settings", cookies, [["autoHideFlags", "4"]]))).toBe(403);
    }
    expect((await db().submission.findUniqueOrThrow({ where: { id: s } })).title).not.toContain("εντελώς");
  });

  it("shows a moderator's own submission and account with the refusal instead of the forms, and refuses the post", async () => {
    const own = await makeSubmission(db(), moderator, consultationId);
    const cookies = await sessionOf(moderator);
    const page = await (await get(`/moderation/submissions/${own}`, cookies)).text();
    expect(page).toContain(html(el.submission.ownContent));
    expect(page).not.toContain(html(el.submission.editTitle.submit));
    const res = await post(`/moderation/submissions/${own}`, cookies, [
      ["intent", "editTitle"],
      ["title", "Ένας εντελώς νέος τίτλος εδώ"],
      ["reasonCode", "personal_data"],
    ]);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain(html(el.errors.ownContent));
    const me = await (await get(`/moderation/users/${moderator.id}`, cookies)).text();
    expect(me).toContain(html(el.user.ownAccount));
    const block = await post(`/moderation/users/${moderator.id}`, cookies, [
      ["intent", "block"],
      ["duration", "7"],
      ["reasonCode", "spam"],
    ]);
    expect(block.status).toBe(403);
    expect(await block.text()).toContain(html(el.errors.ownAccount));
  });
});

describe("merge", () => {
  it("previews both submissions from a pasted link, then merges with exact counts and the duplicate redirecting", async () => {
    const other = await makeActor(db());
    const source = await makeSubmission(db(), author, consultationId);
    const target = await makeSubmission(db(), other, consultationId);
    const [a, b, c] = [await makeActor(db()), await makeActor(db()), await makeActor(db())];
    // a and b support the duplicate; b and c the target (b must count once); the target's author supports
    // the duplicate too (and must not come to support their own proposal).
    for (const u of [a, b, other]) await supportSubmission(db(), u, source);
    for (const u of [b, c]) await supportSubmission(db(), u, target);
    const before = (await db().consultation.findUniqueOrThrow({ where: { id: consultationId } }))
      .submissionCount;
    const cookies = await sessionOf(moderator);
    const sourceTitle = (await db().submission.findUniqueOrThrow({ where: { id: source } })).title;
    const targetTitle = (await db().submission.findUniqueOrThrow({ where: { id: target } })).title;

    // A link from another consultation is refused in the preview.
    const foreign = await makeSubmission(db(), other, otherConsultationId);
    const bad = await (
      await get(
        `/moderation/submissions/${source}?target=${encodeURIComponent(`${app.url}/submissions/${foreign}`)}`,
        cookies,
      )
    ).text();
    expect(bad).toContain(html(el.errors.mergeOtherConsultation));

    // Search by title finds the target; the pasted address previews both.
    const search = await (
      await get(
        `/moderation/submissions/${source}?q=${encodeURIComponent(targetTitle.slice(0, 25))}`,
        cookies,
      )
    ).text();
    expect(search).toContain(`?target=${target}`);
    const preview = await get(
      `/moderation/submissions/${source}?target=${encodeURIComponent(`${app.url}/submissions/${target}`)}`,
      cookies,
    );
    expect(preview.status).toBe(200);
    const previewPage = await preview.text();
    expect(previewPage).toContain(html(el.submission.merge.confirmTitle));
    expect(previewPage).toContain(html(sourceTitle));
    expect(previewPage).toContain(html(targetTitle));

    // Without a rule: refused in Greek, the message typed kept.
    const message = "Η ίδια πρόταση υποβλήθηκε δύο φορές.";
    const refused = await post(`/moderation/submissions/${source}`, cookies, [
      ["intent", "merge"],
      ["targetId", target],
      ["reasonCode", ""],
      ["message", message],
    ]);
    expect(refused.status).toBe(400);
    const refusedPage = await refused.text();
    expect(refusedPage).toContain(html(el.errors.invalidReasonCode));
    expect(refusedPage).toContain(html(message));

    const merged = await post(`/moderation/submissions/${source}`, cookies, [
      ["intent", "merge"],
      ["targetId", target],
      ["reasonCode", "duplicate"],
      ["message", message],
    ]);
    expect(merged.status).toBe(302);
    expect(merged.headers.get("location")).toBe(`/moderation/submissions/${target}?notice=merge`);
    const t = await db().submission.findUniqueOrThrow({ where: { id: target } });
    // a, b, c: b once, the target's author not at all.
    expect(t.supportCount).toBe(3);
    expect(await db().support.count({ where: { submissionId: target } })).toBe(3);
    const s = await db().submission.findUniqueOrThrow({ where: { id: source } });
    expect(s.status).toBe("merged");
    expect(s.mergedIntoId).toBe(target);
    expect(
      (await db().consultation.findUniqueOrThrow({ where: { id: consultationId } })).submissionCount,
    ).toBe(before - 1);
    const redirect = await get(`/submissions/${source}`);
    await redirect.arrayBuffer();
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("location")).toBe(`/submissions/${target}`);
    // Merging again is refused (the duplicate is no longer published).
    const again = await post(`/moderation/submissions/${source}`, cookies, [
      ["intent", "merge"],
      ["targetId", target],
      ["reasonCode", "duplicate"],
    ]);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain(html(el.errors.mergeNotPublished));
  });
});

describe("move and title edit", () => {
  it("moves a submission to another consultation with both counts following", async () => {
    const s = await makeSubmission(db(), author, consultationId);
    const count = async (id: string) =>
      (await db().consultation.findUniqueOrThrow({ where: { id } })).submissionCount;
    const [fromBefore, toBefore] = [await count(consultationId), await count(otherConsultationId)];
    const cookies = await sessionOf(moderator);
    const none = await post(`/moderation/submissions/${s}`, cookies, [
      ["intent", "move"],
      ["consultationId", ""],
      ["reasonCode", "wrong_consultation"],
      ["message", "Ανήκει στην άλλη διαβούλευση."],
    ]);
    expect(none.status).toBe(400);
    const nonePage = await none.text();
    expect(nonePage).toContain(html(el.errors.consultationNotFound));
    expect(nonePage).toContain(html("Ανήκει στην άλλη διαβούλευση."));
    const moved = await post(`/moderation/submissions/${s}`, cookies, [
      ["intent", "move"],
      ["consultationId", otherConsultationId],
      ["reasonCode", "wrong_consultation"],
    ]);
    expect(moved.status).toBe(302);
    expect((await db().submission.findUniqueOrThrow({ where: { id: s } })).consultationId).toBe(
      otherConsultationId,
    );
    expect(await count(consultationId)).toBe(fromBefore - 1);
    expect(await count(otherConsultationId)).toBe(toBefore + 1);
  });

  it("edits a title, keeping the original in the log; a too-short title is refused with what was typed kept", async () => {
    const s = await makeSubmission(db(), author, consultationId);
    const original = (await db().submission.findUniqueOrThrow({ where: { id: s } })).title;
    const cookies = await sessionOf(moderator);
    const short = await post(`/moderation/submissions/${s}`, cookies, [
      ["intent", "editTitle"],
      ["title", "Αβγ"],
      ["reasonCode", "personal_data"],
    ]);
    expect(short.status).toBe(400);
    const shortPage = await short.text();
    expect(shortPage).toContain(html(el.errors.titleTooShort));
    expect(shortPage).toContain('value="Αβγ"');
    // In English too.
    const shortEn = await post(`/moderation/submissions/${s}`, await sessionOf(moderator, "en"), [
      ["intent", "editTitle"],
      ["title", "Αβγ"],
      ["reasonCode", "personal_data"],
    ]);
    expect(await shortEn.text()).toContain(html(en.errors.titleTooShort));

    const title = "Κέντρο ημέρας για ηλικιωμένους στη γειτονιά";
    const ok = await post(`/moderation/submissions/${s}`, cookies, [
      ["intent", "editTitle"],
      ["title", title],
      ["reasonCode", "personal_data"],
      ["message", "Αφαιρέσαμε ένα όνομα από τον τίτλο."],
    ]);
    expect(ok.status).toBe(302);
    const after = await db().submission.findUniqueOrThrow({ where: { id: s } });
    expect(after.title).toBe(title);
    expect(after.originalTitle).toBe(original);
    const log = await db().moderationAction.findFirstOrThrow({
      where: { action: "edit_title", targetId: s },
    });
    expect(log.details).toMatchObject({ previousTitle: original, newTitle: title });
    const page = await (await get(`/moderation/submissions/${s}`, cookies)).text();
    expect(page).toContain(html(original));

    // The author reads the notice on /notifications: what happened, the rule and the moderator's words.
    const notices = await (await get("/notifications", await sessionOf(author))).text();
    expect(notices).toContain(html("Αφαιρέσαμε ένα όνομα από τον τίτλο."));
    expect(notices).toContain(
      html(notificationsEl.notifications.moderation.rule.replace("{rule}", el.reasons.personal_data)),
    );
  });
});

describe("block, appeal link and unblock", () => {
  const password = "ένας πολύ καλός κωδικός 42";

  it("blocks with content hidden; login is refused with the way to appeal; the e-mailed link works once", async () => {
    const user = await makeActor(db(), ["citizen"], { passwordHash: await hashPassword(password) });
    const s1 = await makeSubmission(db(), user, consultationId);
    const cookies = await sessionOf(moderator);

    // No duration: refused, message kept.
    const noDuration = await post(`/moderation/users/${user.id}`, cookies, [
      ["intent", "block"],
      ["reasonCode", "spam"],
      ["message", "Επαναλαμβανόμενες διαφημίσεις."],
    ]);
    expect(noDuration.status).toBe(400);
    const noDurationPage = await noDuration.text();
    expect(noDurationPage).toContain(html(el.errors.durationRequired));
    expect(noDurationPage).toContain(html("Επαναλαμβανόμενες διαφημίσεις."));
    // A date in the past: refused on its field, the date kept.
    const past = await post(`/moderation/users/${user.id}`, cookies, [
      ["intent", "block"],
      ["duration", "custom"],
      ["until", "2020-01-01"],
      ["reasonCode", "spam"],
    ]);
    expect(past.status).toBe(400);
    const pastPage = await past.text();
    expect(pastPage).toContain(html(el.errors.endInPast));
    expect(pastPage).toContain('value="2020-01-01"');

    const blocked = await post(`/moderation/users/${user.id}`, cookies, [
      ["intent", "block"],
      ["duration", "30"],
      ["hideContent", "on"],
      ["reasonCode", "spam"],
      ["message", "Επαναλαμβανόμενες διαφημίσεις."],
    ]);
    expect(blocked.status).toBe(302);
    expect((await db().submission.findUniqueOrThrow({ where: { id: s1 } })).status).toBe("hidden");
    const page = await (await get(`/moderation/users/${user.id}`, cookies)).text();
    expect(page).toContain(html(el.user.unblock.title));

    // Login: refused with the clear message and a way to appeal.
    const login = await post("/login", await sessionOf(null), [
      ["email", user.email],
      ["password", password],
    ]);
    expect(login.status).toBe(400);
    const loginPage = await login.text();
    expect(loginPage).toContain(html(el.appeal.loginLink));
    expect(loginPage).toContain('href="/appeal"');

    // The block e-mail carries the signed link.
    const mail = await waitForMail(app.mailDir, (m) => isAddressedTo(m, user.email), 20_000);
    expect(mail.text).toContain("Επαναλαμβανόμενες διαφημίσεις.");
    const link = findLink(mail, "/appeal/");
    expect(link).toBeDefined();
    const path = new URL(link!).pathname;
    const token = path.split("/").pop()!;

    const form = await get(path);
    expect(form.status).toBe(200);
    const formPage = await form.text();
    expect(formPage).toContain(html(el.appeal.formTitle));
    expect(formPage).toContain(html("Επαναλαμβανόμενες διαφημίσεις."));

    // Tampered: refused.
    const last = token.at(-1) === "A" ? "B" : "A";
    const tampered = `${token.slice(0, -1)}${last}`;
    const t1 = await get(`/appeal/${tampered}`);
    expect(t1.status).toBe(404);
    expect(await t1.text()).toContain(html(el.errors.appealLinkInvalid));
    const t2 = await post(`/appeal/${tampered}`, await sessionOf(null), [
      ["text", "Δεν έστειλα διαφημίσεις ποτέ."],
    ]);
    expect(t2.status).toBe(404);
    // Another action id under the same signature: refused.
    const swapped = `${"0".repeat(8)}${token.slice(8)}`;
    expect(await statusOf(await get(`/appeal/${swapped}`))).toBe(404);
    // Expired (signed 31 days ago, so valid but for its date): refused with its own message.
    const actionId = token.slice(0, 36);
    const expired = appealToken(actionId, await appealSecret(db()), Date.now() - 31 * 86_400_000);
    const t3 = await get(`/appeal/${expired}`);
    expect(t3.status).toBe(400);
    expect(await t3.text()).toContain(html(el.errors.appealLinkExpired));

    // Too short: refused, text kept.
    const short = await post(path, await sessionOf(null), [["text", "Όχι"]]);
    expect(short.status).toBe(400);
    const shortPage = await short.text();
    expect(shortPage).toContain(html(el.errors.appealTooShort));
    expect(shortPage).toContain("Όχι");

    const sent = await post(path, await sessionOf(null), [["text", "Δεν έστειλα διαφημίσεις ποτέ."]]);
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain(html(el.appeal.sent));
    const appeals = await db().appeal.findMany({ where: { actionId } });
    expect(appeals).toHaveLength(1);
    expect(appeals[0].appellantId).toBe(user.id);
    // Once only.
    const again = await post(path, await sessionOf(null), [["text", "Και πάλι: δεν έστειλα διαφημίσεις."]]);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain(html(el.errors.alreadyAppealed));
    expect(await db().appeal.count({ where: { actionId } })).toBe(1);
    // The page now says it waits for review.
    expect(await (await get(path)).text()).toContain(html(el.appeal.already.pending));
    // The queue shows it; the blocking moderator may not decide it.
    const queue = await (await get("/moderation", cookies)).text();
    expect(queue).toContain("Δεν έστειλα διαφημίσεις ποτέ.");
    expect(queue).toContain(html(el.queue.ownDecision));

    // A new link can be asked for by address; the answer is the same for unknown addresses.
    for (const email of [user.email, "nobody-here@example.org"]) {
      const res = await post("/appeal", await sessionOf(null), [["email", email]]);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(html(el.appeal.linkSent));
    }
    const badEmail = await post("/appeal", await sessionOf(null), [["email", "όχι-διεύθυνση"]]);
    expect(badEmail.status).toBe(400);
    const badEmailPage = await badEmail.text();
    expect(badEmailPage).toContain(html(el.errors.emailInvalid));
    expect(badEmailPage).toContain(html("όχι-διεύθυνση"));

    // Another moderator upholds the appeal from the queue: the block is lifted, the content comes back,
    // and the user is told the outcome and the reason by e-mail; they can sign in again.
    const appealId = appeals[0].id;
    const decided = await post("/moderation", await sessionOf(otherModerator), [
      ["intent", "decide"],
      ["targetType", "appeal"],
      ["targetId", appealId],
      ["uphold", "true"],
      ["reason", "Ο λογαριασμός δεν έστειλε διαφημίσεις."],
    ]);
    expect(decided.status).toBe(302);
    expect((await db().appeal.findUniqueOrThrow({ where: { id: appealId } })).status).toBe("upheld");
    expect((await db().submission.findUniqueOrThrow({ where: { id: s1 } })).status).toBe("published");
    const outcome = await waitForMail(
      app.mailDir,
      (m) => isAddressedTo(m, user.email) && m.text.includes("Ο λογαριασμός δεν έστειλε διαφημίσεις."),
      20_000,
    );
    expect(outcome.text).toContain(el.reasons.appeal_review);
    const relogin = await post("/login", await sessionOf(null), [
      ["email", user.email],
      ["password", password],
    ]);
    await relogin.arrayBuffer();
    expect(relogin.status).toBe(302);
    // The link of the lifted block now has nothing to appeal.
    expect(await (await get(path)).text()).toContain(html(el.appeal.already.upheld));
  });

  it("blocks indefinitely and lifts the block from the page, bringing the content back", async () => {
    const user = await makeActor(db());
    const s1 = await makeSubmission(db(), user, consultationId);
    const cookies = await sessionOf(moderator);
    const blocked = await post(`/moderation/users/${user.id}`, cookies, [
      ["intent", "block"],
      ["duration", "indefinite"],
      ["hideContent", "on"],
      ["reasonCode", "offensive"],
    ]);
    expect(blocked.status).toBe(302);
    const block = await db().userBlock.findFirstOrThrow({ where: { userId: user.id } });
    expect(block.endsAt).toBeNull();
    expect((await db().submission.findUniqueOrThrow({ where: { id: s1 } })).status).toBe("hidden");
    const page = await (await get(`/moderation/users/${user.id}`, cookies)).text();
    expect(page).toContain(html(el.user.blockedIndefinitely));
    const unblocked = await post(`/moderation/users/${user.id}`, await sessionOf(otherModerator), [
      ["intent", "unblock"],
      ["reasonCode", "flags_unfounded"],
      ["message", "Ο αποκλεισμός ήταν λάθος."],
    ]);
    expect(unblocked.status).toBe(302);
    expect((await db().submission.findUniqueOrThrow({ where: { id: s1 } })).status).toBe("published");
    expect((await db().userBlock.findUniqueOrThrow({ where: { id: block.id } })).liftedAt).not.toBeNull();
  });

  it("lets the author of hidden content appeal once from the notification's link", async () => {
    const s = await makeSubmission(db(), author, consultationId);
    const { hideContent } = await import("~/domain/moderation/moderation.server.ts");
    const { actionId } = await hideContent(db(), moderator, {
      targetType: "submission",
      targetId: s,
      reasonCode: "offensive",
      message: "Προσβλητική γλώσσα.",
    });
    const cookies = await sessionOf(author);
    const notices = await (await get("/notifications", cookies)).text();
    expect(notices).toContain(html(`/appeal?action=${actionId}`));
    expect(notices).toContain(html("Προσβλητική γλώσσα."));
    // Someone else cannot see or appeal it.
    const stranger = await get(`/appeal?action=${actionId}`, await sessionOf(citizen));
    expect(stranger.status).toBe(404);
    const sent = await post(`/appeal?action=${actionId}`, cookies, [["text", "Η γλώσσα μου ήταν ευγενική."]]);
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain(html(el.appeal.sent));
    const again = await post(`/appeal?action=${actionId}`, cookies, [
      ["text", "Η γλώσσα μου ήταν ευγενική."],
    ]);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain(html(el.errors.alreadyAppealed));
  });
});

describe("admin settings", () => {
  it("validates every field in Greek with values kept, saves with who and when, and the limiter follows", async () => {
    const cookies = await sessionOf(admin);
    const page = await get("/admin/settings", cookies);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(html(el.settings.neverChanged));

    const bad = await post("/admin/settings", cookies, [
      ["autoHideFlags", "0"],
      ["flagsPerHour", "abc"],
      ["submissionsPerHour", "2"],
      ["commentsPerHour", "60"],
      ["claimMinutes", "61"],
    ]);
    expect(bad.status).toBe(400);
    const badPage = await bad.text();
    for (const key of ["autoHideFlags", "flagsPerHour", "claimMinutes"] as const)
      expect(badPage).toContain(html(el.settings.errors[key]));
    expect(badPage).toContain('value="abc"');
    expect(badPage).toContain('value="61"');
    expect(
      await db().setting.count({
        where: { key: { startsWith: "moderation." }, NOT: { key: "moderation.appealLinkSecret" } },
      }),
    ).toBe(0);

    const ok = await post("/admin/settings", cookies, [
      ["autoHideFlags", "4"],
      ["flagsPerHour", "30"],
      ["submissionsPerHour", "1"],
      ["commentsPerHour", "10000"],
      ["claimMinutes", "10"],
    ]);
    expect(ok.status).toBe(302);
    const rows = await db().setting.findMany({ where: { key: { startsWith: "moderation." } } });
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(byKey["moderation.autoHideFlags"].value).toBe(4);
    expect(byKey["moderation.autoHideFlags"].updatedById).toBe(admin.id);
    expect(byKey["moderation.claimMinutes"].value).toBe(10);
    // Unchanged values (equal to the defaults) are not written.
    expect(byKey["moderation.flagsPerHour"]).toBeUndefined();
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "settings.moderation" } });
    expect(audit.actorId).toBe(admin.id);
    expect(audit.details).toMatchObject({
      before: { autoHideFlags: 3, claimMinutes: 5 },
      after: { autoHideFlags: 4, submissionsPerHour: 1, claimMinutes: 10 },
    });
    const after = await (await get("/admin/settings", cookies)).text();
    expect(after).toContain('value="4"');

    // The posting limiter now allows one submission per hour.
    const poster = await makeActor(db());
    await makeSubmission(db(), poster, consultationId);
    const error = await errorOf(
      createSubmission(db(), poster, consultationId, {
        kind: "proposal",
        title: "Δεύτερη πρόταση μέσα στην ίδια ώρα",
        body: "Να γίνει ποδηλατόδρομος στην παραλία της πόλης.",
        bodyFormat: "text",
        targetGroups: [],
      }),
    );
    expect(error).toBeInstanceOf(RateLimited);
    // Back to the default, so the rest of this file is not limited.
    await db().setting.deleteMany({ where: { key: "moderation.submissionsPerHour" } });
    // The queue's claims last the configured ten minutes.
    const flagged = await makeSubmission(db(), author, consultationId);
    const modCookies = await sessionOf(moderator);
    const claim = await post("/moderation", modCookies, [
      ["intent", "claim"],
      ["targetType", "submission"],
      ["targetId", flagged],
    ]);
    expect(claim.status).toBe(302);
    const row = await db().moderationClaim.findFirstOrThrow({ where: { targetId: flagged } });
    const minutes = (row.expiresAt.getTime() - row.claimedAt.getTime()) / 60_000;
    expect(minutes).toBeCloseTo(10, 1);
  });
});
