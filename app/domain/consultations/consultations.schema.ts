/**
 * Inputs of consultation management (forms, tests and any future API alike): zod schemas whose messages are
 * translation keys, the phase transition table, and the Europe/Athens ↔ UTC conversion of the
 * `datetime-local` inputs. No server imports: the UI reuses `nextPhases` and `utcToAthensLocal`.
 */
import { z } from "zod";

export const PHASES = ["draft", "open", "closed", "analysed", "concluded"] as const;
export type Phase = (typeof PHASES)[number];

export const SCOPE_LEVELS = ["region", "regional_unit", "municipality"] as const;
export type ScopeLevelName = (typeof SCOPE_LEVELS)[number];

/** Allowed manual phase changes; closed → open reopens with a new closing date. */
export const PHASE_TRANSITIONS: Record<Phase, readonly Phase[]> = {
  draft: ["open"],
  open: ["closed"],
  closed: ["analysed", "open"],
  analysed: ["concluded"],
  concluded: [],
};

export function nextPhases(phase: Phase): readonly Phase[] {
  return PHASE_TRANSITIONS[phase] ?? [];
}

export const CONSULTATION_BODY_MAX_CHARS = 50_000;
export const ARTICLE_BODY_MAX_CHARS = 50_000;
export const IMPORT_MAX_CHARS = 500_000;
export const IMPORT_MAX_ARTICLES = 300;

// ───────────────────────────── Europe/Athens local time ─────────────────────────────

const TIME_ZONE = "Europe/Athens";
const athensFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: TIME_ZONE,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

