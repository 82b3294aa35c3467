/**
 * Consultation management for the Directorate and admins: create and edit consultations, move them through
 * their phases (by hand, and on their dates via `advanceConsultationPhases`), and keep their document of
 * numbered articles. Every write checks the policy and leaves an AuditLog row.
 */
import { can, type Actor } from "~/domain/accounts/policy.ts";
import { readRichTextField, renderDocToHtml, textToDoc } from "~/domain/richtext/richtext.server.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import type { Db, DbOrTx, Tx } from "~/utils/db.server.ts";
import { Forbidden, Invalid, NotFound } from "~/utils/errors.server.ts";
import { newId } from "~/utils/ids.ts";
import {
  ARTICLE_BODY_MAX_CHARS,
  CONSULTATION_BODY_MAX_CHARS,
  IMPORT_MAX_ARTICLES,
  articleSchema,
  consultationSchema,
  fieldErrorsOf,
  importArticlesSchema,
  moveArticleSchema,
  nextPhases,
  phaseChangeSchema,
  type ConsultationData,
  type Phase,
} from "./consultations.schema.ts";

/** What `readRichTextField` gives back (only the parts used here). */
export type RichTextInput =
  { ok: true; doc: unknown; html: string; text: string } | { ok: false; error: string };

/** Raw consultation fields (form strings, or typed values from code) plus the already-read body. */
export interface ConsultationInput {
  title?: unknown;
  slug?: unknown;
  summary?: unknown;
  scopeLevel?: unknown;
  regionalUnitCode?: unknown;
  municipalityId?: unknown;
  themes?: unknown;
  targetGroups?: unknown;
  committeeId?: unknown;
  strategyVersionId?: unknown;
  preModeration?: unknown;
  opensAt?: unknown;
  closesAt?: unknown;
  body: RichTextInput;
}

export interface ArticleInput {
  title?: unknown;
  body: RichTextInput;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A draft's opening date may be this far in the past (the minute being typed) without being refused. */
const PAST_TOLERANCE_MS = 5 * 60_000;

function assertCanManage(actor: Actor): asserts actor is NonNullable<Actor> {
  if (!can(actor, "consultation.manage")) throw new Forbidden();
}

function asJson(value: unknown): Prisma.InputJsonValue {
  return value as Prisma.InputJsonValue;
}

async function audit(
  db: DbOrTx,
  actorId: string | null,
  action: string,
  targetType: "consultation" | "consultation_article",
  targetId: string,
  details: Record<string, unknown> = {},
) {
  await db.auditLog.create({ data: { actorId, action, targetType, targetId, details: asJson(details) } });
}

function isUniqueViolation(error: unknown, field?: string): boolean {
  const e = error as { code?: string; meta?: { target?: unknown; driverAdapterError?: unknown } };
  if (e?.code !== "P2002") return false;
  if (!field) return true;
  return JSON.stringify(e.meta ?? {}).includes(field);
}

// ───────────────────────────── Forms ─────────────────────────────

function formString(form: FormData, name: string): string | undefined {
  const v = form.get(name);
  return typeof v === "string" ? v : undefined;
}

function formStrings(form: FormData, name: string): string[] {
  return form.getAll(name).filter((v): v is string => typeof v === "string");
}

/**
 * Reads the consultation form: the input for create/update and the typed values to show again if it fails
 * (multi-valued fields joined with commas, the body as typed).
 */
export function readConsultationForm(form: FormData): {
  input: ConsultationInput;
  values: Record<string, string>;
} {
  const body = readRichTextField(form, "body", { maxChars: CONSULTATION_BODY_MAX_CHARS });
  const fields = [
    "title",
    "slug",
    "summary",
    "scopeLevel",
    "regionalUnitCode",
    "municipalityId",
    "committeeId",
    "strategyVersionId",
    "opensAt",
    "closesAt",
  ] as const;
  const plain = Object.fromEntries(fields.map((f) => [f, formString(form, f)]));
  const themes = formStrings(form, "themes");
  const targetGroups = formStrings(form, "targetGroups");
  const preModeration = formString(form, "preModeration");
  const values: Record<string, string> = {
    ...Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, v ?? ""])),
    themes: themes.join(","),
    targetGroups: targetGroups.join(","),
    preModeration: preModeration === "on" ? "on" : "",
    body: body.raw ?? "",
    bodyFormat: body.format ?? "",
  };
  return { input: { ...plain, themes, targetGroups, preModeration, body }, values };
}

