/**
 * The session calendar and scheduling pages in a real browser (Debian chromium) against the real server:
 * axe finds nothing on the calendar (upcoming and past), the management list and the new-session form
 * (empty and refused), in Greek and in English; the agenda rows are added, moved and removed by keyboard
 * alone, with focus kept on the moved row and a polite announcement; the form is then sent with Enter and
 * the session is saved with the agenda in that order. The schedule box registers and withdraws interest.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import { createSession } from "~/domain/sessions/sessions.server.ts";
import { createT } from "~/i18n/i18n.ts";
import {
  expectNoAxeViolations,
  expectNoConsoleErrors,
  consoleErrorsOf,
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
useTestRedis();
const browser = useBrowser();
const db = () => testDb().prisma;
const el = createT("el");
const en = createT("en");

let app: RunningApp;
let committeeId: string;
let chair: CurrentUser;
let pastId: string;
let liveId: string;

beforeAll(async () => {
  app = await startApp({ databaseUrl: testDb().url });
  committeeId = await committee(db());
  chair = await person(db(), { committees: [{ committeeId, role: "chair" }], name: "Πρόεδρος" });
  const day = 24 * 3_600_000;
  await createSession(
    db(),
    chair,
    sessionFields(committeeId, { startsAt: new Date(Date.now() + 4 * day).toISOString() }),
  );
  await createSession(
    db(),
    chair,
    sessionFields(committeeId, {
      title: "Διαδικτυακή ενημέρωση",
      mode: "online",
      place: "",
      startsAt: new Date(Date.now() + 40 * day).toISOString(),
      endsAt: new Date(Date.now() + 40 * day + 3_600_000).toISOString(),
    }),
  );
  const past = await createSession(db(), chair, sessionFields(committeeId, { title: "Παλιά συνεδρίαση" }));
  // A live session: listed in the calendar; its schedule box has the interest button.
  liveId = (await createSession(db(), chair, sessionFields(committeeId, { title: "Ζωντανή συνεδρίαση" }))).id;
  await db().liveSession.update({ where: { id: liveId }, data: { status: "live", startedAt: new Date() } });
  pastId = past.id;
  await db().liveSession.update({
    where: { id: past.id },
    data: { status: "ended", startsAt: new Date(Date.now() - 10 * day) },
  });
});

afterAll(async () => {
  await app?.stop();
});

async function pageFor(user: CurrentUser | null, lang: "el" | "en" = "el"): Promise<Page> {
  return signedInPage(browser(), app.url, {
    locale: lang === "en" ? "en-GB" : "el-GR",
    sessionToken: user ? await createSessionToken(db(), user.id) : null,
    lang,
  });
}

const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? "");
/** Waits until the element with this id has focus (focus moves right after React renders a change). */
async function expectFocusOn(page: Page, id: string): Promise<void> {
  await page
    .waitForFunction((wanted) => document.activeElement?.id === wanted, id, { timeout: 2_000 })
    .catch(() => undefined);
  expect(await activeId(page)).toBe(id);
}
const agendaTitles = (page: Page) =>
  page.$$eval('input[name="agendaTitle"]', (inputs) => inputs.map((i) => (i as HTMLInputElement).value));

