/**
 * What people see of the analysis, and how they stay in charge of it. The effective labels of a submission
 * are, per field, the newest person's confirmation or correction (LabelCorrection) or else the newest
 * automatic analysis (SubmissionAnalysis) of the submission. Moderators, the Directorate and admins confirm
 * or correct a label in one step; each correction keeps who made it, when, and what it replaced, and wins
 * over the model from then on (also after a re-analysis). Retraining reads corrections through
 * `correctedExamples` (or the raw rows through `listCorrections`).
 */
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { hasRole, type Actor } from "~/domain/accounts/policy.ts";
import { getReferenceData } from "~/domain/consultations/consultations.server.ts";
import { schedulePriorityRecompute } from "~/domain/priority/priority.server.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import type { LabelField as PrismaLabelField } from "~/generated/prisma/enums.ts";
import { publish } from "~/realtime/publish.server.ts";
import { rooms } from "~/realtime/rooms.ts";
import { getDb, type Db, type DbOrTx } from "~/utils/db.server.ts";
import { actionError, Forbidden, Invalid, NotFound } from "~/utils/errors.server.ts";
import { newId } from "~/utils/ids.ts";
import {
  KINDS,
  TARGET_GROUP_KEYS,
  THEME_KEYS,
  type Kind,
  type LabelledExample,
  type TargetGroupKey,
  type ThemeKey,
} from "./analysis.types.ts";

// ───────────────────────────── Types ─────────────────────────────

export const LABEL_FIELDS = [
  "themes",
  "target_groups",
  "kind",
  "urgent",
  "municipality",
  "off_topic",
] as const satisfies readonly PrismaLabelField[];
export type LabelField = (typeof LABEL_FIELDS)[number];

/** Fields everyone may see; the rest (urgent, off_topic) and all confidences are for staff only. */
export const PUBLIC_LABEL_FIELDS = ["themes", "target_groups", "kind", "municipality"] as const;

export type LabelSource =
  | { type: "model"; modelVersion: string; at: string; analysedVersion: number }
  | {
      type: "person";
      userId: string;
      /** The person's display name (null once the account is erased). */
      name: string | null;
      at: string;
      /** True when the person confirmed the value that was shown (value equals the previous value). */
      confirmed: boolean;
    };

export interface MunicipalityLabel {
  id: string;
  nameEl: string;
  nameEn: string;
}

/** What each field's value is. */
export interface LabelValues {
  themes: ThemeKey[];
  target_groups: TargetGroupKey[];
  kind: Kind;
  urgent: boolean;
  municipality: MunicipalityLabel | null;
  off_topic: boolean;
}

export interface EffectiveLabel<F extends LabelField = LabelField> {
  field: F;
  value: LabelValues[F];
  /** The model's confidence in `value` (0..1); null when a person set it. */
  confidence: number | null;
  /** For themes and target groups: each key with the model's confidence (null when a person set it). */
  items?: { key: string; confidence: number | null }[];
  source: LabelSource;
}

export interface EffectiveLabels {
  submissionId: string;
  consultationId: string;
  /** The submission's current version. */
  version: number;
  /** The version the newest automatic analysis looked at (null: never analysed). */
  analysedVersion: number | null;
  /** True while the newest analysis is of an older version (a re-analysis is pending). */
  stale: boolean;
  /** Per field; null when neither the model nor a person has said anything about it yet. */
  fields: { [F in LabelField]: EffectiveLabel<F> | null };
}

// ───────────────────────────── Policy ─────────────────────────────

/** Moderators, the Directorate and admins see every label with its confidence and may confirm or correct. */
export function canReviewLabels(actor: Actor): boolean {
  return hasRole(actor, "moderator") || hasRole(actor, "directorate") || hasRole(actor, "admin");
}

// ───────────────────────────── Reading ─────────────────────────────

const scoredSchema = z.array(z.object({ key: z.string(), confidence: z.number() }));

/** The stored `[{key, confidence}]` json, keeping only known keys, best first. */
function readScored<K extends string>(raw: unknown, keys: readonly K[]): { key: K; confidence: number }[] {
  const parsed = scoredSchema.safeParse(raw);
  if (!parsed.success) return [];
  const known = new Set<string>(keys);
  return parsed.data
    .filter((s): s is { key: K; confidence: number } => known.has(s.key))
    .sort((a, b) => b.confidence - a.confidence);
}

