import { z } from "zod";

export const COMMENT_LIMITS = { bodyMin: 2, bodyMax: 5_000, maxDepth: 3 };
export const ALIGNMENTS = ["in_favour", "against", "neutral"] as const;
export const COMMENT_SORTS = ["oldest", "newest", "best"] as const;
export type CommentSort = (typeof COMMENT_SORTS)[number];

const body = z
  .string({ error: "comments.errors.bodyRequired" })
  .trim()
  .min(1, "comments.errors.bodyRequired")
  .min(COMMENT_LIMITS.bodyMin, "comments.errors.bodyTooShort")
  .max(COMMENT_LIMITS.bodyMax, "comments.errors.bodyTooLong");

export const commentInputSchema = z.object({
  body,
  alignment: z.enum(ALIGNMENTS, { error: "comments.errors.alignmentRequired" }),
  parentId: z
    .string()
    .trim()
    .max(100)
    .transform((v) => (v === "" ? undefined : v))
    .optional(),
});

export const commentEditSchema = z.object({ body });

export const commentVoteSchema = z.object({
  value: z.enum(["up", "down", "none"], { error: "errors.invalid" }),
});

export const commentSortSchema = z.enum(COMMENT_SORTS).optional().catch(undefined);
