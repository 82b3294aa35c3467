/**
 * What people see of the analysis, in a real browser (Debian chromium) against the real server: the labels on
 * a submission page as a citizen (values only) and as a moderator (confidences, sources, confirm/correct), a
 * moderator confirming a label with the keyboard alone (announced politely, focus kept), a correction made
 * elsewhere arriving live, the urgent alert banner appearing without taking focus, /alerts and
 * /moderation/duplicates; axe finds nothing on any of them, in Greek and in English.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import { updateDuplicateGroups } from "~/domain/analysis/duplicates.server.ts";
import { correctLabel } from "~/domain/analysis/labels.server.ts";
import { handleUrgentAnalysis } from "~/domain/analysis/urgency.server.ts";
import { createT } from "~/i18n/i18n.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import { newId } from "~/utils/ids.ts";
import { upsertGeographyAndTaxonomy } from "../../prisma/seed.ts";
import {
  expectNoAxeViolations,
  expectNoConsoleErrors,
  useBrowser,
  hydrated,
  signedInPage,
} from "../helpers/browser.ts";
import {
  createOpenConsultation,
  paragraphDoc,
  type CreatedConsultation,
} from "../helpers/consultation-fixtures.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { createSessionToken } from "../helpers/factories.ts";
import { redisPrefix, redisUrl, useTestRedis } from "../helpers/redis.ts";
import { startApp, type RunningApp } from "../helpers/server.ts";
import { insertAnalysis, makeActor, setEnv } from "../integration/analysis-people/fixtures.ts";

const testDb = useTestDatabase();
useTestRedis();
const browser = useBrowser();
const db = () => testDb().prisma;
const el = createT("el");
const en = createT("en");

let app: RunningApp;
let moderator: CurrentUser;
let otherModerator: CurrentUser;
let citizen: CurrentUser;
let consultation: CreatedConsultation;
let submissionId: string;
const duplicateIds: string[] = [];

async function submission(title: string, body: string, authorId: string): Promise<string> {
  const id = newId();
  await db().submission.create({
    data: {
      id,
      consultationId: consultation.id,
      authorId,
      kind: "need",
      title,
      bodyJson: paragraphDoc(body),
      bodyHtml: `<p>${body}</p>`,
      bodyText: body,
    },
  });
  return id;
}

beforeAll(async () => {
  // Domain calls made from this process publish through the same Redis prefix as the app.
  setEnv(testDb().url, { url: redisUrl, prefix: redisPrefix });
  await upsertGeographyAndTaxonomy(db());
  moderator = await makeActor(db(), ["citizen", "moderator"]);
  otherModerator = await makeActor(db(), ["citizen", "moderator"]);
  citizen = await makeActor(db());
  const directorate = await makeActor(db(), ["directorate"]);
  consultation = await createOpenConsultation(db(), { createdById: directorate.id, title: "Στέγαση 2027" });
  submissionId = await submission(
    "Κοινωνικές κατοικίες στην Πάτρα",
    "Χρειαζόμαστε κοινωνικές κατοικίες για οικογένειες που δεν μπορούν να πληρώσουν ενοίκιο.",
    citizen.id,
  );
  const patras = await db().municipality.findFirstOrThrow({ where: { nameEl: "Πατρέων" } });
  await insertAnalysis(db(), submissionId, {
    themes: [
      { key: "housing", confidence: 0.87 },
      { key: "income_poverty", confidence: 0.55 },
    ],
    targetGroups: [{ key: "child_family", confidence: 0.66 }],
    kind: "need",
    kindConfidence: 0.71,
    municipalityId: patras.id,
    municipalityConfidence: 0.98,
  });
  const bodies = [
    "Ζητάμε δωρεάν μεταφορά για τους ηλικιωμένους του χωριού μας στο κέντρο υγείας της περιοχής κάθε εβδομάδα.",
    "Ζητάμε δωρεάν μεταφορά για τους ηλικιωμένους του χωριού μας στο κέντρο υγείας της περιοχής, κάθε εβδομάδα!",
    "Ζητάμε δωρεάν μεταφορά των ηλικιωμένων του χωριού μας στο κέντρο υγείας της περιοχής κάθε εβδομάδα.",
  ];
  for (const [i, b] of bodies.entries()) {
    duplicateIds.push(await submission(`Μεταφορά ηλικιωμένων ${i + 1}`, b, citizen.id));
  }
  for (const id of duplicateIds) await updateDuplicateGroups(db(), id);
  app = await startApp({ databaseUrl: testDb().url });
}, 90_000);

afterAll(async () => {
  await app?.stop();
  closePublisher();
});

async function pageAs(user: CurrentUser | null, locale: "el" | "en" = "el"): Promise<Page> {
  return signedInPage(browser(), app.url, {
    locale: locale === "el" ? "el-GR" : "en-GB",
    sessionToken: user ? await createSessionToken(db(), user.id) : null,
    lang: locale === "en" ? "en" : undefined,
  });
}

/** Waits until the page's socket has joined `room` (and gives the server a moment to process it). */
async function joined(page: Page, frames: string[], room: string): Promise<void> {
  await expect
    .poll(() => frames.some((f) => f.includes("room:join") && f.includes(room)), { timeout: 10_000 })
    .toBe(true);
  await page.waitForTimeout(300);
}

