/**
 * Consultation management against a real PostgreSQL (own database) and Redis (own prefix): who may manage,
 * validation of every field, Athens local time, slugs, phase changes by hand and on their dates (also
 * through the BullMQ job scheduler), and the numbering of a consultation's articles.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { beforeAll, describe, expect, it } from "vitest";
import { can, type Actor, type RoleName } from "~/domain/accounts/policy.ts";
import { athensLocalToUtc, utcToAthensLocal } from "~/domain/consultations/consultations.schema.ts";
import {
  addArticle,
  advanceConsultationPhases,
  changePhase,
  createConsultation,
  deleteArticle,
  getConsultationForEdit,
  importArticles,
  listArticles,
  listManagedConsultations,
  moveArticle,
  parseArticleText,
  readConsultationForm,
  slugFromTitle,
  updateConsultation,
  type ConsultationInput,
} from "~/domain/consultations/manage.server.ts";
import { readRichTextField } from "~/domain/richtext/richtext.server.ts";
import type { PrismaClient } from "~/generated/prisma/client.ts";
import { type DomainError, Forbidden, Invalid } from "~/utils/errors.server.ts";
import { newId } from "~/utils/ids.ts";
import { createPhasesWorker, PHASES_SCHEDULER_ID, SCHEDULE_QUEUE } from "../../../workers/phases.ts";
import { upsertGeographyAndTaxonomy } from "../../../prisma/seed.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createUser } from "../../helpers/factories.ts";
import { useTestRedis } from "../../helpers/redis.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const prisma = (): PrismaClient => testDb().prisma;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let directorate: Actor;
let admin: Actor;
let citizen: Actor;
let moderator: Actor;
let ref: {
  theme: string;
  theme2: string;
  group: string;
  unit: string;
  otherUnit: string;
  municipality: string;
  committee: string;
  strategy: string;
};

async function actor(roles: RoleName[]): Promise<Actor> {
  const u = await createUser(prisma(), { roles });
  return { id: u.id, roles, committees: [], emailVerified: true };
}

beforeAll(async () => {
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: testDb().url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
    COOKIE_SECURE: "false",
  });
  await upsertGeographyAndTaxonomy(prisma());
  directorate = await actor(["citizen", "directorate"]);
  admin = await actor(["admin"]);
  citizen = await actor(["citizen"]);
  moderator = await actor(["citizen", "moderator"]);
  const [themes, groups, units] = await Promise.all([
    prisma().theme.findMany({ orderBy: { position: "asc" } }),
    prisma().targetGroup.findMany({ orderBy: { position: "asc" } }),
    prisma().regionalUnit.findMany({ orderBy: { code: "asc" }, include: { municipalities: true } }),
  ]);
  const committee = await prisma().committee.create({
    data: { id: newId(), name: "Περιφερειακή Επιτροπή Διαβούλευσης", level: "regional" },
  });
  const strategy = await prisma().strategyVersion.create({
    data: { id: newId(), label: "ΠεΣΚΕ 2024", status: "published", createdById: directorate!.id },
  });
  ref = {
    theme: themes[0].key,
    theme2: themes[1].key,
    group: groups[0].key,
    unit: units[0].code,
    otherUnit: units[1].code,
    municipality: units[0].municipalities[0].id,
    committee: committee.id,
    strategy: strategy.id,
  };
});

// ───────────────────────────── helpers ─────────────────────────────

function body(text: string, format: "text" | "json" = "text") {
  const form = new FormData();
  form.set("body", text);
  if (format === "json") form.set("bodyFormat", "json");
  return readRichTextField(form, "body", { maxChars: 50_000 });
}

let counter = 0;
function validInput(over: Partial<ConsultationInput> = {}): ConsultationInput {
  counter += 1;
  return {
    title: `Στέγαση ευάλωτων ομάδων ${counter}`,
    summary: "Προτάσεις για τη στέγαση των ευάλωτων ομάδων της Περιφέρειας.",
    scopeLevel: "region",
    themes: [ref.theme],
    targetGroups: [ref.group],
    body: body("Το κείμενο της διαβούλευσης.\n\nΔεύτερη παράγραφος."),
    ...over,
  };
}

async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("Expected the call to throw, but it resolved");
}

/** The call must throw Invalid; returns its field errors. */
async function fieldErrors(fn: () => Promise<unknown>): Promise<Record<string, string>> {
  const error = await caught(fn);
  expect(error).toBeInstanceOf(Invalid);
  return (error as Invalid).fieldErrors;
}

async function invalidKey(fn: () => Promise<unknown>): Promise<string> {
  const error = await caught(fn);
  expect(error).toBeInstanceOf(Invalid);
  return (error as Invalid).messageKey;
}

async function newConsultation(over: Partial<ConsultationInput> = {}) {
  return createConsultation(prisma(), directorate, validInput(over));
}

