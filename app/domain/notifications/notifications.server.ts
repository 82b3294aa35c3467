/**
 * Follows and notifications: who follows what, who hears about which event, the notification list and read
 * marks, and the e-mail digest. The `notify` worker calls `notifyForEvent`; the digest worker calls
 * `sendDigests`. Notification rows are written idempotently (deterministic ids per event and recipient), so
 * a job that runs twice writes nothing the second time.
 */
import { createHash } from "node:crypto";
import type { z } from "zod";
import type { DigestFrequency, Prisma } from "~/generated/prisma/client.ts";
import { addOutboxEvent } from "~/domain/outbox/outbox.server.ts";
import { createT, formatNumber, isLocale, type Locale } from "~/i18n/i18n.ts";
import type { Db, DbOrTx } from "~/utils/db.server.ts";
import { getEnv } from "~/utils/env.server.ts";
import { Invalid, NotFound } from "~/utils/errors.server.ts";
import { newId } from "~/utils/ids.ts";
import type { publish as publishToRoom } from "~/realtime/publish.server.ts";
import { rooms } from "~/realtime/rooms.ts";
import {
  NOTIFICATIONS_PER_PAGE,
  digestPreferenceSchema,
  followFormSchema,
  followTargetSchema,
  notificationIdSchema,
  notificationText,
  readPayload,
  type DigestChoice,
  type FollowTargetInput,
  type FollowTargetType,
  type NotificationPayload,
  type NotificationType,
} from "./notifications.schema.ts";

/** Turns a zod failure into `Invalid` with one translation key per field. */
function parseOrInvalid<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    fieldErrors[field] ??= issue.message;
  }
  throw new Invalid(fieldErrors, Object.values(fieldErrors)[0] ?? "errors.invalid");
}

// ───────────────────────────── Follows ─────────────────────────────

function submissionUrl(id: string): string {
  return `/submissions/${id}`;
}

/** Throws NotFound unless the target exists and is public (consultation not draft, submission published). */
async function assertFollowable(db: DbOrTx, { targetType, targetId }: FollowTargetInput): Promise<void> {
  let found: unknown;
  switch (targetType) {
    case "consultation":
      found = await db.consultation.findFirst({
        where: { id: targetId, phase: { not: "draft" } },
        select: { id: true },
      });
      break;
    case "submission":
      found = await db.submission.findFirst({
        where: { id: targetId, status: "published" },
        select: { id: true },
      });
      break;
    case "live_session":
      found = await db.liveSession.findFirst({
        where: { id: targetId, status: { not: "cancelled" } },
        select: { id: true },
      });
      break;
  }
  if (!found) throw new NotFound("notifications.errors.targetNotFound");
}

/** Follows a public consultation, submission or live session; following twice is a no-op. */
export async function follow(db: DbOrTx, userId: string, input: unknown): Promise<{ following: true }> {
  const target = parseOrInvalid(followTargetSchema, input);
  await assertFollowable(db, target);
  await db.follow.createMany({ data: [{ id: newId(), userId, ...target }], skipDuplicates: true });
  return { following: true };
}

/** Stops following; unfollowing what one does not follow (or what has since disappeared) is a no-op. */
export async function unfollow(db: DbOrTx, userId: string, input: unknown): Promise<{ following: false }> {
  const target = parseOrInvalid(followTargetSchema, input);
  await db.follow.deleteMany({ where: { userId, ...target } });
  return { following: false };
}

/** A follow form (`intent` follow|unfollow, `targetType`, `targetId`): validates it and applies it. */
export async function applyFollowIntent(
  db: DbOrTx,
  userId: string,
  input: unknown,
): Promise<{ following: boolean }> {
  const { intent, ...target } = parseOrInvalid(followFormSchema, input);
  return intent === "follow" ? follow(db, userId, target) : unfollow(db, userId, target);
}

