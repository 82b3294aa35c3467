/**
 * /search and /api/similar served by the real app (tsx server.ts on the Remix build): results with
 * highlights and links, the Greeklish notice, empty and no-result states, localised messages for a query
 * that is too long or an unknown type (400, not 500), escaping of the query and of user text, the JSON API
 * and its 400s, and axe on the search page in both languages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import el from "~/i18n/areas/search.el.json";
import en from "~/i18n/areas/search.en.json";
import { expectNoAxeViolations, expectNoConsoleErrors, newPage, useBrowser } from "../../helpers/browser.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createSessionToken, createUser } from "../../helpers/factories.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { startApp, type RunningApp } from "../../helpers/server.ts";
import { createComment, createConsultation, createSubmission } from "./fixtures.ts";

const testDb = useTestDatabase();
useTestRedis();
const browser = useBrowser();

let app: RunningApp;
let consultationId: string;
let consultationSlug: string;
let submissionId: string;
let xssId: string;

beforeAll(async () => {
  const db = testDb().prisma;
  const author = await createUser(db);
  const consultation = await createConsultation(db, author.id, { title: "Στεγαστική πολιτική" });
  consultationId = consultation.id;
  consultationSlug = consultation.slug;
  submissionId = (
    await createSubmission(db, consultation.id, author.id, {
      title: "Στέγαση για άστεγες οικογένειες",
      bodyText: "Χρειάζονται ξενώνες και επίδομα στέγασης στην Πάτρα.",
      supportCount: 4,
      commentCount: 1,
    })
  ).id;
  xssId = (
    await createSubmission(db, consultation.id, author.id, {
      title: `<img src=x onerror=alert(1)> σκουπίδια`,
      bodyText: `<script>alert(1)</script> τα σκουπίδια "μένουν"`,
    })
  ).id;
  await createComment(db, author.id, { submissionId }, { body: "Συμφωνώ, η στέγαση είναι το πρώτο βήμα." });
  app = await startApp({ databaseUrl: testDb().url });
});

afterAll(async () => {
  await app?.stop();
});

const get = (path: string, lang?: "en") =>
  fetch(`${app.url}${path}`, { headers: lang ? { Cookie: `synochi_lang=${lang}` } : {} });
const search = (params: Record<string, string>, lang?: "en") =>
  get(`/search?${new URLSearchParams(params).toString()}`, lang);
const similar = (params: Record<string, string>) =>
  get(`/api/similar?${new URLSearchParams(params).toString()}`);

/** Where in the page the server-rendered results are (the rest repeats them as JSON for hydration). */
const mainOf = (html: string) => html.slice(html.indexOf("<main"), html.indexOf("</main>"));

describe("/search", () => {
  it("shows ranked results with highlights, counts per type and links", async () => {
    const res = await search({ q: "στέγαση" });
    expect(res.status).toBe(200);
    const main = mainOf(await res.text());
    expect(main).toContain(`href="/submissions/${submissionId}"`);
    expect(main).toContain("<mark>Στέγαση</mark> για άστεγες οικογένειες");
    expect(main).toContain("<mark>στέγασης</mark>");
    expect(main).toContain(`href="/submissions/${submissionId}#comment-`);
    expect(main).toContain(el.search.types.comment);
    expect(main).toMatch(new RegExp(`aria-current="page"[^>]*>${el.search.types.all}<`));
  });

  it("keeps the type filter in the links and shows only that type", async () => {
    const main = mainOf(await (await search({ q: "στέγαση", type: "comment" })).text());
    expect(main).toContain(`#comment-`);
    expect(main).not.toContain(`href="/submissions/${submissionId}"`);
    expect(main).toMatch(/href="\/search\?q=%CF%83%CF%84%CE%AD%CE%B3%CE%B1%CF%83%CE%B7&amp;type=submission"/);
  });

  it("searches a Greeklish query in Greek too and says so", async () => {
    const main = mainOf(await (await search({ q: "stegasi" })).text());
    expect(main).toContain(el.search.greeklish.replace("{text}", "στεγαση"));
    expect(main).toContain(`href="/submissions/${submissionId}"`);
  });

  it("shows a start state without a query and a helpful message without results", async () => {
    const empty = mainOf(await (await get("/search")).text());
    expect(empty).toContain(el.search.empty.title);
    const none = await search({ q: "ανύπαρκτηλέξη" });
    expect(none.status).toBe(200);
    const main = mainOf(await none.text());
    expect(main).toContain(el.search.noResults.title);
    expect(main).toContain(el.search.noResults.fewer);
  });

  it("refuses a query over 200 characters with a localised message, keeping what was typed", async () => {
    const res = await search({ q: "α".repeat(201) });
    expect(res.status).toBe(400);
    const main = mainOf(await res.text());
    expect(main).toContain(el.search.errors.tooLong);
    expect(main).toContain(`value="${"α".repeat(200)}"`);
    const english = await search({ q: "a".repeat(201) }, "en");
    expect(english.status).toBe(400);
    expect(mainOf(await english.text())).toContain(en.search.errors.tooLong);
  });

  it("says an unknown type or page is wrong and searches everything", async () => {
    const res = await search({ q: "στέγαση", type: "users" });
    expect(res.status).toBe(400);
    const main = mainOf(await res.text());
    expect(main).toContain(el.search.errors.invalidType);
    expect(main).toContain(`href="/submissions/${submissionId}"`);
    const page = await search({ q: "στέγαση", page: "-3" });
    expect(page.status).toBe(400);
    expect(mainOf(await page.text())).toContain(el.search.errors.invalidPage);
  });

  it("escapes the query and user text everywhere in the page", async () => {
    const payload = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;
    for (const q of [payload, "σκουπίδια"]) {
      const res = await search({ q });
      expect(res.status).toBe(200);
      const html = await res.text();
      for (const raw of ["<script>alert(", "<img src=x", "onerror=alert(1)>", "onerror=alert(2)>"]) {
        expect(html, q).not.toContain(raw);
      }
    }
    const echoed = mainOf(await (await search({ q: payload })).text());
    expect(echoed).toContain(
      `value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"`,
    );
    const main = mainOf(await (await search({ q: "σκουπίδια" })).text());
    expect(main).toContain(`href="/submissions/${xssId}"`);
    expect(main).toContain("&lt;img src=x onerror=alert(1)&gt; <mark>σκουπίδια</mark>");
    // The snippet starts at a word: "alert", after the escaped "<script>" (its "&lt;" is cut off).
    expect(main).toContain("alert(1)&lt;/script&gt; τα <mark>σκουπίδια</mark> &quot;μένουν");
  });
});

