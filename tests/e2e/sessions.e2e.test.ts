/**
 * A live committee session in four real browsers (Debian chromium) against the real server: the chair,
 * a moderator (also the committee's secretary, who writes the notes) and two citizens open the session
 * page; the chair starts it and moves the agenda; a citizen asks (pre-moderated, by keyboard), the
 * moderator approves, the other citizen upvotes, the moderator pins and marks it answered; the chair opens
 * a poll, both citizens vote, the chair reveals and closes it; a note is added; the chair ends the
 * session. Every page sees every change live, without reloading. axe finds nothing on the page before,
 * during and after, in Greek, and once in English. The page also renders in full without JavaScript.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "~/domain/sessions/sessions.server.ts";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import { createT } from "~/i18n/i18n.ts";
import {
  expectNoAxeViolations,
  expectNoConsoleErrors,
  useBrowser,
  hydrated,
  signedInPage,
} from "../helpers/browser.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { createSessionToken } from "../helpers/factories.ts";
import { useTestRedis } from "../helpers/redis.ts";
import { startApp, type RunningApp } from "../helpers/server.ts";
import { committee, person, sessionFields } from "../integration/sessions/fixtures.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const browser = useBrowser();
const db = () => testDb().prisma;
const el = createT("el");
const en = createT("en");

let app: RunningApp;
let committeeId: string;
let chair: CurrentUser;
let moderator: CurrentUser;
let citizenA: CurrentUser;
let citizenB: CurrentUser;

beforeAll(async () => {
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: testDb().url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
  });
  app = await startApp({ databaseUrl: testDb().url });
  committeeId = await committee(db());
  chair = await person(db(), { name: "Πρόεδρος Παπαδόπουλος", committees: [{ committeeId, role: "chair" }] });
  moderator = await person(db(), {
    name: "Συντονίστρια Νικολάου",
    roles: ["citizen", "moderator"],
    committees: [{ committeeId, role: "secretary" }],
  });
  citizenA = await person(db(), { name: "Ελένη Γεωργίου" });
  citizenB = await person(db(), { name: "Νίκος Αθανασίου" });
});

afterAll(async () => {
  await app?.stop();
});

async function pageFor(user: CurrentUser | null, lang: "el" | "en" = "el"): Promise<Page> {
  const page = await signedInPage(browser(), app.url, {
    locale: lang === "el" ? "el-GR" : "en-GB",
    sessionToken: user ? await createSessionToken(db(), user.id) : null,
    lang,
  });
  const frames: string[] = [];
  page.on("websocket", (ws) => ws.on("framesent", ({ payload }) => frames.push(String(payload))));
  (page as unknown as { __frames: string[] }).__frames = frames;
  return page;
}

/** Opens the session page and waits until it is hydrated, joined to the room and caught up. */
async function openLive(page: Page, sessionId: string): Promise<void> {
  await page.goto(`/sessions/${sessionId}`);
  await hydrated(page);
  const frames = (page as unknown as { __frames: string[] }).__frames;
  await expect
    .poll(
      () =>
        frames.some((f) => f.includes("room:join") && f.includes(sessionId)) &&
        frames.some((f) => f.includes("session:sync")),
    )
    .toBe(true);
  await page.waitForFunction(() => !document.querySelector(".offline-hint"));
}

async function see(page: Page, text: string, timeout = 5_000): Promise<void> {
  await page.getByText(text, { exact: false }).first().waitFor({ state: "visible", timeout });
}

async function newSession(extra: Record<string, unknown> = {}) {
  const fields = sessionFields(committeeId, {
    title: "Συνεδρίαση για τη στέγαση ευάλωτων νοικοκυριών",
    agenda: [{ title: "Στεγαστική συνδρομή" }, { title: "Ξενώνες φιλοξενίας" }, { title: "Διάφορα" }],
    preModerateQuestions: true,
    ...extra,
  });
  return (await createSession(db(), chair, fields)).id;
}

