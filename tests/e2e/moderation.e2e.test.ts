/**
 * Moderation in a real browser (Debian chromium) against the real server and worker: two moderators watch
 * the queue; one claims a flagged submission through the page and the other sees it locked to them without
 * a reload; the first hides it with a rule and a message, and the author (a third browser) hears of it live
 * in the bell, reads the rule and the message on /notifications, and receives the e-mail. Also: axe finds
 * nothing on the queue, the log, the transparency page and the new action, appeal and settings pages, in
 * Greek and once in English. Every test fails on console errors of its pages.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appealPath, appealSecret, blockUser } from "~/domain/moderation/moderation.server.ts";
import { createT } from "~/i18n/i18n.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import { newId } from "~/utils/ids.ts";
import { createOpenConsultation, paragraphDoc } from "../helpers/consultation-fixtures.ts";
import {
  consoleErrorsOf,
  expectNoAxeViolations,
  expectNoConsoleErrors,
  newPage,
  useBrowser,
  hydrated,
  signedInPage,
} from "../helpers/browser.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { createSessionToken, createUser } from "../helpers/factories.ts";
import { isAddressedTo, waitForMail } from "../helpers/mail.ts";
import { redisPrefix, redisUrl, useTestRedis } from "../helpers/redis.ts";
import { setEnv } from "../integration/moderation/fixtures.ts";
import { startApp, startWorker, type RunningApp, type RunningWorker } from "../helpers/server.ts";

const testDb = useTestDatabase();
useTestRedis();
const browser = useBrowser();
const db = () => testDb().prisma;

const el = createT("el");
const en = createT("en");

let app: RunningApp;
let worker: RunningWorker;
let consultationId: string;
let author: { id: string; email: string };
let flagger: { id: string };
let mod1: { id: string };
let mod2: { id: string };
let admin: { id: string };

async function submissionBy(authorId: string, title: string): Promise<string> {
  const id = newId();
  await db().submission.create({
    data: {
      id,
      consultationId,
      authorId,
      kind: "proposal",
      title,
      bodyJson: paragraphDoc("Να δημιουργηθεί κέντρο ημέρας για ηλικιωμένους."),
      bodyHtml: "<p>Να δημιουργηθεί κέντρο ημέρας για ηλικιωμένους.</p>",
      bodyText: "Να δημιουργηθεί κέντρο ημέρας για ηλικιωμένους.",
    },
  });
  await db().consultation.update({
    where: { id: consultationId },
    data: { submissionCount: { increment: 1 } },
  });
  return id;
}

async function flag(targetId: string): Promise<void> {
  await db().flag.create({
    data: { id: newId(), targetType: "submission", targetId, reason: "offensive", reporterId: flagger.id },
  });
}

beforeAll(async () => {
  // The accessibility test blocks a user through the domain, in this process.
  setEnv(testDb().url, { url: redisUrl, prefix: redisPrefix });
  app = await startApp({ databaseUrl: testDb().url });
  worker = await startWorker({ databaseUrl: testDb().url, mailDir: app.mailDir });
  const staff = await createUser(db(), { roles: ["directorate"], displayName: "Διεύθυνση" });
  consultationId = (
    await createOpenConsultation(db(), {
      createdById: staff.id,
      title: "Κοινωνική ένταξη στη Δυτική Ελλάδα 2026",
      summary: "Πώς θα στηρίξουμε τα νοικοκυριά που κινδυνεύουν με φτώχεια.",
      bodyHtml: "<p>Η Περιφέρεια ζητά τη γνώμη σας.</p>",
      articles: [{ title: "Σκοπός", bodyHtml: "<p>Ο σκοπός του σχεδίου.</p>" }],
    })
  ).id;
  author = await createUser(db(), { displayName: "Νίκος Σ." });
  flagger = await createUser(db(), { displayName: "Μαρία Κ." });
  mod1 = await createUser(db(), { roles: ["citizen", "moderator"], displayName: "Άλκηστη Επόπτρια" });
  mod2 = await createUser(db(), { roles: ["citizen", "moderator"], displayName: "Βασίλης Επόπτης" });
  admin = await createUser(db(), { roles: ["citizen", "admin"], displayName: "Διαχειριστής" });
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  await app?.stop();
  closePublisher();
});

/** A signed-in page in its own browser context. */
async function pageOf(userId: string, locale: "el-GR" | "en-GB" = "el-GR"): Promise<Page> {
  return signedInPage(browser(), app.url, { locale, sessionToken: await createSessionToken(db(), userId) });
}

