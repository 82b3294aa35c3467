/**
 * The management pages on the real server (`tsx server.ts`, own database and Redis prefix): only the
 * Directorate and admins get in; a consultation is created, refused with every typed value kept, opened
 * and given articles through the plain HTML forms (no JavaScript, CSRF token from the cookie), then the same
 * in chromium with the rich-text editor and the dependent selects, axe-checked on every page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import manageEl from "~/i18n/areas/manage.el.json";
import { upsertGeographyAndTaxonomy } from "../../../prisma/seed.ts";
import { consoleErrorsOf, expectNoAxeViolations, newPage, useBrowser } from "../../helpers/browser.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createSessionToken, createUser } from "../../helpers/factories.ts";
import { httpClient, html } from "../../helpers/http.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { startApp, type RunningApp } from "../../helpers/server.ts";

const testDb = useTestDatabase();
useTestRedis();
const browser = useBrowser();

const el = manageEl.manage;
let app: RunningApp;
const { signedIn, get, post } = httpClient(
  () => app.url,
  () => testDb().prisma,
);

beforeAll(async () => {
  await upsertGeographyAndTaxonomy(testDb().prisma);
  app = await startApp({ databaseUrl: testDb().url });
});

afterAll(async () => {
  await app?.stop();
});

describe("/manage/consultations", () => {
  it("answers 403 to citizens and moderators, sends visitors to log in, and lets the Directorate in", async () => {
    for (const roles of [["citizen"], ["citizen", "moderator"]] as const) {
      const cookies = await signedIn([...roles]);
      for (const path of ["/manage/consultations", "/manage/consultations/new"]) {
        const res = await get(path, cookies);
        await res.arrayBuffer();
        expect(res.status, `${roles.join("+")} GET ${path}`).toBe(403);
      }
      const refused = await post("/manage/consultations/new", cookies, [["title", "Μια διαβούλευση"]]);
      await refused.arrayBuffer();
      expect(refused.status).toBe(403);
    }
    const anonymous = await get("/manage/consultations");
    await anonymous.arrayBuffer();
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toBe("/login?redirectTo=%2Fmanage%2Fconsultations");

    for (const roles of [["citizen", "directorate"], ["admin"]] as const) {
      const res = await get("/manage/consultations", await signedIn([...roles]));
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(html(el.list.title));
    }
    expect(await testDb().prisma.consultation.count()).toBe(0);
  });

  it("creates a consultation through the form, keeps typed values on errors, opens it and imports articles", async () => {
    const cookies = await signedIn(["citizen", "directorate"]);
    const page = await get("/manage/consultations/new", cookies);
    expect(page.status).toBe(200);
    const form = await page.text();
    expect(form).toContain('name="title"');
    expect(form).toContain('type="datetime-local"');

    const theme = await testDb().prisma.theme.findFirstOrThrow({ orderBy: { position: "asc" } });
    const unit = await testDb().prisma.regionalUnit.findFirstOrThrow({ orderBy: { code: "asc" } });
    const fields: [string, string][] = [
      ["intent", "save"],
      ["title", "Στήριξη αστέγων τον χειμώνα"],
      ["slug", ""],
      ["summary", "Μέτρα για τη στήριξη των αστέγων κατά τους χειμερινούς μήνες."],
      ["body", "Πρώτη παράγραφος.\n\nΔεύτερη <script>alert(1)</script> παράγραφος."],
      ["scopeLevel", "regional_unit"],
      ["regionalUnitCode", unit.code],
      ["municipalityId", ""],
      ["themes", theme.key],
      ["committeeId", ""],
      ["strategyVersionId", ""],
      ["opensAt", ""],
      ["closesAt", "2031-03-01T18:00"],
      ["preModeration", "on"],
    ];

    // A failed submit: the page comes back with the error and everything typed.
    const bad = await post(
      "/manage/consultations/new",
      cookies,
      fields.map(([k, v]): [string, string] =>
        k === "title" ? [k, "abc"] : k === "closesAt" ? [k, "2031-02-30T18:00"] : [k, v],
      ),
    );
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain(html(el.errors.titleLength));
    expect(badHtml).toContain(html(el.errors.dateInvalid));
    expect(badHtml).toContain('value="abc"');
    expect(badHtml).toContain("Μέτρα για τη στήριξη των αστέγων κατά τους χειμερινούς μήνες.");
    expect(badHtml).toContain("Δεύτερη &lt;script&gt;alert(1)&lt;/script&gt; παράγραφος.");
    expect(badHtml).toContain('value="2031-02-30T18:00"');
    expect(badHtml).not.toContain("<script>alert(1)</script>");
    expect(await testDb().prisma.consultation.count()).toBe(0);

    const created = await post("/manage/consultations/new", cookies, fields);
    await created.arrayBuffer();
    expect(created.status).toBe(302);
    const location = created.headers.get("location") ?? "";
    expect(location).toMatch(/^\/manage\/consultations\/[0-9a-f-]{36}\?notice=created$/);
    const row = await testDb().prisma.consultation.findFirstOrThrow({ include: { themes: true } });
    expect(row).toMatchObject({
      slug: "stirixi-astegon-ton-cheimona",
      phase: "draft",
      scopeLevel: "regional_unit",
      regionalUnitCode: unit.code,
      preModeration: true,
    });
    expect(row.closesAt?.toISOString()).toBe("2031-03-01T16:00:00.000Z");
    expect(row.themes.map((t) => t.themeKey)).toEqual([theme.key]);
    expect(row.bodyHtml).toBe(
      "<p>Πρώτη παράγραφος.</p><p>Δεύτερη &lt;script&gt;alert(1)&lt;/script&gt; παράγραφος.</p>",
    );

    const edit = await get(location, cookies);
    expect(edit.status).toBe(200);
    const editHtml = await edit.text();
    expect(editHtml).toContain(html(el.notices.created));
    expect(editHtml).toContain('value="2031-03-01T18:00"');
    expect(editHtml).toContain(html(el.phase.actions.open.button));

    // Opening needs the confirmation box.
    const path = location.split("?")[0];
    const unconfirmed = await post(path, cookies, [
      ["intent", "phase"],
      ["to", "open"],
    ]);
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain(html(el.errors.confirmRequired));
    const opened = await post(path, cookies, [
      ["intent", "phase"],
      ["to", "open"],
      ["confirm", "on"],
    ]);
    await opened.arrayBuffer();
    expect(opened.status).toBe(302);
    expect(opened.headers.get("location")).toBe(`${path}?notice=open#phase`);
    expect((await testDb().prisma.consultation.findUniqueOrThrow({ where: { id: row.id } })).phase).toBe(
      "open",
    );

    const imported = await post(`${path}/articles`, cookies, [
      ["intent", "import"],
      ["text", "Άρθρο 1 – Σκοπός\nΚείμενο.\nΆρθρο 2 – Πόροι\nΆλλο κείμενο."],
      ["mode", "append"],
    ]);
    await imported.arrayBuffer();
    expect(imported.status).toBe(302);
    expect(imported.headers.get("location")).toBe(`${path}/articles?notice=articlesImported&count=2`);
    const articles = await get(`${path}/articles?notice=articlesImported&count=2`, cookies);
    expect(articles.status).toBe(200);
    const articlesHtml = await articles.text();
    expect(articlesHtml).toContain("Σκοπός");
    expect(articlesHtml).toContain("Πόροι");
    expect(articlesHtml).toContain(html(el.notices.articlesImported.other.replace("{count}", "2")));

    const list = await get("/manage/consultations", cookies);
    expect(await list.text()).toContain("Στήριξη αστέγων τον χειμώνα");
  });

  it("answers 404 for a consultation that does not exist", async () => {
    const cookies = await signedIn(["admin"]);
    for (const path of [
      "/manage/consultations/00000000-0000-4000-8000-000000000000",
      "/manage/consultations/not-a-uuid/articles",
    ]) {
      const res = await get(path, cookies);
      await res.arrayBuffer();
      expect(res.status, path).toBe(404);
    }
  });
});

describe("the management pages in a browser", () => {
  it("create, edit and fill a consultation with JavaScript, accessibly", async () => {
    const user = await createUser(testDb().prisma, { roles: ["citizen", "directorate"] });
    const page = await newPage(browser());
    // A stuck step fails with its own message, well before the test's timeout.
    page.setDefaultTimeout(8_000);
    await page
      .context()
      .addCookies([
        { name: "synochi_session", value: await createSessionToken(testDb().prisma, user.id), url: app.url },
      ]);
    const editor = page.locator(".rte-content[contenteditable='true']");

    await page.goto(`${app.url}/manage/consultations/new`);
    await editor.waitFor();
    await expectNoAxeViolations(page, "new consultation");

    // Scope selects: only what the chosen scope needs, municipalities narrowed to the chosen unit.
    const unitField = page.locator("#regionalUnitCode");
    const municipalityField = page.locator("#municipalityId");
    expect(await unitField.isVisible()).toBe(false);
    expect(await municipalityField.isVisible()).toBe(false);
    await page.selectOption("#scopeLevel", "municipality");
    expect(await unitField.isVisible()).toBe(true);
    expect(await municipalityField.isVisible()).toBe(true);
    const unit = await testDb().prisma.regionalUnit.findFirstOrThrow({
      orderBy: { code: "desc" },
      include: { municipalities: { orderBy: { nameEl: "asc" } } },
    });
    await page.selectOption("#regionalUnitCode", unit.code);
    const offered = await municipalityField
      .locator("option")
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    expect(offered.sort()).toEqual(unit.municipalities.map((m) => m.id).sort());
    await page.selectOption("#municipalityId", unit.municipalities[0].id);

    // A failed submit keeps what was typed, the editor's formatting included.
    await page.fill("input[name=title]", "Δομή");
    await page.fill("#summary", "Δομές φιλοξενίας για ηλικιωμένους χωρίς οικογένεια.");
    await editor.click();
    await page.keyboard.type("Το κείμενο ");
    await page.keyboard.press("Control+b");
    await page.keyboard.type("με έμφαση");
    await page.locator("input[name=themes]").first().check();
    await page.click("button[type=submit]:has-text('" + el.new.submit + "')");
    await page.locator(".error-summary").waitFor();
    expect(await page.locator(".error-summary").textContent()).toContain(el.errors.titleLength);
    await expectNoAxeViolations(page, "new consultation with errors");
    expect(await page.inputValue("#summary")).toBe("Δομές φιλοξενίας για ηλικιωμένους χωρίς οικογένεια.");
    expect(await editor.innerHTML()).toContain("<strong>με έμφαση</strong>");

    await page.fill("input[name=title]", "Δομές φιλοξενίας ηλικιωμένων");
    await page.click("button[type=submit]:has-text('" + el.new.submit + "')");
    await page.waitForURL(/\/manage\/consultations\/[0-9a-f-]{36}\?notice=created$/);
    const created = await testDb().prisma.consultation.findFirstOrThrow({
      where: { title: "Δομές φιλοξενίας ηλικιωμένων" },
    });
    expect(created).toMatchObject({
      scopeLevel: "municipality",
      municipalityId: unit.municipalities[0].id,
      regionalUnitCode: unit.code,
      bodyHtml: "<p>Το κείμενο <strong>με έμφαση</strong></p>",
    });
    await page.locator("[role=status]", { hasText: el.notices.created }).waitFor(); // the URL changes before the page renders
    await expectNoAxeViolations(page, "edit consultation");
    // The saved place is still selected once the scope selects have hydrated.
    await editor.waitFor();
    expect(await page.inputValue("#scopeLevel")).toBe("municipality");
    expect(await page.inputValue("#regionalUnitCode")).toBe(unit.code);
    expect(await page.inputValue("#municipalityId")).toBe(unit.municipalities[0].id);

    // Open it: the confirmation box is required.
    await page.check("#confirm-open");
    await page.click(`button:has-text('${el.phase.actions.open.button}')`);
    await page.waitForURL(/notice=open/);
    expect((await testDb().prisma.consultation.findUniqueOrThrow({ where: { id: created.id } })).phase).toBe(
      "open",
    );
    // A client-side redirect changes the URL before the new page renders: wait for what it shows.
    await page.locator(`button:has-text('${el.phase.actions.close.button}')`).waitFor();
    expect(await page.locator(`button:has-text('${el.phase.actions.close.button}')`).count()).toBe(1);

    // Articles: add one with the editor, import two, move the last up.
    await page.click(`a:has-text('${el.edit.articles.other.replace("{count}", "0")}')`);
    await page.waitForURL(/\/articles$/);
    await editor.waitFor();
    await expectNoAxeViolations(page, "articles (empty)");
    await page.fill("input[name=title]", "Σκοπός");
    await editor.click();
    await page.keyboard.type("Ο σκοπός του προγράμματος.");
    await page.click(`button:has-text('${el.articles.add}')`);
    await page.waitForURL(/notice=articleAdded/);
    await expect.poll(() => page.inputValue("input[name=title]")).toBe("");
    await page.fill("#import-text", "Άρθρο 1 – Ορισμοί\nΚείμενο.\nΆρθρο 2 – Πόροι\nΆλλο κείμενο.");
    await page.click(`button:has-text('${el.articles.import}')`);
    await page.waitForURL(/notice=articlesImported/);
    await page.click(`button[aria-label='${el.articles.moveUpOf.replace("{number}", "3")}']`);
    await page.waitForURL(/notice=articleMoved/);
    const titles = await testDb().prisma.consultationArticle.findMany({
      where: { consultationId: created.id },
      orderBy: { number: "asc" },
      select: { number: true, title: true },
    });
    expect(titles).toEqual([
      { number: 1, title: "Σκοπός" },
      { number: 2, title: "Πόροι" },
      { number: 3, title: "Ορισμοί" },
    ]);
    await expectNoAxeViolations(page, "articles");
    await page.click(`a[aria-label='${el.articles.editOf.replace("{number}", "1")}']`);
    await page.waitForURL(/edit=/);
    await expectNoAxeViolations(page, "article edit");

    await page.goto(`${app.url}/manage/consultations`);
    await expectNoAxeViolations(page, "management list");
    // The refused submit answered 400 on purpose; chromium logs that response. Nothing else may be logged.
    expect(
      consoleErrorsOf(page).filter((e) => !/status of 400 .*\/manage\/consultations\/new\.data/.test(e)),
    ).toEqual([]);
  }, 60_000);
});
