import { z } from "zod";
import { COMPONENT_KEYS, WEIGHT_LIMITS, type ComponentKey } from "./priority.ts";

// Inputs of the priority area. Messages are translation keys; the UI shows them in the reader's language.

/** One weight as typed: a number from 0 to 10 (comma or point as the decimal mark). */
export const weightSchema = z
  .string({ error: "priority.errors.weightRequired" })
  .trim()
  .min(1, "priority.errors.weightRequired")
  .transform((v) => (/^-?\d+([.,]\d+)?$/.test(v) ? Number(v.replace(",", ".")) : Number.NaN))
  .pipe(
    z
      .number({ error: "priority.errors.weightNumber" })
      .refine((n) => n >= WEIGHT_LIMITS.min && n <= WEIGHT_LIMITS.max, "priority.errors.weightRange"),
  );

/** The form field of a component weight and of a target group weight. */
export const componentField = (key: ComponentKey) => `w.${key}`;
export const groupField = (key: string) => `g.${key}`;

/** Stored in Consultation.priorityWeights: component weights and target-group overrides. */
export const storedWeightsSchema = z
  .object({
    components: z
      .record(z.string(), z.number().min(WEIGHT_LIMITS.min).max(WEIGHT_LIMITS.max))
      .optional()
      .catch(undefined),
    targetGroups: z
      .record(z.string(), z.number().min(WEIGHT_LIMITS.min).max(WEIGHT_LIMITS.max))
      .optional()
      .catch(undefined),
  })
  .catch({});

const key = z
  .string()
  .trim()
  .max(80)
  .regex(/^[A-Za-z0-9_-]+$/, "priority.errors.badFilter")
  .optional();

export const DIRECTORATE_KINDS = ["proposal", "need", "opinion"] as const;

/**
 * The Directorate view's (and export's) query string. Empty values mean "any"; a malformed page falls back
 * to 1; malformed keys are refused (the loader then checks that known keys exist).
 */
export const directorateQuerySchema = z.object({
  consultation: z.string().trim().max(80).optional(),
  theme: key,
  group: key,
  municipality: key,
  kind: z.enum(DIRECTORATE_KINDS, { error: "priority.errors.badFilter" }).optional(),
  urgent: z.enum(["yes", "no"], { error: "priority.errors.badFilter" }).optional(),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});
export type DirectorateQuery = z.infer<typeof directorateQuerySchema>;

export const EXPORT_FORMATS = ["csv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export { COMPONENT_KEYS };