describe("/api/similar", () => {
  it("answers JSON with similar published submissions of the consultation", async () => {
    const res = await similar({ consultation: consultationId, q: "Στέγαση άστεγων οικογενειών" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toEqual({
      results: [
        {
          id: submissionId,
          title: "Στέγαση για άστεγες οικογένειες",
          supportCount: 4,
          commentCount: 1,
          url: `/submissions/${submissionId}`,
        },
      ],
    });
    const excluded = await similar({
      consultation: consultationId,
      q: "Στέγαση οικογενειών",
      exclude: submissionId,
    });
    expect(await excluded.json()).toEqual({ results: [] });
  });

  it("refuses bad parameters with 400 and a message key", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ q: "Στέγαση οικογενειών" }, "search.errors.invalidConsultation"],
      [{ consultation: "not-a-uuid", q: "Στέγαση οικογενειών" }, "search.errors.invalidConsultation"],
      [{ consultation: "' OR 1=1 --", q: "Στέγαση" }, "search.errors.invalidConsultation"],
      [{ consultation: consultationId }, "search.errors.queryRequired"],
      [{ consultation: consultationId, q: "   " }, "search.errors.queryRequired"],
      [{ consultation: consultationId, q: "α".repeat(201) }, "search.errors.tooLong"],
      [{ consultation: consultationId, q: "Στέγαση", exclude: "x" }, "search.errors.invalidExclude"],
    ];
    for (const [params, message] of cases) {
      const res = await similar(params);
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(await res.json()).toEqual({ message });
      expect(el.search.errors).toHaveProperty(message.replace("search.errors.", ""));
    }
  });
});

describe("accessibility", () => {
  it("has no axe violations on the search page, in Greek and in English", async () => {
    for (const lang of ["el", "en"] as const) {
      const page = await newPage(browser(), { baseURL: app.url });
      await page.context().addCookies([{ name: "synochi_lang", value: lang, url: app.url }]);
      await page.goto("/search");
      await expectNoAxeViolations(page, `/search (${lang}, empty)`);
      await page.getByLabel(lang === "el" ? el.search.form.label : en.search.form.label).fill("στέγαση");
      await page.locator("form.search-form").getByRole("button").click();
      await page.waitForURL(/q=/);
      await page
        .getByRole("heading", { name: lang === "el" ? el.search.results : en.search.results })
        .waitFor();
      await expectNoAxeViolations(page, `/search (${lang}, results)`);
      await page.goto(`/search?q=${encodeURIComponent("ανύπαρκτηλέξη")}&type=comment`);
      await expectNoAxeViolations(page, `/search (${lang}, no results)`);
      expectNoConsoleErrors(page);
      // Last: the browser logs the 400 of this page as a console error.
      await page.goto(`/search?q=${"α".repeat(201)}`);
      await expectNoAxeViolations(page, `/search (${lang}, error)`);
      await page.context().close();
    }
  });
});

describe("similar submissions while typing a title", () => {
  it("lists similar submissions under the title field and announces only how many", async () => {
    const db = testDb().prisma;
    const citizen = await createUser(db);
    const token = await createSessionToken(db, citizen.id);
    const page = await newPage(browser(), { baseURL: app.url });
    await page.context().addCookies([{ name: "synochi_session", value: token, url: app.url }]);
    await page.goto(`/consultations/${consultationSlug}/submit`);
    const title = page.locator("#submission-title");
    await title.pressSequentially("Στέγαση", { delay: 20 });
    // Fewer than 8 characters: nothing is asked or shown.
    await page.waitForTimeout(500);
    expect(await page.locator(".similar-list").count()).toBe(0);
    await title.pressSequentially(" οικογενειών", { delay: 20 });
    const list = page.locator(".similar-list");
    await list.waitFor();
    expect(await list.locator("a").allTextContents()).toEqual(["Στέγαση για άστεγες οικογένειες"]);
    expect(await list.locator("a").getAttribute("href")).toBe(`/submissions/${submissionId}`);
    expect(await list.textContent()).toContain(el.search.similar.title);
    const status = page.locator('.similar-submissions [aria-live="polite"]');
    await expect
      .poll(() => status.textContent())
      .toBe(el.search.similar.announce.one.replace("{count}", "1"));
    await expectNoAxeViolations(page, "submit page with similar submissions");
    // A title that matches nothing hides the list and clears the announcement.
    await title.fill("Θέρμανση σχολικών κτιρίων στα ορεινά");
    await list.waitFor({ state: "detached" });
    await expect.poll(() => status.textContent()).toBe("");
    expectNoConsoleErrors(page);
    await page.context().close();
  });
});