/** Reads an article form (title + rich-text body). */
export function readArticleForm(form: FormData): { input: ArticleInput; values: Record<string, string> } {
  const body = readRichTextField(form, "body", { maxChars: ARTICLE_BODY_MAX_CHARS });
  const title = formString(form, "title");
  return {
    input: { title, body },
    values: { title: title ?? "", body: body.raw ?? "", bodyFormat: body.format ?? "" },
  };
}

// ───────────────────────────── Slugs ─────────────────────────────

const GREEK_LETTERS: Record<string, string> = {
  α: "a",
  β: "v",
  γ: "g",
  δ: "d",
  ε: "e",
  ζ: "z",
  η: "i",
  θ: "th",
  ι: "i",
  κ: "k",
  λ: "l",
  μ: "m",
  ν: "n",
  ξ: "x",
  ο: "o",
  π: "p",
  ρ: "r",
  σ: "s",
  ς: "s",
  τ: "t",
  υ: "y",
  φ: "f",
  χ: "ch",
  ψ: "ps",
  ω: "o",
};

/**
 * Greek to Latin, close to ELOT 743 (the transliteration on Greek passports and road signs), so slugs read
 * naturally: "Στέγαση ευάλωτων ομάδων" → "stegasi-evaloton-omadon".
 */
export function transliterateGreek(input: string): string {
  let s = input.normalize("NFD").toLowerCase();
  s = s.replace(/\u0301/g, ""); // tonos; dialytika (U+0308) stays to keep "αϋ" apart from "αυ"
  s = s
    .replace(/([αεη])υ(?!\u0308)(?=[θκξπστφχψς]|$|[^\p{L}])/gu, (_, v: string) => `${GREEK_LETTERS[v]}f`)
    .replace(/([αεη])υ(?!\u0308)/gu, (_, v: string) => `${GREEK_LETTERS[v]}v`)
    .replace(/ου(?!\u0308)/g, "ou")
    .replace(/(^|[^\p{L}])μπ/gu, "$1b")
    .replace(/(^|[^\p{L}])ντ/gu, "$1d")
    .replace(/γ([γξχ])/g, "n$1")
    .replace(/\u0308/g, "");
  return s.replace(/[α-ως]/g, (c) => GREEK_LETTERS[c] ?? c);
}

/** A readable URL slug from a title (Latin letters, digits and dashes, at most 80 characters). */
export function slugFromTitle(title: string): string {
  const latin = transliterateGreek(title)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  let slug = latin.slice(0, 80);
  if (latin.length > 80 && slug.includes("-")) slug = slug.slice(0, slug.lastIndexOf("-"));
  slug = slug.replace(/-+$/g, "");
  return slug || "consultation";
}