function athensParts(date: Date) {
  const parts: Record<string, number> = {};
  for (const p of athensFormat.formatToParts(date)) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return parts as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

/** Athens' offset from UTC (ms) at an instant. */
function athensOffset(utcMs: number): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  const p = athensParts(new Date(whole));
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

/**
 * A `datetime-local` value ("2025-03-01T10:00", read as Athens wall-clock time) to the UTC instant, or
 * null when it is not a real date. Times skipped by the spring DST change move forward by an hour (as
 * clocks do); the repeated autumn hour resolves to its second occurrence.
 */
export function athensLocalToUtc(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$/.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((x) => Number(x ?? 0));
  if (year < 2000 || year > 2100 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(wall).getUTCDate() !== day) return null; // 31 February and the like
  let utc = wall - athensOffset(wall);
  const offset = athensOffset(utc);
  if (wall - utc !== offset) utc = wall - offset;
  return new Date(utc);
}

/** A UTC instant as the value of a `datetime-local` input in Athens time ("2025-03-01T10:00"). */
export function utcToAthensLocal(date: Date | string | null | undefined): string {
  if (!date) return "";
  const d = typeof date === "string" ? new Date(date) : date;
  if (Number.isNaN(d.getTime())) return "";
  const p = athensParts(d);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
}

// ───────────────────────────── Field schemas ─────────────────────────────

const text = (v: unknown) => (typeof v === "string" ? v : v == null ? "" : v);

/** A `datetime-local` string in Athens time (or a Date from code); empty means "not set". */
// `.optional()` first: a missing key is "not set", not an error.
const localDateTime = z
  .unknown()
  .optional()
  .transform((v, ctx): Date | null => {
    if (v instanceof Date) {
      if (Number.isNaN(v.getTime())) {
        ctx.addIssue({ code: "custom", message: "manage.errors.dateInvalid" });
        return z.NEVER;
      }
      return v;
    }
    if (v == null || (typeof v === "string" && v.trim() === "")) return null;
    const date = typeof v === "string" ? athensLocalToUtc(v) : null;
    if (!date) {
      ctx.addIssue({ code: "custom", message: "manage.errors.dateInvalid" });
      return z.NEVER;
    }
    return date;
  });

/** An optional reference (select with an empty "none" option). */
const optionalRef = (message: string) =>
  z.preprocess(
    text,
    z
      .string({ error: message })
      .trim()
      .max(100, message)
      .transform((v) => (v === "" ? null : v)),
  );

const keyList = (message: string) =>
  z.preprocess(
    (v) => (v == null || v === "" ? [] : Array.isArray(v) ? v : [v]),
    z
      .array(z.string({ error: message }).trim().min(1, message).max(100, message), { error: message })
      .max(100, message)
      .transform((keys) => [...new Set(keys)]),
  );

const checkbox = z
  .unknown()
  .optional()
  .transform((v) => v === true || v === "on" || v === "true" || v === "1");

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const consultationSchema = z
  .object({
    title: z.preprocess(
      text,
      z
        .string({ error: "manage.errors.titleLength" })
        .trim()
        .min(5, "manage.errors.titleLength")
        .max(200, "manage.errors.titleLength"),
    ),
    slug: z.preprocess(
      text,
      z
        .string({ error: "manage.errors.slugFormat" })
        .trim()
        .toLowerCase()
        .max(120, "manage.errors.slugFormat")
        .refine((v) => v === "" || SLUG_PATTERN.test(v), "manage.errors.slugFormat")
        .transform((v) => (v === "" ? null : v)),
    ),
    summary: z.preprocess(
      text,
      z
        .string({ error: "manage.errors.summaryLength" })
        .trim()
        .min(10, "manage.errors.summaryLength")
        .max(600, "manage.errors.summaryLength"),
    ),
    scopeLevel: z.enum(SCOPE_LEVELS, { error: "manage.errors.scopeLevel" }),
    regionalUnitCode: optionalRef("manage.errors.regionalUnitUnknown"),
    municipalityId: optionalRef("manage.errors.municipalityUnknown"),
    themes: keyList("manage.errors.themeUnknown"),
    targetGroups: keyList("manage.errors.targetGroupUnknown"),
    committeeId: optionalRef("manage.errors.committeeUnknown"),
    strategyVersionId: optionalRef("manage.errors.strategyVersionUnknown"),
    preModeration: checkbox,
    opensAt: localDateTime,
    closesAt: localDateTime,
  })
  .superRefine((v, ctx) => {
    if (v.scopeLevel === "regional_unit" && !v.regionalUnitCode) {
      ctx.addIssue({
        code: "custom",
        path: ["regionalUnitCode"],
        message: "manage.errors.regionalUnitRequired",
      });
    }
    if (v.scopeLevel === "municipality" && !v.municipalityId) {
      ctx.addIssue({
        code: "custom",
        path: ["municipalityId"],
        message: "manage.errors.municipalityRequired",
      });
    }
    if (v.opensAt && v.closesAt && v.closesAt.getTime() <= v.opensAt.getTime()) {
      ctx.addIssue({ code: "custom", path: ["closesAt"], message: "manage.errors.closesBeforeOpens" });
    }
  });
export type ConsultationData = z.infer<typeof consultationSchema>;

export const phaseChangeSchema = z.object({
  to: z.enum(PHASES, { error: "manage.errors.phaseNotAllowed" }),
  closesAt: localDateTime,
  confirm: checkbox.refine((v) => v, "manage.errors.confirmRequired"),
});

export const articleSchema = z.object({
  title: z.preprocess(
    text,
    z
      .string({ error: "manage.errors.articleTitleLength" })
      .trim()
      .min(1, "manage.errors.articleTitleLength")
      .max(200, "manage.errors.articleTitleLength"),
  ),
});

export const moveArticleSchema = z.object({
  direction: z.enum(["up", "down"], { error: "errors.invalidField" }),
});

export const importArticlesSchema = z.object({
  text: z.preprocess(
    text,
    z
      .string({ error: "manage.errors.importEmpty" })
      .max(IMPORT_MAX_CHARS, "manage.errors.importTooLong")
      .refine((v) => v.trim().length > 0, "manage.errors.importEmpty"),
  ),
  mode: z.preprocess((v) => (v == null || v === "" ? "append" : v), z.enum(["append", "replace"])),
});

/** zod issues → `field → translation key` (the first issue of each field). */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    if (!out[field]) {
      out[field] = /^(manage|errors)\.[A-Za-z.]+$/.test(issue.message)
        ? issue.message
        : "errors.invalidField";
    }
  }
  return out;
}