async function setPhase(id: string, data: Record<string, unknown>) {
  await prisma().consultation.update({ where: { id }, data });
}

/** Athens local "YYYY-MM-DDTHH:mm" of an instant `ms` from now. */
const local = (ms: number) => utcToAthensLocal(new Date(Date.now() + ms));

// ───────────────────────────── permissions ─────────────────────────────

describe("who may manage consultations", () => {
  it("is the Directorate and admins, not citizens or moderators (policy)", () => {
    expect(can(citizen, "consultation.manage")).toBe(false);
    expect(can(moderator, "consultation.manage")).toBe(false);
    expect(can(null, "consultation.manage")).toBe(false);
    expect(can(directorate, "consultation.manage")).toBe(true);
    expect(can(admin, "consultation.manage")).toBe(true);
  });

  it("refuses every write of a citizen or moderator with Forbidden and writes nothing", async () => {
    const before = await prisma().consultation.count();
    for (const who of [citizen, moderator, null]) {
      expect(await caught(() => createConsultation(prisma(), who, validInput()))).toBeInstanceOf(Forbidden);
    }
    const { id } = await newConsultation();
    expect(await caught(() => updateConsultation(prisma(), citizen, id, validInput()))).toBeInstanceOf(
      Forbidden,
    );
    expect(
      await caught(() => changePhase(prisma(), moderator, id, { to: "open", confirm: "on" })),
    ).toBeInstanceOf(Forbidden);
    expect(
      await caught(() => addArticle(prisma(), citizen, id, { title: "Άρθρο", body: body("κείμενο") })),
    ).toBeInstanceOf(Forbidden);
    expect(
      await caught(() => importArticles(prisma(), moderator, id, { text: "Άρθρο 1 Α\nκείμενο" })),
    ).toBeInstanceOf(Forbidden);
    expect(await prisma().consultation.count()).toBe(before + 1);
    expect((await getConsultationForEdit(prisma(), id)).phase).toBe("draft");
  });

  it("lets an admin create and a directorate member edit", async () => {
    const { id } = await createConsultation(prisma(), admin, validInput());
    await updateConsultation(prisma(), directorate, id, validInput({ title: "Νέος τίτλος για όλους" }));
    expect((await getConsultationForEdit(prisma(), id)).title).toBe("Νέος τίτλος για όλους");
  });
});

// ───────────────────────────── create and update ─────────────────────────────