const correctionValueSchemas = {
  themes: z.array(z.enum(THEME_KEYS)),
  target_groups: z.array(z.enum(TARGET_GROUP_KEYS)),
  kind: z.enum(KINDS),
  urgent: z.boolean(),
  /** Stored as the municipality id (or null). */
  municipality: z.string().nullable(),
  off_topic: z.boolean(),
} as const;

type AnalysisRow = Prisma.SubmissionAnalysisGetPayload<object>;
type CorrectionRow = Prisma.LabelCorrectionGetPayload<{
  include: { correctedBy: { select: { displayName: true; erasedAt: true } } };
}>;

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

function modelFields(
  a: AnalysisRow,
  municipalities: Map<string, MunicipalityLabel>,
): { [F in LabelField]: EffectiveLabel<F> | null } {
  const source: LabelSource = {
    type: "model",
    modelVersion: a.modelVersion,
    at: a.createdAt.toISOString(),
    analysedVersion: a.submissionVersion,
  };
  const themes = readScored(a.themes, THEME_KEYS);
  const groups = readScored(a.targetGroups, TARGET_GROUP_KEYS);
  const municipality = a.municipalityId ? (municipalities.get(a.municipalityId) ?? null) : null;
  return {
    themes: {
      field: "themes",
      value: themes.map((s) => s.key),
      confidence: mean(themes.map((s) => s.confidence)),
      items: themes,
      source,
    },
    target_groups: {
      field: "target_groups",
      value: groups.map((s) => s.key),
      confidence: mean(groups.map((s) => s.confidence)),
      items: groups,
      source,
    },
    kind: a.kind ? { field: "kind", value: a.kind, confidence: a.kindConfidence, source } : null,
    urgent: { field: "urgent", value: a.urgent, confidence: a.urgentConfidence, source },
    municipality: {
      field: "municipality",
      value: municipality,
      confidence: a.municipalityConfidence,
      source,
    },
    off_topic: { field: "off_topic", value: a.offTopic, confidence: a.offTopicConfidence, source },
  };
}

function personField(
  c: CorrectionRow,
  municipalities: Map<string, MunicipalityLabel>,
): EffectiveLabel | null {
  const field = c.field as LabelField;
  const parsed = correctionValueSchemas[field].safeParse(c.value);
  if (!parsed.success) return null; // a malformed row never hides the model's answer
  const source: LabelSource = {
    type: "person",
    userId: c.correctedById,
    name: c.correctedBy.erasedAt ? null : c.correctedBy.displayName,
    at: c.createdAt.toISOString(),
    confirmed: isDeepStrictEqual(c.value, c.previousValue),
  };
  const value = parsed.data;
  switch (field) {
    case "themes":
    case "target_groups": {
      const keys = value as string[];
      return {
        field,
        value: keys as never,
        confidence: null,
        items: keys.map((key) => ({ key, confidence: null })),
        source,
      };
    }
    case "municipality":
      return {
        field,
        value: value === null ? null : (municipalities.get(value as string) ?? null),
        confidence: null,
        source,
      };
    default:
      return { field, value: value as never, confidence: null, source };
  }
}

