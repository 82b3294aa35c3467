/**
 * Accounts in a real browser (Debian chromium) against the real server and worker: register in Greek,
 * confirm the address from the e-mail, log in, see the account page, log out; a citizen refused the admin
 * pages; axe on the main account pages in both languages; the skip link by keyboard.
 * Every test fails on any console error of the page.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import el from "~/i18n/el.json";
import en from "~/i18n/en.json";
import { newId } from "~/utils/ids.ts";
import {
  consoleErrorsOf,
  expectNoAxeViolations,
  expectNoConsoleErrors,
  newPage,
  useBrowser,
} from "../helpers/browser.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { createSessionToken, createUser } from "../helpers/factories.ts";
import { findLink, isAddressedTo, waitForMail } from "../helpers/mail.ts";
import { useTestRedis } from "../helpers/redis.ts";
import { startApp, startWorker, type RunningApp, type RunningWorker } from "../helpers/server.ts";

const testDb = useTestDatabase();
useTestRedis();
const browser = useBrowser();

let app: RunningApp;
let worker: RunningWorker;

beforeAll(async () => {
  app = await startApp({ databaseUrl: testDb().url });
  // Same database, Redis prefix and mail sink as the app: registration mail goes outbox → worker → sink.
  worker = await startWorker({ databaseUrl: testDb().url, mailDir: app.mailDir });
});

afterAll(async () => {
  await worker?.stop();
  await app?.stop();
});

const messages = { el, en } as const;
type Lang = keyof typeof messages;

/** A page for a Greek-speaking visitor (Accept-Language el-GR), resolving relative URLs against the app. */
async function greekPage(): Promise<Page> {
  return newPage(browser(), { locale: "el-GR", baseURL: app.url });
}

/** Writes a citizen and a session row, and gives the page's context the session cookie (no UI login). */
async function loginAsNewCitizen(page: Page, roles: ("citizen" | "admin")[] = ["citizen"]) {
  const db = testDb().prisma;
  const user = await createUser(db, { roles, displayName: "Γιώργος Κ." });
  const token = await createSessionToken(db, user.id);
  await page
    .context()
    .addCookies([{ name: "synochi_session", value: token, url: app.url, httpOnly: true, sameSite: "Lax" }]);
  return user;
}

async function htmlLang(page: Page): Promise<string | null> {
  return page.locator("html").getAttribute("lang");
}

/** Remix hydrates after load; interacting before that would bypass the client-side forms under test. */
async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.readyState === "complete" &&
      !!(window as unknown as { __remixRouter?: unknown }).__remixRouter,
  );
}

/** Clicks the header's language button and waits until the page is in `to`. */
async function switchLanguage(page: Page, from: Lang, to: Lang): Promise<void> {
  await page.getByRole("button", { name: messages[from].layout.switchLanguage }).click();
  await page.locator(`html[lang="${to}"]`).waitFor({ state: "attached" });
  await page.getByRole("button", { name: messages[to].layout.switchLanguage }).waitFor();
}