/** The slug itself when free, else the first free "<slug>-2", "<slug>-3", … */
async function freeSlug(db: DbOrTx, base: string, exceptId?: string): Promise<string> {
  const taken = new Set(
    (
      await db.consultation.findMany({
        where: { slug: { startsWith: base }, ...(exceptId ? { id: { not: exceptId } } : {}) },
        select: { slug: true },
      })
    ).map((r) => r.slug),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

// ───────────────────────────── Validation ─────────────────────────────

type ValidConsultation = ConsultationData & { bodyJson: Prisma.InputJsonValue; bodyHtml: string };

/** Shape and rule checks, then references; throws Invalid with every field error of the stage that failed. */
async function validateConsultation(db: DbOrTx, input: ConsultationInput): Promise<ValidConsultation> {
  const parsed = consultationSchema.safeParse(input);
  const errors: Record<string, string> = parsed.success ? {} : fieldErrorsOf(parsed.error);
  const body = input.body;
  if (!body || !body.ok) errors.body = body?.ok === false ? body.error : "manage.errors.bodyRequired";
  else if (body.text.trim().length === 0) errors.body = "manage.errors.bodyRequired";
  if (!parsed.success || Object.keys(errors).length > 0 || !body.ok) throw new Invalid(errors);
  const data = parsed.data;

  const [themes, groups, unit, municipality, committee, strategy] = await Promise.all([
    data.themes.length
      ? db.theme.findMany({ where: { key: { in: data.themes } }, select: { key: true } })
      : Promise.resolve([]),
    data.targetGroups.length
      ? db.targetGroup.findMany({ where: { key: { in: data.targetGroups } }, select: { key: true } })
      : Promise.resolve([]),
    data.regionalUnitCode && data.scopeLevel === "regional_unit"
      ? db.regionalUnit.findUnique({ where: { code: data.regionalUnitCode }, select: { code: true } })
      : Promise.resolve(null),
    data.municipalityId && data.scopeLevel === "municipality"
      ? db.municipality.findUnique({
          where: { id: data.municipalityId },
          select: { id: true, regionalUnitCode: true },
        })
      : Promise.resolve(null),
    data.committeeId
      ? db.committee.findUnique({ where: { id: data.committeeId }, select: { id: true } })
      : Promise.resolve(null),
    data.strategyVersionId
      ? db.strategyVersion.findUnique({ where: { id: data.strategyVersionId }, select: { id: true } })
      : Promise.resolve(null),
  ]);
  if (themes.length !== data.themes.length) errors.themes = "manage.errors.themeUnknown";
  if (groups.length !== data.targetGroups.length) errors.targetGroups = "manage.errors.targetGroupUnknown";
  if (data.scopeLevel === "regional_unit" && !unit)
    errors.regionalUnitCode = "manage.errors.regionalUnitUnknown";
  if (data.scopeLevel === "municipality") {
    if (!municipality) errors.municipalityId = "manage.errors.municipalityUnknown";
    // Without JavaScript both selects are visible: a unit left selected must agree with the municipality.
    else if (data.regionalUnitCode && data.regionalUnitCode !== municipality.regionalUnitCode) {
      errors.municipalityId = "manage.errors.municipalityNotInUnit";
    }
  }
  if (data.committeeId && !committee) errors.committeeId = "manage.errors.committeeUnknown";
  if (data.strategyVersionId && !strategy) errors.strategyVersionId = "manage.errors.strategyVersionUnknown";
  if (Object.keys(errors).length > 0) throw new Invalid(errors);

  // Only the place the scope names is kept; a municipality also records its regional unit (for filters).
  const scoped =
    data.scopeLevel === "region"
      ? { regionalUnitCode: null, municipalityId: null }
      : data.scopeLevel === "regional_unit"
        ? { regionalUnitCode: data.regionalUnitCode, municipalityId: null }
        : { regionalUnitCode: municipality!.regionalUnitCode, municipalityId: data.municipalityId };
  return { ...data, ...scoped, bodyJson: asJson(body.doc), bodyHtml: body.html };
}

function sameInstant(a: Date | null, b: Date | null): boolean {
  return (a?.getTime() ?? null) === (b?.getTime() ?? null);
}

/** Dates that only make sense in the future, depending on the phase. */
function checkDatesForPhase(
  data: { opensAt: Date | null; closesAt: Date | null },
  phase: Phase,
  before: { opensAt: Date | null; closesAt: Date | null } | null,
  now: Date,
) {
  const errors: Record<string, string> = {};
  if (
    phase === "draft" &&
    data.opensAt &&
    (!before || !sameInstant(before.opensAt, data.opensAt)) &&
    data.opensAt.getTime() < now.getTime() - PAST_TOLERANCE_MS
  ) {
    errors.opensAt = "manage.errors.opensAtPast";
  }
  if (
    (phase === "draft" || phase === "open") &&
    data.closesAt &&
    (!before || !sameInstant(before.closesAt, data.closesAt)) &&
    data.closesAt.getTime() <= now.getTime()
  ) {
    errors.closesAt = "manage.errors.closesAtPast";
  }
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
}

function scalarData(v: ValidConsultation) {
  return {
    title: v.title,
    summary: v.summary,
    bodyJson: v.bodyJson,
    bodyHtml: v.bodyHtml,
    scopeLevel: v.scopeLevel,
    regionalUnitCode: v.regionalUnitCode,
    municipalityId: v.municipalityId,
    committeeId: v.committeeId,
    strategyVersionId: v.strategyVersionId,
    preModeration: v.preModeration,
    opensAt: v.opensAt,
    closesAt: v.closesAt,
  };
}

// ───────────────────────────── Consultations ─────────────────────────────

/** Creates a draft consultation. A draft with an opening date is scheduled: it opens on its own then. */
export async function createConsultation(
  db: Db,
  actor: Actor,
  input: ConsultationInput,
  now: Date = new Date(),
): Promise<{ id: string; slug: string }> {
  assertCanManage(actor);
  const valid = await validateConsultation(db, input);
  checkDatesForPhase(valid, "draft", null, now);
  const id = newId();
  for (let attempt = 1; ; attempt++) {
    const slug = valid.slug ?? (await freeSlug(db, slugFromTitle(valid.title)));
    if (valid.slug && (await db.consultation.findUnique({ where: { slug }, select: { id: true } }))) {
      throw new Invalid({ slug: "manage.errors.slugTaken" });
    }
    try {
      await db.$transaction(async (tx) => {
        await tx.consultation.create({
          data: {
            id,
            slug,
            ...scalarData(valid),
            phase: "draft",
            createdById: actor.id,
            themes: { create: valid.themes.map((themeKey) => ({ themeKey })) },
            targetGroups: { create: valid.targetGroups.map((targetGroupKey) => ({ targetGroupKey })) },
          },
        });
        await audit(tx, actor.id, "consultation.create", "consultation", id, { slug, title: valid.title });
      });
      return { id, slug };
    } catch (error) {
      // Someone took the same slug a moment ago: a generated slug tries the next number.
      if (isUniqueViolation(error, "slug")) {
        if (valid.slug || attempt >= 5) throw new Invalid({ slug: "manage.errors.slugTaken" });
        continue;
      }
      throw error;
    }
  }
}

/** Saves every field of a consultation (its phase changes only through `changePhase`). */
export async function updateConsultation(
  db: Db,
  actor: Actor,
  id: string,
  input: ConsultationInput,
  now: Date = new Date(),
): Promise<{ id: string; slug: string }> {
  assertCanManage(actor);
  if (!UUID.test(id)) throw new NotFound();
  const before = await db.consultation.findUnique({
    where: { id },
    select: { id: true, slug: true, phase: true, opensAt: true, closesAt: true },
  });
  if (!before) throw new NotFound();
  const valid = await validateConsultation(db, input);
  checkDatesForPhase(valid, before.phase, before, now);
  // An emptied slug field keeps the current address (links already shared keep working).
  const slug = valid.slug ?? before.slug;
  if (slug !== before.slug) {
    const other = await db.consultation.findUnique({ where: { slug }, select: { id: true } });
    if (other && other.id !== id) throw new Invalid({ slug: "manage.errors.slugTaken" });
  }
  try {
    await db.$transaction(async (tx) => {
      await tx.consultation.update({ where: { id }, data: { slug, ...scalarData(valid) } });
      await tx.consultationTheme.deleteMany({ where: { consultationId: id } });
      await tx.consultationTargetGroup.deleteMany({ where: { consultationId: id } });
      if (valid.themes.length) {
        await tx.consultationTheme.createMany({
          data: valid.themes.map((themeKey) => ({ consultationId: id, themeKey })),
        });
      }
      if (valid.targetGroups.length) {
        await tx.consultationTargetGroup.createMany({
          data: valid.targetGroups.map((targetGroupKey) => ({ consultationId: id, targetGroupKey })),
        });
      }
      await audit(tx, actor.id, "consultation.update", "consultation", id, {
        slug,
        ...(slug !== before.slug ? { previousSlug: before.slug } : {}),
      });
    });
  } catch (error) {
    if (isUniqueViolation(error, "slug")) throw new Invalid({ slug: "manage.errors.slugTaken" });
    throw error;
  }
  return { id, slug };
}

/** Every consultation, drafts included, newest first, with counts per phase. */
export async function listManagedConsultations(db: DbOrTx, filter: { phase?: string | null } = {}) {
  const phase = (["draft", "open", "closed", "analysed", "concluded"] as const).find(
    (p) => p === filter.phase,
  );
  const [rows, byPhase] = await Promise.all([
    db.consultation.findMany({
      where: phase ? { phase } : {},
      orderBy: [{ updatedAt: "desc" }],
      take: 500,
      select: {
        id: true,
        slug: true,
        title: true,
        phase: true,
        opensAt: true,
        closesAt: true,
        updatedAt: true,
        submissionCount: true,
        _count: { select: { articles: true, submissions: true } },
      },
    }),
    db.consultation.groupBy({ by: ["phase"], _count: { _all: true } }),
  ]);
  const phaseCounts = { draft: 0, open: 0, closed: 0, analysed: 0, concluded: 0 };
  for (const g of byPhase) phaseCounts[g.phase] = g._count._all;
  return {
    phase: phase ?? null,
    phaseCounts,
    consultations: rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      title: r.title,
      phase: r.phase,
      /** A draft with an opening date opens on its own. */
      scheduled: r.phase === "draft" && r.opensAt !== null,
      opensAt: r.opensAt?.toISOString() ?? null,
      closesAt: r.closesAt?.toISOString() ?? null,
      updatedAt: r.updatedAt.toISOString(),
      articleCount: r._count.articles,
      submissionCount: r._count.submissions,
    })),
  };
}

