/**
 * The rich-text editor in Debian's chromium on the real "new submission" page: without JavaScript it is a
 * labelled textarea whose plain text the server stores escaped; with JavaScript the toolbar formats text
 * (mouse and keyboard), the link box refuses javascript: and accepts a bare domain, the hidden field carries
 * the editor's JSON, a draft survives a reload and can be discarded, a posted submission renders the
 * formatting and clears the draft. axe-clean with the editor running; no console errors.
 */
import type { BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import editorEl from "~/i18n/areas/editor.el.json";
import submissionsEl from "~/i18n/areas/submissions.el.json";
import { newId } from "~/utils/ids.ts";
import {
  consoleErrorsOf,
  expectNoAxeViolations,
  expectNoConsoleErrors,
  newPage,
  useBrowser,
} from "../../helpers/browser.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createSessionToken, createUser } from "../../helpers/factories.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { startApp, type RunningApp } from "../../helpers/server.ts";

const testDb = useTestDatabase();
useTestRedis();
const browser = useBrowser();
const prisma = () => testDb().prisma;
const t = editorEl.editor;
const s = submissionsEl.submissions;

let app: RunningApp;
let slug: string;
let consultationId: string;

beforeAll(async () => {
  app = await startApp({ databaseUrl: testDb().url });
  const admin = await createUser(prisma(), { roles: ["admin"] });
  const id = newId();
  const emptyDoc = { type: "doc", content: [] };
  const c = await prisma().consultation.create({
    data: {
      id,
      slug: `c-${id.slice(0, 8)}`,
      title: "Διαβούλευση για τον επεξεργαστή",
      summary: "Περίληψη",
      bodyJson: emptyDoc,
      bodyHtml: "",
      phase: "open",
      createdById: admin.id,
    },
  });
  slug = c.slug;
  consultationId = c.id;
});

afterAll(async () => {
  await app?.stop();
});

async function citizenPage(options: BrowserContextOptions = {}) {
  const user = await createUser(prisma(), { roles: ["citizen"] });
  const page = await newPage(browser(), { locale: "el-GR", baseURL: app.url, ...options });
  const token = await createSessionToken(prisma(), user.id);
  await page
    .context()
    .addCookies([{ name: "synochi_session", value: token, url: app.url, httpOnly: true, sameSite: "Lax" }]);
  return { page, user };
}

async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.readyState === "complete" &&
      !!(window as unknown as { __remixRouter?: unknown }).__remixRouter,
  );
}

const editable = (page: Page) => page.getByRole("textbox", { name: s.fields.body });
const bodyJson = (page: Page) => page.locator('input[type="hidden"][name="body"]').inputValue();
const drafts = (page: Page) =>
  page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("synochi:draft:")));

