import { z } from "zod";

// Inputs of the submissions area. Messages are translation keys; the UI shows them in the reader's language.

export const SUBMISSION_KINDS = ["proposal", "need", "opinion"] as const;
export type SubmissionKindName = (typeof SUBMISSION_KINDS)[number];

export const SUBMISSION_LIMITS = { titleMin: 5, titleMax: 200, bodyMaxChars: 10_000, reasonMax: 500 };

const title = z
  .string({ error: "submissions.errors.titleRequired" })
  .trim()
  .min(1, "submissions.errors.titleRequired")
  .min(SUBMISSION_LIMITS.titleMin, "submissions.errors.titleTooShort")
  .max(SUBMISSION_LIMITS.titleMax, "submissions.errors.titleTooLong");

const optionalId = z
  .string()
  .trim()
  .max(100)
  .transform((v) => (v === "" ? undefined : v))
  .optional();

export const submissionInputSchema = z.object({
  kind: z.enum(SUBMISSION_KINDS, { error: "submissions.errors.kindRequired" }),
  title,
  municipalityId: optionalId,
  organisationId: optionalId,
  targetGroups: z
    .array(z.string().trim().min(1).max(60))
    .max(12, "submissions.errors.tooManyGroups")
    .default([]),
});
export type SubmissionInput = z.infer<typeof submissionInputSchema>;

export const withdrawSchema = z.object({
  reason: z
    .string({ error: "submissions.errors.reasonRequired" })
    .trim()
    .min(3, "submissions.errors.reasonRequired")
    .max(SUBMISSION_LIMITS.reasonMax, "submissions.errors.reasonTooLong"),
});

export const SUBMISSION_SORTS = ["random", "supported", "newest", "commented", "priority"] as const;
export type SubmissionSort = (typeof SUBMISSION_SORTS)[number];

const key = z
  .string()
  .trim()
  .max(80)
  .regex(/^[A-Za-z0-9_-]+$/)
  .optional()
  .catch(undefined);

/** The consultation page's query string: anything unknown or malformed falls back to the default. */
export const submissionListQuerySchema = z.object({
  sort: z.enum(SUBMISSION_SORTS).optional().catch(undefined),
  kind: z.enum(SUBMISSION_KINDS).optional().catch(undefined),
  theme: key,
  group: key,
  municipality: key,
  page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined),
  seed: z
    .string()
    .regex(/^[a-z0-9]{4,16}$/)
    .optional()
    .catch(undefined),
});
export type SubmissionListQuery = z.infer<typeof submissionListQuerySchema>;