export async function isFollowing(db: DbOrTx, userId: string, input: unknown): Promise<boolean> {
  const parsed = followTargetSchema.safeParse(input);
  if (!parsed.success) return false;
  const row = await db.follow.findUnique({
    where: { userId_targetType_targetId: { userId, ...parsed.data } },
    select: { id: true },
  });
  return row !== null;
}

/** Which of `targetIds` the user follows (for lists that show a follow button per item). */
export async function followedIds(
  db: DbOrTx,
  userId: string,
  targetType: FollowTargetType,
  targetIds: string[],
): Promise<Set<string>> {
  if (targetIds.length === 0) return new Set();
  const rows = await db.follow.findMany({
    where: { userId, targetType, targetId: { in: targetIds } },
    select: { targetId: true },
  });
  return new Set(rows.map((r) => r.targetId));
}

export async function listFollows(
  db: DbOrTx,
  userId: string,
): Promise<{ targetType: FollowTargetType; targetId: string; createdAt: Date }[]> {
  return db.follow.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    select: { targetType: true, targetId: true, createdAt: true },
  });
}

export interface FollowedTarget {
  targetType: FollowTargetType;
  targetId: string;
  title: string;
  /** Where it lives on the site; null for kinds without a page yet (live sessions). */
  url: string | null;
}

/** What the user follows, newest first, with titles (targets no longer public are left out). */
export async function listFollowedTargets(
  db: DbOrTx,
  userId: string,
  { limit = 200 }: { limit?: number } = {},
): Promise<FollowedTarget[]> {
  const follows = await db.follow.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: { targetType: true, targetId: true },
  });
  const idsOf = (type: FollowTargetType) =>
    follows.filter((f) => f.targetType === type).map((f) => f.targetId);
  const [consultations, submissions, sessions] = await Promise.all([
    db.consultation.findMany({
      where: { id: { in: idsOf("consultation") }, phase: { not: "draft" } },
      select: { id: true, title: true, slug: true },
    }),
    db.submission.findMany({
      where: { id: { in: idsOf("submission") }, status: "published" },
      select: { id: true, title: true },
    }),
    db.liveSession.findMany({
      where: { id: { in: idsOf("live_session") } },
      select: { id: true, title: true },
    }),
  ]);
  const found = new Map<string, { title: string; url: string | null }>();
  for (const c of consultations)
    found.set(`consultation:${c.id}`, { title: c.title, url: `/consultations/${c.slug}` });
  for (const s of submissions) found.set(`submission:${s.id}`, { title: s.title, url: submissionUrl(s.id) });
  for (const l of sessions) found.set(`live_session:${l.id}`, { title: l.title, url: null });
  return follows.flatMap((f) => {
    const target = found.get(`${f.targetType}:${f.targetId}`);
    return target ? [{ targetType: f.targetType, targetId: f.targetId, ...target }] : [];
  });
}

// ───────────────────────────── The list, read marks, preference ─────────────────────────────

export async function countUnreadNotifications(db: DbOrTx, userId: string): Promise<number> {
  return db.notification.count({ where: { userId, readAt: null } });
}

export interface NotificationItem {
  id: string;
  type: string;
  payload: NotificationPayload;
  read: boolean;
  createdAt: Date;
}

export interface NotificationPage {
  items: NotificationItem[];
  total: number;
  unread: number;
  page: number;
  pageCount: number;
}

/** One page of a user's notifications, newest first. */
export async function listNotifications(
  db: DbOrTx,
  userId: string,
  { page = 1, perPage = NOTIFICATIONS_PER_PAGE }: { page?: number; perPage?: number } = {},
): Promise<NotificationPage> {
  const [total, unread] = await Promise.all([
    db.notification.count({ where: { userId } }),
    countUnreadNotifications(db, userId),
  ]);
  const pageCount = Math.max(1, Math.ceil(total / perPage));
  const current = Math.min(Math.max(1, page), pageCount);
  const rows = await db.notification.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (current - 1) * perPage,
    take: perPage,
    select: { id: true, type: true, payload: true, readAt: true, createdAt: true },
  });
  return {
    items: rows.map((r) => ({
      id: r.id,
      type: r.type,
      payload: readPayload(r.payload),
      read: r.readAt !== null,
      createdAt: r.createdAt,
    })),
    total,
    unread,
    page: current,
    pageCount,
  };
}