describe("creating a consultation", () => {
  it("stores a draft with its fields, a Latin slug from the Greek title and an audit row", async () => {
    const { id, slug } = await createConsultation(
      prisma(),
      directorate,
      validInput({
        title: "Στέγαση ευάλωτων ομάδων στην Αχαΐα",
        scopeLevel: "regional_unit",
        regionalUnitCode: ref.unit,
        themes: [ref.theme, ref.theme2],
        committeeId: ref.committee,
        strategyVersionId: ref.strategy,
        preModeration: "on",
      }),
    );
    expect(slug).toBe("stegasi-evaloton-omadon-stin-achaia");
    const c = await getConsultationForEdit(prisma(), id);
    expect(c).toMatchObject({
      phase: "draft",
      scopeLevel: "regional_unit",
      regionalUnitCode: ref.unit,
      municipalityId: null,
      committeeId: ref.committee,
      strategyVersionId: ref.strategy,
      preModeration: true,
      nextPhases: ["open"],
    });
    expect(c.themes.sort()).toEqual([ref.theme, ref.theme2].sort());
    expect(c.targetGroups).toEqual([ref.group]);
    expect(c.bodyHtml).toBe("<p>Το κείμενο της διαβούλευσης.</p><p>Δεύτερη παράγραφος.</p>");
    const row = await prisma().consultation.findUniqueOrThrow({ where: { id } });
    expect(row.createdById).toBe(directorate!.id);
    const audit = await prisma().auditLog.findMany({ where: { targetType: "consultation", targetId: id } });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([["consultation.create", directorate!.id]]);
  });

  it("makes slugs unique by numbering them, and accepts an edited slug", async () => {
    const title = "Κοινωνικό παντοπωλείο Πάτρας";
    const a = await newConsultation({ title });
    const b = await newConsultation({ title });
    const c = await newConsultation({ title });
    expect([a.slug, b.slug, c.slug]).toEqual([
      "koinoniko-pantopoleio-patras",
      "koinoniko-pantopoleio-patras-2",
      "koinoniko-pantopoleio-patras-3",
    ]);
    const own = await newConsultation({ slug: "  My-Own-Slug-2025 " });
    expect(own.slug).toBe("my-own-slug-2025");
  });

  it("transliterates Greek the ELOT way", () => {
    expect(slugFromTitle("Αύξηση επιδόματος θέρμανσης")).toBe("afxisi-epidomatos-thermansis");
    expect(slugFromTitle("Ευρωπαϊκό Ταμείο: ΜΠΟΡΟΥΜΕ!")).toBe("evropaiko-tameio-boroume");
    expect(slugFromTitle("Ψυχική υγεία & ξενώνες")).toBe("psychiki-ygeia-xenones");
    expect(slugFromTitle("!!!")).toBe("consultation");
    expect(slugFromTitle("α".repeat(300)).length).toBeLessThanOrEqual(80);
  });

  it("refuses a slug that is taken or badly formed", async () => {
    const first = await newConsultation();
    expect(await fieldErrors(() => newConsultation({ slug: first.slug }))).toEqual({
      slug: "manage.errors.slugTaken",
    });
    for (const slug of ["Με ελληνικά", "a--b", "-lead", "x".repeat(121), "under_score"]) {
      expect(await fieldErrors(() => newConsultation({ slug }))).toEqual({
        slug: "manage.errors.slugFormat",
      });
    }
  });

  it("checks each field and reports them all at once", async () => {
    const all = await fieldErrors(() => newConsultation({ title: "abc", summary: "short", body: body("") }));
    expect(all).toEqual({
      title: "manage.errors.titleLength",
      summary: "manage.errors.summaryLength",
      body: "editor.errors.empty",
    });
    const cases: [Partial<ConsultationInput>, Record<string, string>][] = [
      [{ title: "    abcd    " }, { title: "manage.errors.titleLength" }],
      [{ title: "α".repeat(201) }, { title: "manage.errors.titleLength" }],
      [{ title: undefined }, { title: "manage.errors.titleLength" }],
      [{ summary: "α".repeat(601) }, { summary: "manage.errors.summaryLength" }],
      [{ body: body("α".repeat(50_001)) }, { body: "editor.errors.tooLong" }],
      [
        { body: body('{"type":"doc","content":[{"type":"script"}]}', "json") },
        { body: "editor.errors.invalid" },
      ],
      [{ scopeLevel: "planet" }, { scopeLevel: "manage.errors.scopeLevel" }],
      [{ scopeLevel: "regional_unit" }, { regionalUnitCode: "manage.errors.regionalUnitRequired" }],
      [{ scopeLevel: "municipality" }, { municipalityId: "manage.errors.municipalityRequired" }],
      [{ opensAt: "2030-02-30T10:00" }, { opensAt: "manage.errors.dateInvalid" }],
      [{ closesAt: "tomorrow" }, { closesAt: "manage.errors.dateInvalid" }],
      [
        { opensAt: local(3 * DAY), closesAt: local(2 * DAY) },
        { closesAt: "manage.errors.closesBeforeOpens" },
      ],
      [
        { opensAt: local(2 * DAY), closesAt: local(2 * DAY) },
        { closesAt: "manage.errors.closesBeforeOpens" },
      ],
    ];
    for (const [over, expected] of cases) {
      expect(await fieldErrors(() => newConsultation(over)), JSON.stringify(over).slice(0, 80)).toEqual(
        expected,
      );
    }
  });

  it("checks that what the selects name exists", async () => {
    const otherUnitMunicipality = await prisma().municipality.findFirstOrThrow({
      where: { regionalUnitCode: ref.otherUnit },
    });
    const cases: [Partial<ConsultationInput>, Record<string, string>][] = [
      [{ themes: [ref.theme, "no_such_theme"] }, { themes: "manage.errors.themeUnknown" }],
      [{ targetGroups: ["nobody"] }, { targetGroups: "manage.errors.targetGroupUnknown" }],
      [
        { scopeLevel: "regional_unit", regionalUnitCode: "EL999" },
        { regionalUnitCode: "manage.errors.regionalUnitUnknown" },
      ],
      [
        { scopeLevel: "municipality", municipalityId: "atlantis" },
        { municipalityId: "manage.errors.municipalityUnknown" },
      ],
      [
        { scopeLevel: "municipality", municipalityId: otherUnitMunicipality.id, regionalUnitCode: ref.unit },
        { municipalityId: "manage.errors.municipalityNotInUnit" },
      ],
      [{ committeeId: newId() }, { committeeId: "manage.errors.committeeUnknown" }],
      [{ strategyVersionId: newId() }, { strategyVersionId: "manage.errors.strategyVersionUnknown" }],
    ];
    for (const [over, expected] of cases) {
      expect(await fieldErrors(() => newConsultation(over)), JSON.stringify(over)).toEqual(expected);
    }
  });

  it("keeps only the place the scope names, and a municipality's regional unit", async () => {
    const m = await prisma().municipality.findUniqueOrThrow({ where: { id: ref.municipality } });
    const { id } = await newConsultation({
      scopeLevel: "municipality",
      municipalityId: m.id,
      regionalUnitCode: "",
    });
    expect(await getConsultationForEdit(prisma(), id)).toMatchObject({
      scopeLevel: "municipality",
      municipalityId: m.id,
      regionalUnitCode: m.regionalUnitCode,
    });
    const region = await newConsultation({
      scopeLevel: "region",
      regionalUnitCode: ref.unit,
      municipalityId: m.id,
    });
    expect(await getConsultationForEdit(prisma(), region.id)).toMatchObject({
      regionalUnitCode: null,
      municipalityId: null,
    });
  });

  it("reads datetime-local values as Athens time, summer and winter", async () => {
    expect(athensLocalToUtc("2030-07-01T10:00")?.toISOString()).toBe("2030-07-01T07:00:00.000Z");
    expect(athensLocalToUtc("2030-01-15T10:00")?.toISOString()).toBe("2030-01-15T08:00:00.000Z");
    // The hour skipped when clocks go forward (last Sunday of March, 03:00 → 04:00) moves forward.
    expect(athensLocalToUtc("2030-03-31T03:30")?.toISOString()).toBe("2030-03-31T01:30:00.000Z");
    expect(utcToAthensLocal("2030-07-01T07:00:00.000Z")).toBe("2030-07-01T10:00");
    expect(utcToAthensLocal(new Date("2030-12-31T22:30:00Z"))).toBe("2031-01-01T00:30");
    for (const bad of ["2030-13-01T10:00", "2030-02-29T10:00", "2030-01-01T24:00", "01/02/2030 10:00", ""]) {
      expect(athensLocalToUtc(bad), bad).toBeNull();
    }

    const { id } = await newConsultation({ opensAt: "2030-07-01T10:00", closesAt: "2030-12-01T18:30" });
    const row = await prisma().consultation.findUniqueOrThrow({ where: { id } });
    expect(row.opensAt?.toISOString()).toBe("2030-07-01T07:00:00.000Z");
    expect(row.closesAt?.toISOString()).toBe("2030-12-01T16:30:00.000Z");
  });

  it("refuses dates already past for a draft", async () => {
    expect(await fieldErrors(() => newConsultation({ opensAt: local(-DAY) }))).toEqual({
      opensAt: "manage.errors.opensAtPast",
    });
    expect(await fieldErrors(() => newConsultation({ closesAt: local(-HOUR) }))).toEqual({
      closesAt: "manage.errors.closesAtPast",
    });
  });

  it("reads the form and gives back every typed value", () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({
      title: "Τίτλος",
      summary: "Σύνοψη",
      scopeLevel: "municipality",
      municipalityId: "patras",
      opensAt: "2030-01-01T10:00",
      body: "κείμενο",
      preModeration: "on",
    })) {
      form.set(k, v);
    }
    form.append("themes", "a");
    form.append("themes", "b");
    const { input, values } = readConsultationForm(form);
    expect(input.themes).toEqual(["a", "b"]);
    expect(values).toMatchObject({
      title: "Τίτλος",
      themes: "a,b",
      preModeration: "on",
      body: "κείμενο",
      bodyFormat: "text",
      municipalityId: "patras",
      opensAt: "2030-01-01T10:00",
    });
  });
});

