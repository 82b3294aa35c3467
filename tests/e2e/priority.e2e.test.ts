/**
 * The priority pages in a real browser (Debian chromium) against the real server: the weights page (also
 * after a weight is changed and the preview has moved, and after a refused save), the Directorate view and
 * the "why it is ranked here" block of a submission's page, each axe-checked in Greek and in English, with no
 * console errors (other than the expected 400 of the refused form).
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recomputeAll } from "~/domain/priority/priority.server.ts";
import { createT } from "~/i18n/i18n.ts";
import { upsertGeographyAndTaxonomy } from "../../prisma/seed.ts";
import {
  consoleErrorsOf,
  expectNoAxeViolations,
  expectNoConsoleErrors,
  useBrowser,
  hydrated,
  signedInPage,
} from "../helpers/browser.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { createSessionToken, createUser } from "../helpers/factories.ts";
import { useTestRedis } from "../helpers/redis.ts";
import { startApp, type RunningApp } from "../helpers/server.ts";
import {
  addSupports,
  createConsultation,
  createStrategy,
  createSubmission,
} from "../integration/priority/fixtures.ts";

const testDb = useTestDatabase();
useTestRedis();
const browser = useBrowser();
const db = () => testDb().prisma;
const T = { el: createT("el"), en: createT("en") };

let app: RunningApp;
let consultationId = "";
let urgentId = "";
let otherId = "";

beforeAll(async () => {
  await upsertGeographyAndTaxonomy(db());
  app = await startApp({ databaseUrl: testDb().url });
  const owner = await createUser(db(), { roles: ["directorate"] });
  const strategy = await createStrategy(db(), owner.id, ["housing", "housing"]);
  const c = await createConsultation(db(), {
    createdById: owner.id,
    title: "Στέγαση και απασχόληση",
    strategyVersionId: strategy,
  });
  consultationId = c.id;
  const author = await createUser(db(), { displayName: "Ελένη Μ." });
  const municipality = (await db().municipality.findFirstOrThrow({ orderBy: { id: "asc" } })).id;
  const urgent = await createSubmission(db(), {
    consultationId: c.id,
    authorId: author.id,
    title: "Οικογένεια χωρίς θέρμανση τώρα",
    municipalityId: municipality,
    analysis: {
      themes: [{ key: "housing", confidence: 0.9 }],
      targetGroups: [{ key: "child_family", confidence: 0.8 }],
      urgent: true,
      urgentConfidence: 0.92,
    },
  });
  await addSupports(db(), urgent.id, 4);
  const other = await createSubmission(db(), {
    consultationId: c.id,
    authorId: author.id,
    title: "Θέσεις εργασίας για νέους",
    analysis: { themes: [{ key: "employment", confidence: 0.8 }] },
  });
  await addSupports(db(), other.id, 12);
  urgentId = urgent.id;
  otherId = other.id;
  await recomputeAll(db());
});

afterAll(async () => {
  await app?.stop();
});

async function staffPage(locale: "el" | "en"): Promise<Page> {
  const user = await createUser(db(), { roles: ["citizen", "directorate"] });
  return signedInPage(browser(), app.url, {
    locale: locale === "el" ? "el-GR" : "en-GB",
    sessionToken: await createSessionToken(db(), user.id),
    lang: locale,
  });
}

describe.each(["el", "en"] as const)("priority pages in %s", (locale) => {
  const t = T[locale];

  it("the weights page: live preview, refused save, axe-clean throughout", async () => {
    const page = await staffPage(locale);
    await page.goto(`/manage/consultations/${consultationId}/priority`);
    await hydrated(page);
    expect(await page.locator("h1").textContent()).toContain(t("priority.weights.title"));
    await expectNoAxeViolations(page, `weights page (${locale})`);

    // Only the strategy gap counts: the employment proposal (not covered) moves to the top of the preview.
    for (const k of ["support", "breadth", "targetGroups", "urgency", "recency"]) {
      await page.getByLabel(t(`priority.components.${k}`), { exact: true }).fill("0");
    }
    await page.getByLabel(t("priority.components.strategyGap"), { exact: true }).fill("10");
    await page
      .locator('[data-testid="preview-row"]')
      .first()
      .locator(`a[href="/submissions/${otherId}"]`)
      .waitFor({ timeout: 10_000 });
    await page
      .getByRole("status")
      .filter({ hasText: t("priority.weights.previewUpdated") })
      .waitFor();
    await expectNoAxeViolations(page, `weights page after a change (${locale})`);

    // A refused save: the summary links to the field, the typed value is kept.
    await page.getByLabel(t("priority.components.support"), { exact: true }).fill("12");
    await page.getByRole("button", { name: t("priority.weights.save") }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toContain(t("priority.errors.weightRange"));
    expect(await page.getByLabel(t("priority.components.support"), { exact: true }).inputValue()).toBe("12");
    await expectNoAxeViolations(page, `weights page with errors (${locale})`);
    expect(consoleErrorsOf(page).filter((e) => !/status of 400/.test(e))).toEqual([]);
    await page.close();
  });

  it("the Directorate view and the explanation on a submission's page", async () => {
    const page = await staffPage(locale);
    await page.goto("/directorate");
    await hydrated(page);
    expect(await page.locator("h1").textContent()).toBe(t("priority.directorate.title"));
    expect(await page.locator('[data-testid="directorate-row"]').count()).toBe(2);
    await page
      .getByRole("link", { name: t("priority.nav") })
      .first()
      .waitFor();
    await expectNoAxeViolations(page, `Directorate view (${locale})`);

    await page.getByLabel(t("priority.directorate.urgent")).selectOption("yes");
    await page.getByRole("button", { name: t("priority.directorate.apply") }).click();
    await page.waitForURL(/urgent=yes/);
    // The URL changes as the navigation commits; the rows follow on the next render.
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="directorate-row"]').length === 1,
    );
    await expectNoAxeViolations(page, `Directorate view filtered (${locale})`);

    await page.goto(`/submissions/${urgentId}`);
    await hydrated(page);
    const block = page.locator("section.priority-explanation");
    expect(await block.locator("h2").textContent()).toBe(t("priority.explain.title"));
    expect(await block.locator("tbody tr").count()).toBe(6);
    await expectNoAxeViolations(page, `submission page with its explanation (${locale})`);
    expectNoConsoleErrors(page);
    await page.close();
  });
});
