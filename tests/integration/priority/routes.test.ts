/**
 * The priority pages on the real server (`tsx server.ts`, own database and Redis prefix): only the
 * Directorate and admins reach the weights page, the Directorate view and its export; the export holds
 * exactly what the view shows for the same filters, in the same order; bad query strings get a translated
 * 400 (or a sane default for the page number); the weights form refuses bad values in the reader's language
 * keeping what was typed, previews the ranking under candidate weights, and saving reorders the
 * consultation's priority listing once recomputed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recomputeAll, recomputeConsultation } from "~/domain/priority/priority.server.ts";
import { createT } from "~/i18n/i18n.ts";
import { upsertGeographyAndTaxonomy } from "../../../prisma/seed.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createUser } from "../../helpers/factories.ts";
import { httpClient, type Cookies, html } from "../../helpers/http.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { startApp, type RunningApp } from "../../helpers/server.ts";
import { addSupports, createConsultation, createStrategy, createSubmission } from "./fixtures.ts";

const testDb = useTestDatabase();
useTestRedis();
const db = () => testDb().prisma;
const el = createT("el");
const en = createT("en");

let app: RunningApp;
const { signedIn, get, post } = httpClient(() => app.url, db);
let staff: Cookies;
let citizen: Cookies;
let c1: { id: string; slug: string };
let c2: { id: string; slug: string };
const ids: Record<"a" | "b" | "c", string> = { a: "", b: "", c: "" };
const TITLE_A = 'Στέγη, "τώρα" για οικογένειες';
let groupKeys: string[] = [];
let municipalities: string[] = [];

/** The submission ids of the Directorate view's rows, in order. */
const rowIds = (page: string) =>
  [...page.matchAll(/data-testid="directorate-row"[\s\S]*?href="\/submissions\/([0-9a-f-]{36})"/g)].map(
    (m) => m[1],
  );

function weightsForm(components: Record<string, number>): [string, string][] {
  return [
    ...Object.entries(components).map(([k, v]): [string, string] => [`w.${k}`, String(v)]),
    ...groupKeys.map((k): [string, string] => [`g.${k}`, "1"]),
  ];
}

beforeAll(async () => {
  await upsertGeographyAndTaxonomy(db());
  groupKeys = (await db().targetGroup.findMany({ select: { key: true } })).map((g) => g.key);
  municipalities = (await db().municipality.findMany({ orderBy: { id: "asc" }, take: 2 })).map((m) => m.id);
  app = await startApp({ databaseUrl: testDb().url });
  staff = await signedIn(["citizen", "directorate"]);
  citizen = await signedIn(["citizen"]);
  const owner = await createUser(db(), { roles: ["directorate"] });
  const strategy = await createStrategy(db(), owner.id, ["housing", "housing"]);
  c1 = await createConsultation(db(), {
    createdById: owner.id,
    title: "Στέγαση και απασχόληση",
    strategyVersionId: strategy,
  });
  c2 = await createConsultation(db(), { createdById: owner.id, title: "Υγεία στην Αιτωλοακαρνανία" });
  const author = await createUser(db());
  const a = await createSubmission(db(), {
    consultationId: c1.id,
    authorId: author.id,
    title: TITLE_A,
    municipalityId: municipalities[0],
    analysis: { themes: [{ key: "housing", confidence: 0.9 }], urgent: true, urgentConfidence: 0.9 },
  });
  await addSupports(db(), a.id, 10);
  const b = await createSubmission(db(), {
    consultationId: c1.id,
    authorId: author.id,
    title: "Θέσεις εργασίας για νέους",
    analysis: { themes: [{ key: "employment", confidence: 0.9 }] },
  });
  await addSupports(db(), b.id, 2);
  const c = await createSubmission(db(), {
    consultationId: c2.id,
    authorId: author.id,
    title: "Κέντρο υγείας στο χωριό",
    municipalityId: municipalities[1],
    analysis: { themes: [{ key: "housing", confidence: 0.6 }] },
  });
  await addSupports(db(), c.id, 5);
  Object.assign(ids, { a: a.id, b: b.id, c: c.id });
  await recomputeAll(db());
});

afterAll(async () => {
  await app?.stop();
});