describe("updating a consultation", () => {
  it("saves every field, replaces themes and target groups, and keeps the slug when the field is emptied", async () => {
    const { id, slug } = await newConsultation({ themes: [ref.theme] });
    await updateConsultation(
      prisma(),
      directorate,
      id,
      validInput({
        title: "Αλλαγμένος τίτλος",
        slug: "",
        themes: [ref.theme2],
        targetGroups: [],
        preModeration: undefined,
        opensAt: "2030-05-05T09:00",
      }),
    );
    const c = await getConsultationForEdit(prisma(), id);
    expect(c).toMatchObject({ title: "Αλλαγμένος τίτλος", slug, themes: [ref.theme2], targetGroups: [] });
    expect(c.opensAt).toBe("2030-05-05T06:00:00.000Z");
    await updateConsultation(prisma(), directorate, id, validInput({ slug: "neo-slug" }));
    expect((await getConsultationForEdit(prisma(), id)).slug).toBe("neo-slug");
    const actions = await prisma().auditLog.findMany({ where: { targetId: id }, orderBy: { id: "asc" } });
    expect(actions.map((a) => a.action)).toEqual([
      "consultation.create",
      "consultation.update",
      "consultation.update",
    ]);
  });

  it("refuses another consultation's slug and unknown ids", async () => {
    const a = await newConsultation();
    const b = await newConsultation();
    expect(
      await fieldErrors(() => updateConsultation(prisma(), directorate, b.id, validInput({ slug: a.slug }))),
    ).toEqual({
      slug: "manage.errors.slugTaken",
    });
    for (const id of [newId(), "not-a-uuid"]) {
      const error = await caught(() => updateConsultation(prisma(), directorate, id, validInput()));
      expect((error as DomainError).status).toBe(404);
    }
  });

  it("refuses a closing date in the past for an open consultation, but keeps an unchanged past opening date", async () => {
    const { id } = await newConsultation();
    await setPhase(id, { phase: "open", opensAt: new Date(Date.now() - DAY) });
    const row = await prisma().consultation.findUniqueOrThrow({ where: { id } });
    expect(
      await fieldErrors(() =>
        updateConsultation(
          prisma(),
          directorate,
          id,
          validInput({ opensAt: row.opensAt!, closesAt: local(-HOUR) }),
        ),
      ),
    ).toEqual({ closesAt: "manage.errors.closesAtPast" });
    await updateConsultation(
      prisma(),
      directorate,
      id,
      validInput({ opensAt: row.opensAt!, closesAt: local(DAY) }),
    );
    expect((await getConsultationForEdit(prisma(), id)).phase).toBe("open");
  });
});