/** Everything the edit form shows, with the phases it may move to. */
export async function getConsultationForEdit(db: DbOrTx, id: string) {
  if (!UUID.test(id)) throw new NotFound();
  const c = await db.consultation.findUnique({
    where: { id },
    include: {
      themes: { select: { themeKey: true } },
      targetGroups: { select: { targetGroupKey: true } },
      _count: { select: { articles: true, submissions: true } },
    },
  });
  if (!c) throw new NotFound();
  return {
    id: c.id,
    slug: c.slug,
    title: c.title,
    summary: c.summary,
    bodyJson: c.bodyJson,
    bodyHtml: c.bodyHtml,
    scopeLevel: c.scopeLevel,
    regionalUnitCode: c.regionalUnitCode,
    municipalityId: c.municipalityId,
    phase: c.phase,
    opensAt: c.opensAt?.toISOString() ?? null,
    closesAt: c.closesAt?.toISOString() ?? null,
    analysedAt: c.analysedAt?.toISOString() ?? null,
    concludedAt: c.concludedAt?.toISOString() ?? null,
    committeeId: c.committeeId,
    strategyVersionId: c.strategyVersionId,
    preModeration: c.preModeration,
    themes: c.themes.map((t) => t.themeKey),
    targetGroups: c.targetGroups.map((t) => t.targetGroupKey),
    articleCount: c._count.articles,
    submissionCount: c._count.submissions,
    nextPhases: [...nextPhases(c.phase)],
  };
}