describe("live session page", () => {
  it("runs a session end to end across four browsers, live and accessible", async () => {
    const id = await newSession();
    const [chairPage, modPage, aPage, bPage] = await Promise.all([
      pageFor(chair),
      pageFor(moderator),
      pageFor(citizenA),
      pageFor(citizenB),
    ]);
    const pages = [chairPage, modPage, aPage, bPage];
    for (const p of pages) await openLive(p, id);
    const marks = await Promise.all(
      pages.map((p) => p.evaluate(() => ((window as { __same?: boolean }).__same = true))),
    );
    expect(marks).toHaveLength(4);

    // Before: scheduled.
    await see(aPage, el("sessions.statuses.scheduled"));
    await expectNoAxeViolations(aPage, "session page, scheduled (citizen)");
    await expectNoAxeViolations(chairPage, "session page, scheduled (chair)");

    // Presence: four watchers (one per page).
    for (const p of pages) await see(p, el("live.watching", { count: 4 }), 8_000);

    // The chair starts the session.
    await chairPage.getByRole("button", { name: el("live.chair.start") }).click();
    for (const p of pages) await see(p, el("sessions.statuses.live"));

    // The chair moves the agenda to the second item.
    await chairPage
      .locator(".live-agenda-list li", { hasText: "Ξενώνες φιλοξενίας" })
      .getByRole("button", { name: el("live.agenda.makeCurrent") })
      .click({ timeout: 5_000 })
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await chairPage.locator("main").innerHTML()}`);
      });
    for (const p of pages) {
      await expect
        .poll(() => p.locator('.live-agenda-list [aria-current="step"]').textContent())
        .toContain("Ξενώνες φιλοξενίας");
    }

    // Citizen A asks, by keyboard only.
    const question = "Πόσες θέσεις θα έχει ο νέος ξενώνας στην Πάτρα;";
    await aPage.getByLabel(el("live.questions.askTo", { item: "Ξενώνες φιλοξενίας" })).focus();
    await aPage.keyboard.type(question);
    await aPage.keyboard.press("Tab");
    await aPage.keyboard.press("Enter");
    await see(aPage, el("live.questions.mine"));
    await expect
      .poll(() => aPage.locator(".live-question.mine").textContent())
      .toContain(el("sessions.questionStatuses.pending"));
    // The moderator's page fetches the pending question's text; the other citizen sees nothing yet.
    await see(modPage, question);
    await see(modPage, el("live.questions.pending", { count: 1 }));
    expect(await bPage.getByText(question).count()).toBe(0);

    // During: axe on the moderator's page (pending queue with its controls).
    await expectNoAxeViolations(modPage, "session page, live (moderator with a pending question)");

    // The moderator approves: everyone sees the question.
    await modPage.getByRole("button", { name: `${el("live.moderation.approve")}: ${question}` }).click();
    for (const p of pages) await see(p, question);
    await expect.poll(() => aPage.locator(".live-question.mine").count()).toBe(0);

    // Citizen B upvotes (once: the button is replaced by "you upvoted").
    await bPage.getByRole("button", { name: `${el("live.questions.upvote")}: ${question}` }).click();
    for (const p of pages) await see(p, el("live.questions.votes", { count: 1 }));
    await see(bPage, el("live.questions.upvoted"));
    expect(
      await bPage.getByRole("button", { name: `${el("live.questions.upvote")}: ${question}` }).count(),
    ).toBe(0);
    // Citizen A cannot upvote their own question.
    expect(
      await aPage.getByRole("button", { name: `${el("live.questions.upvote")}: ${question}` }).count(),
    ).toBe(0);

    // Pinned as being answered, then marked answered.
    await modPage.getByRole("button", { name: `${el("live.moderation.pin")}: ${question}` }).click();
    for (const p of pages) await see(p, el("live.questions.pinned"));
    await expectNoAxeViolations(bPage, "session page, live (citizen, pinned question)");
    await modPage.getByRole("button", { name: `${el("live.moderation.answered")}: ${question}` }).click();
    for (const p of pages) await see(p, el("live.questions.answered", { count: 1 }));

    // A poll: opened by the chair, voted by both citizens, revealed, closed.
    await chairPage.getByText(el("live.polls.openTitle")).click();
    await chairPage
      .getByLabel(el("live.polls.question"), { exact: true })
      .fill("Να προτεραιοποιηθεί ο ξενώνας της Πάτρας;");
    await chairPage.getByLabel(el("live.polls.options"), { exact: true }).fill("Ναι\nΌχι\nΑποχή");
    await chairPage.getByRole("button", { name: el("live.polls.open") }).click();
    for (const p of pages) await see(p, "Να προτεραιοποιηθεί ο ξενώνας της Πάτρας;");
    for (const [p, choice] of [
      [aPage, "Ναι"],
      [bPage, "Όχι"],
    ] as const) {
      await p.getByRole("radio", { name: choice }).check();
      await p.getByRole("button", { name: el("live.polls.vote"), exact: true }).click();
      await see(p, el("live.polls.voted"));
    }
    for (const p of pages) await see(p, el("live.polls.ballots", { count: 2 }));
    await expectNoAxeViolations(aPage, "session page, live (citizen after voting)");
    await chairPage.getByRole("button", { name: `${el("live.polls.reveal")}:` }).click();
    for (const p of pages) {
      await expect
        .poll(() => p.locator(".live-results").textContent())
        .toContain(el("live.polls.optionVotes", { count: 1 }));
    }
    await chairPage.getByRole("button", { name: `${el("live.polls.close")}:` }).click();
    for (const p of pages) await see(p, el("live.polls.status.closed"));

    // The secretary (the moderator here) adds a running note.
    const note = "Η επιτροπή συμφώνησε να ζητήσει στοιχεία για τις θέσεις φιλοξενίας.";
    await modPage.getByLabel(el("live.notes.add")).fill(note);
    await modPage.getByRole("button", { name: el("live.notes.save") }).click();
    for (const p of pages) await see(p, note);

    // The chair ends the session.
    await chairPage.getByRole("button", { name: el("live.chair.end") }).click();
    for (const p of pages) await see(p, el("live.endedNotice"));

    // After: everything stays, no page was reloaded, no duplicates.
    for (const p of pages) {
      expect(await p.evaluate(() => (window as { __same?: boolean }).__same)).toBe(true);
      expect(await p.getByText(note).count()).toBe(1);
      expect(await p.locator(".live-poll").count()).toBe(1);
    }
    await expectNoAxeViolations(aPage, "session page, ended (citizen)");
    await expectNoAxeViolations(chairPage, "session page, ended (chair)");
    for (const p of pages) expectNoConsoleErrors(p);

    // A late opener sees the whole record at once, in English this time.
    const late = await pageFor(citizenB, "en");
    await late.goto(`/sessions/${id}`);
    await see(late, en("sessions.statuses.ended"));
    // Answered questions sit in a disclosure, opened by keyboard.
    await late.getByText(en("live.questions.answered", { count: 1 })).focus();
    await late.keyboard.press("Enter");
    await see(late, question);
    await see(late, note);
    await see(late, en("live.polls.optionVotes", { count: 1 }));
    await expectNoAxeViolations(late, "session page, ended (English)");
    for (const p of [...pages, late]) await p.context().close();
  });

  it("renders in full without JavaScript and takes a question through the form", async () => {
    const id = await newSession({ preModerateQuestions: false });
    const { startSession } = await import("~/domain/sessions/sessions.server.ts");
    await startSession(db(), chair, id);
    const context = await browser().newContext({
      javaScriptEnabled: false,
      locale: "el-GR",
      baseURL: app.url,
    });
    const token = await createSessionToken(db(), citizenA.id);
    await context.addCookies([{ name: "synochi_session", value: token, url: app.url, sameSite: "Lax" }]);
    const page = await context.newPage();
    await page.goto(`/sessions/${id}`);
    await see(page, "Συνεδρίαση για τη στέγαση ευάλωτων νοικοκυριών");
    await see(page, el("live.agenda.title"));
    await page
      .getByLabel(el("live.questions.askTo", { item: "Στεγαστική συνδρομή" }))
      .fill("Ερώτηση χωρίς JavaScript;");
    await page.getByRole("button", { name: el("live.questions.send") }).click();
    await see(page, "Ερώτηση χωρίς JavaScript;");
    await context.close();
  });
});
