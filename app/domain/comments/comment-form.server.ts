/**
 * The comment intents that submission and article pages share: one place maps their form fields to the
 * domain functions and their errors to action data (with what was typed, so nothing is lost).
 */
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError } from "~/utils/errors.server.ts";
import {
  createComment,
  deleteComment,
  editComment,
  voteComment,
  type CommentTarget,
} from "./comments.server.ts";

export const COMMENT_INTENTS = ["comment", "editComment", "deleteComment", "vote"] as const;

export function isCommentIntent(intent: unknown): intent is (typeof COMMENT_INTENTS)[number] {
  return typeof intent === "string" && (COMMENT_INTENTS as readonly string[]).includes(intent);
}

export async function handleCommentIntent(
  form: FormData,
  user: CurrentUser,
  target: CommentTarget,
  intent: (typeof COMMENT_INTENTS)[number],
) {
  const db = getDb();
  const commentId = String(form.get("commentId") ?? "");
  // The form that failed: a new comment, or a reply/edit of one comment.
  const formId = String(form.get("formId") ?? intent);
  const values = {
    body: String(form.get("body") ?? ""),
    alignment: String(form.get("alignment") ?? ""),
    parentId: String(form.get("parentId") ?? ""),
  };
  try {
    switch (intent) {
      case "comment": {
        const comment = await createComment(db, user, target, {
          body: form.get("body"),
          alignment: form.get("alignment"),
          parentId: form.get("parentId"),
        });
        return { ok: true as const, intent: formId, comment };
      }
      case "editComment": {
        const comment = await editComment(db, user, commentId, { body: form.get("body") }, target);
        return { ok: true as const, intent: formId, comment };
      }
      case "deleteComment":
        await deleteComment(db, user, commentId, target);
        return { ok: true as const, intent: formId, comment: null };
      case "vote": {
        const comment = await voteComment(db, user, commentId, { value: form.get("value") }, target);
        return { ok: true as const, intent: formId, comment };
      }
    }
  } catch (error) {
    return actionError(error, values, formId);
  }
}
