/**
 * Inputs of the moderation area: flags, actions with their reason codes and messages, blocks, appeals, the
 * log filters and claims. Error messages are translation keys (namespace "moderation").
 */
import { z } from "zod";
import { SUBMISSION_LIMITS } from "~/domain/submissions/submissions.schema.ts";
import type { FlagReason, ModerationActionType, ModerationTarget } from "~/generated/prisma/enums.ts";

export const FLAG_REASONS = [
  "spam",
  "offensive",
  "off_topic",
  "personal_data",
  "misinformation",
  "other",
] as const satisfies readonly FlagReason[];

/** What participants can flag (questions of live sessions belong to their own area). */
export const FLAG_TARGETS = ["submission", "comment", "user"] as const satisfies readonly ModerationTarget[];
/** Content a moderator can hide or restore. */
export const CONTENT_TARGETS = ["submission", "comment"] as const satisfies readonly ModerationTarget[];
export type ContentTarget = (typeof CONTENT_TARGETS)[number];

/** The rule a moderator applied: shown to the author, counted on the transparency page. */
export const REASON_CODES = [
  "spam",
  "offensive",
  "off_topic",
  "personal_data",
  "misinformation",
  "duplicate",
  "wrong_consultation",
  "flags_unfounded",
  "appeal_review",
  /** Approving a pre-moderated submission: no rule broken. */
  "approved",
  "other",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const ACTION_TYPES = [
  "hide",
  "restore",
  "lock",
  "unlock",
  "merge",
  "move",
  "edit_title",
  "block",
  "unblock",
  "dismiss_flags",
  "approve",
  "reject",
  "appeal_upheld",
  "appeal_rejected",
] as const satisfies readonly ModerationActionType[];

export const MESSAGE_MAX = 2_000;
export const FLAG_TEXT_MAX = 1_000;
export const APPEAL_TEXT = { min: 10, max: 2_000 };

const id = (key: string) => z.uuid({ error: key });

/**
 * What domain functions accept: the schema's fields, each of any type (straight from a form or typed
 * code); the schema checks them.
 */
export type FormInput<S extends z.ZodType> = { [K in keyof z.input<S>]?: unknown };

/** A checkbox or a yes/no field: "on"/"true"/true is yes, absent/""/"false"/false is no. */
const formBoolean = (key: string) =>
  z.preprocess(
    (v) =>
      v === "on" || v === "true" || v === true
        ? true
        : v === undefined || v === null || v === "" || v === "false" || v === false
          ? false
          : v,
    z.boolean({ error: key }),
  );

export const flagInputSchema = z
  .object({
    targetType: z.enum(FLAG_TARGETS, { error: "moderation.errors.invalidTarget" }),
    targetId: id("moderation.errors.notFound"),
    reason: z.enum(FLAG_REASONS, { error: "moderation.errors.invalidReason" }),
    text: z
      .string()
      .trim()
      .max(FLAG_TEXT_MAX, "moderation.errors.textTooLong")
      .optional()
      .transform((v) => (v ? v : undefined)),
  })
  .refine((v) => v.reason !== "other" || !!v.text, {
    path: ["text"],
    message: "moderation.errors.textRequired",
  });
export type FlagInput = FormInput<typeof flagInputSchema>;

/** What every moderator action carries: the rule applied and the message sent to the author. */
const reasonFields = {
  reasonCode: z.enum(REASON_CODES, { error: "moderation.errors.invalidReasonCode" }),
  message: z.string().trim().max(MESSAGE_MAX, "moderation.errors.messageTooLong").default(""),
};

export const contentActionSchema = z.object({
  targetType: z.enum(CONTENT_TARGETS, { error: "moderation.errors.invalidTarget" }),
  targetId: id("moderation.errors.notFound"),
  ...reasonFields,
});
export type ContentActionInput = FormInput<typeof contentActionSchema>;

export const submissionActionSchema = z.object({
  submissionId: id("moderation.errors.notFound"),
  ...reasonFields,
});
export type SubmissionActionInput = FormInput<typeof submissionActionSchema>;

export const mergeSchema = z.object({
  sourceId: id("moderation.errors.notFound"),
  targetId: id("moderation.errors.mergeTargetNotFound"),
  ...reasonFields,
});
export type MergeInput = FormInput<typeof mergeSchema>;

export const moveSchema = z.object({
  submissionId: id("moderation.errors.notFound"),
  consultationId: id("moderation.errors.consultationNotFound"),
  ...reasonFields,
});
export type MoveInput = FormInput<typeof moveSchema>;

export const editTitleSchema = z.object({
  submissionId: id("moderation.errors.notFound"),
  title: z
    .string({ error: "moderation.errors.titleRequired" })
    .trim()
    .min(SUBMISSION_LIMITS.titleMin, "moderation.errors.titleTooShort")
    .max(SUBMISSION_LIMITS.titleMax, "moderation.errors.titleTooLong"),
  ...reasonFields,
});
export type EditTitleInput = FormInput<typeof editTitleSchema>;

export const blockSchema = z.object({
  userId: id("moderation.errors.userNotFound"),
  /** Absent or null: indefinitely. */
  endsAt: z.coerce
    .date({ error: "moderation.errors.invalidEnd" })
    .refine((d) => d.getTime() > Date.now(), "moderation.errors.endInPast")
    .nullish(),
  hideContent: formBoolean("errors.invalidField"),
  ...reasonFields,
});
export type BlockInput = FormInput<typeof blockSchema>;

export const unblockSchema = z.object({
  userId: id("moderation.errors.userNotFound"),
  /** Leaves hidden the content the block hid (by default it comes back). */
  keepContentHidden: formBoolean("errors.invalidField"),
  ...reasonFields,
});
export type UnblockInput = FormInput<typeof unblockSchema>;

export const dismissFlagsSchema = z.object({
  targetType: z.enum(FLAG_TARGETS, { error: "moderation.errors.invalidTarget" }),
  targetId: id("moderation.errors.notFound"),
  ...reasonFields,
});
export type DismissFlagsInput = FormInput<typeof dismissFlagsSchema>;

export const appealSchema = z.object({
  actionId: id("moderation.errors.actionNotFound"),
  text: z
    .string({ error: "moderation.errors.appealTooShort" })
    .trim()
    .min(APPEAL_TEXT.min, "moderation.errors.appealTooShort")
    .max(APPEAL_TEXT.max, "moderation.errors.appealTooLong"),
});
export type AppealInput = FormInput<typeof appealSchema>;

export const decideAppealSchema = z.object({
  appealId: id("moderation.errors.appealNotFound"),
  /** Required either way: a missing answer must not default to rejecting. */
  uphold: z.preprocess(
    (v) => (v === "true" || v === "on" ? true : v === "false" ? false : v),
    z.boolean({ error: "moderation.errors.invalidDecision" }),
  ),
  reason: z
    .string({ error: "moderation.errors.decisionReasonRequired" })
    .trim()
    .min(1, "moderation.errors.decisionReasonRequired")
    .max(MESSAGE_MAX, "moderation.errors.messageTooLong"),
});
export type DecideAppealInput = FormInput<typeof decideAppealSchema>;

export const LOG_PAGE_SIZE = 50;
/** Empty form fields mean "no filter". */
const emptyToUndefined = (v: unknown) => (v === "" ? undefined : v);
export const logQuerySchema = z.object({
  moderatorId: z.preprocess(
    emptyToUndefined,
    z.uuid({ error: "moderation.errors.invalidFilter" }).optional(),
  ),
  action: z.preprocess(
    emptyToUndefined,
    z.enum(ACTION_TYPES, { error: "moderation.errors.invalidFilter" }).optional(),
  ),
  from: z.preprocess(
    emptyToUndefined,
    z.coerce.date({ error: "moderation.errors.invalidFilter" }).optional(),
  ),
  to: z.preprocess(emptyToUndefined, z.coerce.date({ error: "moderation.errors.invalidFilter" }).optional()),
  page: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100_000).catch(1).default(1)),
});
export type LogQuery = FormInput<typeof logQuerySchema>;