/** Reference data for the consultation form's selects and checkbox groups. */
export async function getConsultationFormOptions(db: DbOrTx) {
  const [regionalUnits, municipalities, themes, targetGroups, committees, strategyVersions] =
    await Promise.all([
      db.regionalUnit.findMany({
        orderBy: { nameEl: "asc" },
        select: { code: true, nameEl: true, nameEn: true },
      }),
      db.municipality.findMany({
        orderBy: { nameEl: "asc" },
        select: { id: true, nameEl: true, nameEn: true, regionalUnitCode: true },
      }),
      db.theme.findMany({ orderBy: { position: "asc" }, select: { key: true, nameEl: true, nameEn: true } }),
      db.targetGroup.findMany({
        orderBy: { position: "asc" },
        select: { key: true, nameEl: true, nameEn: true },
      }),
      db.committee.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
      db.strategyVersion.findMany({
        orderBy: { createdAt: "desc" },
        select: { id: true, label: true, status: true },
      }),
    ]);
  return { regionalUnits, municipalities, themes, targetGroups, committees, strategyVersions };
}

/** Reads the phase-change form. */
export function readPhaseForm(form: FormData) {
  return {
    input: {
      to: formString(form, "to"),
      closesAt: formString(form, "closesAt"),
      confirm: formString(form, "confirm"),
    },
    values: { to: formString(form, "to") ?? "", closesAt: formString(form, "closesAt") ?? "" },
  };
}

/**
 * Moves a consultation to its next phase: draft → open, open → closed, closed → analysed,
 * analysed → concluded, or closed → open again with a new closing date. Sets the matching date.
 */
export async function changePhase(
  db: Db,
  actor: Actor,
  id: string,
  input: { to?: unknown; closesAt?: unknown; confirm?: unknown },
  now: Date = new Date(),
): Promise<{ from: Phase; to: Phase }> {
  assertCanManage(actor);
  if (!UUID.test(id)) throw new NotFound();
  const parsed = phaseChangeSchema.safeParse(input);
  if (!parsed.success) throw new Invalid(fieldErrorsOf(parsed.error));
  const { to, closesAt } = parsed.data;
  return db.$transaction(async (tx) => {
    const c = await tx.consultation.findUnique({
      where: { id },
      select: { phase: true, closesAt: true },
    });
    if (!c) throw new NotFound();
    const from = c.phase;
    if (!nextPhases(from).includes(to)) throw new Invalid({ to: "manage.errors.phaseNotAllowed" });
    let data: Prisma.ConsultationUpdateManyMutationInput;
    if (from === "draft" && to === "open") {
      if (c.closesAt && c.closesAt.getTime() <= now.getTime()) {
        throw new Invalid({ to: "manage.errors.openAfterClosing" });
      }
      data = { phase: "open", opensAt: now };
    } else if (from === "closed" && to === "open") {
      if (!closesAt) throw new Invalid({ closesAt: "manage.errors.reopenNeedsClosesAt" });
      if (closesAt.getTime() <= now.getTime()) throw new Invalid({ closesAt: "manage.errors.closesAtPast" });
      data = { phase: "open", closesAt };
    } else if (to === "closed") {
      // Closing early records when it actually closed; a date already passed stays as it was.
      data = { phase: "closed", closesAt: c.closesAt && c.closesAt <= now ? c.closesAt : now };
    } else if (to === "analysed") {
      data = { phase: "analysed", analysedAt: now };
    } else {
      data = { phase: "concluded", concludedAt: now };
    }
    // Conditional on the phase read above: the phase worker or another editor may have moved it meanwhile.
    const { count } = await tx.consultation.updateMany({ where: { id, phase: from }, data });
    if (count !== 1) throw new Invalid({ to: "manage.errors.phaseChanged" });
    await audit(tx, actor.id, "consultation.phase", "consultation", id, { from, to });
    return { from, to };
  });
}

