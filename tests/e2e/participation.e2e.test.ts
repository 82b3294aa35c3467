/**
 * Participation in a real browser (Debian chromium) against the real server and worker: a citizen posts a
 * formatted proposal through the Tiptap editor; a second citizen, on the consultation page, sees it appear
 * live, supports it and comments "against"; the first sees that comment live and replies; the second sees
 * the reply live and is notified. Also: drafts survive a reload, the submit form works by keyboard alone,
 * an empty title is refused in Greek without losing the body, and axe finds nothing on every participation
 * page (before and after live updates, with a reply form open, in Greek and in English).
 * Every test fails on any console error of its pages (other than the expected 400 of a refused form).
 */
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createT } from "~/i18n/i18n.ts";
import { newId } from "~/utils/ids.ts";
import {
  paragraphDoc,
  createOpenConsultation,
  type CreatedConsultation,
} from "../helpers/consultation-fixtures.ts";
import {
  consoleErrorsOf,
  expectNoAxeViolations,
  expectNoConsoleErrors,
  newPage,
  useBrowser,
} from "../helpers/browser.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { createSessionToken, createUser } from "../helpers/factories.ts";
import { useTestRedis } from "../helpers/redis.ts";
import { startApp, startWorker, type RunningApp, type RunningWorker } from "../helpers/server.ts";

const testDb = useTestDatabase();
useTestRedis();
const browser = useBrowser();
const db = () => testDb().prisma;

const el = createT("el");
const en = createT("en");

let app: RunningApp;
let worker: RunningWorker;
let staffId: string;
let consultation: CreatedConsultation;

beforeAll(async () => {
  app = await startApp({ databaseUrl: testDb().url });
  // Notifications are written by the worker from outbox events: same database and Redis prefix as the app.
  worker = await startWorker({ databaseUrl: testDb().url, mailDir: app.mailDir });
  staffId = (await createUser(db(), { roles: ["directorate"], displayName: "Διεύθυνση" })).id;
  consultation = await createOpenConsultation(db(), {
    createdById: staffId,
    title: "Κοινωνική ένταξη στη Δυτική Ελλάδα 2026",
    summary: "Πώς θα στηρίξουμε τα νοικοκυριά που κινδυνεύουν με φτώχεια.",
    bodyHtml: "<p>Η Περιφέρεια ζητά τη γνώμη σας για το σχέδιο δράσης.</p>",
    articles: [
      { title: "Σκοπός", bodyHtml: "<p>Ο σκοπός του σχεδίου δράσης.</p>" },
      { title: "Μέτρα στέγασης", bodyHtml: "<p>Στεγαστική συνδρομή για ευάλωτα νοικοκυριά.</p>" },
    ],
  });
  // Something to find and to list besides what the tests post.
  const author = await createUser(db(), { displayName: "Ελένη Μ." });
  await db().submission.create({
    data: {
      id: newId(),
      consultationId: consultation.id,
      authorId: author.id,
      kind: "need",
      title: "Θέρμανση στα σχολεία των ορεινών χωριών",
      bodyJson: paragraphDoc("Τα σχολεία χρειάζονται πετρέλαιο θέρμανσης πριν τον Δεκέμβριο."),
      bodyHtml: "<p>Τα σχολεία χρειάζονται πετρέλαιο θέρμανσης πριν τον Δεκέμβριο.</p>",
      bodyText: "Τα σχολεία χρειάζονται πετρέλαιο θέρμανσης πριν τον Δεκέμβριο.",
    },
  });
  await db().consultation.update({ where: { id: consultation.id }, data: { submissionCount: 1 } });
});

afterAll(async () => {
  await worker?.stop();
  await app?.stop();
});

// ───────────────────────────── helpers ─────────────────────────────

/** A Greek-speaking citizen's page, signed in through a session cookie (no UI login). */
async function citizenPage(displayName: string): Promise<{ page: Page; userId: string }> {
  const user = await createUser(db(), { displayName });
  const page = await newPage(browser(), { locale: "el-GR", baseURL: app.url });
  recordFrames(page);
  const token = await createSessionToken(db(), user.id);
  await page
    .context()
    .addCookies([{ name: "synochi_session", value: token, url: app.url, httpOnly: true, sameSite: "Lax" }]);
  return { page, userId: user.id };
}

/** Remix hydrates after load; interacting before that would bypass the client-side behaviour under test. */
async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.readyState === "complete" &&
      !!(window as unknown as { __remixRouter?: unknown }).__remixRouter,
  );
}