/** Marks one of the user's notifications read (again is a no-op); someone else's is NotFound. */
export async function markNotificationRead(db: DbOrTx, userId: string, id: unknown): Promise<void> {
  const parsed = notificationIdSchema.safeParse(id);
  if (!parsed.success) throw new NotFound("notifications.errors.notFound");
  const row = await db.notification.findFirst({
    where: { id: parsed.data, userId },
    select: { readAt: true },
  });
  if (!row) throw new NotFound("notifications.errors.notFound");
  if (!row.readAt) await db.notification.update({ where: { id: parsed.data }, data: { readAt: new Date() } });
}

export async function markAllNotificationsRead(db: DbOrTx, userId: string): Promise<number> {
  const { count } = await db.notification.updateMany({
    where: { userId, readAt: null },
    data: { readAt: new Date() },
  });
  return count;
}

export async function getDigestPreference(db: DbOrTx, userId: string): Promise<DigestFrequency> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { digest: true } });
  if (!user) throw new NotFound();
  return user.digest;
}

export async function setDigestPreference(db: DbOrTx, userId: string, input: unknown): Promise<DigestChoice> {
  const { digest } = parseOrInvalid(digestPreferenceSchema, input);
  await db.user.update({ where: { id: userId }, data: { digest } });
  return digest;
}

// ───────────────────────────── Who hears about an event ─────────────────────────────

/**
 * A UUID (version 5 layout) derived from its parts: the same event and recipient always give the same
 * notification id, so writing a notification again is a no-op.
 */