export interface PhaseAdvance {
  opened: { id: string; slug: string }[];
  closed: { id: string; slug: string }[];
}

/**
 * Moves consultations whose dates have come: scheduled drafts (an opening date set) open at `opensAt`,
 * open ones close at `closesAt`. Idempotent and safe to run from several workers at once: each row changes
 * in one conditional UPDATE, so it is reported by exactly one run.
 */
export async function advanceConsultationPhases(db: Db, now: Date = new Date()): Promise<PhaseAdvance> {
  return db.$transaction(async (tx) => {
    const opened = await tx.consultation.updateManyAndReturn({
      where: { phase: "draft", opensAt: { not: null, lte: now } },
      data: { phase: "open" },
      select: { id: true, slug: true },
    });
    // Runs after opening, so a draft whose whole period passed (worker down) ends closed, as scheduled.
    const closed = await tx.consultation.updateManyAndReturn({
      where: { phase: "open", closesAt: { not: null, lte: now } },
      data: { phase: "closed" },
      select: { id: true, slug: true },
    });
    const rows = [
      ...opened.map((c) => ({ id: c.id, from: "draft", to: "open" })),
      ...closed.map((c) => ({ id: c.id, from: "open", to: "closed" })),
    ];
    if (rows.length) {
      await tx.auditLog.createMany({
        data: rows.map((r) => ({
          actorId: null,
          action: "consultation.phase_auto",
          targetType: "consultation",
          targetId: r.id,
          details: { from: r.from, to: r.to, at: now.toISOString() },
        })),
      });
    }
    return { opened, closed };
  });
}

// ───────────────────────────── Articles ─────────────────────────────

/** Locks the consultation row so article numbering changes one at a time; NotFound when it does not exist. */
async function lockConsultation(tx: Tx, consultationId: string) {
  if (!UUID.test(consultationId)) throw new NotFound();
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Consultation" WHERE id = ${consultationId} FOR UPDATE`;
  if (rows.length === 0) throw new NotFound();
}

async function findArticle(tx: Tx, consultationId: string, articleId: string) {
  if (!UUID.test(articleId)) throw new NotFound("manage.errors.articleNotFound");
  const article = await tx.consultationArticle.findFirst({
    where: { id: articleId, consultationId },
    select: { id: true, number: true, title: true },
  });
  if (!article) throw new NotFound("manage.errors.articleNotFound");
  return article;
}

/** Numbers far above any real one, so renumbering never collides with the unique (consultation, number). */
const RENUMBER_OFFSET = 1_000_000;

/** Gives `orderedIds` the numbers 1..n in that order (all of the consultation's articles). */
async function renumber(tx: Tx, consultationId: string, orderedIds: string[]) {
  await tx.consultationArticle.updateMany({
    where: { consultationId },
    data: { number: { increment: RENUMBER_OFFSET } },
  });
  for (const [i, id] of orderedIds.entries()) {
    await tx.consultationArticle.update({ where: { id }, data: { number: i + 1 } });
  }
}

function validateArticle(input: ArticleInput, { allowEmptyBody = false } = {}) {
  const parsed = articleSchema.safeParse(input);
  const errors: Record<string, string> = parsed.success ? {} : fieldErrorsOf(parsed.error);
  const body = input.body;
  if (!body || !body.ok) errors.body = body?.ok === false ? body.error : "manage.errors.bodyRequired";
  else if (!allowEmptyBody && body.text.trim().length === 0) errors.body = "manage.errors.bodyRequired";
  if (!parsed.success || !body.ok || Object.keys(errors).length > 0) throw new Invalid(errors);
  return { title: parsed.data.title, bodyJson: asJson(body.doc), bodyHtml: body.html };
}

/**
 * The consultation's document, article by article, with comment counts; `editId` also returns that
 * article's body for its edit form.
 */