/** The Socket.io frames each page sent (room joins among them), recorded from the page's creation on. */
const sentFrames = new WeakMap<Page, string[]>();

function recordFrames(page: Page): void {
  const frames: string[] = [];
  sentFrames.set(page, frames);
  page.on("websocket", (ws) => ws.on("framesent", ({ payload }) => frames.push(String(payload))));
}

/**
 * Waits until the page has joined the consultation's live room (its socket sent `room:join`) and the
 * "offline" hint is gone; a short pause then lets the server process the join.
 */
async function live(page: Page): Promise<void> {
  await hydrated(page);
  const room = `consultation:${consultation.id}`;
  await expect
    .poll(() => (sentFrames.get(page) ?? []).some((f) => f.includes("room:join") && f.includes(room)))
    .toBe(true);
  await page.waitForFunction(() => !document.querySelector(".offline-hint"));
  await page.waitForTimeout(200);
}

type Marked = { __sameDocument?: boolean };

/** Marks the page's document; `sameDocument` later tells whether it was never reloaded since. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as Marked).__sameDocument = true));
}

async function sameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as Marked).__sameDocument === true);
}

/** The rich-text editor's editable area, once Tiptap has replaced the fallback textarea. */
function bodyEditor(page: Page): Locator {
  return page.getByRole("textbox", { name: el("submissions.fields.body") });
}

function toolbar(page: Page): Locator {
  return page.getByRole("toolbar", {
    name: el("editor.toolbar.label", { field: el("submissions.fields.body") }),
  });
}

/** Opens the submit page of the consultation and waits for the editor. */
async function openSubmitPage(page: Page): Promise<void> {
  await page.goto(`/consultations/${consultation.slug}/submit`);
  await hydrated(page);
  await page.getByRole("heading", { level: 1, name: el("submissions.new.title") }).waitFor();
  await bodyEditor(page).waitFor();
}

function titleField(page: Page): Locator {
  return page.getByRole("textbox", { name: el("submissions.fields.title"), exact: true });
}

async function activeElementInfo(page: Page) {
  return page.evaluate(() => {
    const a = document.activeElement as HTMLElement | null;
    return {
      id: a?.id ?? "",
      tag: a?.tagName ?? "",
      // Toolbar buttons show a glyph or icon next to their name, which is in a visually hidden span.
      name: (a?.querySelector(".rte-sr")?.textContent ?? a?.textContent ?? "").trim(),
      editable: a?.getAttribute("contenteditable") === "true",
    };
  });
}

/** Presses Tab until `done` holds for the focused element; fails after `max` presses. */
async function tabUntil(
  page: Page,
  done: (info: Awaited<ReturnType<typeof activeElementInfo>>) => boolean,
  what: string,
  max = 40,
): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (done(await activeElementInfo(page))) return;
  }
  throw new Error(
    `Tab never reached ${what} within ${max} presses (now on ${JSON.stringify(await activeElementInfo(page))})`,
  );
}

/** Clicks the header's language button and waits until the page is in `to`. */
async function switchLanguage(page: Page, to: "el" | "en"): Promise<void> {
  const from = to === "en" ? el : en;
  const target = to === "en" ? en : el;
  await page.getByRole("button", { name: from("layout.switchLanguage") }).click();
  await page.locator(`html[lang="${to}"]`).waitFor({ state: "attached" });
  await page.getByRole("button", { name: target("layout.switchLanguage") }).waitFor();
  await hydrated(page);
}

/** Console errors other than the browser's report of an expected HTTP status for `path`. */
function unexpectedConsoleErrors(page: Page, status: number, path: string): string[] {
  return consoleErrorsOf(page).filter(
    (e) => !(e.includes(`the server responded with a status of ${status}`) && e.includes(path)),
  );
}

// ───────────────────────────── the story ─────────────────────────────