describe("accounts in the browser", () => {
  it("registers in Greek, confirms the address from the e-mail, logs in, sees the account page and logs out", async () => {
    const page = await greekPage();
    const email = `maria-${newId()}@example.org`;
    const password = "ένας μακρύς κωδικός 42";

    await page.goto("/register");
    await hydrated(page);
    expect(await htmlLang(page)).toBe("el");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
      el.accounts.register.title,
    );
    await page.getByLabel(el.accounts.fields.email).fill(email);
    await page.getByLabel(el.accounts.fields.displayName).fill("Μαρία Π.");
    await page.getByLabel(el.accounts.fields.password, { exact: true }).fill(password);
    await page.getByLabel(el.accounts.register.acceptTerms).check();
    await page.getByLabel(el.accounts.register.acceptPrivacy).check();
    await page.getByRole("button", { name: el.accounts.register.submit }).click();
    await page.getByRole("heading", { name: el.accounts.register.sentTitle }).waitFor();
    await expectNoAxeViolations(page, "register: e-mail sent (el)");

    const mail = await waitForMail(app.mailDir, (m) => isAddressedTo(m, email), 20_000);
    expect(mail.subject).toContain("Επιβεβαιώστε");
    const link = findLink(mail, "/verify-email?token=");
    expect(link, `no verification link in:\n${mail.text}`).toBeDefined();
    expect(link!.startsWith(`${app.url}/verify-email?token=`)).toBe(true);

    await page.goto(link!);
    await page.getByRole("status").filter({ hasText: el.accounts.verify.ok }).waitFor();
    const user = await testDb().prisma.user.findUniqueOrThrow({ where: { email } });
    expect(user.emailVerifiedAt).toBeInstanceOf(Date);

    await hydrated(page);
    await page.getByRole("main").getByRole("link", { name: el.accounts.verify.loginLink }).click();
    await page.waitForURL("**/login");
    await page.getByLabel(el.accounts.fields.email).fill(email);
    await page.getByLabel(el.accounts.fields.password).fill(password);
    await page.getByRole("main").getByRole("button", { name: el.accounts.login.submit }).click();
    await page.getByText(el.notices.loggedIn).waitFor();

    await page
      .getByRole("navigation", { name: el.layout.mainNav })
      .getByRole("link", { name: el.nav.account })
      .click();
    await page.getByRole("heading", { level: 1, name: el.accounts.account.title }).waitFor();
    await expect(page.getByText(email, { exact: true }).count()).resolves.toBe(1);
    expect(await testDb().prisma.session.count({ where: { userId: user.id } })).toBe(1);

    await page.getByRole("banner").getByRole("button", { name: el.nav.logout, exact: true }).click();
    await page.getByText(el.notices.loggedOut).waitFor();
    await page
      .getByRole("navigation", { name: el.layout.mainNav })
      .getByRole("link", { name: el.nav.login })
      .waitFor();
    expect(await testDb().prisma.session.count({ where: { userId: user.id } })).toBe(0);

    // Logged out for real: the account page sends the visitor to the login page again.
    await page.goto("/account");
    await page.waitForURL("**/login?redirectTo=%2Faccount");
    expectNoConsoleErrors(page);
    await page.context().close();
  });

  it("shows a citizen the 403 page at /admin/users", async () => {
    const page = await greekPage();
    await loginAsNewCitizen(page);
    const response = await page.goto("/admin/users");
    expect(response?.status()).toBe(403);
    await page.getByRole("heading", { level: 1, name: el.errors.title403 }).waitFor();
    await expect(page.getByText(el.errors.forbidden).count()).resolves.toBe(1);
    await expect(page.getByRole("heading", { name: el.admin.users.title }).count()).resolves.toBe(0);
    await expectNoAxeViolations(page, "403 page (el)");
    // Chrome reports the document's own 403 status on the console; nothing else may appear there.
    const documentUrl = `${app.url}/admin/users`;
    const unexpected = consoleErrorsOf(page).filter(
      (e) => !e.includes(`the server responded with a status of 403 (Forbidden) (${documentUrl}:`),
    );
    expect(unexpected).toEqual([]);
    await page.context().close();
  });

  it("moves focus to the main content with the skip link, by keyboard", async () => {
    const page = await greekPage();
    await page.goto("/");
    await hydrated(page);
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => ({
      text: document.activeElement?.textContent?.trim(),
      href: document.activeElement?.getAttribute("href"),
    }));
    expect(focused).toEqual({ text: el.layout.skipToContent, href: "#main" });
    await expect(page.getByRole("link", { name: el.layout.skipToContent }).isVisible()).resolves.toBe(true);
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement?.id === "main");
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("MAIN");
    expectNoConsoleErrors(page);
    await page.context().close();
  });
});

/** Visits each page in `lang`: it is in that language, shows its heading, and axe finds nothing. */
async function expectAccessiblePages(page: Page, lang: Lang, pages: (readonly [string, string])[]) {
  for (const [path, heading] of pages) {
    await page.goto(path);
    await hydrated(page);
    expect(await htmlLang(page)).toBe(lang);
    await page.getByRole("heading", { level: 1, name: heading }).waitFor();
    await expectNoAxeViolations(page, `${path} (${lang})`);
  }
}

describe("accessibility (axe, WCAG 2.1 A/AA)", () => {
  it("finds no violations on the home, login and register pages in Greek and in English", async () => {
    const page = await greekPage();
    const pagesIn = (lang: Lang) =>
      [
        ["/", messages[lang].home.title],
        ["/login", messages[lang].accounts.login.title],
        ["/register", messages[lang].accounts.register.title],
      ] as const;
    await expectAccessiblePages(page, "el", [...pagesIn("el")]);
    await switchLanguage(page, "el", "en");
    expect(new URL(page.url()).pathname).toBe("/register"); // the switch keeps the reader on the page
    await expectAccessiblePages(page, "en", [...pagesIn("en")]);
    await switchLanguage(page, "en", "el");
    expect(await htmlLang(page)).toBe("el");
    expectNoConsoleErrors(page);
    await page.context().close();
  });

  it("finds no violations on the terms, privacy, accessibility and password pages in Greek and in English", async () => {
    const page = await greekPage();
    for (const lang of ["el", "en"] as const) {
      if (lang === "en") await switchLanguage(page, "el", "en");
      await expectAccessiblePages(page, lang, [
        ["/terms", messages[lang].pages.terms.title],
        ["/privacy", messages[lang].pages.privacy.title],
        ["/accessibility", messages[lang].pages.accessibility.title],
        ["/password/forgot", messages[lang].accounts.forgot.title],
        // An unknown or used link: the page says so and offers a new one.
        ["/password/reset?token=not-a-valid-token", messages[lang].accounts.reset.title],
      ]);
    }
    expectNoConsoleErrors(page);
    await page.context().close();
  });

  it("finds no violations on the account page in Greek and in English", async () => {
    const page = await greekPage();
    const user = await loginAsNewCitizen(page);
    await page.goto("/account");
    await hydrated(page);
    await page.getByRole("heading", { level: 1, name: el.accounts.account.title }).waitFor();
    expect(await htmlLang(page)).toBe("el");
    await expectNoAxeViolations(page, "/account (el)");

    await switchLanguage(page, "el", "en");
    await page.getByRole("heading", { level: 1, name: en.accounts.account.title }).waitFor();
    await expectNoAxeViolations(page, "/account (en)");
    // A signed-in reader's choice is kept on the account too.
    expect((await testDb().prisma.user.findUniqueOrThrow({ where: { id: user.id } })).locale).toBe("en");
    expectNoConsoleErrors(page);
    await page.context().close();
  });
});