describe("the management list", () => {
  it("shows every phase, drafts included, with counts", async () => {
    const { id } = await newConsultation();
    await setPhase(id, { phase: "concluded" });
    const all = await listManagedConsultations(prisma());
    expect(all.consultations.some((c) => c.phase === "draft")).toBe(true);
    expect(all.consultations.find((c) => c.id === id)).toMatchObject({ phase: "concluded", articleCount: 0 });
    expect(all.phaseCounts.concluded).toBeGreaterThanOrEqual(1);
    const concluded = await listManagedConsultations(prisma(), { phase: "concluded" });
    expect(concluded.consultations.every((c) => c.phase === "concluded")).toBe(true);
    expect((await listManagedConsultations(prisma(), { phase: "bogus" })).phase).toBeNull();
  });
});

// ───────────────────────────── phases ─────────────────────────────

describe("changing phase by hand", () => {
  const go = (id: string, to: string, more: Record<string, unknown> = {}, now?: Date) =>
    changePhase(prisma(), directorate, id, { to, confirm: "on", ...more }, now);

  it("walks draft → open → closed → analysed → concluded, setting each date", async () => {
    const { id } = await newConsultation({ closesAt: local(10 * DAY) });
    const t1 = new Date();
    expect(await go(id, "open", {}, t1)).toEqual({ from: "draft", to: "open" });
    let row = await prisma().consultation.findUniqueOrThrow({ where: { id } });
    expect(row.phase).toBe("open");
    expect(row.opensAt?.getTime()).toBe(t1.getTime());

    const t2 = new Date(Date.now() + 1000);
    await go(id, "closed", {}, t2);
    row = await prisma().consultation.findUniqueOrThrow({ where: { id } });
    expect(row.phase).toBe("closed");
    expect(row.closesAt?.getTime()).toBe(t2.getTime());

    await go(id, "analysed");
    row = await prisma().consultation.findUniqueOrThrow({ where: { id } });
    expect(row.phase).toBe("analysed");
    expect(row.analysedAt).not.toBeNull();

    await go(id, "concluded");
    row = await prisma().consultation.findUniqueOrThrow({ where: { id } });
    expect(row.phase).toBe("concluded");
    expect(row.concludedAt).not.toBeNull();
    expect((await getConsultationForEdit(prisma(), id)).nextPhases).toEqual([]);

    const audit = await prisma().auditLog.findMany({
      where: { targetId: id, action: "consultation.phase" },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => a.details)).toEqual([
      { from: "draft", to: "open" },
      { from: "open", to: "closed" },
      { from: "closed", to: "analysed" },
      { from: "analysed", to: "concluded" },
    ]);
  });

  it("reopens a closed consultation only with a future closing date", async () => {
    const { id } = await newConsultation();
    await setPhase(id, { phase: "closed", closesAt: new Date(Date.now() - HOUR) });
    expect(await fieldErrors(() => go(id, "open"))).toEqual({
      closesAt: "manage.errors.reopenNeedsClosesAt",
    });
    expect(await fieldErrors(() => go(id, "open", { closesAt: local(-DAY) }))).toEqual({
      closesAt: "manage.errors.closesAtPast",
    });
    await go(id, "open", { closesAt: "2030-06-01T12:00" });
    const row = await prisma().consultation.findUniqueOrThrow({ where: { id } });
    expect(row.phase).toBe("open");
    expect(row.closesAt?.toISOString()).toBe("2030-06-01T09:00:00.000Z");
  });

  it("refuses skipped or backward steps, a missing confirmation, and opening after the closing date", async () => {
    const { id } = await newConsultation();
    for (const to of ["closed", "analysed", "concluded", "draft"]) {
      expect(await fieldErrors(() => go(id, to))).toEqual({ to: "manage.errors.phaseNotAllowed" });
    }
    expect(await fieldErrors(() => go(id, "bogus"))).toEqual({ to: "manage.errors.phaseNotAllowed" });
    expect(await fieldErrors(() => changePhase(prisma(), directorate, id, { to: "open" }))).toEqual({
      confirm: "manage.errors.confirmRequired",
    });
    await setPhase(id, { closesAt: new Date(Date.now() - HOUR) });
    expect(await fieldErrors(() => go(id, "open"))).toEqual({ to: "manage.errors.openAfterClosing" });

    await setPhase(id, { phase: "open", closesAt: null });
    for (const to of ["open", "analysed", "concluded", "draft"]) {
      expect(await fieldErrors(() => go(id, to))).toEqual({ to: "manage.errors.phaseNotAllowed" });
    }
    await setPhase(id, { phase: "concluded" });
    for (const to of ["open", "closed", "analysed", "draft"]) {
      expect(await fieldErrors(() => go(id, to))).toEqual({ to: "manage.errors.phaseNotAllowed" });
    }
    expect((await prisma().consultation.findUniqueOrThrow({ where: { id } })).phase).toBe("concluded");
  });
});

