/**
 * /notifications in Debian's chromium against the real app: axe-clean with unread items and pagination; the
 * follow toggle works through a fetcher (no navigation, aria-pressed and a polite confirmation) and without
 * JavaScript (a plain form post and redirect); a notification written while the page is open appears in the
 * list without a reload; "mark all as read" clears the unread styling. No console errors.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { follow, isFollowing } from "~/domain/notifications/notifications.server.ts";
import el from "~/i18n/areas/notifications.el.json";
import { closePublisher } from "~/realtime/publish.server.ts";
import { newId } from "~/utils/ids.ts";
import { handleNotifyJob } from "../../../workers/notify.ts";
import { expectNoAxeViolations, expectNoConsoleErrors, newPage, useBrowser } from "../../helpers/browser.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createSessionToken, createUser } from "../../helpers/factories.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { startApp, type RunningApp } from "../../helpers/server.ts";
import { createComment, createConsultation, createSubmission } from "./fixtures.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const browser = useBrowser();
const prisma = () => testDb().prisma;
const t = el.notifications;

let app: RunningApp;

beforeAll(async () => {
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: testDb().url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
  });
  app = await startApp({ databaseUrl: testDb().url });
});

afterAll(async () => {
  closePublisher();
  await app?.stop();
});

async function loggedInPage(userId: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const page = await newPage(browser(), { locale: "el-GR", baseURL: app.url, ...options });
  const token = await createSessionToken(prisma(), userId);
  await page
    .context()
    .addCookies([{ name: "synochi_session", value: token, url: app.url, httpOnly: true, sameSite: "Lax" }]);
  return page;
}

async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.readyState === "complete" &&
      !!(window as unknown as { __remixRouter?: unknown }).__remixRouter,
  );
}

async function scenario() {
  const staff = await createUser(prisma(), { roles: ["directorate"] });
  const reader = await createUser(prisma(), { displayName: "Άννα" });
  const consultation = await createConsultation(prisma(), {
    createdById: staff.id,
    title: "Στέγαση και ένταξη",
  });
  const submission = await createSubmission(prisma(), {
    consultationId: consultation.id,
    authorId: reader.id,
    title: "Κοινωνικές κατοικίες",
  });
  await follow(prisma(), reader.id, { targetType: "consultation", targetId: consultation.id });
  return { staff, reader, consultation, submission };
}

describe("the notifications page in a browser", () => {
  it("is accessible with unread items and pages, and follows/unfollows through a fetcher", async () => {
    const { reader, consultation } = await scenario();
    const base = Date.now() - 3_600_000;
    for (let i = 0; i < 23; i++) {
      await prisma().notification.create({
        data: {
          id: newId(),
          userId: reader.id,
          type: "support_milestone",
          payload: { url: `/submissions/${newId()}`, title: `Πρόταση ${i}`, count: 10 },
          createdAt: new Date(base + i * 1000),
          readAt: i % 2 === 0 ? new Date() : null,
        },
      });
    }
    const page = await loggedInPage(reader.id);
    await page.goto("/notifications");
    await hydrated(page);
    await expectNoAxeViolations(page, "/notifications");
    await page.getByRole("navigation", { name: t.list.pagination }).waitFor();

    const toggle = page.getByRole("button", { name: t.follow.following });
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    await toggle.click();
    const unpressed = page.getByRole("button", { name: t.follow.follow, exact: true });
    await unpressed.waitFor();
    expect(await unpressed.getAttribute("aria-pressed")).toBe("false");
    await page.getByRole("status").filter({ hasText: t.follow.noLongerFollowing }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/notifications");
    await expect
      .poll(() => isFollowing(prisma(), reader.id, { targetType: "consultation", targetId: consultation.id }))
      .toBe(false);

    await unpressed.click();
    await page.getByRole("status").filter({ hasText: t.follow.nowFollowing }).waitFor();
    await expect
      .poll(() => isFollowing(prisma(), reader.id, { targetType: "consultation", targetId: consultation.id }))
      .toBe(true);
    await expectNoAxeViolations(page, "/notifications after toggling");
    expectNoConsoleErrors(page);
    await page.context().close();
  });

  it("shows a notification that arrives while the page is open, and marks all read", async () => {
    const { reader, submission } = await scenario();
    const commenter = await createUser(prisma(), { displayName: "Βασίλης" });
    const page = await loggedInPage(reader.id);
    await page.goto("/notifications");
    await hydrated(page);
    await page.getByText(t.list.empty).waitFor();
    // The page's socket connects (and joins the user's room) right after hydration; give it a moment.
    await page.waitForTimeout(1_000);

    const comment = await createComment(prisma(), { authorId: commenter.id, submissionId: submission.id });
    await handleNotifyJob(prisma(), "comment.created", { commentId: comment.id });
    const item = page.getByRole("link", { name: "Βασίλης σχολίασε την κατάθεσή σας «Κοινωνικές κατοικίες»" });
    await item.waitFor({ timeout: 10_000 });
    expect(await page.locator(".notification-item.is-unread").count()).toBe(1);

    await page.getByRole("button", { name: t.list.markAllRead }).click();
    await page.getByRole("status").filter({ hasText: t.list.markedAllRead }).waitFor();
    expect(await page.locator(".notification-item.is-unread").count()).toBe(0);
    expect(await prisma().notification.count({ where: { userId: reader.id, readAt: null } })).toBe(0);
    expectNoConsoleErrors(page);
    await page.context().close();
  });

  it("shows the unread count in the header bell, updates it live and announces it politely", async () => {
    const { reader, submission } = await scenario();
    const commenter = await createUser(prisma(), { displayName: "Βασίλης" });
    const page = await loggedInPage(reader.id);
    await page.goto("/terms");
    await hydrated(page);
    await page.getByRole("link", { name: t.bell.label, exact: true }).waitFor();
    await page.waitForTimeout(1_000); // the socket connects right after hydration

    const names = ["Ειδοποιήσεις, 1 αδιάβαστη", "Ειδοποιήσεις, 2 αδιάβαστες"];
    for (const name of names) {
      const comment = await createComment(prisma(), { authorId: commenter.id, submissionId: submission.id });
      await handleNotifyJob(prisma(), "comment.created", { commentId: comment.id });
      await page.getByRole("link", { name }).waitFor({ timeout: 10_000 });
    }
    expect(await page.locator(".notification-badge").textContent()).toBe("2");
    expect(await page.locator(".notification-bell [role=status]").textContent()).toBe(
      "Νέα ειδοποίηση. 2 αδιάβαστες.",
    );
    await expectNoAxeViolations(page, "header with the bell");

    // Marking them read on /notifications brings the bell back to no count.
    await page.getByRole("link", { name: names[1] }).click();
    await page.waitForURL(/\/notifications$/);
    await page.getByRole("button", { name: t.list.markAllRead }).click();
    await page.getByRole("link", { name: t.bell.label, exact: true }).waitFor();
    expect(await page.locator(".notification-badge").count()).toBe(0);
    expectNoConsoleErrors(page);
    await page.context().close();
  });

  it("follows without JavaScript: a plain form post, then back to the page", async () => {
    const { reader, consultation } = await scenario();
    const page = await loggedInPage(reader.id, { javaScriptEnabled: false });
    await page.goto("/notifications?page=1");
    await Promise.all([
      page.waitForURL(/notice=unfollowed/),
      page.getByRole("button", { name: t.follow.following }).click(),
    ]);
    expect(new URL(page.url()).pathname).toBe("/notifications");
    expect(
      await isFollowing(prisma(), reader.id, { targetType: "consultation", targetId: consultation.id }),
    ).toBe(false);
    await page.context().close();
  });
});
