import { z } from "zod";

// Inputs of the live-sessions area (forms and socket messages alike). Messages are translation keys.

export const SESSION_MODES = ["in_person", "online", "hybrid"] as const;
export type SessionModeName = (typeof SESSION_MODES)[number];
export const POLL_KINDS = ["single", "multiple"] as const;

export const SESSION_LIMITS = {
  titleMin: 3,
  titleMax: 200,
  descriptionMax: 5_000,
  placeMax: 300,
  urlMax: 2_000,
  agendaMin: 1,
  agendaMax: 30,
  agendaTitleMax: 200,
  agendaDescriptionMax: 2_000,
  questionMin: 3,
  questionMax: 500,
  reasonMin: 3,
  reasonMax: 500,
  pollQuestionMax: 300,
  pollOptionsMin: 2,
  pollOptionsMax: 10,
  pollOptionMax: 200,
  noteMax: 5_000,
  /** Questions one participant may ask per window (all sessions together). */
  questionsPerWindow: 10,
  questionWindowSeconds: 600,
  /** Longest replay page a reconnecting client gets at once. */
  replayMax: 500,
};

const id = z.string({ error: "errors.invalidField" }).trim().min(1, "errors.invalidField").max(100);

const optionalText = (max: number, key: string) =>
  z
    .string()
    .trim()
    .max(max, key)
    .transform((v) => (v === "" ? undefined : v))
    .optional();

const when = z.union([z.date(), z.string().trim().min(1)], { error: "sessions.errors.startsAtRequired" });