describe("posting, supporting and discussing live", () => {
  it(
    "A posts a formatted proposal; B sees it live, supports it and comments against; A replies; both see it live",
    { timeout: 180_000 },
    async () => {
      const proposalTitle = "Δωρεάν μετακίνηση ηλικιωμένων με τα αστικά λεωφορεία";
      const commentText = "Διαφωνώ: το κόστος θα το πληρώσουν οι δήμοι χωρίς αντίστοιχη χρηματοδότηση.";
      const replyText = "Η χρηματοδότηση μπορεί να έρθει από το Ταμείο Ανάκαμψης· δείτε το άρθρο 2.";
      const link = "https://www.example.gr/odigos-metakinisis";
      const { page: a, userId: aId } = await citizenPage("Άννα Κ.");
      const { page: b } = await citizenPage("Βασίλης Π.");

      // The index, then the consultation page, in both browsers.
      await a.goto("/consultations");
      await hydrated(a);
      await a.getByRole("heading", { level: 1, name: el("consultations.index.title") }).waitFor();
      await expectNoAxeViolations(a, "/consultations (el)");
      await a.getByRole("link", { name: consultation.title }).click();
      await a.getByRole("heading", { level: 1, name: consultation.title }).waitFor();
      await live(a);
      await expectNoAxeViolations(a, "consultation page (el)");

      await b.goto(`/consultations/${consultation.slug}`);
      await live(b);
      // Marks the document: still there later means the page was never reloaded.
      await markDocument(b);

      // A: "post", kind proposal, title, a body with bold text, a bullet list and a link.
      await a.getByRole("link", { name: el("consultations.page.post") }).click();
      await a.waitForURL(`**/consultations/${consultation.slug}/submit`);
      await hydrated(a);
      await bodyEditor(a).waitFor();
      await expectNoAxeViolations(a, "submit page (el)");
      await a.getByRole("radio", { name: new RegExp(`^${el("submissions.kinds.proposal")}`) }).check();
      await titleField(a).fill(proposalTitle);

      await bodyEditor(a).click();
      await a.keyboard.type("Η πρόταση αφορά ");
      await a.keyboard.press("Control+b");
      await a.keyboard.type("όλους τους συνταξιούχους");
      await a.keyboard.press("Control+b");
      await a.keyboard.type(" της Περιφέρειας.");
      await a.keyboard.press("Enter");
      await toolbar(a)
        .getByRole("button", { name: el("editor.toolbar.bulletList") })
        .click();
      await a.keyboard.type("κάρτα μετακίνησης");
      await a.keyboard.press("Enter");
      await a.keyboard.type("χωρίς εισοδηματικά κριτήρια");
      await a.keyboard.press("Enter");
      await a.keyboard.press("Enter"); // an empty item ends the list
      await a.keyboard.type("Οδηγός: ");
      await toolbar(a)
        .getByRole("button", { name: el("editor.toolbar.link") })
        .click();
      const linkInput = a.getByRole("textbox", { name: el("editor.link.label") });
      await linkInput.fill(link);
      await linkInput.press("Enter");
      await expect.poll(() => bodyEditor(a).locator(`a[href="${link}"]`).count()).toBe(1);
      expect(await bodyEditor(a).locator("strong").textContent()).toBe("όλους τους συνταξιούχους");
      expect(await bodyEditor(a).locator("ul > li").count()).toBe(2);

      await a.getByRole("button", { name: el("submissions.new.submit"), exact: true }).click();
      await a.waitForURL(/\/submissions\/[0-9a-f-]{36}/);
      await hydrated(a);
      const submissionPath = new URL(a.url()).pathname;
      const submissionId = submissionPath.split("/").pop()!;
      await a.getByRole("heading", { level: 1, name: proposalTitle }).waitFor();
      await a.getByText(el("notices.submissionPosted")).waitFor();
      // The server's rendering of the editor's JSON: bold, a list and an https link.
      const prose = a.locator("article .prose");
      expect(await prose.locator("strong").textContent()).toBe("όλους τους συνταξιούχους");
      expect(await prose.locator("ul > li").allTextContents()).toEqual([
        "κάρτα μετακίνησης",
        "χωρίς εισοδηματικά κριτήρια",
      ]);
      expect(await prose.locator("a").getAttribute("href")).toBe(link);
      expect(await prose.locator("a").textContent()).toBe(link);
      const stored = await db().submission.findUniqueOrThrow({ where: { id: submissionId } });
      expect(stored).toMatchObject({ kind: "proposal", title: proposalTitle, status: "published" });
      expect(stored.bodyHtml).toContain("<strong>όλους τους συνταξιούχους</strong>");
      await live(a);
      await markDocument(a);
      await expectNoAxeViolations(a, "submission page, author (el)");
      // The author's edit page (in a second tab, so that this one stays live on the submission).
      const editTab = await a.context().newPage();
      await editTab.goto(`${submissionPath}/edit`);
      await hydrated(editTab);
      await editTab.getByRole("heading", { level: 1, name: el("submissions.edit.title") }).waitFor();
      expect(await editTab.getByLabel(el("submissions.fields.title")).inputValue()).toBe(proposalTitle);
      await expectNoAxeViolations(editTab, "edit page of one's submission (el)");
      await editTab.close();

      // B, without reloading: the polite announcement and the "show 1 new" control.
      const announcement = b
        .getByRole("status")
        .filter({ hasText: el("consultations.live.newSubmissions", { count: 1 }) });
      await announcement.waitFor();
      expect(await announcement.getAttribute("aria-live")).toBe("polite");
      const showNewSubmission = b.getByRole("button", {
        name: el("consultations.live.showNew", { count: 1 }),
      });
      await showNewSubmission.waitFor();
      await expectNoAxeViolations(b, "consultation page with a live update waiting (el)");
      await showNewSubmission.press("Enter");
      const newList = b.getByRole("list", { name: el("consultations.live.newListLabel") });
      await newList.getByRole("link", { name: proposalTitle }).waitFor();
      // Focus moves to what was just shown, so keyboard and screen-reader users land on it.
      await expect.poll(() => newList.evaluate((list) => list === document.activeElement)).toBe(true);
      expect(await sameDocument(b)).toBe(true);
      await expectNoAxeViolations(b, "consultation page after showing the new submission (el)");
      await newList.getByRole("link", { name: proposalTitle }).click();
      await b.waitForURL(`**${submissionPath}`);
      await b.getByRole("heading", { level: 1, name: proposalTitle }).waitFor();
      await live(b);

      // B supports it: the count becomes 1 for B, and for A without a reload.
      await b.getByRole("button", { name: el("submissions.support"), exact: true }).click();
      const supported = b.getByRole("button", { name: el("submissions.supported") });
      await supported.waitFor();
      expect(await supported.getAttribute("aria-pressed")).toBe("true");
      await b
        .locator(".support-count")
        .filter({ hasText: el("submissions.supports", { count: 1 }) })
        .waitFor();
      await a
        .locator(".support-count")
        .filter({ hasText: el("submissions.supports", { count: 1 }) })
        .waitFor();
      expect((await db().submission.findUniqueOrThrow({ where: { id: submissionId } })).supportCount).toBe(1);

      // B comments "against"; B's own comment appears at once.
      await b.getByRole("textbox", { name: el("comments.yourComment") }).fill(commentText);
      await b
        .getByRole("radio", { name: el("comments.alignments.against") })
        .first()
        .check();
      await b.getByRole("button", { name: el("comments.post") }).click();
      const bComment = b.locator("li.comment.align-against").filter({ hasText: commentText });
      await bComment.waitFor();

      // A, without reloading: the announcement, the control, then the comment with its alignment.
      const commentAnnouncement = a
        .getByRole("status")
        .filter({ hasText: el("comments.live.newComments", { count: 1 }) });
      await commentAnnouncement.waitFor();
      expect(await commentAnnouncement.getAttribute("aria-live")).toBe("polite");
      const showNewComment = a.getByRole("button", { name: el("comments.live.showNew", { count: 1 }) });
      await showNewComment.waitFor();
      await expectNoAxeViolations(a, "submission page with a new comment waiting (el)");
      await showNewComment.click();
      expect(await sameDocument(a)).toBe(true);
      const aComment = a.locator("li.comment").filter({ hasText: commentText });
      await aComment.waitFor();
      expect(await aComment.getAttribute("class")).toContain("align-against");
      expect(await aComment.locator(".comment-head .alignment").textContent()).toContain(
        el("comments.alignments.against"),
      );
      await expectNoAxeViolations(a, "submission page after the live update (el)");

      // A replies to it; with the reply form open the page is still clean.
      const replyButton = aComment.getByRole("button", { name: el("comments.reply"), exact: true }).first();
      await replyButton.click();
      expect(await replyButton.getAttribute("aria-expanded")).toBe("true");
      const replyBox = a.getByRole("textbox", { name: el("comments.replyTo", { name: "Βασίλης Π." }) });
      await replyBox.waitFor();
      await expectNoAxeViolations(a, "submission page with the reply form open (el)");
      await replyBox.fill(replyText);
      await a.getByRole("button", { name: el("comments.postReply") }).click();
      await a.locator("ol.replies li.comment").filter({ hasText: replyText }).waitFor();

      // B sees A's reply the same way, nested under B's comment.
      const showReply = b.getByRole("button", { name: el("comments.live.showNew", { count: 1 }) });
      await showReply.waitFor();
      await showReply.click();
      await bComment.locator("ol.replies li.comment").filter({ hasText: replyText }).waitFor();
      expect(await sameDocument(b)).toBe(true);

      // The worker turns the reply into a notification for B, delivered live to the bell.
      await b
        .getByRole("link", { name: new RegExp(`^${el("notifications.bell.label")}, \\d+`) })
        .waitFor({ timeout: 20_000 });
      await b.getByRole("link", { name: new RegExp(`^${el("notifications.bell.label")}`) }).click();
      await b.waitForURL("**/notifications");
      await hydrated(b);
      await b
        .getByRole("link", {
          name: el("notifications.types.reply", { actor: "Άννα Κ.", title: proposalTitle }),
        })
        .waitFor();
      await expectNoAxeViolations(b, "/notifications with a reply (el)");
      // And B's comment became one for A, the author.
      await expect
        .poll(() => db().notification.count({ where: { userId: aId, type: "comment_on_yours" } }))
        .toBe(1);

      // The article page and search, as B.
      await b.goto(`/consultations/${consultation.slug}/articles/2`);
      await hydrated(b);
      await b
        .getByRole("heading", {
          level: 1,
          name: el("consultations.article.label", { number: 2, title: "Μέτρα στέγασης" }),
        })
        .waitFor();
      await expectNoAxeViolations(b, "article page (el)");

      await b.goto(`/search?q=${encodeURIComponent("μετακίνηση")}`);
      await hydrated(b);
      await b.getByRole("link", { name: proposalTitle }).waitFor();
      await expectNoAxeViolations(b, "/search with results (el)");

      // English, chosen with the header's language form, on the same pages.
      await b.goto(submissionPath);
      await hydrated(b);
      await switchLanguage(b, "en");
      await b.getByRole("heading", { level: 2, name: en("comments.title", { count: 2 }) }).waitFor();
      await expectNoAxeViolations(b, "submission page (en)");
      await b.goto(`/consultations/${consultation.slug}`);
      await hydrated(b);
      await b
        .getByRole("heading", { level: 2, name: en("consultations.page.submissions", { count: 2 }) })
        .waitFor();
      await expectNoAxeViolations(b, "consultation page (en)");
      await b.goto(`/search?q=${encodeURIComponent("μετακίνηση")}`);
      await hydrated(b);
      await b.getByRole("link", { name: proposalTitle }).waitFor();
      await expectNoAxeViolations(b, "/search with results (en)");
      await b.goto("/notifications");
      await hydrated(b);
      await b.getByRole("heading", { level: 1, name: en("notifications.title") }).waitFor();
      await expectNoAxeViolations(b, "/notifications (en)");
      await switchLanguage(b, "el");

      expectNoConsoleErrors(a);
      expectNoConsoleErrors(b);
      await a.context().close();
      await b.context().close();
    },
  );
});