type Marked = { __sameDocument?: boolean };

/** No console errors besides the browser's report of a refused form's 400. */
function expectOnlyRefusals(page: Page): void {
  const errors = consoleErrorsOf(page).filter(
    (e) => !e.includes("the server responded with a status of 400"),
  );
  expect(errors).toEqual([]);
}

describe("the live queue and the author told", () => {
  it("locks a claimed item live for the other moderator; the author hears the reason live and by e-mail", async () => {
    const title = "Πρόταση με προσβλητικό περιεχόμενο για το πάρκο";
    const id = await submissionBy(author.id, title);
    await flag(id);

    const [a, b, writer] = [await pageOf(mod1.id), await pageOf(mod2.id), await pageOf(author.id)];
    for (const p of [a, b]) {
      await p.goto("/moderation");
      await hydrated(p);
    }
    // The author waits on the notifications page (the bell is in the header of every page).
    await writer.goto("/notifications");
    await hydrated(writer);
    await b.evaluate(() => ((window as unknown as Marked).__sameDocument = true));
    await writer.evaluate(() => ((window as unknown as Marked).__sameDocument = true));

    const cardA = a.locator(`#submission-${id}`);
    const cardB = b.locator(`#submission-${id}`);
    await cardB.getByText(el("moderation.queue.unclaimed")).waitFor();
    // Let B's socket join the moderation room before A acts.
    await b.waitForTimeout(500);

    await cardA.getByRole("button", { name: el("moderation.queue.claim") }).click();
    await cardA.getByRole("button", { name: el("moderation.queue.hide") }).waitFor();

    // B sees it locked to A, without a reload: no claim button, no action forms.
    await cardB.getByText(/Άλκηστη Επόπτρια/).waitFor({ timeout: 10_000 });
    expect(await cardB.getByRole("button", { name: el("moderation.queue.claim") }).count()).toBe(0);
    expect(await cardB.getByRole("button", { name: el("moderation.queue.hide") }).count()).toBe(0);
    await b
      .getByRole("status")
      .filter({ hasText: el("moderation.queue.changed") })
      .first()
      .waitFor();
    expect(await b.evaluate(() => (window as unknown as Marked).__sameDocument === true)).toBe(true);
    await expectNoAxeViolations(b, "/moderation (item locked to another moderator)");

    // A hides it with a rule and a message.
    const message = "Η πρόταση περιέχει προσβολές προς γείτονες· μπορείτε να την ξαναγράψετε.";
    await cardA.getByLabel(el("moderation.queue.reasonCode")).selectOption("offensive");
    await cardA.getByLabel(el("moderation.queue.message")).fill(message);
    await expectNoAxeViolations(a, "/moderation (claimed, action form filled)");
    await cardA.getByRole("button", { name: el("moderation.queue.hide") }).click();
    await a.waitForURL(/notice=hide/);
    expect((await db().submission.findUniqueOrThrow({ where: { id } })).status).toBe("hidden");

    // The author: the bell's count goes up live, and the list loads the notice in place with the reason.
    await writer
      .getByRole("link", { name: new RegExp(`^${el("notifications.bell.label")}, \\d+`) })
      .waitFor({ timeout: 15_000 });
    await writer.getByText(message).waitFor({ timeout: 10_000 });
    await writer
      .getByText(el("notifications.moderation.rule", { rule: el("moderation.reasons.offensive") }))
      .waitFor();
    await writer.getByRole("link", { name: el("notifications.moderation.appeal") }).waitFor();
    expect(await writer.evaluate(() => (window as unknown as Marked).__sameDocument === true)).toBe(true);
    await expectNoAxeViolations(writer, "/notifications (with a moderation notice)");

    // And the e-mail, with the rule and the message.
    const mail = await waitForMail(app.mailDir, (m) => isAddressedTo(m, author.email), 20_000);
    expect(mail.text).toContain(message);
    expect(mail.text).toContain(el("moderation.reasons.offensive"));

    for (const p of [a, b, writer]) {
      expectNoConsoleErrors(p);
      await p.context().close();
    }
  });
});