export const claimSchema = z.object({
  targetType: z.enum(["submission", "comment", "user", "question"], {
    error: "moderation.errors.invalidTarget",
  }),
  targetId: id("moderation.errors.notFound"),
});
export type ClaimInput = FormInput<typeof claimSchema>;

/** Admin setting keys (Setting rows) and their defaults. */
export const MODERATION_SETTING_KEYS = {
  autoHideFlags: "moderation.autoHideFlags",
  flagsPerHour: "moderation.flagsPerHour",
  submissionsPerHour: "moderation.submissionsPerHour",
  commentsPerHour: "moderation.commentsPerHour",
  claimMinutes: "moderation.claimMinutes",
} as const;
export type ModerationSettingName = keyof typeof MODERATION_SETTING_KEYS;
export const DEFAULT_AUTO_HIDE_FLAGS = 3;
/** Flags one participant may file per hour (a few people must not be able to hide everything). */
export const DEFAULT_FLAGS_PER_HOUR = 30;
/** How long a queue claim holds before another moderator may take the item over. */
export const DEFAULT_CLAIM_MINUTES = 5;

/** Bounds of each setting (inclusive); the form and the reader agree on them. */
export const SETTING_BOUNDS: Record<ModerationSettingName, { min: number; max: number }> = {
  autoHideFlags: { min: 1, max: 1_000 },
  flagsPerHour: { min: 1, max: 100_000 },
  submissionsPerHour: { min: 1, max: 100_000 },
  commentsPerHour: { min: 1, max: 100_000 },
  claimMinutes: { min: 1, max: 60 },
};

const settingField = (name: ModerationSettingName) =>
  z.preprocess(
    (v) => (typeof v === "string" ? v.trim() : v),
    z
      .string({ error: `moderation.settings.errors.${name}` })
      .regex(/^\d{1,7}$/, `moderation.settings.errors.${name}`)
      .transform(Number)
      .pipe(
        z
          .number()
          .int()
          .min(SETTING_BOUNDS[name].min, `moderation.settings.errors.${name}`)
          .max(SETTING_BOUNDS[name].max, `moderation.settings.errors.${name}`),
      ),
  );

/** The admin settings form: every field a whole number within its bounds. */
export const moderationSettingsSchema = z.object({
  autoHideFlags: settingField("autoHideFlags"),
  flagsPerHour: settingField("flagsPerHour"),
  submissionsPerHour: settingField("submissionsPerHour"),
  commentsPerHour: settingField("commentsPerHour"),
  claimMinutes: settingField("claimMinutes"),
});
export type ModerationSettingsInput = FormInput<typeof moderationSettingsSchema>;