describe("phases on their dates", () => {
  it("opens scheduled drafts, closes due consultations and leaves the rest, once", async () => {
    const now = new Date();
    const past = new Date(now.getTime() - HOUR);
    const future = new Date(now.getTime() + HOUR);
    const ids: Record<string, string> = {};
    for (const name of ["scheduled", "unscheduled", "notYet", "due", "running", "endless", "bothPassed"]) {
      ids[name] = (await newConsultation()).id;
    }
    await setPhase(ids.scheduled, { phase: "draft", opensAt: past, closesAt: future });
    await setPhase(ids.unscheduled, { phase: "draft", opensAt: null, closesAt: past });
    await setPhase(ids.notYet, { phase: "draft", opensAt: future });
    await setPhase(ids.due, { phase: "open", opensAt: past, closesAt: now });
    await setPhase(ids.running, { phase: "open", closesAt: future });
    await setPhase(ids.endless, { phase: "open", closesAt: null });
    await setPhase(ids.bothPassed, {
      phase: "draft",
      opensAt: new Date(now.getTime() - 2 * HOUR),
      closesAt: past,
    });

    const result = await advanceConsultationPhases(prisma(), now);
    expect(result.opened.map((c) => c.id).sort()).toEqual([ids.scheduled, ids.bothPassed].sort());
    expect(result.closed.map((c) => c.id).sort()).toEqual([ids.due, ids.bothPassed].sort());

    const phase = async (id: string) =>
      (await prisma().consultation.findUniqueOrThrow({ where: { id } })).phase;
    expect(await phase(ids.scheduled)).toBe("open");
    expect(await phase(ids.unscheduled)).toBe("draft");
    expect(await phase(ids.notYet)).toBe("draft");
    expect(await phase(ids.due)).toBe("closed");
    expect(await phase(ids.running)).toBe("open");
    expect(await phase(ids.endless)).toBe("open");
    expect(await phase(ids.bothPassed)).toBe("closed");
    const scheduled = await prisma().consultation.findUniqueOrThrow({ where: { id: ids.scheduled } });
    expect(scheduled.opensAt?.getTime()).toBe(past.getTime());

    const auto = await prisma().auditLog.findMany({
      where: { action: "consultation.phase_auto", targetId: ids.due },
    });
    expect(auto).toHaveLength(1);
    expect(auto[0].actorId).toBeNull();

    expect(await advanceConsultationPhases(prisma(), now)).toEqual({ opened: [], closed: [] });
  });

  it("reports each change to exactly one of several concurrent runs", async () => {
    const now = new Date();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { id } = await newConsultation();
      await setPhase(id, { phase: "open", closesAt: new Date(now.getTime() - 1000) });
      ids.push(id);
    }
    const runs = await Promise.all(Array.from({ length: 4 }, () => advanceConsultationPhases(prisma(), now)));
    const closed = runs.flatMap((r) => r.closed.map((c) => c.id));
    expect(closed.sort()).toEqual([...ids].sort());
  });

  it("runs every minute from the BullMQ job scheduler of the worker", async () => {
    const { id } = await newConsultation();
    await setPhase(id, { phase: "open", closesAt: new Date(Date.now() - 1000) });
    const connection = new Redis(testRedis.url, { maxRetriesPerRequest: null });
    const worker = createPhasesWorker({ db: prisma(), connection, prefix: testRedis.prefix });
    const queue = new Queue(SCHEDULE_QUEUE, { connection, prefix: testRedis.prefix });
    try {
      // The first run of an `every` scheduler starts at once.
      const deadline = Date.now() + 10_000;
      while ((await prisma().consultation.findUniqueOrThrow({ where: { id } })).phase !== "closed") {
        if (Date.now() > deadline)
          throw new Error("The phases job did not close the consultation within 10 s");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const scheduler = await queue.getJobScheduler(PHASES_SCHEDULER_ID);
      expect(scheduler?.every).toBe(60_000);
      // Upserting again (a second worker process) keeps one schedule.
      const again = createPhasesWorker({ db: prisma(), connection, prefix: testRedis.prefix });
      await again.waitUntilReady();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await queue.getJobSchedulersCount()).toBe(1);
      await again.close();
    } finally {
      await worker.close();
      await queue.close();
      connection.disconnect();
    }
  });
});

