/**
 * Inputs of the notifications area (follows, read marks, digest preference) and the client-safe rendering of
 * a notification: its stored payload carries everything the list and the digest need, and the sentence is
 * built from the type's translation key at display time, in the reader's language.
 */
import { z } from "zod";
import type { DigestFrequency, FollowTarget } from "~/generated/prisma/enums.ts";
import type { TFunction } from "~/i18n/i18n.ts";

// ───────────────────────────── Follows ─────────────────────────────

export const FOLLOW_TARGETS = [
  "consultation",
  "submission",
  "live_session",
] as const satisfies readonly FollowTarget[];
export type FollowTargetType = (typeof FOLLOW_TARGETS)[number];

export const followTargetSchema = z.object({
  targetType: z.enum(FOLLOW_TARGETS, { error: "notifications.errors.invalidTarget" }),
  targetId: z.uuid({ error: "notifications.errors.invalidTarget" }),
});
export type FollowTargetInput = z.infer<typeof followTargetSchema>;

export const FOLLOW_INTENTS = ["follow", "unfollow"] as const;
export const followFormSchema = followTargetSchema.extend({
  intent: z.enum(FOLLOW_INTENTS, { error: "notifications.errors.invalidIntent" }),
});

// ───────────────────────────── Read marks, digest preference, paging ─────────────────────────────

export const notificationIdSchema = z.uuid({ error: "notifications.errors.notFound" });

/** The digest choices the data model offers (User.digest). */
export const DIGEST_CHOICES = ["daily", "none"] as const satisfies readonly DigestFrequency[];
export type DigestChoice = (typeof DIGEST_CHOICES)[number];
export const digestPreferenceSchema = z.object({
  digest: z.enum(DIGEST_CHOICES, { error: "notifications.errors.invalidDigest" }),
});

export const NOTIFICATIONS_PER_PAGE = 20;
/** `?page=` of the list: 1-based; anything else is page 1. */
export function parsePage(value: string | null): number {
  const n = value && /^\d{1,6}$/.test(value) ? Number(value) : 1;
  return Math.max(1, n);
}

// ───────────────────────────── Notification types and payloads ─────────────────────────────

export const NOTIFICATION_TYPES = [
  /** Someone replied to your comment. */
  "reply",
  /** Someone commented (top level) on your submission. */
  "comment_on_yours",
  /** A comment on a submission you follow. */
  "followed_submission_comment",
  /** A new submission in a consultation you follow. */
  "followed_consultation_submission",
  /** Your proposal reached a support milestone. */
  "support_milestone",
  /** Your submission's status changed. */
  "status_changed",
  /** A live session you registered interest in starts soon. */
  "session_reminder",
  /** Staff: a submission was judged urgent (app/domain/analysis/urgency.server.ts). */
  "urgent_submission",
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const COMMENT_ALIGNMENTS = ["in_favour", "against", "neutral"] as const;

/** What a notification row stores: enough to render it without joins (titles as they were then). */
export const notificationPayloadSchema = z.object({
  /** Site-relative link to what the notification is about ("//host" or "/\\host" would leave the site). */
  url: z
    .string()
    .regex(/^\/(?![/\\])/)
    .max(500),
  title: z.string().max(500),
  /** Who did it; null when unknown or erased since. */
  actorName: z.string().max(200).nullable().optional(),
  consultationTitle: z.string().max(500).optional(),
  alignment: z.enum(COMMENT_ALIGNMENTS).optional(),
  count: z.number().int().optional(),
  status: z.string().max(40).optional(),
  submissionId: z.string().optional(),
  commentId: z.string().optional(),
  consultationId: z.string().optional(),
  articleNumber: z.number().int().optional(),
});
export type NotificationPayload = z.infer<typeof notificationPayloadSchema>;

/** A stored payload read back; a malformed one becomes a harmless placeholder instead of breaking the list. */
export function readPayload(raw: unknown): NotificationPayload {
  const parsed = notificationPayloadSchema.safeParse(raw);
  return parsed.success ? parsed.data : { url: "/notifications", title: "" };
}

const KNOWN_STATUSES = new Set(["pending_review", "published", "hidden", "withdrawn", "merged"]);

/** The localised sentence of a notification (plain text; the UI adds the link). */
export function notificationText(t: TFunction, type: string, payload: NotificationPayload): string {
  const actor = payload.actorName || t("notifications.someone");
  const title = payload.title || t("notifications.untitled");
  switch (type) {
    case "reply":
    case "comment_on_yours":
    case "followed_submission_comment":
      return t(`notifications.types.${type}`, { actor, title });
    case "followed_consultation_submission":
      return t("notifications.types.followed_consultation_submission", {
        actor,
        title,
        consultation: payload.consultationTitle ?? "",
      });
    case "support_milestone":
      return t("notifications.types.support_milestone", { title, count: payload.count ?? 0 });
    case "status_changed":
      return payload.status && KNOWN_STATUSES.has(payload.status)
        ? t("notifications.types.status_changed", {
            title,
            status: t(`notifications.status.${payload.status}`),
          })
        : t("notifications.types.status_changed_other", { title });
    case "session_reminder":
      return t("notifications.types.session_reminder", { title });
    case "urgent_submission":
      return t("analysis.alerts.notification", { title });
    default:
      return t("notifications.types.other", { title });
  }
}