describe("permissions", () => {
  it("refuses citizens (403) and sends visitors to the login page", async () => {
    const paths = [
      "/directorate",
      "/directorate/export?format=csv",
      `/manage/consultations/${c1.id}/priority`,
    ];
    for (const path of paths) {
      const res = await get(path, citizen);
      expect(res.status, path).toBe(403);
      await res.arrayBuffer();
      const visitor = await get(path);
      expect(visitor.status, path).toBe(302);
      expect(visitor.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    }
    const refused = await post(
      `/manage/consultations/${c1.id}/priority`,
      citizen,
      weightsForm({ support: 1 }),
    );
    expect(refused.status).toBe(403);
    const exported = await get("/directorate/export?format=json", citizen);
    expect(await exported.text()).toBe(el("errors.forbidden"));
  });
});

describe("the Directorate view and its export", () => {
  it("lists prioritised submissions across consultations, best first", async () => {
    const res = await get("/directorate", staff);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain(html(el("priority.directorate.title")));
    const order = rowIds(page);
    expect(order).toHaveLength(3);
    expect(new Set(order)).toEqual(new Set(Object.values(ids)));
    const scores = await db().priorityScore.findMany({
      orderBy: [{ score: "desc" }, { submissionId: "asc" }],
    });
    expect(order).toEqual(scores.map((s) => s.submissionId));
  });

  it("exports exactly what the view shows for the same filters, as CSV and JSON", async () => {
    const filters = [
      "theme=housing",
      "urgent=yes",
      `consultation=${c2.id}`,
      `municipality=${municipalities[0]}`,
      "kind=proposal&theme=employment",
      "",
    ];
    for (const f of filters) {
      const view = await (await get(`/directorate?${f}`, staff)).text();
      const expected = rowIds(view);
      const json = await get(`/directorate/export?format=json&${f}`, staff);
      expect(json.status).toBe(200);
      expect(json.headers.get("content-type")).toMatch(/^application\/json/);
      const rows = (await json.json()) as { id: string; rank: number; title: string }[];
      expect(
        rows.map((r) => r.id),
        f,
      ).toEqual(expected);
      const csv = await get(`/directorate/export?format=csv&${f}`, staff);
      const text = await csv.text();
      const lines = text
        .replace(/^\uFEFF/, "")
        .trimEnd()
        .split("\r\n");
      expect(lines.length - 1, f).toBe(expected.length);
    }
    expect(rowIds(await (await get("/directorate?theme=housing", staff)).text()).sort()).toEqual(
      [ids.a, ids.c].sort(),
    );
    expect(rowIds(await (await get("/directorate?urgent=yes", staff)).text())).toEqual([ids.a]);
  });

  it("writes CSV for Excel: BOM, translated headers, quoted fields, a file name", async () => {
    const res = await get("/directorate/export?format=csv&urgent=yes", staff);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="proteraiotites-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const [header, row] = text.split("\r\n");
    expect(header.startsWith(`${el("priority.export.rank")},${el("priority.export.score")},`)).toBe(true);
    expect(row).toContain('"Στέγη, ""τώρα"" για οικογένειες"');
    expect(row).toContain(`/submissions/${ids.a}`);
    const english = await get("/directorate/export?format=csv&urgent=yes", { ...staff, synochi_lang: "en" });
    expect((await english.text()).replace(/^\uFEFF/, "").startsWith(`${en("priority.export.rank")},`)).toBe(
      true,
    );
  });

  it("answers bad query strings with a translated 400, or a sane default for the page", async () => {
    const unknownTheme = await get("/directorate?theme=nope", staff);
    expect(unknownTheme.status).toBe(400);
    expect(await unknownTheme.text()).toContain(html(el("priority.errors.badFilter")));
    for (const q of ["kind=poem", "urgent=maybe", "group=%3Cscript%3E", "consultation=nope"]) {
      const res = await get(`/directorate?${q}`, staff);
      expect(res.status, q).toBe(400);
      await res.arrayBuffer();
    }
    const negative = await get("/directorate?page=-1", staff);
    expect(negative.status).toBe(200);
    expect(rowIds(await negative.text())).toHaveLength(3);
    const beyond = await get("/directorate?page=99", staff);
    expect(beyond.status).toBe(200);
    expect(await beyond.text()).toContain(html(el("priority.directorate.empty")));

    const xml = await get("/directorate/export?format=xml", staff);
    expect(xml.status).toBe(400);
    expect(await xml.text()).toBe(el("priority.errors.badFormat"));
    const xmlEn = await get("/directorate/export?format=xml", { ...staff, synochi_lang: "en" });
    expect(await xmlEn.text()).toBe(en("priority.errors.badFormat"));
    const badFilter = await get("/directorate/export?format=json&theme=nope", staff);
    expect(badFilter.status).toBe(400);
    expect(await badFilter.text()).toBe(el("priority.errors.badFilter"));
  });
});

describe("the weights page", () => {
  it("refuses bad weights in the reader's language, keeping what was typed", async () => {
    const res = await post(`/manage/consultations/${c1.id}/priority`, staff, [
      ...weightsForm({ support: 11, breadth: 1, targetGroups: 1, urgency: 1, strategyGap: 1, recency: 1 }),
    ]);
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain(html(el("priority.errors.invalid")));
    expect(page).toContain(html(el("priority.errors.weightRange")));
    expect(page).toMatch(/name="w.support"[^>]*value="11"|value="11"[^>]*name="w.support"/);
    expect(page).toContain('href="#w-support"');
    const zero = await post(
      `/manage/consultations/${c1.id}/priority`,
      staff,
      weightsForm({ support: 0, breadth: 0, targetGroups: 0, urgency: 0, strategyGap: 0, recency: 0 }),
    );
    expect(zero.status).toBe(400);
    expect(await zero.text()).toContain(html(el("priority.errors.allZero")));
  });

  it("previews candidate weights, and saving them reorders the consultation's priority listing", async () => {
    const listing = async () => {
      const page = await (await get(`/consultations/${c1.slug}?sort=priority`, staff)).text();
      return [ids.a, ids.b].sort(
        (x, y) => page.indexOf(`/submissions/${x}`) - page.indexOf(`/submissions/${y}`),
      );
    };
    expect(await listing()).toEqual([ids.a, ids.b]);

    const gapOnly = { support: 0, breadth: 0, targetGroups: 0, urgency: 0, strategyGap: 10, recency: 0 };
    const qs = new URLSearchParams(weightsForm(gapOnly));
    const preview = await (await get(`/manage/consultations/${c1.id}/priority?${qs}`, staff)).text();
    const firstRow = preview.slice(preview.indexOf('data-testid="preview-row"'));
    expect(firstRow.indexOf(`/submissions/${ids.b}`)).toBeLessThan(firstRow.indexOf(`/submissions/${ids.a}`));
    // The preview wrote nothing.
    expect(await listing()).toEqual([ids.a, ids.b]);

    const saved = await post(`/manage/consultations/${c1.id}/priority`, staff, weightsForm(gapOnly));
    expect(saved.status).toBe(302);
    expect(saved.headers.get("location")).toBe(`/manage/consultations/${c1.id}/priority?notice=saved`);
    const stored = await db().consultation.findUniqueOrThrow({ where: { id: c1.id } });
    expect((stored.priorityWeights as { components: Record<string, number> }).components.strategyGap).toBe(
      10,
    );
    expect(
      await db().outboxEvent.count({ where: { queue: "priority", name: "recompute-consultation" } }),
    ).toBeGreaterThan(0);
    // What the worker's job does (no worker runs in this file).
    await recomputeConsultation(db(), c1.id);
    expect(await listing()).toEqual([ids.b, ids.a]);

    const page = await (await get(`/manage/consultations/${c1.id}/priority?notice=saved`, staff)).text();
    expect(page).toContain(html(el("priority.weights.saved")));

    const reset = await post(`/manage/consultations/${c1.id}/priority`, staff, [["intent", "reset"]]);
    expect(reset.status).toBe(302);
    await recomputeConsultation(db(), c1.id);
    expect(await listing()).toEqual([ids.a, ids.b]);
  });

  it("shows why a submission is ranked where it is, on its page", async () => {
    const page = await (await get(`/submissions/${ids.a}`)).text();
    expect(page).toContain(html(el("priority.explain.title")));
    expect(page).toContain(html(el("priority.components.strategyGap")));
    expect(page).toContain(html(el("priority.explain.rank", { rank: 1, total: 2 })));
  });
});