// ───────────────────────────── articles ─────────────────────────────

describe("articles", () => {
  const numbers = async (consultationId: string) =>
    (await listArticles(prisma(), consultationId)).articles.map((a) => `${a.number}:${a.title}`);
  const add = (consultationId: string, title: string) =>
    addArticle(prisma(), directorate, consultationId, { title, body: body(`Κείμενο του ${title}`) });

  it("numbers added articles 1..n and keeps them so when moving", async () => {
    const { id } = await newConsultation();
    const a = await add(id, "Α");
    const b = await add(id, "Β");
    const c = await add(id, "Γ");
    expect([a.number, b.number, c.number]).toEqual([1, 2, 3]);

    await moveArticle(prisma(), directorate, id, c.id, { direction: "up" });
    expect(await numbers(id)).toEqual(["1:Α", "2:Γ", "3:Β"]);
    await moveArticle(prisma(), directorate, id, c.id, { direction: "up" });
    expect(await numbers(id)).toEqual(["1:Γ", "2:Α", "3:Β"]);
    await moveArticle(prisma(), directorate, id, a.id, { direction: "down" });
    expect(await numbers(id)).toEqual(["1:Γ", "2:Β", "3:Α"]);

    expect(await invalidKey(() => moveArticle(prisma(), directorate, id, c.id, { direction: "up" }))).toBe(
      "manage.errors.alreadyFirst",
    );
    expect(await invalidKey(() => moveArticle(prisma(), directorate, id, a.id, { direction: "down" }))).toBe(
      "manage.errors.alreadyLast",
    );
    expect(
      await fieldErrors(() => moveArticle(prisma(), directorate, id, a.id, { direction: "sideways" })),
    ).toEqual({
      direction: "errors.invalidField",
    });
    expect(await numbers(id)).toEqual(["1:Γ", "2:Β", "3:Α"]);
  });

  it("keeps numbering unique under concurrent moves", async () => {
    const { id } = await newConsultation();
    const made = [];
    for (const t of ["1", "2", "3", "4", "5", "6"]) made.push(await add(id, t));
    await Promise.allSettled(
      made.map((m, i) => moveArticle(prisma(), directorate, id, m.id, { direction: i % 2 ? "up" : "down" })),
    );
    const list = (await listArticles(prisma(), id)).articles.map((a) => a.number);
    expect(list).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("renumbers after a delete, and refuses to delete an article with comments", async () => {
    const { id } = await newConsultation();
    const a = await add(id, "Α");
    const b = await add(id, "Β");
    const c = await add(id, "Γ");
    await deleteArticle(prisma(), directorate, id, b.id);
    expect(await numbers(id)).toEqual(["1:Α", "2:Γ"]);

    await prisma().comment.create({
      data: { id: newId(), articleId: c.id, authorId: citizen!.id, body: "Διαφωνώ.", deletedAt: new Date() },
    });
    expect(await invalidKey(() => deleteArticle(prisma(), directorate, id, c.id))).toBe(
      "manage.errors.articleHasComments",
    );
    expect(await numbers(id)).toEqual(["1:Α", "2:Γ"]);
    const listed = await listArticles(prisma(), id);
    expect(listed.articles.find((x) => x.id === c.id)?.commentCount).toBe(1);

    await deleteArticle(prisma(), directorate, id, a.id);
    expect(await numbers(id)).toEqual(["1:Γ"]);
  });

  it("only touches articles of the consultation named", async () => {
    const one = await newConsultation();
    const other = await newConsultation();
    const foreign = await add(other.id, "Ξένο");
    for (const fn of [
      () => deleteArticle(prisma(), directorate, one.id, foreign.id),
      () => moveArticle(prisma(), directorate, one.id, foreign.id, { direction: "up" }),
    ]) {
      expect(((await caught(fn)) as DomainError).status).toBe(404);
    }
    expect(await numbers(other.id)).toEqual(["1:Ξένο"]);
    expect(((await caught(() => add(newId(), "Χ"))) as DomainError).status).toBe(404);
  });

  it("validates an article's title and body", async () => {
    const { id } = await newConsultation();
    expect(
      await fieldErrors(() => addArticle(prisma(), directorate, id, { title: " ", body: body("") })),
    ).toEqual({
      title: "manage.errors.articleTitleLength",
      body: "editor.errors.empty",
    });
    expect(
      await fieldErrors(() =>
        addArticle(prisma(), directorate, id, { title: "x".repeat(201), body: body("κ") }),
      ),
    ).toEqual({ title: "manage.errors.articleTitleLength" });
  });

  it("splits a pasted document on 'Άρθρο N' / 'Article N' lines", () => {
    const { articles, preamble } = parseArticleText(
      [
        "ΣΧΕΔΙΟ ΠΡΟΓΡΑΜΜΑΤΟΣ",
        "",
        "Άρθρο 1 – Σκοπός",
        "Σκοπός είναι η στήριξη.",
        "",
        "Δεύτερη παράγραφος.",
        "ΑΡΘΡΟ 2",
        "Ορισμοί",
        "Για την εφαρμογή…",
        "Αρθρο 3: Πόροι",
        "Article 4. Final provisions",
        "Applies from today.",
        "Άρθρο 5",
        "",
        "Σύμφωνα με το άρθρο 2 του νόμου.",
      ].join("\r\n"),
    );
    expect(preamble).toBe("ΣΧΕΔΙΟ ΠΡΟΓΡΑΜΜΑΤΟΣ");
    expect(articles.map((a) => [a.heading, a.title, a.body])).toEqual([
      [1, "Σκοπός", "Σκοπός είναι η στήριξη.\n\nΔεύτερη παράγραφος."],
      [2, "Ορισμοί", "Για την εφαρμογή…"],
      [3, "Πόροι", ""],
      [4, "Final provisions", "Applies from today."],
      [5, "Σύμφωνα με το άρθρο 2 του νόμου.", ""],
    ]);
    // A heading alone with nothing after it keeps the heading as its title.
    expect(parseArticleText("Άρθρο 7:").articles[0].title).toBe("Άρθρο 7");
    // Mentions inside sentences are not headings; "12Α" and "1ο" forms are.
    expect(
      parseArticleText("Τα Άρθρα 1 και 2\nκαι το Άρθρο 3 ορίζουν\nΆρθρο 5 του νόμου").articles,
    ).toHaveLength(1);
    expect(parseArticleText("Άρθρο 12Α - Νέο\nκ\nΆρθρο 1ο: Σκοπός").articles.map((a) => a.title)).toEqual([
      "Νέο",
      "Σκοπός",
    ]);
    expect(parseArticleText("Άρθρο 123456 Όχι\nΆρθρο12 Όχι").articles).toEqual([]);
  });

  it("imports after the existing articles, or replaces them while nobody has commented", async () => {
    const { id } = await newConsultation();
    await add(id, "Υπάρχον");
    const text = "Εισαγωγή\nΆρθρο 1 - Πρώτο\nΚείμενο πρώτο.\nΆρθρο 2 - Δεύτερο\nΚείμενο δεύτερο.";
    expect(await importArticles(prisma(), directorate, id, { text })).toEqual({ count: 2, first: 2 });
    expect(await numbers(id)).toEqual(["1:Υπάρχον", "2:Πρώτο", "3:Δεύτερο"]);
    const row = await prisma().consultationArticle.findFirstOrThrow({
      where: { consultationId: id, number: 2 },
    });
    expect(row.bodyHtml).toBe("<p>Κείμενο πρώτο.</p>");

    expect(await importArticles(prisma(), directorate, id, { text, mode: "replace" })).toEqual({
      count: 2,
      first: 1,
    });
    expect(await numbers(id)).toEqual(["1:Πρώτο", "2:Δεύτερο"]);

    const first = await prisma().consultationArticle.findFirstOrThrow({
      where: { consultationId: id, number: 1 },
    });
    await prisma().comment.create({
      data: { id: newId(), articleId: first.id, authorId: citizen!.id, body: "Σχόλιο." },
    });
    expect(
      await fieldErrors(() => importArticles(prisma(), directorate, id, { text, mode: "replace" })),
    ).toEqual({
      mode: "manage.errors.importReplaceHasComments",
    });
    expect(await numbers(id)).toEqual(["1:Πρώτο", "2:Δεύτερο"]);
  });

  it("refuses imports without headings, empty, too long or with too many articles", async () => {
    const { id } = await newConsultation();
    const cases: [unknown, Record<string, string>][] = [
      ["   ", { text: "manage.errors.importEmpty" }],
      [undefined, { text: "manage.errors.importEmpty" }],
      ["Ένα κείμενο χωρίς άρθρα.", { text: "manage.errors.importNoHeadings" }],
      ["α".repeat(500_001), { text: "manage.errors.importTooLong" }],
      [
        Array.from({ length: 301 }, (_, i) => `Άρθρο ${i + 1} Τίτλος`).join("\n"),
        { text: "manage.errors.importTooMany" },
      ],
      [`Άρθρο 1 ${"τ".repeat(201)}`, { text: "manage.errors.importTitleTooLong" }],
      [`Άρθρο 1 Τίτλος\n${"κ".repeat(50_001)}`, { text: "manage.errors.importArticleTooLong" }],
    ];
    for (const [text, expected] of cases) {
      expect(await fieldErrors(() => importArticles(prisma(), directorate, id, { text }))).toEqual(expected);
    }
    expect(await numbers(id)).toEqual([]);
  });
});