export function deterministicId(...parts: string[]): string {
  const hash = createHash("sha1").update(parts.join("\u0000")).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type NotifyEvent =
  | { name: "submission.created"; payload: { submissionId: string } }
  | { name: "comment.created"; payload: { commentId: string } }
  | { name: "support.milestone"; payload: { submissionId: string; count: number } }
  | { name: "submission.status"; payload: { submissionId: string; status: string } };

/** The default idempotency key of an event (the worker passes its job id instead). */
export function eventKeyOf(event: NotifyEvent): string {
  switch (event.name) {
    case "submission.created":
      return `submission.created:${event.payload.submissionId}`;
    case "comment.created":
      return `comment.created:${event.payload.commentId}`;
    case "support.milestone":
      return `support.milestone:${event.payload.submissionId}:${event.payload.count}`;
    case "submission.status":
      return `submission.status:${event.payload.submissionId}:${event.payload.status}`;
  }
}

export interface CreatedNotification {
  id: string;
  userId: string;
  type: NotificationType;
}

interface Recipient {
  userId: string;
  type: NotificationType;
  payload: NotificationPayload;
}

const activeUser = { erasedAt: null } satisfies Prisma.UserWhereInput;

/** Ids of the users (not erased) who follow a target. */
async function followersOf(db: DbOrTx, targetType: FollowTargetType, targetId: string): Promise<string[]> {
  const rows = await db.follow.findMany({
    where: { targetType, targetId, user: activeUser },
    select: { userId: true },
  });
  return rows.map((r) => r.userId);
}

/**
 * Adds a recipient unless they are the actor or already hear about this event (the first, most specific
 * reason wins: one notification per person per event).
 */
function addRecipient(
  into: Map<string, Recipient>,
  actorId: string | null,
  recipient: Recipient | null,
): void {
  if (!recipient || recipient.userId === actorId || into.has(recipient.userId)) return;
  into.set(recipient.userId, recipient);
}

async function submissionCreatedRecipients(
  db: DbOrTx,
  submissionId: string,
): Promise<{ recipients: Recipient[]; autoFollow?: { userId: string; submissionId: string } }> {
  const submission = await db.submission.findUnique({
    where: { id: submissionId },
    select: {
      id: true,
      title: true,
      status: true,
      kind: true,
      authorId: true,
      author: { select: { displayName: true, erasedAt: true } },
      organisation: { select: { name: true } },
      consultation: { select: { id: true, title: true, phase: true } },
    },
  });
  if (!submission || submission.status !== "published" || submission.consultation.phase === "draft") {
    return { recipients: [] };
  }
  const actorName = submission.author.erasedAt
    ? null
    : (submission.organisation?.name ?? submission.author.displayName);
  const payload: NotificationPayload = {
    url: submissionUrl(submission.id),
    title: submission.title,
    actorName,
    consultationTitle: submission.consultation.title,
    submissionId: submission.id,
    consultationId: submission.consultation.id,
  };
  const map = new Map<string, Recipient>();
  for (const userId of await followersOf(db, "consultation", submission.consultation.id)) {
    addRecipient(map, submission.authorId, { userId, type: "followed_consultation_submission", payload });
  }
  return {
    recipients: [...map.values()],
    autoFollow: submission.author.erasedAt
      ? undefined
      : { userId: submission.authorId, submissionId: submission.id },
  };
}

async function commentCreatedRecipients(db: DbOrTx, commentId: string): Promise<Recipient[]> {
  const comment = await db.comment.findUnique({
    where: { id: commentId },
    select: {
      id: true,
      status: true,
      alignment: true,
      authorId: true,
      author: { select: { displayName: true, erasedAt: true } },
      parent: { select: { authorId: true, status: true, author: { select: { erasedAt: true } } } },
      submission: {
        select: {
          id: true,
          title: true,
          status: true,
          authorId: true,
          author: { select: { erasedAt: true } },
          consultation: { select: { id: true } },
        },
      },
      article: {
        select: {
          number: true,
          title: true,
          consultation: { select: { id: true, slug: true, phase: true } },
        },
      },
    },
  });
  if (!comment || comment.status !== "published") return [];
  const { submission, article } = comment;
  // Nothing is announced about comments on things the public cannot see.
  if (submission && submission.status !== "published") return [];
  if (article && article.consultation.phase === "draft") return [];
  if (!submission && !article) return [];

  const base: NotificationPayload = submission
    ? {
        url: `${submissionUrl(submission.id)}#comment-${comment.id}`,
        title: submission.title,
        submissionId: submission.id,
        consultationId: submission.consultation.id,
      }
    : {
        url: `/consultations/${article!.consultation.slug}/articles/${article!.number}#comment-${comment.id}`,
        title: article!.title,
        articleNumber: article!.number,
        consultationId: article!.consultation.id,
      };
  const payload: NotificationPayload = {
    ...base,
    commentId: comment.id,
    actorName: comment.author.erasedAt ? null : comment.author.displayName,
    alignment: comment.alignment,
  };

  const actorId = comment.authorId;
  const map = new Map<string, Recipient>();
  if (comment.parent && !comment.parent.author.erasedAt) {
    addRecipient(map, actorId, { userId: comment.parent.authorId, type: "reply", payload });
  }
  if (submission) {
    if (!comment.parent && !submission.author.erasedAt) {
      addRecipient(map, actorId, { userId: submission.authorId, type: "comment_on_yours", payload });
    }
    for (const userId of await followersOf(db, "submission", submission.id)) {
      addRecipient(map, actorId, { userId, type: "followed_submission_comment", payload });
    }
  }
  return [...map.values()];
}

async function authorRecipient(
  db: DbOrTx,
  submissionId: string,
  type: "support_milestone" | "status_changed",
  extra: Partial<NotificationPayload>,
): Promise<Recipient[]> {
  const submission = await db.submission.findUnique({
    where: { id: submissionId },
    select: {
      id: true,
      title: true,
      authorId: true,
      author: { select: { erasedAt: true } },
      consultation: { select: { id: true } },
    },
  });
  if (!submission || submission.author.erasedAt) return [];
  return [
    {
      userId: submission.authorId,
      type,
      payload: {
        url: submissionUrl(submission.id),
        title: submission.title,
        submissionId: submission.id,
        consultationId: submission.consultation.id,
        ...extra,
      },
    },
  ];
}

/** Writes notification rows in batches, skipping ids that exist; returns the rows actually written. */
async function insertNotifications(
  tx: DbOrTx,
  eventKey: string,
  recipients: Recipient[],
): Promise<CreatedNotification[]> {
  const created: CreatedNotification[] = [];
  const now = new Date();
  for (let i = 0; i < recipients.length; i += 1_000) {
    const rows = await tx.notification.createManyAndReturn({
      data: recipients.slice(i, i + 1_000).map((r) => ({
        id: deterministicId(eventKey, r.userId),
        userId: r.userId,
        type: r.type,
        payload: r.payload as Prisma.InputJsonValue,
        createdAt: now,
      })),
      skipDuplicates: true,
      select: { id: true, userId: true, type: true },
    });
    created.push(...rows.map((r) => ({ ...r, type: r.type as NotificationType })));
  }
  return created;
}

/**
 * Works out who hears about `event`, writes their notifications (and, for a new submission, makes its author
 * follow it) in one transaction. Returns only rows written now: an event handled before returns [].
 */
export async function notifyForEvent(
  db: Db,
  event: NotifyEvent,
  eventKey: string = eventKeyOf(event),
): Promise<CreatedNotification[]> {
  let recipients: Recipient[];
  let autoFollow: { userId: string; submissionId: string } | undefined;
  switch (event.name) {
    case "submission.created":
      ({ recipients, autoFollow } = await submissionCreatedRecipients(db, event.payload.submissionId));
      break;
    case "comment.created":
      recipients = await commentCreatedRecipients(db, event.payload.commentId);
      break;
    case "support.milestone":
      recipients = await authorRecipient(db, event.payload.submissionId, "support_milestone", {
        count: event.payload.count,
      });
      break;
    case "submission.status":
      recipients = await authorRecipient(db, event.payload.submissionId, "status_changed", {
        status: event.payload.status,
      });
      break;
  }
  if (recipients.length === 0 && !autoFollow) return [];
  return db.$transaction(async (tx) => {
    if (autoFollow) {
      await tx.follow.createMany({
        data: [
          {
            id: newId(),
            userId: autoFollow.userId,
            targetType: "submission",
            targetId: autoFollow.submissionId,
          },
        ],
        skipDuplicates: true,
      });
    }
    return insertNotifications(tx, eventKey, recipients);
  });
}

/** Unread counts of the given users (for the live `notification:new` payload). */
export async function unreadCounts(db: DbOrTx, userIds: string[]): Promise<Map<string, number>> {
  const unique = [...new Set(userIds)];
  const counts = new Map<string, number>(unique.map((id) => [id, 0]));
  if (unique.length === 0) return counts;
  const rows = await db.notification.groupBy({
    by: ["userId"],
    where: { userId: { in: unique }, readAt: null },
    _count: { _all: true },
  });
  for (const row of rows) counts.set(row.userId, row._count._all);
  return counts;
}

/**
 * After the commit: each recipient's room gets `notification:new` with their unread count (the bell and the
 * notifications page update live).
 */
export async function announceNotifications(
  db: DbOrTx,
  created: readonly { id: string; userId: string; type: string }[],
  publish: typeof publishToRoom,
): Promise<void> {
  const unread = await unreadCounts(
    db,
    created.map((n) => n.userId),
  );
  for (const n of created) {
    publish(rooms.user(n.userId), "notification:new", {
      id: n.id,
      type: n.type,
      unread: unread.get(n.userId) ?? 0,
    });
  }
}

// ───────────────────────────── E-mail digest ─────────────────────────────

/** The digest frequencies that send mail, with how far back a run looks (a missed run is caught up). */
export const DIGEST_SCHEDULES = {
  daily: { lookbackDays: 2 },
} as const satisfies Record<Exclude<DigestFrequency, "none">, { lookbackDays: number }>;
export type DigestSchedule = keyof typeof DIGEST_SCHEDULES;

/** At most this many items are listed in one e-mail; the rest are counted ("and N more"). */
export const DIGEST_MAX_ITEMS = 30;

/** The calendar day in Athens (yyyy-mm-dd): one digest per user per day. */
export function athensDay(date: Date): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/Athens",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(date);
}