// ───────────────────────────── the submit form ─────────────────────────────

describe("the submit form", () => {
  it("keeps a draft of the title and the body across a reload", async () => {
    const { page } = await citizenPage("Γεωργία Δ.");
    await openSubmitPage(page);
    await titleField(page).fill("Πρόχειρο για τους παιδικούς σταθμούς");
    await bodyEditor(page).click();
    await page.keyboard.type("Χρειάζονται ");
    await page.keyboard.press("Control+b");
    await page.keyboard.type("περισσότερες θέσεις");
    await page.keyboard.press("Control+b");
    await page.keyboard.type(" στους παιδικούς σταθμούς.");
    // Drafts are written half a second after typing stops (and when the page is hidden).
    await page.waitForTimeout(800);

    await page.reload();
    await openSubmitPage(page);
    await expect.poll(() => titleField(page).inputValue()).toBe("Πρόχειρο για τους παιδικούς σταθμούς");
    await expect
      .poll(() => bodyEditor(page).textContent())
      .toBe("Χρειάζονται περισσότερες θέσεις στους παιδικούς σταθμούς.");
    expect(await bodyEditor(page).locator("strong").textContent()).toBe("περισσότερες θέσεις");
    const restored = el("editor.draft.restored", { time: "\u0000" }).split("\u0000")[0];
    await page.getByRole("status").filter({ hasText: restored }).waitFor();
    await expectNoAxeViolations(page, "submit page with a restored draft (el)");
    expectNoConsoleErrors(page);
    await page.context().close();
  });

  it("can be completed by keyboard alone", async () => {
    const { page } = await citizenPage("Δημήτρης Λ.");
    const title = "Κοινωνικό φροντιστήριο για μαθητές από ευάλωτα νοικοκυριά";
    await openSubmitPage(page);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

    // Tab to the kind radios (one tab stop), arrows choose "need".
    await tabUntil(page, (f) => f.id === "kind-proposal", "the kind radio group");
    await page.keyboard.press("ArrowDown");
    expect((await activeElementInfo(page)).id).toBe("kind-need");
    expect(await page.locator("#kind-need").isChecked()).toBe(true);

    await page.keyboard.press("Tab");
    expect((await activeElementInfo(page)).id).toBe("submission-title");
    await page.keyboard.type(title);

    // On to the editor (past the optional fields and the toolbar's single tab stop); it takes typing.
    await tabUntil(page, (f) => f.editable, "the editor");
    await page.keyboard.type("Δωρεάν μαθήματα για ");
    await page.keyboard.press("Control+b");
    await page.keyboard.type("300 μαθητές");
    await page.keyboard.press("Control+b");
    await page.keyboard.press("Enter");

    // Back to the toolbar (Shift+Tab), arrows to "bullet list", Space activates it and returns to the text.
    await page.keyboard.press("Shift+Tab");
    expect((await activeElementInfo(page)).name).toBe(el("editor.toolbar.bold"));
    for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowRight");
    expect((await activeElementInfo(page)).name).toBe(el("editor.toolbar.bulletList"));
    await page.keyboard.press("Space");
    // The button hands focus back to the text (Tiptap focuses on the next frame).
    await expect.poll(async () => (await activeElementInfo(page)).editable).toBe(true);
    await expect
      .poll(() =>
        toolbar(page)
          .getByRole("button", { name: el("editor.toolbar.bulletList") })
          .getAttribute("aria-pressed"),
      )
      .toBe("true");
    await page.keyboard.type("μαθηματικά");
    await page.keyboard.press("Enter");
    await page.keyboard.type("φυσική");

    // Esc then Tab leaves the editor even inside a list; the next stop is the submit button; Enter sends.
    await page.keyboard.press("Escape");
    await page.keyboard.press("Tab");
    expect((await activeElementInfo(page)).name).toBe(el("submissions.new.submit"));
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/submissions\/[0-9a-f-]{36}/);
    await page.getByRole("heading", { level: 1, name: title }).waitFor();
    const prose = page.locator("article .prose");
    expect(await prose.locator("strong").textContent()).toBe("300 μαθητές");
    expect(await prose.locator("ul > li").allTextContents()).toEqual(["μαθηματικά", "φυσική"]);
    expect(await page.locator("article .badge.kind-need").textContent()).toBe(el("submissions.kinds.need"));
    expectNoConsoleErrors(page);
    await page.context().close();
  });

  it("refuses an empty title with a Greek message and keeps the body typed", async () => {
    const { page, userId } = await citizenPage("Ευτυχία Ρ.");
    await openSubmitPage(page);
    const body = "Οι κοινωνικές υπηρεσίες χρειάζονται έναν ακόμη κοινωνικό λειτουργό.";
    await bodyEditor(page).click();
    await page.keyboard.type(body);
    await page.getByRole("button", { name: el("submissions.new.submit"), exact: true }).click();

    const summary = page.getByRole("alert").filter({ hasText: el("errors.invalid") });
    await summary.waitFor();
    expect(await summary.textContent()).toContain(el("submissions.errors.titleRequired"));
    await expect.poll(() => titleField(page).getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator(".field-error").first().textContent()).toBe(
      el("submissions.errors.titleRequired"),
    );
    expect(new URL(page.url()).pathname).toBe(`/consultations/${consultation.slug}/submit`);
    expect(await bodyEditor(page).textContent()).toBe(body);
    expect(await db().submission.count({ where: { authorId: userId } })).toBe(0);
    await expectNoAxeViolations(page, "submit page with an error (el)");
    // Chrome reports the action's 400 on the console; nothing else may appear there.
    expect(unexpectedConsoleErrors(page, 400, `/consultations/${consultation.slug}/submit`)).toEqual([]);
    await page.context().close();
  });
});