describe("sessions pages", () => {
  it("are axe-clean in Greek and English: calendar, past sessions, management list, new-session form", async () => {
    for (const [lang, t] of [
      ["el", el],
      ["en", en],
    ] as const) {
      const visitor = await pageFor(null, lang);
      await visitor.goto("/sessions");
      await hydrated(visitor);
      expect(await visitor.locator("h1").textContent()).toBe(t("sessions.calendar.title"));
      expect(await visitor.locator(".session-item").count()).toBe(3);
      await expectNoAxeViolations(visitor, `calendar (${lang})`);
      await visitor.goto("/sessions?tab=past");
      expect(await visitor.locator(".session-item").count()).toBe(1);
      await expectNoAxeViolations(visitor, `past sessions (${lang})`);
      expectNoConsoleErrors(visitor);
      await visitor.context().close();

      const organiser = await pageFor(chair, lang);
      await organiser.goto("/manage/sessions");
      await hydrated(organiser);
      expect(await organiser.locator("h1").textContent()).toBe(t("sessions.manage.title"));
      await expectNoAxeViolations(organiser, `management list (${lang})`);
      // A session that can no longer be edited shows its schedule box (the one the live page renders).
      await organiser.goto(`/manage/sessions/${pastId}`);
      await organiser.locator(".session-schedule").waitFor();
      await expectNoAxeViolations(organiser, `schedule box of an ended session (${lang})`);
      await organiser.goto(`/manage/sessions/${liveId}`);
      await organiser.locator(".session-interest button").waitFor();
      await expectNoAxeViolations(organiser, `schedule box of a live session (${lang})`);
      await organiser.goto("/manage/sessions/new");
      await hydrated(organiser);
      await expectNoAxeViolations(organiser, `new-session form (${lang})`);
      // Refused: the error summary takes focus; the page stays axe-clean with the errors shown.
      await organiser.getByRole("button", { name: t("sessions.manage.create"), exact: true }).click();
      await organiser.locator(".error-summary").waitFor();
      expect(await organiser.evaluate(() => document.activeElement?.className)).toContain("error-summary");
      expect(await organiser.locator(".error-summary").textContent()).toContain(
        t("sessions.errors.titleRequired"),
      );
      await expectNoAxeViolations(organiser, `new-session form with errors (${lang})`);
      // The refused POST answers 400; nothing else may be logged.
      expect(consoleErrorsOf(organiser).filter((e) => !/\b400\b/.test(e))).toEqual([]);
      await organiser.context().close();
    }
  });

  it("registers and withdraws interest from the schedule box, with a polite notice", async () => {
    const page = await pageFor(chair, "el");
    await page.goto(`/manage/sessions/${liveId}`);
    await hydrated(page);
    await page.getByRole("button", { name: el("sessions.interest.register") }).click();
    await page.waitForURL(/interest=registered/);
    expect(await page.locator(".session-schedule [role=status]").textContent()).toBe(
      el("sessions.interest.notices.registered"),
    );
    expect(await db().sessionInterest.count({ where: { sessionId: liveId, userId: chair.id } })).toBe(1);
    await page.getByRole("button", { name: el("sessions.interest.withdraw") }).click();
    await page.waitForURL(/interest=withdrawn/);
    expect(new URL(page.url()).search).toBe("?interest=withdrawn");
    expect(await db().sessionInterest.count({ where: { sessionId: liveId } })).toBe(0);
    await expectNoAxeViolations(page, "schedule box after withdrawing interest");
    expectNoConsoleErrors(page);
    await page.context().close();
  });

  it("edits the agenda by keyboard alone and saves the session with Enter", async () => {
    const page = await pageFor(chair, "el");
    await page.goto("/manage/sessions/new");
    await hydrated(page);

    // Row 1: type its title; then "add an item" by keyboard, twice: focus lands in the new row each time.
    const firstTitle = page.locator('input[name="agendaTitle"]').first();
    await firstTitle.focus();
    await page.keyboard.type("Στέγαση");
    await page.locator("#agenda-add").focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelectorAll('input[name="agendaTitle"]').length === 2);
    await page.waitForFunction(() => /^agenda-\d+-title$/.test(document.activeElement?.id ?? ""));
    await page.keyboard.type("Σίτιση");
    await page.locator("#agenda-add").focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelectorAll('input[name="agendaTitle"]').length === 3);
    await page.keyboard.type("Διάφορα");
    expect(await agendaTitles(page)).toEqual(["Στέγαση", "Σίτιση", "Διάφορα"]);

    // Move "Διάφορα" up with its button: focus stays on that row's button; at the top it moves to "down".
    const thirdUp = page.getByRole("button", {
      name: el("sessions.form.agenda.moveUpOf", { number: 3 }),
    });
    await thirdUp.focus();
    const movedKey = (await activeId(page)).split("-")[1];
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      () =>
        (document.querySelectorAll('input[name="agendaTitle"]')[1] as HTMLInputElement | undefined)?.value ===
        "Διάφορα",
    );
    await expectFocusOn(page, `agenda-${movedKey}-up`);
    await page.keyboard.press("Space");
    await page.waitForFunction(
      () =>
        (document.querySelectorAll('input[name="agendaTitle"]')[0] as HTMLInputElement | undefined)?.value ===
        "Διάφορα",
    );
    await expectFocusOn(page, `agenda-${movedKey}-down`);
    expect(await agendaTitles(page)).toEqual(["Διάφορα", "Στέγαση", "Σίτιση"]);
    await expect
      .poll(() => page.locator(".session-agenda [role=status]").textContent())
      .toBe(el("sessions.form.agenda.moved", { title: "Διάφορα", position: 1 }));

    // Alt+ArrowDown inside a row's title moves the row, keeping focus in that field.
    await page.locator(`#agenda-${movedKey}-title`).focus();
    await page.keyboard.press("Alt+ArrowDown");
    await page.keyboard.press("Alt+ArrowDown");
    await page.waitForFunction(
      () =>
        (document.querySelectorAll('input[name="agendaTitle"]')[2] as HTMLInputElement | undefined)?.value ===
        "Διάφορα",
    );
    await expectFocusOn(page, `agenda-${movedKey}-title`);
    expect(await agendaTitles(page)).toEqual(["Στέγαση", "Σίτιση", "Διάφορα"]);

    // Remove "Σίτιση" with Space on its button: focus goes to the row that took its place.
    await page.getByRole("button", { name: el("sessions.form.agenda.removeOf", { number: 2 }) }).focus();
    await page.keyboard.press("Space");
    await page.waitForFunction(() => document.querySelectorAll('input[name="agendaTitle"]').length === 2);
    await expectFocusOn(page, `agenda-${movedKey}-title`);
    expect(await agendaTitles(page)).toEqual(["Στέγαση", "Διάφορα"]);
    await expectNoAxeViolations(page, "new-session form after agenda edits");

    // The rest by keyboard: type the fields, choose the mode with Space, send with Enter in the title.
    // The organiser's only committee is chosen already.
    expect(await page.locator("#committeeId").inputValue()).toBe(committeeId);
    // The date picker's keyboard format depends on the browser's locale: fill it as a value instead.
    await page.locator("#startsAt").fill("2031-03-01T18:00");
    await page.locator('input[name="mode"]').first().focus();
    await page.keyboard.press("Space"); // in person
    await page.locator("#place").focus();
    await page.keyboard.type("Αίθουσα Α");
    await page.locator("#title").focus();
    await page.keyboard.type("Συνεδρίαση από το πληκτρολόγιο");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/manage\/sessions\/[0-9a-f-]{36}\?notice=created$/);
    const saved = await db().liveSession.findFirstOrThrow({
      where: { title: "Συνεδρίαση από το πληκτρολόγιο" },
      include: { agendaItems: { orderBy: { position: "asc" } } },
    });
    expect(saved.agendaItems.map((a) => a.title)).toEqual(["Στέγαση", "Διάφορα"]);
    expect(saved).toMatchObject({ mode: "in_person", place: "Αίθουσα Α", committeeId });
    expect(saved.startsAt.toISOString()).toBe("2031-03-01T16:00:00.000Z");
    expectNoConsoleErrors(page);
    await page.context().close();
  });
});