function recordFrames(page: Page): string[] {
  const frames: string[] = [];
  page.on("websocket", (ws) => ws.on("framesent", ({ payload }) => frames.push(String(payload))));
  return frames;
}

describe("the submission page", () => {
  it("shows a citizen the public labels only, axe-clean in Greek and English", async () => {
    for (const [locale, t] of [
      ["el", el],
      ["en", en],
    ] as const) {
      const page = await pageAs(citizen, locale);
      await page.goto(`/submissions/${submissionId}`);
      await hydrated(page);
      const section = page.getByRole("region", { name: t("analysis.labels.publicTitle") });
      await section.waitFor();
      expect(await section.textContent()).toContain(locale === "el" ? "Στέγαση" : "Housing");
      expect(await page.getByRole("button", { name: t("analysis.labels.confirm") }).count()).toBe(0);
      await expectNoAxeViolations(page, `submission page as a citizen (${locale})`);
      expectNoConsoleErrors(page);
      await page.context().close();
    }
  });

  it("shows a moderator every label with confidence and source, axe-clean with a correction form open", async () => {
    for (const [locale, t] of [
      ["el", el],
      ["en", en],
    ] as const) {
      const page = await pageAs(moderator, locale);
      await page.goto(`/submissions/${submissionId}`);
      await hydrated(page);
      const section = page.getByRole("region", { name: t("analysis.labels.title") });
      await section.waitFor();
      const text = (await section.textContent()) ?? "";
      expect(text).toContain(t("analysis.labels.sourceModel", { version: "test-model-1" }));
      expect(text).toMatch(/87\s?%/);
      expect(text).toContain(locale === "el" ? "Πατρέων" : "Patras");
      await expectNoAxeViolations(page, `submission page as a moderator (${locale})`);
      await section
        .getByText(t("analysis.labels.correctField", { field: t("analysis.labels.fields.themes") }))
        .click();
      await section.getByRole("group", { name: t("analysis.labels.fields.themes") }).waitFor();
      await expectNoAxeViolations(page, `submission page as a moderator, correcting themes (${locale})`);
      expectNoConsoleErrors(page);
      await page.context().close();
    }
  });

  it("lets a moderator confirm a label with the keyboard; it is announced and focus stays put", async () => {
    const page = await pageAs(moderator);
    const frames = recordFrames(page);
    await page.goto(`/submissions/${submissionId}`);
    await hydrated(page);
    await joined(page, frames, `consultation:${consultation.id}`);
    const kind = el("analysis.labels.fields.kind");
    const button = page.getByRole("button", { name: el("analysis.labels.confirmField", { field: kind }) });
    // Reach it with Tab from the label section's heading area, then press Enter.
    await button.focus();
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab");
    expect(await button.evaluate((b) => b === document.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    await page
      .getByRole("status")
      .filter({ hasText: el("analysis.labels.confirmed", { field: kind }) })
      .waitFor({ timeout: 10_000 });
    await expect
      .poll(() =>
        db().labelCorrection.count({ where: { submissionId, field: "kind", correctedById: moderator.id } }),
      )
      .toBe(1);
    // The revalidated page shows who confirmed it; focus is still on the same button.
    const name = (await db().user.findUniqueOrThrow({ where: { id: moderator.id } })).displayName;
    await page.getByText(name, { exact: false }).first().waitFor();
    expect(await button.evaluate((b) => b === document.activeElement)).toBe(true);
    await expectNoAxeViolations(page, "submission page after confirming");
    expectNoConsoleErrors(page);
    await page.context().close();
  });

  it("shows a correction made elsewhere live and announces it politely", async () => {
    const page = await pageAs(moderator, "en");
    const frames = recordFrames(page);
    await page.goto(`/submissions/${submissionId}`);
    await hydrated(page);
    await joined(page, frames, `consultation:${consultation.id}`);
    await page.evaluate(() => ((window as unknown as { __same?: boolean }).__same = true));
    await correctLabel(db(), otherModerator, submissionId, "target_groups", ["elderly"]);
    await page
      .getByRole("status")
      .filter({ hasText: en("analysis.labels.updated") })
      .waitFor({ timeout: 10_000 });
    const section = page.getByRole("region", { name: en("analysis.labels.title") });
    await expect.poll(async () => (await section.textContent()) ?? "").toContain("Older people");
    expect(await page.evaluate(() => (window as unknown as { __same?: boolean }).__same)).toBe(true);
    expectNoConsoleErrors(page);
    await page.context().close();
  });
});

describe("urgent alerts", () => {
  it("appear in a banner on any page without taking focus, and are listed at /alerts", async () => {
    const page = await pageAs(moderator);
    const frames = recordFrames(page);
    await page.goto(`/consultations/${consultation.slug}`);
    await hydrated(page);
    await joined(page, frames, "alerts");
    const search = page.getByRole("searchbox").first();
    await search.focus();
    const urgentId = await submission(
      "Μείναμε χωρίς ρεύμα και θέρμανση",
      "Μας έκοψαν το ρεύμα χθες και μένουμε χωρίς θέρμανση με δύο μικρά παιδιά.",
      citizen.id,
    );
    await insertAnalysis(db(), urgentId, { urgent: true, urgentConfidence: 0.94 });
    await handleUrgentAnalysis(db(), { submissionId: urgentId, version: 1, confidence: 0.94 });
    const banner = page.getByRole("region", { name: el("analysis.alerts.bannerTitle") });
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toContain("Μείναμε χωρίς ρεύμα και θέρμανση");
    await page
      .getByRole("status")
      .filter({ hasText: el("analysis.alerts.live", { title: "Μείναμε χωρίς ρεύμα και θέρμανση" }) })
      .waitFor();
    expect(await search.evaluate((s) => s === document.activeElement)).toBe(true);
    await expectNoAxeViolations(page, "a page with the urgent banner");

    for (const [locale, t] of [
      ["el", el],
      ["en", en],
    ] as const) {
      const p = await pageAs(moderator, locale);
      await p.goto("/alerts");
      await hydrated(p);
      await p.getByRole("heading", { level: 1, name: t("analysis.alerts.title") }).waitFor();
      await p.getByRole("link", { name: "Μείναμε χωρίς ρεύμα και θέρμανση" }).waitFor();
      await expectNoAxeViolations(p, `/alerts (${locale})`);
      expectNoConsoleErrors(p);
      await p.context().close();
    }
    expectNoConsoleErrors(page);
    await page.context().close();
  });
});

describe("duplicate suggestions", () => {
  it("lists the group with merge links, axe-clean in Greek and English", async () => {
    for (const [locale, t] of [
      ["el", el],
      ["en", en],
    ] as const) {
      const page = await pageAs(moderator, locale);
      await page.goto("/moderation/duplicates");
      await hydrated(page);
      await page.getByRole("heading", { level: 1, name: t("analysis.duplicates.title") }).waitFor();
      for (const id of duplicateIds)
        expect(await page.locator(`a[href="/submissions/${id}"]`).count()).toBe(1);
      expect(await page.getByRole("link", { name: t("analysis.duplicates.merge") }).count()).toBe(2);
      await expectNoAxeViolations(page, `/moderation/duplicates (${locale})`);
      expectNoConsoleErrors(page);
      await page.context().close();
    }
  });
});