describe("without JavaScript", () => {
  it("is a labelled textarea, and its plain text is stored as escaped paragraphs", async () => {
    const { page, user } = await citizenPage({ javaScriptEnabled: false });
    await page.goto(`/consultations/${slug}/submit`);
    const textarea = page.getByRole("textbox", { name: s.fields.body });
    expect(await textarea.evaluate((el) => el.tagName)).toBe("TEXTAREA");
    expect(await page.locator('[name="bodyFormat"]').count()).toBe(0);
    await page.getByRole("textbox", { name: s.fields.title }).fill("Χωρίς JavaScript");
    await textarea.fill(
      'Πρώτη <script>alert(1)</script>\nγραμμή\n\n<a href="javascript:alert(1)">δεύτερη</a>',
    );
    await Promise.all([
      page.waitForURL(/\/submissions\//),
      page.getByRole("button", { name: s.new.submit }).click(),
    ]);
    const stored = await prisma().submission.findFirstOrThrow({ where: { authorId: user.id } });
    expect(stored.bodyHtml).toBe(
      "<p>Πρώτη &lt;script&gt;alert(1)&lt;/script&gt;<br>γραμμή</p>" +
        "<p>&lt;a href=&quot;javascript:alert(1)&quot;&gt;δεύτερη&lt;/a&gt;</p>",
    );
    await page.context().close();
  });
});

describe("with JavaScript", () => {
  it("formats with the toolbar and the keyboard, refuses javascript: links, and posts the JSON", async () => {
    const { page, user } = await citizenPage();
    await page.goto(`/consultations/${slug}/submit`);
    await hydrated(page);
    const box = editable(page);
    await box.waitFor();
    expect(await box.getAttribute("contenteditable")).toBe("true");
    expect(await page.locator('textarea[name="body"]').count()).toBe(0);
    expect(await page.locator('input[name="bodyFormat"]').inputValue()).toBe("json");

    const toolbar = page.getByRole("toolbar");
    const bold = toolbar.getByRole("button", { name: t.toolbar.bold });
    expect(await bold.getAttribute("aria-pressed")).toBe("false");

    await box.click();
    await page.keyboard.press("Control+b");
    await page.keyboard.type("Έντονο");
    expect(await bold.getAttribute("aria-pressed")).toBe("true");
    await page.keyboard.press("Control+b");
    await page.keyboard.type(" και ");
    await toolbar.getByRole("button", { name: t.toolbar.italic }).click();
    await page.keyboard.type("πλάγιο");
    await toolbar.getByRole("button", { name: t.toolbar.italic }).click();
    await page.keyboard.press("Enter");
    await toolbar.getByRole("button", { name: t.toolbar.bulletList }).click();
    await page.keyboard.type("πρώτο σημείο");
    expect(
      await toolbar.getByRole("button", { name: t.toolbar.bulletList }).getAttribute("aria-pressed"),
    ).toBe("true");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter"); // leaves the list
    await page.keyboard.type("Δείτε ");

    // The toolbar is one tab stop; arrows move between its buttons.
    await bold.focus();
    await page.keyboard.press("ArrowRight");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain(t.toolbar.italic);
    expect(await toolbar.locator('button[tabindex="0"]').count()).toBe(1);

    // Link box: javascript: is refused with a visible message; a bare domain becomes https.
    await box.click();
    await page.keyboard.press("End");
    await page.keyboard.press("Control+k");
    const url = page.getByRole("textbox", { name: t.link.label });
    await url.waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("inputmode"))).toBe("url");
    await url.fill("javascript:alert(1)");
    await url.press("Enter");
    await page.getByRole("alert").filter({ hasText: t.link.invalid }).waitFor();
    expect(await url.getAttribute("aria-invalid")).toBe("true");
    expect(page.url()).toContain("/submit"); // Enter did not submit the form
    await url.fill("example.gr");
    await url.press("Enter");
    await url.waitFor({ state: "detached" });
    await page.locator('.rte-content a[href="https://example.gr/"]').waitFor();

    // Escape closes the link box without changes.
    await toolbar.getByRole("button", { name: t.toolbar.link }).click();
    await page.getByRole("textbox", { name: t.link.label }).press("Escape");
    await page.getByRole("textbox", { name: t.link.label }).waitFor({ state: "detached" });

    const json = JSON.parse(await bodyJson(page));
    expect(JSON.stringify(json)).toContain('"type":"bold"');
    expect(JSON.stringify(json)).toContain('"type":"italic"');
    expect(JSON.stringify(json)).toContain('"type":"bulletList"');
    expect(JSON.stringify(json)).toContain('"href":"https://example.gr/"');

    const counter = await page.locator(".rte-counter").textContent();
    expect(counter).toMatch(/Απομένουν [\d.]+ χαρακτήρες/);

    await expectNoAxeViolations(page, "new submission with the editor");

    await page.getByRole("textbox", { name: s.fields.title }).fill("Με μορφοποίηση");
    await Promise.all([
      page.waitForURL(/\/submissions\//),
      page.getByRole("button", { name: s.new.submit }).click(),
    ]);
    const stored = await prisma().submission.findFirstOrThrow({ where: { authorId: user.id } });
    expect(stored.bodyHtml).toBe(
      "<p><strong>Έντονο</strong> και <em>πλάγιο</em></p><ul><li><p>πρώτο σημείο</p></li></ul>" +
        '<p>Δείτε <a href="https://example.gr/" rel="nofollow noopener noreferrer">example.gr</a></p>',
    );
    await page.locator("strong", { hasText: "Έντονο" }).first().waitFor();
    // The URL changes before the old page unmounts; the drafts go when it does.
    await expect.poll(() => drafts(page)).toEqual([]);
    expectNoConsoleErrors(page);
    await page.context().close();
  });

  it("keeps a draft across a reload, says so, and discards it on request", async () => {
    const { page, user } = await citizenPage();
    await page.goto(`/consultations/${slug}/submit`);
    await hydrated(page);
    await editable(page).click();
    await page.keyboard.type("Κείμενο που δεν θέλω να χαθεί");
    await page.getByRole("textbox", { name: s.fields.title }).fill("Τίτλος προχείρου");
    await page.waitForTimeout(800);
    expect((await drafts(page)).sort()).toEqual([
      `synochi:draft:form:submission:${user.id}:${consultationId}`,
      `synochi:draft:richtext:submission:${user.id}:${consultationId}:body`,
    ]);

    await page.reload();
    await hydrated(page);
    await page.getByRole("status").filter({ hasText: t.draft.discard }).waitFor();
    expect(await editable(page).textContent()).toBe("Κείμενο που δεν θέλω να χαθεί");
    expect(await page.getByRole("textbox", { name: s.fields.title }).inputValue()).toBe("Τίτλος προχείρου");
    expect(await bodyJson(page)).toContain("Κείμενο που δεν θέλω να χαθεί");

    await page.getByRole("button", { name: t.draft.discard }).click();
    await page.getByRole("status").filter({ hasText: t.draft.discarded }).waitFor();
    expect(await editable(page).textContent()).toBe("");
    expect(await drafts(page)).not.toContain(
      `synochi:draft:richtext:submission:${user.id}:${consultationId}:body`,
    );
    expectNoConsoleErrors(page);
    await page.context().close();
  });

  it("shows the server's error and keeps what was typed when the text is too long", async () => {
    const { page } = await citizenPage();
    await page.goto(`/consultations/${slug}/submit`);
    await hydrated(page);
    await page.getByRole("textbox", { name: s.fields.title }).fill("Πολύ μεγάλο κείμενο");
    // Paste far more than the limit in one go (typing 10,000 characters would take long).
    const long = "α".repeat(10_050);
    await editable(page).click();
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.setData("text/plain", text);
      document.activeElement?.dispatchEvent(
        new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
      );
    }, long);
    await page.locator(".rte-counter-over").waitFor();
    await page.getByRole("button", { name: s.new.submit }).click();
    await page.locator(".rte .field-error").filter({ hasText: t.errors.tooLong }).waitFor();
    expect(await editable(page).getAttribute("aria-invalid")).toBe("true");
    expect((await editable(page).textContent())?.length).toBe(10_050);
    // A refused post keeps the drafts, and so does leaving by a link afterwards.
    await page.waitForTimeout(700);
    expect(await drafts(page)).toHaveLength(2);
    await page.getByRole("link", { name: "Διαβούλευση για τον επεξεργαστή" }).first().click();
    await page.waitForURL(new RegExp(`/consultations/${slug}$`));
    await page.waitForTimeout(300);
    expect(await drafts(page)).toHaveLength(2);
    // The refused post is a 400 by design, which chromium logs; anything else is a real error.
    const errors = consoleErrorsOf(page).filter((e) => !/status of 400/.test(e));
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("has touch-sized buttons on a phone, and Esc then Tab leaves a list", async () => {
    const { page } = await citizenPage({
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    await page.goto(`/consultations/${slug}/submit`);
    await hydrated(page);
    const buttons = page.getByRole("toolbar").getByRole("button");
    for (const button of await buttons.all()) {
      const box = await button.boundingBox();
      expect(box!.width).toBeGreaterThanOrEqual(44);
      expect(box!.height).toBeGreaterThanOrEqual(44);
      expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    }
    await editable(page).tap();
    await page.getByRole("toolbar").getByRole("button", { name: t.toolbar.bulletList }).tap();
    await page.keyboard.type("ένα");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab"); // indents: Tab stays in the editor inside a list
    await page.keyboard.type("δύο");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("textbox");
    expect(await page.locator(".rte-content ul ul").count()).toBe(1);
    await page.keyboard.press("Escape");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("role"))).not.toBe("textbox");
    expectNoConsoleErrors(page);
    await page.context().close();
  });
});