/** A date from a Date or an ISO 8601 string (the route turns the form's local time into one). */
function toDate(value: Date | string): Date | null {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Only http(s) links: a `javascript:` or `data:` URL must never become a "join" button. */
const onlineUrl = z
  .string()
  .trim()
  .max(SESSION_LIMITS.urlMax, "sessions.errors.urlTooLong")
  .transform((v) => (v === "" ? undefined : v))
  .optional()
  .refine((v) => {
    if (v === undefined) return true;
    try {
      const u = new URL(v);
      return (u.protocol === "http:" || u.protocol === "https:") && !!u.hostname;
    } catch {
      return false;
    }
  }, "sessions.errors.urlInvalid");

export const agendaItemSchema = z.object({
  /** An existing item's id keeps its questions and notes when the agenda is edited. */
  id: id.optional(),
  title: z
    .string({ error: "sessions.errors.agendaTitleRequired" })
    .trim()
    .min(1, "sessions.errors.agendaTitleRequired")
    .max(SESSION_LIMITS.agendaTitleMax, "sessions.errors.agendaTitleTooLong"),
  description: z
    .string()
    .trim()
    .max(SESSION_LIMITS.agendaDescriptionMax, "sessions.errors.agendaDescriptionTooLong")
    .default(""),
});

export const sessionInputSchema = z
  .object({
    title: z
      .string({ error: "sessions.errors.titleRequired" })
      .trim()
      .min(1, "sessions.errors.titleRequired")
      .min(SESSION_LIMITS.titleMin, "sessions.errors.titleTooShort")
      .max(SESSION_LIMITS.titleMax, "sessions.errors.titleTooLong"),
    description: z
      .string()
      .trim()
      .max(SESSION_LIMITS.descriptionMax, "sessions.errors.descriptionTooLong")
      .default(""),
    committeeId: z
      .string({ error: "sessions.errors.committeeRequired" })
      .trim()
      .min(1, "sessions.errors.committeeRequired")
      .max(100),
    consultationId: optionalText(100, "errors.invalidField"),
    startsAt: when,
    endsAt: z.union([z.date(), z.string().trim()]).optional(),
    place: optionalText(SESSION_LIMITS.placeMax, "sessions.errors.placeTooLong"),
    onlineUrl,
    mode: z.enum(SESSION_MODES, { error: "sessions.errors.modeRequired" }),
    // A checkbox sends "on" (or nothing); JSON sends a boolean.
    preModerateQuestions: z
      .union([z.boolean(), z.enum(["on", "true", "1", "false", "0", ""])])
      .default(false)
      .transform((v) => v === true || v === "on" || v === "true" || v === "1"),
    agenda: z
      .array(agendaItemSchema, { error: "sessions.errors.agendaRequired" })
      .min(SESSION_LIMITS.agendaMin, "sessions.errors.agendaRequired")
      .max(SESSION_LIMITS.agendaMax, "sessions.errors.agendaTooLong"),
  })
  .transform((v, ctx) => {
    const startsAt = toDate(v.startsAt);
    if (!startsAt) {
      ctx.addIssue({ code: "custom", path: ["startsAt"], message: "sessions.errors.startsAtInvalid" });
      return z.NEVER;
    }
    let endsAt: Date | null = null;
    if (v.endsAt !== undefined && !(typeof v.endsAt === "string" && v.endsAt === "")) {
      endsAt = toDate(v.endsAt);
      if (!endsAt || endsAt.getTime() <= startsAt.getTime()) {
        ctx.addIssue({ code: "custom", path: ["endsAt"], message: "sessions.errors.endsBeforeStart" });
        return z.NEVER;
      }
    }
    return { ...v, startsAt, endsAt };
  })
  .superRefine((v, ctx) => {
    // Where to go follows from the mode: a room, a link, or both.
    if (v.mode !== "online" && !v.place) {
      ctx.addIssue({ code: "custom", path: ["place"], message: "sessions.errors.placeRequired" });
    }
    if (v.mode !== "in_person" && !v.onlineUrl) {
      ctx.addIssue({ code: "custom", path: ["onlineUrl"], message: "sessions.errors.urlRequired" });
    }
    const ids = v.agenda.map((a) => a.id).filter((x): x is string => !!x);
    if (new Set(ids).size !== ids.length) {
      ctx.addIssue({ code: "custom", path: ["agenda"], message: "errors.invalidField" });
    }
  });
export type SessionInput = z.output<typeof sessionInputSchema>;

export const questionSchema = z.object({
  text: z
    .string({ error: "sessions.errors.questionRequired" })
    .trim()
    .min(1, "sessions.errors.questionRequired")
    .min(SESSION_LIMITS.questionMin, "sessions.errors.questionTooShort")
    .max(SESSION_LIMITS.questionMax, "sessions.errors.questionTooLong"),
});

export const rejectSchema = z.object({
  reason: z
    .string({ error: "sessions.errors.reasonRequired" })
    .trim()
    .min(SESSION_LIMITS.reasonMin, "sessions.errors.reasonRequired")
    .max(SESSION_LIMITS.reasonMax, "sessions.errors.reasonTooLong"),
});

export const pollSchema = z
  .object({
    question: z
      .string({ error: "sessions.errors.pollQuestionRequired" })
      .trim()
      .min(1, "sessions.errors.pollQuestionRequired")
      .max(SESSION_LIMITS.pollQuestionMax, "sessions.errors.pollQuestionTooLong"),
    kind: z.enum(POLL_KINDS, { error: "sessions.errors.pollKindRequired" }),
    options: z
      .array(
        z
          .string({ error: "sessions.errors.pollOptionRequired" })
          .trim()
          .min(1, "sessions.errors.pollOptionRequired")
          .max(SESSION_LIMITS.pollOptionMax, "sessions.errors.pollOptionTooLong"),
        { error: "sessions.errors.pollOptionsCount" },
      )
      .min(SESSION_LIMITS.pollOptionsMin, "sessions.errors.pollOptionsCount")
      .max(SESSION_LIMITS.pollOptionsMax, "sessions.errors.pollOptionsCount"),
  })
  .superRefine((v, ctx) => {
    const seen = new Set(v.options.map((o) => o.toLocaleLowerCase("el")));
    if (seen.size !== v.options.length) {
      ctx.addIssue({ code: "custom", path: ["options"], message: "sessions.errors.pollOptionsDuplicate" });
    }
  });

export const ballotSchema = z.object({
  optionIds: z
    .array(id, { error: "sessions.errors.ballotEmpty" })
    .min(1, "sessions.errors.ballotEmpty")
    .max(SESSION_LIMITS.pollOptionsMax, "sessions.errors.ballotInvalid")
    .refine((ids) => new Set(ids).size === ids.length, "sessions.errors.ballotInvalid"),
});

export const noteSchema = z.object({
  text: z
    .string({ error: "sessions.errors.noteRequired" })
    .trim()
    .min(1, "sessions.errors.noteRequired")
    .max(SESSION_LIMITS.noteMax, "sessions.errors.noteTooLong"),
});

export const idSchema = id;

/** Zod issues as field → translation key; nested paths keep their index (agenda.2.title). */
export function sessionFieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.length ? issue.path.map(String).join(".") : "form";
    if (!out[field]) out[field] = issue.message.includes(".") ? issue.message : "errors.invalidField";
  }
  return out;
}