export async function listArticles(db: DbOrTx, consultationId: string, editId?: string | null) {
  if (!UUID.test(consultationId)) throw new NotFound();
  const consultation = await db.consultation.findUnique({
    where: { id: consultationId },
    select: {
      id: true,
      slug: true,
      title: true,
      phase: true,
      articles: {
        orderBy: { number: "asc" },
        select: {
          id: true,
          number: true,
          title: true,
          commentCount: true,
          lockedAt: true,
          _count: { select: { comments: true } },
        },
      },
    },
  });
  if (!consultation) throw new NotFound();
  const editing =
    editId && UUID.test(editId)
      ? await db.consultationArticle.findFirst({
          where: { id: editId, consultationId },
          select: { id: true, number: true, title: true, bodyJson: true },
        })
      : null;
  return {
    editing,
    consultation: {
      id: consultation.id,
      slug: consultation.slug,
      title: consultation.title,
      phase: consultation.phase,
    },
    articles: consultation.articles.map((a) => ({
      id: a.id,
      number: a.number,
      title: a.title,
      // Every comment row counts here (hidden and deleted too): any of them blocks deletion.
      commentCount: Math.max(a.commentCount, a._count.comments),
      locked: a.lockedAt !== null,
    })),
  };
}

/** Adds an article at the end of the document. */
export async function addArticle(db: Db, actor: Actor, consultationId: string, input: ArticleInput) {
  assertCanManage(actor);
  const valid = validateArticle(input);
  return db.$transaction(async (tx) => {
    await lockConsultation(tx, consultationId);
    const last = await tx.consultationArticle.aggregate({
      where: { consultationId },
      _max: { number: true },
    });
    const id = newId();
    const number = (last._max.number ?? 0) + 1;
    await tx.consultationArticle.create({ data: { id, consultationId, number, ...valid } });
    await audit(tx, actor.id, "article.create", "consultation_article", id, { consultationId, number });
    return { id, number };
  });
}

export async function updateArticle(
  db: Db,
  actor: Actor,
  consultationId: string,
  articleId: string,
  input: ArticleInput,
) {
  assertCanManage(actor);
  const valid = validateArticle(input);
  return db.$transaction(async (tx) => {
    await lockConsultation(tx, consultationId);
    const article = await findArticle(tx, consultationId, articleId);
    await tx.consultationArticle.update({ where: { id: article.id }, data: valid });
    await audit(tx, actor.id, "article.update", "consultation_article", article.id, {
      consultationId,
      number: article.number,
    });
    return { id: article.id, number: article.number };
  });
}

/** Deletes an article nobody has commented on, and closes the gap in the numbering. */
export async function deleteArticle(db: Db, actor: Actor, consultationId: string, articleId: string) {
  assertCanManage(actor);
  return db.$transaction(async (tx) => {
    await lockConsultation(tx, consultationId);
    const article = await findArticle(tx, consultationId, articleId);
    // Deleting would cascade to participants' comments: refuse instead.
    const comments = await tx.comment.count({ where: { articleId: article.id } });
    if (comments > 0) throw new Invalid({}, "manage.errors.articleHasComments");
    await tx.consultationArticle.delete({ where: { id: article.id } });
    const rest = await tx.consultationArticle.findMany({
      where: { consultationId },
      orderBy: { number: "asc" },
      select: { id: true },
    });
    await renumber(
      tx,
      consultationId,
      rest.map((r) => r.id),
    );
    await audit(tx, actor.id, "article.delete", "consultation_article", article.id, {
      consultationId,
      number: article.number,
      title: article.title,
    });
    return { number: article.number };
  });
}

/** Swaps an article with its neighbour above or below; numbers stay 1..n. */
export async function moveArticle(
  db: Db,
  actor: Actor,
  consultationId: string,
  articleId: string,
  input: { direction?: unknown },
) {
  assertCanManage(actor);
  const parsed = moveArticleSchema.safeParse(input);
  if (!parsed.success) throw new Invalid(fieldErrorsOf(parsed.error));
  const { direction } = parsed.data;
  return db.$transaction(async (tx) => {
    await lockConsultation(tx, consultationId);
    await findArticle(tx, consultationId, articleId);
    const ids = (
      await tx.consultationArticle.findMany({
        where: { consultationId },
        orderBy: { number: "asc" },
        select: { id: true },
      })
    ).map((r) => r.id);
    const at = ids.indexOf(articleId);
    const to = direction === "up" ? at - 1 : at + 1;
    if (to < 0 || to >= ids.length) {
      throw new Invalid({}, direction === "up" ? "manage.errors.alreadyFirst" : "manage.errors.alreadyLast");
    }
    [ids[at], ids[to]] = [ids[to], ids[at]];
    await renumber(tx, consultationId, ids);
    await audit(tx, actor.id, "article.move", "consultation_article", articleId, {
      consultationId,
      from: at + 1,
      to: to + 1,
    });
    return { number: to + 1 };
  });
}