describe("accessibility of the moderation pages", () => {
  it("finds nothing on the queue, log, transparency and the action, appeal and settings pages, in Greek and in English", async () => {
    const id = await submissionBy(author.id, "Δεύτερη πρόταση για τον έλεγχο προσβασιμότητας");
    await submissionBy(author.id, "Τρίτη πρόταση, διπλή της δεύτερης για τον έλεγχο");
    await flag(id);
    const blocked = await createUser(db(), { displayName: "Αποκλεισμένος Χρήστης" });
    const { actionId } = await blockUser(
      db(),
      { id: mod2.id, roles: ["moderator"], committees: [], emailVerified: true },
      {
        userId: blocked.id,
        endsAt: new Date(Date.now() + 7 * 86_400_000),
        hideContent: false,
        reasonCode: "spam",
        message: "Επαναλαμβανόμενες διαφημίσεις.",
      },
    );
    const appealLink = appealPath(actionId, await appealSecret(db()));

    const moderatorPages = [
      "/moderation",
      "/moderation/log",
      `/moderation/submissions/${id}`,
      `/moderation/submissions/${id}?q=${encodeURIComponent("πρόταση")}`,
      `/moderation/users/${author.id}`,
      `/moderation/users/${blocked.id}`,
    ];
    const publicPages = ["/transparency", appealLink, "/appeal"];

    for (const [locale, t] of [
      ["el-GR", el],
      ["en-GB", en],
    ] as const) {
      const lang = locale === "el-GR" ? "el" : "en";
      const mod = await pageOf(mod1.id, locale);
      await mod.context().addCookies([{ name: "synochi_lang", value: lang, url: app.url }]);
      for (const path of moderatorPages) {
        const res = await mod.goto(path);
        expect(res?.status(), path).toBe(200);
        await hydrated(mod);
        await mod.locator(`html[lang="${lang}"]`).waitFor({ state: "attached" });
        await expectNoAxeViolations(mod, `${path} (${lang})`);
      }
      // The merge preview, with both submissions side by side.
      await mod.goto(`/moderation/submissions/${id}?q=${encodeURIComponent("Τρίτη")}`);
      await mod.getByRole("link", { name: /Τρίτη πρόταση/ }).click();
      await mod.getByRole("heading", { name: t("moderation.submission.merge.confirmTitle") }).waitFor();
      await expectNoAxeViolations(mod, `merge preview (${lang})`);
      // A refused form (no rule), with its error summary.
      await mod.getByRole("button", { name: t("moderation.submission.editTitle.submit") }).click();
      await mod.locator(".error-summary").first().waitFor();
      await expectNoAxeViolations(mod, `edit title refused (${lang})`);
      expectOnlyRefusals(mod);
      await mod.context().close();

      const visitor = await newPage(browser(), { locale, baseURL: app.url });
      await visitor.context().addCookies([{ name: "synochi_lang", value: lang, url: app.url }]);
      for (const path of publicPages) {
        const res = await visitor.goto(path);
        expect(res?.status(), path).toBe(200);
        await hydrated(visitor);
        await expectNoAxeViolations(visitor, `${path} (${lang})`);
      }
      expectNoConsoleErrors(visitor);
      await visitor.context().close();

      const adm = await pageOf(admin.id, locale);
      await adm.context().addCookies([{ name: "synochi_lang", value: lang, url: app.url }]);
      await adm.goto("/admin/settings");
      await hydrated(adm);
      await expectNoAxeViolations(adm, `/admin/settings (${lang})`);
      await adm.getByLabel(t("moderation.settings.fields.autoHideFlags")).fill("0");
      await adm.getByRole("button", { name: t("moderation.settings.save") }).click();
      await adm.getByText(t("moderation.settings.errors.autoHideFlags")).first().waitFor();
      await expectNoAxeViolations(adm, `/admin/settings refused (${lang})`);
      expectOnlyRefusals(adm);
      await adm.context().close();
    }
  });
});