export interface DigestResult {
  /** Users with something to send. */
  users: number;
  /** E-mails written to the outbox in this run. */
  mails: number;
  /** Notifications marked as e-mailed in this run. */
  items: number;
}

/**
 * For every user whose preference is `frequency`: their unread notifications not yet e-mailed (from the last
 * `lookbackDays`) become one `digest` e-mail (an outbox event keyed `mail:digest-<userId>-<day>`), and are
 * marked e-mailed in the same transaction. A second run on the same day sends nothing again: its key exists,
 * so the items it found wait for the next day.
 */
export async function sendDigests(
  db: Db,
  { now = new Date(), frequency, appUrl }: { now?: Date; frequency: DigestSchedule; appUrl?: string },
): Promise<DigestResult> {
  const baseUrl = (appUrl ?? getEnv().APP_URL).replace(/\/+$/, "");
  const since = new Date(now.getTime() - DIGEST_SCHEDULES[frequency].lookbackDays * 24 * 3600 * 1000);
  const due = {
    emailedAt: null,
    readAt: null,
    createdAt: { gte: since, lte: now },
  } satisfies Prisma.NotificationWhereInput;
  const day = athensDay(now);
  const result: DigestResult = { users: 0, mails: 0, items: 0 };

  let cursor = "";
  for (;;) {
    const users = await db.user.findMany({
      where: {
        id: { gt: cursor },
        digest: frequency,
        erasedAt: null,
        emailVerifiedAt: { not: null },
        notifications: { some: due },
      },
      orderBy: { id: "asc" },
      take: 200,
      select: { id: true, email: true, displayName: true, locale: true },
    });
    if (users.length === 0) break;
    cursor = users[users.length - 1].id;
    for (const user of users) {
      result.users += 1;
      const sent = await db.$transaction(async (tx) => {
        const rows = await tx.notification.findMany({
          where: { userId: user.id, ...due },
          orderBy: [{ createdAt: "asc" }, { id: "asc" }],
          select: { id: true, type: true, payload: true },
        });
        if (rows.length === 0) return 0;
        const locale: Locale = isLocale(user.locale) ? user.locale : "el";
        const t = createT(locale);
        const notificationsUrl = `${baseUrl}/notifications`;
        const listed = rows.slice(0, DIGEST_MAX_ITEMS).map((row) => {
          const payload = readPayload(row.payload);
          const sentence = notificationText(t, row.type, payload);
          const text =
            payload.alignment && payload.alignment !== "neutral"
              ? `${sentence} (${t(`notifications.alignment.${payload.alignment}`)})`
              : sentence;
          return { text, url: `${baseUrl}${payload.url}` };
        });
        if (rows.length > listed.length) {
          listed.push({
            text: t("notifications.digest.more", { count: rows.length - listed.length }),
            url: notificationsUrl,
          });
        }
        const written = await addOutboxEvent(tx, {
          key: `mail:digest-${user.id}-${day}`,
          queue: "mail",
          name: "send",
          payload: {
            to: user.email,
            locale,
            template: "digest",
            params: {
              displayName: user.displayName,
              count: formatNumber(locale, rows.length),
              items: listed,
              url: notificationsUrl,
            },
          },
        });
        if (!written) return 0;
        await tx.notification.updateMany({
          where: { id: { in: rows.map((r) => r.id) }, emailedAt: null },
          data: { emailedAt: now },
        });
        return rows.length;
      });
      if (sent > 0) {
        result.mails += 1;
        result.items += sent;
      }
    }
    if (users.length < 200) break;
  }
  return result;
}