/** The effective labels of many submissions (lists, the Directorate view, exports); unknown ids are left out. */
export async function effectiveLabelsMany(
  db: DbOrTx,
  submissionIds: readonly string[],
): Promise<Map<string, EffectiveLabels>> {
  const ids = [...new Set(submissionIds)];
  const result = new Map<string, EffectiveLabels>();
  if (ids.length === 0) return result;
  const [submissions, analyses, corrections] = await Promise.all([
    db.submission.findMany({
      where: { id: { in: ids } },
      select: { id: true, version: true, consultationId: true },
    }),
    // The newest analysis per submission (of the current version when there is one).
    db.submissionAnalysis.findMany({
      where: { submissionId: { in: ids } },
      orderBy: [{ submissionId: "asc" }, { submissionVersion: "desc" }],
      distinct: ["submissionId"],
    }),
    db.labelCorrection.findMany({
      where: { submissionId: { in: ids } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      include: { correctedBy: { select: { displayName: true, erasedAt: true } } },
    }),
  ]);
  const municipalityIds = new Set<string>();
  for (const a of analyses) if (a.municipalityId) municipalityIds.add(a.municipalityId);
  for (const c of corrections) {
    if (c.field === "municipality" && typeof c.value === "string") municipalityIds.add(c.value);
  }
  const municipalities = new Map<string, MunicipalityLabel>(
    municipalityIds.size === 0
      ? []
      : (
          await db.municipality.findMany({
            where: { id: { in: [...municipalityIds] } },
            select: { id: true, nameEl: true, nameEn: true },
          })
        ).map((m) => [m.id, m]),
  );
  const analysisOf = new Map(analyses.map((a) => [a.submissionId, a]));
  const correctionsOf = new Map<string, CorrectionRow[]>();
  for (const c of corrections) {
    const list = correctionsOf.get(c.submissionId) ?? [];
    list.push(c);
    correctionsOf.set(c.submissionId, list);
  }
  for (const s of submissions) {
    const analysis = analysisOf.get(s.id);
    const fields: EffectiveLabels["fields"] = analysis
      ? modelFields(analysis, municipalities)
      : { themes: null, target_groups: null, kind: null, urgent: null, municipality: null, off_topic: null };
    const decided = new Set<LabelField>();
    // Newest first: the first valid correction of a field wins.
    for (const c of correctionsOf.get(s.id) ?? []) {
      const field = c.field as LabelField;
      if (decided.has(field)) continue;
      const label = personField(c, municipalities);
      if (!label) continue;
      decided.add(field);
      (fields as Record<LabelField, EffectiveLabel | null>)[field] = label;
    }
    result.set(s.id, {
      submissionId: s.id,
      consultationId: s.consultationId,
      version: s.version,
      analysedVersion: analysis?.submissionVersion ?? null,
      stale: !!analysis && analysis.submissionVersion !== s.version,
      fields,
    });
  }
  return result;
}

/** The effective labels of one submission; NotFound when there is no such submission. */
export async function effectiveLabels(db: DbOrTx, submissionId: string): Promise<EffectiveLabels> {
  const labels = (await effectiveLabelsMany(db, [submissionId])).get(submissionId);
  if (!labels) throw new NotFound("submissions.errors.notFound");
  return labels;
}

/** What the public sees: the public fields' values only, no confidences, no sources. */
export function publicLabels(labels: EffectiveLabels) {
  const f = labels.fields;
  return {
    themes: f.themes?.value ?? [],
    targetGroups: f.target_groups?.value ?? [],
    kind: f.kind?.value ?? null,
    municipality: f.municipality?.value ?? null,
  };
}
export type PublicLabels = ReturnType<typeof publicLabels>;

// ───────────────────────────── Confirming and correcting ─────────────────────────────

export interface LabelChange {
  correctionId: string;
  field: LabelField;
  labels: EffectiveLabels;
}

/** Stored json of an effective value (municipality as its id). */
function storedValue(label: EffectiveLabel | null): Prisma.InputJsonValue | null {
  if (!label) return null;
  if (label.field === "municipality") return (label.value as MunicipalityLabel | null)?.id ?? null;
  return label.value as Prisma.InputJsonValue;
}

const fieldSchema = z.enum(LABEL_FIELDS, { error: "analysis.labels.errors.field" });

/** Parses a form value (string or strings) for a field into its stored json; throws Invalid with a key. */
async function parseValue(
  db: DbOrTx,
  field: LabelField,
  raw: unknown,
): Promise<Prisma.InputJsonValue | null> {
  const list = (v: unknown): unknown[] =>
    Array.isArray(v) ? v : v === undefined || v === null || v === "" ? [] : [v];
  const bool = (v: unknown) =>
    v === true || v === "true" ? true : v === false || v === "false" ? false : undefined;
  const invalid = (key: string): never => {
    throw new Invalid({ value: key }, key);
  };
  switch (field) {
    case "themes": {
      const r = z.array(z.enum(THEME_KEYS)).safeParse(list(raw));
      if (!r.success) invalid("analysis.labels.errors.theme");
      return [...new Set(r.data!)];
    }
    case "target_groups": {
      const r = z.array(z.enum(TARGET_GROUP_KEYS)).safeParse(list(raw));
      if (!r.success) invalid("analysis.labels.errors.targetGroup");
      return [...new Set(r.data!)];
    }
    case "kind": {
      const r = z.enum(KINDS).safeParse(raw);
      if (!r.success) invalid("analysis.labels.errors.kind");
      return r.data!;
    }
    case "urgent":
    case "off_topic": {
      const b = bool(raw);
      if (b === undefined) invalid("analysis.labels.errors.boolean");
      return b!;
    }
    case "municipality": {
      if (raw === null || raw === "" || raw === "none") return null;
      if (typeof raw !== "string" || raw.length > 100) invalid("analysis.labels.errors.municipality");
      const found = await db.municipality.findUnique({ where: { id: raw as string }, select: { id: true } });
      if (!found) invalid("analysis.labels.errors.municipality");
      return raw as string;
    }
  }
}

async function writeCorrection(
  db: Db,
  actor: Actor,
  submissionId: string,
  fieldInput: unknown,
  next: (current: EffectiveLabel | null, field: LabelField) => Promise<Prisma.InputJsonValue | null>,
): Promise<LabelChange> {
  if (!actor || !canReviewLabels(actor)) throw new Forbidden("analysis.labels.errors.forbidden");
  const fieldParsed = fieldSchema.safeParse(fieldInput);
  if (!fieldParsed.success)
    throw new Invalid({ field: "analysis.labels.errors.field" }, "analysis.labels.errors.field");
  const field = fieldParsed.data;
  const current = await effectiveLabels(db, submissionId);
  const label = current.fields[field];
  const value = await next(label, field);
  const previousValue = storedValue(label);
  const correctionId = newId();
  await db.$transaction(async (tx) => {
    await tx.labelCorrection.create({
      data: {
        id: correctionId,
        submissionId,
        field,
        value: value as Prisma.InputJsonValue,
        // No label before: previousValue stays SQL NULL.
        previousValue: label === null ? undefined : (previousValue as Prisma.InputJsonValue),
        correctedById: actor.id,
      },
    });
    // Labels feed the priority score (themes, target groups, urgency): recompute it, debounced.
    await schedulePriorityRecompute(tx, { submissionId });
  });
  const labels = await effectiveLabels(db, submissionId);
  publish(rooms.consultation(labels.consultationId), "analysis:updated", {
    submissionId,
    consultationId: labels.consultationId,
    version: labels.version,
  });
  return { correctionId, field, labels };
}

/**
 * A person confirms the label shown for `field` as it is (stored as a correction whose value equals the
 * previous value, so it wins over later analyses too). Nothing to confirm (no label yet) is Invalid.
 */
export async function confirmLabel(
  db: Db,
  actor: Actor,
  submissionId: string,
  field: unknown,
): Promise<LabelChange> {
  return writeCorrection(db, actor, submissionId, field, async (label) => {
    if (!label)
      throw new Invalid(
        { field: "analysis.labels.errors.nothingToConfirm" },
        "analysis.labels.errors.nothingToConfirm",
      );
    return storedValue(label);
  });
}

/**
 * A person sets `field` to `value` (themes and target groups: a list of keys; kind: proposal|need|opinion;
 * urgent and off_topic: true|false; municipality: a municipality id or "" for none).
 */
export async function correctLabel(
  db: Db,
  actor: Actor,
  submissionId: string,
  field: unknown,
  value: unknown,
): Promise<LabelChange> {
  return writeCorrection(db, actor, submissionId, field, (_label, f) => parseValue(db, f, value));
}

// ───────────────────────────── For retraining ─────────────────────────────

export interface CorrectionRecord {
  id: string;
  submissionId: string;
  field: LabelField;
  /** Stored json: keys for themes/target groups, the kind, booleans, a municipality id or null. */
  value: unknown;
  previousValue: unknown;
  correctedById: string;
  createdAt: Date;
}

/** Every correction, oldest first, optionally since a time (the retraining job reads them). */
export async function listCorrections(db: DbOrTx, since?: Date): Promise<CorrectionRecord[]> {
  const rows = await db.labelCorrection.findMany({
    where: since ? { createdAt: { gt: since } } : {},
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map((r) => ({ ...r, field: r.field as LabelField }));
}

export interface CorrectedExample extends LabelledExample {
  /** The fields a person set; the others are the model's own answer and may be left out of training. */
  corrected: LabelField[];
  /** The newest correction's time (for incremental retraining). */
  correctedAt: Date;
}

/**
 * Every submission a person confirmed or corrected, as a labelled example (text = title and body text) with
 * its effective labels; `since` keeps those with a correction after that time. Oldest correction first.
 */
export async function correctedExamples(db: DbOrTx, since?: Date): Promise<CorrectedExample[]> {
  const touched = await db.labelCorrection.groupBy({
    by: ["submissionId"],
    where: since ? { createdAt: { gt: since } } : {},
    _max: { createdAt: true },
  });
  if (touched.length === 0) return [];
  const ids = touched.map((t) => t.submissionId);
  const [labels, texts, fieldsSet] = await Promise.all([
    effectiveLabelsMany(db, ids),
    db.submission.findMany({ where: { id: { in: ids } }, select: { id: true, title: true, bodyText: true } }),
    db.labelCorrection.findMany({
      where: { submissionId: { in: ids } },
      select: { submissionId: true, field: true },
      distinct: ["submissionId", "field"],
    }),
  ]);
  const textOf = new Map(texts.map((t) => [t.id, `${t.title}\n${t.bodyText}`]));
  const correctedOf = new Map<string, LabelField[]>();
  for (const r of fieldsSet) {
    correctedOf.set(r.submissionId, [...(correctedOf.get(r.submissionId) ?? []), r.field as LabelField]);
  }
  const out: CorrectedExample[] = [];
  for (const t of [...touched].sort((a, b) => +(a._max.createdAt ?? 0) - +(b._max.createdAt ?? 0))) {
    const l = labels.get(t.submissionId);
    const text = textOf.get(t.submissionId);
    if (!l || text === undefined) continue;
    const f = l.fields;
    out.push({
      id: t.submissionId,
      text,
      themes: f.themes?.value ?? [],
      target_groups: f.target_groups?.value ?? [],
      kind: f.kind?.value ?? "opinion",
      urgent: f.urgent?.value ?? false,
      municipality: f.municipality?.value?.nameEl ?? null,
      off_topic: f.off_topic?.value ?? false,
      corrected: correctedOf.get(t.submissionId) ?? [],
      correctedAt: t._max.createdAt ?? new Date(0),
    });
  }
  return out;
}

// ───────────────────────────── The submission page ─────────────────────────────

export const LABEL_INTENTS = ["label-confirm", "label-correct"] as const;
export type LabelIntent = (typeof LABEL_INTENTS)[number];
export function isLabelIntent(value: unknown): value is LabelIntent {
  return LABEL_INTENTS.includes(value as LabelIntent);
}

/**
 * What the submission page shows of the analysis: everyone gets the public fields' values; moderators, the
 * Directorate and admins get every label with its confidence and source, and the choices to correct them.
 */
export async function labelsForPage(db: DbOrTx, submissionId: string, actor: Actor) {
  const staff = canReviewLabels(actor);
  const [labels, reference] = await Promise.all([effectiveLabels(db, submissionId), getReferenceData(db)]);
  return {
    staff,
    public: publicLabels(labels),
    labels: staff ? labels : null,
    themes: reference.themes.map(({ key, nameEl, nameEn }) => ({ key, nameEl, nameEn })),
    groups: reference.groups.map(({ key, nameEl, nameEn }) => ({ key, nameEl, nameEn })),
    municipalities: staff
      ? reference.municipalities.map(({ id, nameEl, nameEn }) => ({ id, nameEl, nameEn }))
      : [],
  };
}
export type LabelsForPage = Awaited<ReturnType<typeof labelsForPage>>;

/** The route action's branch for `label-confirm` / `label-correct` (form fields `field`, `value`…). */
export async function handleLabelIntent(
  form: FormData,
  actor: Actor,
  submissionId: string,
  intent: LabelIntent,
) {
  const db = getDb();
  const field = form.get("field");
  const values = {
    field: typeof field === "string" ? field : "",
    value: form
      .getAll("value")
      .filter((v): v is string => typeof v === "string")
      .join(","),
  };
  try {
    if (intent === "label-confirm") {
      await confirmLabel(db, actor, submissionId, field);
      return { ok: true as const, intent, field: values.field, messageKey: "analysis.labels.confirmed" };
    }
    const f = fieldSchema.safeParse(field);
    const raw =
      f.success && (f.data === "themes" || f.data === "target_groups")
        ? form.getAll("value")
        : form.get("value");
    await correctLabel(db, actor, submissionId, field, raw);
    return { ok: true as const, intent, field: values.field, messageKey: "analysis.labels.corrected" };
  } catch (error) {
    return actionError(error, values, intent);
  }
}