export interface ParsedArticle {
  /** The number written in the pasted heading (articles are numbered 1..n anyway). */
  heading: number;
  title: string;
  body: string;
}

// "Άρθρο 12", "ΑΡΘΡΟ 12Α", "Άρθρο 1ο:", "Article 3." at the start of a line; the rest of the line is the title.
const ARTICLE_HEADING =
  /^[ \t]*(?:[ΆΑάα]ρθρο|ΑΡΘΡΟ|article|art\.)[ \t]+(\d{1,4})(?:\p{L}{1,2})?(?![\d\p{L}])[ \t]*[:.\-–—)]?[ \t]*(.*)$/iu;

/**
 * Splits a pasted document into articles on lines that start with "Άρθρο N" or "Article N". The rest of
 * the heading line is the title; when it is empty, the next non-empty line is. Text before the first
 * heading (a preamble) is not an article and is left out.
 */
export function parseArticleText(text: string): { articles: ParsedArticle[]; preamble: string } {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const articles: { heading: number; headingLine: string; titleLine: string; lines: string[] }[] = [];
  const preamble: string[] = [];
  for (const line of lines) {
    const m = ARTICLE_HEADING.exec(line);
    if (m) {
      articles.push({
        heading: Number(m[1]),
        headingLine: line.trim().replace(/[\s:.\-–—)]+$/u, ""),
        titleLine: m[2].trim(),
        lines: [],
      });
    } else if (articles.length) {
      articles[articles.length - 1].lines.push(line);
    } else {
      preamble.push(line);
    }
  }
  return {
    preamble: preamble.join("\n").trim(),
    articles: articles.map((a) => {
      let title = a.titleLine;
      const rest = [...a.lines];
      if (!title) {
        const first = rest.findIndex((l) => l.trim() !== "");
        const candidate = first >= 0 ? rest[first].trim() : "";
        if (candidate && candidate.length <= 200) {
          title = candidate;
          rest.splice(0, first + 1);
        }
      }
      // Still nothing: the heading itself ("Άρθρο 3") is the title.
      if (!title) title = a.headingLine;
      return { heading: a.heading, title: title.replace(/\s+/g, " "), body: rest.join("\n").trim() };
    }),
  };
}

/**
 * Imports articles from pasted text: appended after the existing ones, or replacing them all (only while
 * none of them has comments).
 */
export async function importArticles(
  db: Db,
  actor: Actor,
  consultationId: string,
  input: { text?: unknown; mode?: unknown },
) {
  assertCanManage(actor);
  const parsed = importArticlesSchema.safeParse(input);
  if (!parsed.success) throw new Invalid(fieldErrorsOf(parsed.error));
  const { text, mode } = parsed.data;
  const { articles } = parseArticleText(text);
  if (articles.length === 0) throw new Invalid({ text: "manage.errors.importNoHeadings" });
  if (articles.length > IMPORT_MAX_ARTICLES) throw new Invalid({ text: "manage.errors.importTooMany" });
  if (articles.some((a) => a.title.length > 200))
    throw new Invalid({ text: "manage.errors.importTitleTooLong" });
  if (articles.some((a) => a.body.length > ARTICLE_BODY_MAX_CHARS)) {
    throw new Invalid({ text: "manage.errors.importArticleTooLong" });
  }
  const rows = articles.map((a) => {
    const doc = textToDoc(a.body);
    return { title: a.title, bodyJson: asJson(doc), bodyHtml: renderDocToHtml(doc) };
  });
  return db.$transaction(
    async (tx) => {
      await lockConsultation(tx, consultationId);
      let start = 1;
      if (mode === "replace") {
        const comments = await tx.comment.count({ where: { article: { consultationId } } });
        if (comments > 0) throw new Invalid({ mode: "manage.errors.importReplaceHasComments" });
        await tx.consultationArticle.deleteMany({ where: { consultationId } });
      } else {
        const last = await tx.consultationArticle.aggregate({
          where: { consultationId },
          _max: { number: true },
        });
        start = (last._max.number ?? 0) + 1;
      }
      await tx.consultationArticle.createMany({
        data: rows.map((r, i) => ({
          id: newId(),
          consultationId,
          number: start + i,
          title: r.title,
          bodyJson: r.bodyJson,
          bodyHtml: r.bodyHtml,
        })),
      });
      await audit(tx, actor.id, "article.import", "consultation", consultationId, {
        mode,
        count: rows.length,
      });
      return { count: rows.length, first: start };
    },
    { timeout: 30_000 },
  );
}
