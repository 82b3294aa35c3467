/**
 * Moderation: flags (with automatic hiding at a threshold), moderator actions with a reason code and a message
 * to the author, appeals decided by a second moderator, the append-only log, transparency counts and queue
 * claims. Every write happens in one transaction with its log row, the author's notification and the e-mail
 * (outbox); counters on consultations, submissions and articles stay exact.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { fieldErrorsOf } from "~/domain/accounts/accounts.schema.ts";
import type { Actor } from "~/domain/accounts/policy.ts";
import { announceNotifications } from "~/domain/notifications/notifications.server.ts";
import { addOutboxEvent } from "~/domain/outbox/outbox.server.ts";
import {
  schedulePriorityAfterStatusChange,
  schedulePriorityRecompute,
} from "~/domain/priority/priority.server.ts";
import { Prisma } from "~/generated/prisma/client.ts";
import type { ModerationActionType, ModerationTarget } from "~/generated/prisma/enums.ts";
import { createT, formatDateTime, isLocale, type Locale, type TFunction } from "~/i18n/i18n.ts";
import type { Db, DbOrTx, Tx } from "~/utils/db.server.ts";
import { getEnv } from "~/utils/env.server.ts";
import { Forbidden, Invalid, NotFound, RateLimited } from "~/utils/errors.server.ts";
import { newId } from "~/utils/ids.ts";
import { hitRateLimit } from "~/utils/rate-limit.server.ts";
import { getRedis, redisKey } from "~/utils/redis.server.ts";
import { publish } from "~/realtime/publish.server.ts";
import { canModerate, type ModerationThing, type ModerationVerb } from "./moderation.policy.ts";
import { getModerationSettings } from "./settings.server.ts";
import {
  FLAG_REASONS,
  REASON_CODES,
  LOG_PAGE_SIZE,
  appealSchema,
  blockSchema,
  claimSchema,
  contentActionSchema,
  decideAppealSchema,
  dismissFlagsSchema,
  editTitleSchema,
  flagInputSchema,
  logQuerySchema,
  mergeSchema,
  moveSchema,
  submissionActionSchema,
  unblockSchema,
  type AppealInput,
  type BlockInput,
  type ClaimInput,
  type ContentActionInput,
  type ContentTarget,
  type DecideAppealInput,
  type DismissFlagsInput,
  type EditTitleInput,
  type FlagInput,
  type LogQuery,
  type MergeInput,
  type MoveInput,
  type SubmissionActionInput,
  type UnblockInput,
} from "./moderation.schema.ts";

/** The notification type of every moderation message (the list renders it from the payload). */
export const MODERATION_NOTIFICATION_TYPE = "moderation_action";

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors = fieldErrorsOf(result.error);
  throw new Invalid(fieldErrors, Object.values(fieldErrors)[0] ?? "errors.invalid");
}

function allow(
  actor: Actor,
  verb: ModerationVerb,
  thing?: ModerationThing,
  key = "moderation.errors.forbidden",
) {
  if (!canModerate(actor, verb, thing)) throw new Forbidden(key);
}

/** Notifications written in a transaction, announced live once it commits. */
const toldIn = new WeakMap<object, { userId: string; id: string }[]>();

/**
 * A transaction whose moderation notices reach their readers live: after the commit, each told user's
 * room gets `notification:new` with their unread count (the bell and the notifications page update).
 */
async function transact<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const told: { userId: string; id: string }[] = [];
  const result = await db.$transaction(async (tx) => {
    toldIn.set(tx, told);
    return fn(tx);
  });
  if (told.length > 0) {
    try {
      await announceNotifications(
        db,
        told.map((n) => ({ ...n, type: MODERATION_NOTIFICATION_TYPE })),
        publish,
      );
    } catch (error) {
      // Committed already: a reader who misses the live event sees the notice on their next page load.
      console.warn(`moderation: could not announce notices: ${(error as Error).message}`);
    }
  }
  return result;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

// ───────────────────────────── Settings ─────────────────────────────

export { getModerationSettings, type ModerationSettings } from "./settings.server.ts";

/**
 * Per-participant flag limit, kept in Redis. When Redis is unreachable the flag goes through: a report of
 * abuse is worth more than a strict limit.
 */
async function limitFlags(userId: string, perHour: number): Promise<void> {
  let result;
  try {
    result = await hitRateLimit(getRedis(), redisKey("rl", "flag", userId), perHour, 3600);
  } catch {
    return;
  }
  if (!result.allowed) throw new RateLimited(result.retryAfterSeconds);
}

// ───────────────────────────── Targets ─────────────────────────────

interface SubmissionRow {
  id: string;
  title: string;
  status: string;
  authorId: string;
  consultationId: string;
  lockedAt: Date | null;
  hiddenAt: Date | null;
  mergedIntoId: string | null;
  originalTitle: string | null;
  consultationPhase: string;
}

/** Reads (and, in a transaction, locks) a submission: simultaneous moderators act one after the other. */
async function lockSubmission(tx: Tx, id: string): Promise<SubmissionRow> {
  const rows = await tx.$queryRaw<SubmissionRow[]>`
    SELECT s.id, s.title, s.status::text AS status, s."authorId", s."consultationId", s."lockedAt", s."hiddenAt",
           s."mergedIntoId", s."originalTitle", c.phase::text AS "consultationPhase"
    FROM "Submission" s JOIN "Consultation" c ON c.id = s."consultationId"
    WHERE s.id = ${id}
    FOR UPDATE OF s`;
  const row = rows[0];
  if (!row) throw new NotFound("moderation.errors.notFound");
  return row;
}

interface CommentRow {
  id: string;
  status: string;
  authorId: string;
  submissionId: string | null;
  articleId: string | null;
  deletedAt: Date | null;
  /** The title of what the comment is on (for messages). */
  title: string;
  consultationId: string;
  slug: string;
  articleNumber: number | null;
  parentVisible: boolean;
}

async function lockComment(tx: Tx, id: string): Promise<CommentRow> {
  const rows = await tx.$queryRaw<CommentRow[]>`
    SELECT c.id, c.status::text AS status, c."authorId", c."submissionId", c."articleId", c."deletedAt",
           coalesce(s.title, a.title) AS title, k.id AS "consultationId", k.slug, a.number AS "articleNumber",
           (k.phase <> 'draft' AND (s.id IS NULL OR s.status = 'published')) AS "parentVisible"
    FROM "Comment" c
    LEFT JOIN "Submission" s ON s.id = c."submissionId"
    LEFT JOIN "ConsultationArticle" a ON a.id = c."articleId"
    JOIN "Consultation" k ON k.id = coalesce(s."consultationId", a."consultationId")
    WHERE c.id = ${id}
    FOR UPDATE OF c`;
  const row = rows[0];
  if (!row) throw new NotFound("moderation.errors.notFound");
  return row;
}

function submissionUrl(id: string): string {
  return `/submissions/${id}`;
}

function commentUrl(c: CommentRow): string {
  return c.submissionId
    ? `${submissionUrl(c.submissionId)}#comment-${c.id}`
    : `/consultations/${c.slug}/articles/${c.articleNumber}#comment-${c.id}`;
}

// ───────────────────────────── Counters ─────────────────────────────

async function bumpSubmissionCount(tx: Tx, consultationId: string, by: number): Promise<void> {
  if (by === 0) return;
  await tx.consultation.update({
    where: { id: consultationId },
    data: { submissionCount: { increment: by } },
  });
}

async function bumpCommentCount(
  tx: Tx,
  c: { submissionId: string | null; articleId: string | null },
  by: number,
): Promise<void> {
  if (by === 0) return;
  const data = { commentCount: { increment: by } };
  if (c.submissionId) await tx.submission.update({ where: { id: c.submissionId }, data });
  else if (c.articleId) await tx.consultationArticle.update({ where: { id: c.articleId }, data });
}

/**
 * Whether a row function schedules the priority recompute its change calls for. The bulk operations
 * (a block's content) pass false and schedule once for everything they changed.
 */
type Rescore = { rescore?: boolean };

/**
 * Hides a published submission (counts follow, priority recomputed: it leaves the rankings); returns
 * whether it changed.
 */
async function hideSubmissionRow(
  tx: Tx,
  s: { id: string; consultationId: string },
  { rescore = true }: Rescore = {},
): Promise<boolean> {
  const { count } = await tx.submission.updateMany({
    where: { id: s.id, status: "published" },
    data: { status: "hidden", hiddenAt: new Date() },
  });
  if (count === 1) {
    await bumpSubmissionCount(tx, s.consultationId, -1);
    if (rescore) await schedulePriorityAfterStatusChange(tx, [s.id]);
  }
  return count === 1;
}

async function restoreSubmissionRow(
  tx: Tx,
  s: { id: string; consultationId: string },
  { rescore = true }: Rescore = {},
): Promise<boolean> {
  const { count } = await tx.submission.updateMany({
    where: { id: s.id, status: "hidden" },
    data: { status: "published", hiddenAt: null },
  });
  if (count === 1) {
    await bumpSubmissionCount(tx, s.consultationId, 1);
    if (rescore) await schedulePriorityAfterStatusChange(tx, [s.id]);
  }
  return count === 1;
}

/** A published comment on a submission counts in its score (stance, breadth): recompute those. */
async function commentsChanged(tx: Tx, comments: { submissionId: string | null }[]): Promise<void> {
  const submissionIds = new Set(comments.flatMap((c) => (c.submissionId ? [c.submissionId] : [])));
  for (const submissionId of submissionIds) await schedulePriorityRecompute(tx, { submissionId });
}

async function hideCommentRow(
  tx: Tx,
  c: { id: string; submissionId: string | null; articleId: string | null },
  { rescore = true }: Rescore = {},
): Promise<boolean> {
  const { count } = await tx.comment.updateMany({
    where: { id: c.id, status: "published", deletedAt: null },
    data: { status: "hidden", hiddenAt: new Date() },
  });
  if (count === 1) {
    await bumpCommentCount(tx, c, -1);
    if (rescore) await commentsChanged(tx, [c]);
  }
  return count === 1;
}

async function restoreCommentRow(
  tx: Tx,
  c: { id: string; submissionId: string | null; articleId: string | null },
  { rescore = true }: Rescore = {},
): Promise<boolean> {
  const { count } = await tx.comment.updateMany({
    where: { id: c.id, status: "hidden", deletedAt: null },
    data: { status: "published", hiddenAt: null },
  });
  if (count === 1) {
    await bumpCommentCount(tx, c, 1);
    if (rescore) await commentsChanged(tx, [c]);
  }
  return count === 1;
}

/**
 * Hides or restores many submissions and comments with `row` functions, then schedules the priority
 * recomputes once for all that changed (one query for the submissions' dependents, not one per row).
 */
async function changeMany<S extends { id: string }, C extends { submissionId: string | null }>(
  tx: Tx,
  submissions: S[],
  comments: C[],
  submissionRow: (tx: Tx, s: S, opts: Rescore) => Promise<boolean>,
  commentRow: (tx: Tx, c: C, opts: Rescore) => Promise<boolean>,
): Promise<void> {
  const changedSubmissions: string[] = [];
  for (const s of submissions)
    if (await submissionRow(tx, s, { rescore: false })) changedSubmissions.push(s.id);
  const changedComments: C[] = [];
  for (const c of comments) if (await commentRow(tx, c, { rescore: false })) changedComments.push(c);
  await schedulePriorityAfterStatusChange(tx, changedSubmissions);
  await commentsChanged(tx, changedComments);
}

// ───────────────────────────── Log and messages ─────────────────────────────

interface LogEntry {
  moderatorId: string;
  action: ModerationActionType;
  targetType: ModerationTarget;
  targetId: string;
  reasonCode: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Appends to the moderation log (the table refuses updates and deletes); releases claims on the item. */
async function record(tx: Tx, entry: LogEntry): Promise<string> {
  const id = newId();
  await tx.moderationAction.create({
    data: { id, ...entry, details: (entry.details ?? {}) as Prisma.InputJsonValue },
  });
  await tx.moderationClaim.deleteMany({ where: { targetType: entry.targetType, targetId: entry.targetId } });
  return id;
}

interface Message {
  userId: string;
  /** Unique per message (the action id, or the action id and a role for two-author actions). */
  key: string;
  /** Translation key under moderation.notice and its parameters. */
  summaryKey: string;
  summaryParams?: Record<string, string>;
  reasonCode: string;
  message: string;
  url: string;
  /** The e-mail's link when it differs from the in-app one (a blocked user's signed appeal link). */
  mailUrl?: string;
  title: string;
  action: string;
  actionId?: string;
}

/**
 * Tells a user what was decided and why: an in-app notification and an e-mail through the outbox, both in
 * the caller's transaction. The notification is marked e-mailed so the digest does not repeat it. Erased
 * accounts are told nothing.
 */
async function tell(tx: Tx, m: Message): Promise<void> {
  const user = await tx.user.findUnique({
    where: { id: m.userId },
    select: { email: true, displayName: true, locale: true, erasedAt: true },
  });
  if (!user || user.erasedAt) return;
  const now = new Date();
  const payload = {
    url: m.url,
    title: m.title,
    status: m.action,
    reasonCode: m.reasonCode,
    message: m.message,
    summaryKey: m.summaryKey,
    summaryParams: m.summaryParams ?? {},
    ...(m.actionId ? { actionId: m.actionId } : {}),
  };
  const notificationId = newId();
  await tx.notification.create({
    data: {
      id: notificationId,
      userId: m.userId,
      type: MODERATION_NOTIFICATION_TYPE,
      payload,
      createdAt: now,
      emailedAt: now,
    },
  });
  toldIn.get(tx)?.push({ userId: m.userId, id: notificationId });
  const locale: Locale = isLocale(user.locale) ? user.locale : "el";
  const t = createT(locale);
  const text = moderationNoticeText(t, locale, payload);
  if (!text) throw new Error(`Malformed moderation notice ${m.summaryKey}`);
  await addOutboxEvent(tx, {
    key: `mail:moderation-${m.key}`,
    queue: "mail",
    name: "send",
    payload: {
      to: user.email,
      locale,
      template: "moderation_notice",
      params: {
        displayName: user.displayName,
        summary: text.summary,
        reason: text.reason,
        message: text.message || t("moderation.notice.noMessage"),
        url: `${getEnv().APP_URL.replace(/\/+$/, "")}${m.mailUrl ?? m.url}`,
      },
    },
  });
}

/** Logs a decision and tells the person it concerns, with the decision's rule and message. */
async function recordAndTell(
  tx: Tx,
  entry: LogEntry,
  notice: Pick<Message, "userId" | "summaryKey" | "summaryParams" | "url" | "title">,
): Promise<string> {
  const actionId = await record(tx, entry);
  await tell(tx, {
    ...notice,
    key: actionId,
    reasonCode: entry.reasonCode,
    message: entry.message,
    action: entry.action,
    actionId,
  });
  return actionId;
}

/**
 * recordAndTell for a decision on one submission: logged against it, and its author told with a link to it
 * (summary key = the action). `extra` carries the log details, summary parameters or a changed title.
 */
function recordAndTellAuthor(
  tx: Tx,
  moderatorId: string,
  action: ModerationActionType,
  s: { id: string; authorId: string; title: string },
  data: { reasonCode: string; message: string },
  extra: { details?: Record<string, unknown>; summaryParams?: Record<string, string>; title?: string } = {},
): Promise<string> {
  return recordAndTell(
    tx,
    {
      moderatorId,
      action,
      targetType: "submission",
      targetId: s.id,
      reasonCode: data.reasonCode,
      message: data.message,
      ...(extra.details ? { details: extra.details } : {}),
    },
    {
      userId: s.authorId,
      summaryKey: action,
      ...(extra.summaryParams ? { summaryParams: extra.summaryParams } : {}),
      url: submissionUrl(s.id),
      title: extra.title ?? s.title,
    },
  );
}

const noticePayloadSchema = z.object({
  title: z.string(),
  summaryKey: z.string().regex(/^[a-z_]+$/),
  summaryParams: z.record(z.string(), z.string()).default({}),
  reasonCode: z.enum(REASON_CODES).or(z.enum(FLAG_REASONS)),
  message: z.string().default(""),
  actionId: z.string().optional(),
});

export interface ModerationNoticeText {
  /** What was decided, e.g. "Your submission “…” was hidden by the moderators." */
  summary: string;
  /** The rule applied, localised. */
  reason: string;
  /** The moderator's own words ("" when none). */
  message: string;
  /** The decision the user may appeal (absent for automatic hides and appeal outcomes' own rows). */
  actionId?: string;
}

/**
 * The localised text of a moderation notification (type MODERATION_NOTIFICATION_TYPE) from its stored
 * payload, for the notifications list; null for a malformed payload. Dates are shown in the reader's locale.
 */
export function moderationNoticeText(
  t: TFunction,
  locale: Locale,
  payload: unknown,
): ModerationNoticeText | null {
  const parsed = noticePayloadSchema.safeParse(payload);
  if (!parsed.success) return null;
  const p = parsed.data;
  const params: Record<string, string> = { ...p.summaryParams, title: p.title };
  if (params.until) params.until = formatDateTime(locale, params.until);
  return {
    summary: t(`moderation.notice.${p.summaryKey}`, params),
    reason: t(`moderation.reasons.${p.reasonCode}`),
    message: p.message,
    ...(p.actionId ? { actionId: p.actionId } : {}),
  };
}

/** Announces a submission's new status to the notify worker (followers, live pages). */
async function announceStatus(tx: Tx, submissionId: string, status: string, actionId: string): Promise<void> {
  await addOutboxEvent(tx, {
    key: `notify:submission-status:${submissionId}:${actionId}`,
    queue: "notify",
    name: "submission.status",
    payload: { submissionId, status },
  });
}

// ───────────────────────────── Flags ─────────────────────────────

export interface FlagResult {
  flagId: string;
  /** Distinct open flags on the item now. */
  openFlags: number;
  /** Whether this flag hid the item (the threshold was reached). */
  autoHidden: boolean;
}

/**
 * A participant flags a submission, comment or user (once per item). When the distinct open flags reach the
 * threshold, a published submission or comment is hidden pending review. The automatic hide writes no log
 * row: the log records what a person decided, and no moderator decided this; the open flags keep the item in
 * the queue, where a moderator confirms (hide, flags upheld, appealable) or restores it (flags dismissed).
 * The author is told in-app that it waits for review.
 */
export async function flagContent(db: Db, actor: Actor, input: FlagInput): Promise<FlagResult> {
  if (!actor) throw new Forbidden("moderation.errors.signInToFlag");
  const data = parse(flagInputSchema, input);
  const { autoHideFlags, flagsPerHour } = await getModerationSettings(db);
  await limitFlags(actor.id, flagsPerHour);
  try {
    return await transact(db, async (tx) => {
      let author: string;
      let hide: (() => Promise<boolean>) | null = null;
      let notice: Omit<Message, "userId" | "key"> | null = null;
      if (data.targetType === "submission") {
        const s = await lockSubmission(tx, data.targetId);
        if (s.status !== "published" || s.consultationPhase === "draft")
          throw new NotFound("moderation.errors.notFound");
        author = s.authorId;
        hide = () => hideSubmissionRow(tx, s);
        notice = {
          summaryKey: "auto_hidden_submission",
          reasonCode: data.reason,
          message: "",
          url: submissionUrl(s.id),
          title: s.title,
          action: "auto_hidden",
        };
      } else if (data.targetType === "comment") {
        const c = await lockComment(tx, data.targetId);
        if (c.status !== "published" || c.deletedAt || !c.parentVisible)
          throw new NotFound("moderation.errors.notFound");
        author = c.authorId;
        hide = () => hideCommentRow(tx, c);
        notice = {
          summaryKey: "auto_hidden_comment",
          reasonCode: data.reason,
          message: "",
          url: commentUrl(c),
          title: c.title,
          action: "auto_hidden",
        };
      } else {
        const u = await tx.user.findUnique({ where: { id: data.targetId }, select: { erasedAt: true } });
        if (!u || u.erasedAt) throw new NotFound("moderation.errors.userNotFound");
        author = data.targetId;
      }
      allow(actor, "flag", { authorIds: [author] }, "moderation.errors.cannotFlag");
      const flagId = newId();
      await tx.flag.create({
        data: {
          id: flagId,
          targetType: data.targetType,
          targetId: data.targetId,
          reporterId: actor.id,
          reason: data.reason,
          text: data.text ?? null,
        },
      });
      // One row per reporter (unique constraint), so this counts distinct people.
      const openFlags = await tx.flag.count({
        where: { targetType: data.targetType, targetId: data.targetId, status: "open" },
      });
      let autoHidden = false;
      if (hide && openFlags >= autoHideFlags) {
        autoHidden = await hide();
        if (autoHidden && notice) await tell(tx, { ...notice, userId: author, key: `auto-hide-${flagId}` });
      }
      return { flagId, openFlags, autoHidden };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new Invalid({}, "moderation.errors.alreadyFlagged");
    throw error;
  }
}

// ───────────────────────────── Hide / restore ─────────────────────────────

async function resolveFlags(
  tx: Tx,
  targetType: ModerationTarget,
  targetId: string,
  status: "dismissed" | "upheld",
): Promise<number> {
  const { count } = await tx.flag.updateMany({
    where: { targetType, targetId, status: "open" },
    data: { status, resolvedAt: new Date() },
  });
  return count;
}

/**
 * Hides a published submission or comment; on an item hidden automatically (open flags), confirms the hide.
 * Open flags are upheld. The author is told and may appeal.
 */
export async function hideContent(
  db: Db,
  moderator: Actor,
  input: ContentActionInput,
): Promise<{ actionId: string }> {
  allow(moderator, "hide");
  const data = parse(contentActionSchema, input);
  return transact(db, async (tx) => {
    const { target, hidden, url, title } = await loadContent(tx, data.targetType, data.targetId);
    allow(moderator, "hide", { authorIds: [target.authorId] }, "moderation.errors.ownContent");
    let changed = false;
    if (target.status === "published") {
      changed =
        data.targetType === "submission"
          ? await hideSubmissionRow(tx, target as SubmissionRow)
          : await hideCommentRow(tx, target as CommentRow);
    } else if (!(hidden && (await hasOpenFlags(tx, data.targetType, data.targetId)))) {
      throw new Invalid({}, "moderation.errors.notHideable");
    }
    const flags = await resolveFlags(tx, data.targetType, data.targetId, "upheld");
    const actionId = await recordAndTell(
      tx,
      {
        moderatorId: moderator!.id,
        action: "hide",
        targetType: data.targetType,
        targetId: data.targetId,
        reasonCode: data.reasonCode,
        message: data.message,
        details: { confirmedAutoHide: !changed, flagsUpheld: flags },
      },
      {
        userId: target.authorId,
        summaryKey: `hide_${data.targetType}`,
        url,
        title,
      },
    );
    if (data.targetType === "submission") await announceStatus(tx, data.targetId, "hidden", actionId);
    return { actionId };
  });
}

async function hasOpenFlags(tx: Tx, targetType: ModerationTarget, targetId: string): Promise<boolean> {
  return (await tx.flag.count({ where: { targetType, targetId, status: "open" } })) > 0;
}

async function loadContent(tx: Tx, targetType: ContentTarget, targetId: string) {
  if (targetType === "submission") {
    const s = await lockSubmission(tx, targetId);
    return { target: s, hidden: s.status === "hidden", url: submissionUrl(s.id), title: s.title };
  }
  const c = await lockComment(tx, targetId);
  return { target: c, hidden: c.status === "hidden", url: commentUrl(c), title: c.title };
}

/** Brings back a hidden submission or comment (counts follow); open flags on it are dismissed. */
export async function restoreContent(
  db: Db,
  moderator: Actor,
  input: ContentActionInput,
): Promise<{ actionId: string }> {
  allow(moderator, "restore");
  const data = parse(contentActionSchema, input);
  return transact(db, async (tx) => {
    const { target, hidden, url, title } = await loadContent(tx, data.targetType, data.targetId);
    allow(moderator, "restore", { authorIds: [target.authorId] }, "moderation.errors.ownContent");
    if (!hidden) throw new Invalid({}, "moderation.errors.notHidden");
    if (data.targetType === "submission") await restoreSubmissionRow(tx, target as SubmissionRow);
    else await restoreCommentRow(tx, target as CommentRow);
    const flags = await resolveFlags(tx, data.targetType, data.targetId, "dismissed");
    const actionId = await recordAndTell(
      tx,
      {
        moderatorId: moderator!.id,
        action: "restore",
        targetType: data.targetType,
        targetId: data.targetId,
        reasonCode: data.reasonCode,
        message: data.message,
        details: { flagsDismissed: flags },
      },
      {
        userId: target.authorId,
        summaryKey: `restore_${data.targetType}`,
        url,
        title,
      },
    );
    if (data.targetType === "submission") await announceStatus(tx, data.targetId, "published", actionId);
    return { actionId };
  });
}

// ───────────────────────────── Lock / unlock ─────────────────────────────

/**
 * Closes (or reopens) a submission's comment thread. Article threads are not covered here: the log's
 * target type has no "article" value yet.
 */
async function setLock(db: Db, moderator: Actor, input: SubmissionActionInput, lock: boolean) {
  const verb = lock ? "lock" : "unlock";
  allow(moderator, verb);
  const data = parse(submissionActionSchema, input);
  return transact(db, async (tx) => {
    const s = await lockSubmission(tx, data.submissionId);
    allow(moderator, verb, { authorIds: [s.authorId] }, "moderation.errors.ownContent");
    if (lock === !!s.lockedAt)
      throw new Invalid({}, lock ? "moderation.errors.alreadyLocked" : "moderation.errors.notLocked");
    if (s.status === "merged") throw new Invalid({}, "moderation.errors.alreadyMerged");
    await tx.submission.update({ where: { id: s.id }, data: { lockedAt: lock ? new Date() : null } });
    const actionId = await recordAndTellAuthor(tx, moderator!.id, verb, s, data);
    return { actionId };
  });
}

export function lockThread(db: Db, moderator: Actor, input: SubmissionActionInput) {
  return setLock(db, moderator, input, true);
}

export function unlockThread(db: Db, moderator: Actor, input: SubmissionActionInput) {
  return setLock(db, moderator, input, false);
}

// ───────────────────────────── Merge ─────────────────────────────

export interface MergeResult {
  actionId: string;
  /** Supports and follows the target gained (people who had both are counted once). */
  supportsAdded: number;
  followsAdded: number;
  supportCount: number;
}

/**
 * Merges a duplicate (source) into another published submission of the same consultation: the source's
 * supporters and followers carry over (someone who already supported or followed the target is not counted
 * twice, and the target's author does not come to support their own proposal), the target's count is
 * recomputed from its Support rows, the source becomes "merged" and redirects to the target, and both
 * authors are told.
 */
export async function mergeSubmissions(db: Db, moderator: Actor, input: MergeInput): Promise<MergeResult> {
  allow(moderator, "merge");
  const data = parse(mergeSchema, input);
  if (data.sourceId === data.targetId) throw new Invalid({ targetId: "moderation.errors.mergeIntoItself" });
  return transact(db, async (tx) => {
    // Lock both rows in a fixed order, so two merges of the same pair cannot deadlock.
    const [first, second] = [data.sourceId, data.targetId].sort();
    const locked = new Map([
      [first, await lockSubmission(tx, first)],
      [second, await lockSubmission(tx, second)],
    ]);
    const source = locked.get(data.sourceId)!;
    const target = locked.get(data.targetId)!;
    allow(
      moderator,
      "merge",
      { authorIds: [source.authorId, target.authorId] },
      "moderation.errors.ownContent",
    );
    if (source.consultationId !== target.consultationId)
      throw new Invalid(
        { targetId: "moderation.errors.mergeOtherConsultation" },
        "moderation.errors.mergeOtherConsultation",
      );
    if (source.status !== "published" || target.status !== "published")
      throw new Invalid({}, "moderation.errors.mergeNotPublished");

    const supportsAdded = await tx.$executeRaw`
      INSERT INTO "Support" ("submissionId", "userId", "createdAt")
      SELECT ${target.id}, sp."userId", sp."createdAt" FROM "Support" sp
      WHERE sp."submissionId" = ${source.id} AND sp."userId" <> ${target.authorId}
      ON CONFLICT DO NOTHING`;
    const followsAdded = await tx.$executeRaw`
      INSERT INTO "Follow" (id, "userId", "targetType", "targetId", "createdAt")
      SELECT gen_random_uuid()::text, f."userId", f."targetType", ${target.id}, f."createdAt" FROM "Follow" f
      WHERE f."targetType" = 'submission' AND f."targetId" = ${source.id}
      ON CONFLICT DO NOTHING`;
    const supportCount = await tx.support.count({ where: { submissionId: target.id } });
    await tx.submission.update({ where: { id: target.id }, data: { supportCount } });
    await tx.submission.update({
      where: { id: source.id },
      data: { status: "merged", mergedIntoId: target.id },
    });
    // Earlier duplicates merged into the source now redirect straight to the target.
    await tx.submission.updateMany({ where: { mergedIntoId: source.id }, data: { mergedIntoId: target.id } });
    await bumpSubmissionCount(tx, source.consultationId, -1);
    // The target gained supporters; the source leaves the rankings.
    await schedulePriorityRecompute(tx, { submissionId: target.id });
    await schedulePriorityAfterStatusChange(tx, [source.id]);

    const actionId = await record(tx, {
      moderatorId: moderator!.id,
      action: "merge",
      targetType: "submission",
      targetId: source.id,
      reasonCode: data.reasonCode,
      message: data.message,
      details: { mergedIntoId: target.id, supportsAdded, followsAdded },
    });
    const common = { reasonCode: data.reasonCode, message: data.message, action: "merge", actionId };
    await tell(tx, {
      ...common,
      userId: source.authorId,
      key: `${actionId}:source`,
      summaryKey: "merge_source",
      summaryParams: { target: target.title },
      url: submissionUrl(target.id),
      title: source.title,
    });
    if (target.authorId !== source.authorId) {
      await tell(tx, {
        ...common,
        userId: target.authorId,
        key: `${actionId}:target`,
        summaryKey: "merge_target",
        summaryParams: { source: source.title },
        url: submissionUrl(target.id),
        title: target.title,
      });
    }
    await announceStatus(tx, source.id, "merged", actionId);
    return { actionId, supportsAdded, followsAdded, supportCount };
  });
}

// ───────────────────────────── Move ─────────────────────────────

/** Moves a submission (with its comments) to another public consultation; both counts follow. */
export async function moveSubmission(
  db: Db,
  moderator: Actor,
  input: MoveInput,
): Promise<{ actionId: string }> {
  allow(moderator, "move");
  const data = parse(moveSchema, input);
  return transact(db, async (tx) => {
    const s = await lockSubmission(tx, data.submissionId);
    allow(moderator, "move", { authorIds: [s.authorId] }, "moderation.errors.ownContent");
    if (s.status === "merged" || s.status === "withdrawn")
      throw new Invalid({}, "moderation.errors.notMovable");
    if (s.consultationId === data.consultationId)
      throw new Invalid(
        { consultationId: "moderation.errors.sameConsultation" },
        "moderation.errors.sameConsultation",
      );
    const to = await tx.consultation.findFirst({
      where: { id: data.consultationId, phase: { not: "draft" } },
      select: { id: true, title: true },
    });
    if (!to)
      throw new Invalid(
        { consultationId: "moderation.errors.consultationNotFound" },
        "moderation.errors.consultationNotFound",
      );
    await tx.submission.update({ where: { id: s.id }, data: { consultationId: to.id } });
    if (s.status === "published") {
      await bumpSubmissionCount(tx, s.consultationId, -1);
      await bumpSubmissionCount(tx, to.id, 1);
    }
    // Its weights, strategy and peers are the new consultation's now.
    await schedulePriorityAfterStatusChange(tx, [s.id], { formerConsultationId: s.consultationId });
    const actionId = await recordAndTellAuthor(tx, moderator!.id, "move", s, data, {
      details: { fromConsultationId: s.consultationId, toConsultationId: to.id },
      summaryParams: { consultation: to.title },
    });
    return { actionId };
  });
}

// ───────────────────────────── Edit title ─────────────────────────────

/** Replaces a title (e.g. personal data in it); the author's first title is kept once, for the log. */
export async function editTitle(
  db: Db,
  moderator: Actor,
  input: EditTitleInput,
): Promise<{ actionId: string }> {
  allow(moderator, "edit_title");
  const data = parse(editTitleSchema, input);
  return transact(db, async (tx) => {
    const s = await lockSubmission(tx, data.submissionId);
    allow(moderator, "edit_title", { authorIds: [s.authorId] }, "moderation.errors.ownContent");
    if (s.title === data.title)
      throw new Invalid({ title: "moderation.errors.titleUnchanged" }, "moderation.errors.titleUnchanged");
    await tx.submission.update({
      where: { id: s.id },
      data: { title: data.title, originalTitle: s.originalTitle ?? s.title },
    });
    const actionId = await recordAndTellAuthor(tx, moderator!.id, "edit_title", s, data, {
      details: { previousTitle: s.title, newTitle: data.title },
      title: data.title,
    });
    return { actionId };
  });
}

// ───────────────────────────── Block / unblock ─────────────────────────────

const activeBlockWhere = (userId: string, now = new Date()) =>
  ({
    userId,
    liftedAt: null,
    OR: [{ endsAt: null }, { endsAt: { gt: now } }],
  }) satisfies Prisma.UserBlockWhereInput;

/** The user's block in force now, if any. */
export async function activeBlock(db: DbOrTx, userId: string) {
  return db.userBlock.findFirst({
    where: activeBlockWhere(userId),
    orderBy: { startsAt: "desc" },
    select: { id: true, endsAt: true, reason: true, hideContent: true, startsAt: true },
  });
}

/** Hides all of a user's published submissions and comments; returns their ids (to bring back later). */
async function hideAllContentOf(tx: Tx, userId: string) {
  const submissions = await tx.submission.findMany({
    where: { authorId: userId, status: "published" },
    select: { id: true, consultationId: true },
  });
  const comments = await tx.comment.findMany({
    where: { authorId: userId, status: "published", deletedAt: null },
    select: { id: true, submissionId: true, articleId: true },
  });
  await changeMany(tx, submissions, comments, hideSubmissionRow, hideCommentRow);
  return { submissionIds: submissions.map((s) => s.id), commentIds: comments.map((c) => c.id) };
}

/** Brings back what a block hid, where it is still hidden. */
async function restoreContentOf(tx: Tx, hidden: { submissionIds?: unknown; commentIds?: unknown }) {
  const ids = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  const submissions = await tx.submission.findMany({
    where: { id: { in: ids(hidden.submissionIds) }, status: "hidden" },
    select: { id: true, consultationId: true },
  });
  const comments = await tx.comment.findMany({
    where: { id: { in: ids(hidden.commentIds) }, status: "hidden" },
    select: { id: true, submissionId: true, articleId: true },
  });
  await changeMany(tx, submissions, comments, restoreSubmissionRow, restoreCommentRow);
  return { submissionsRestored: submissions.length, commentsRestored: comments.length };
}

/**
 * Blocks a user for a period or indefinitely, optionally hiding their published content. Their sessions end
 * at once and login is refused while the block lasts (accounts.server.ts). They are told by e-mail (they
 * cannot read in-app notifications while blocked).
 */
export async function blockUser(
  db: Db,
  moderator: Actor,
  input: BlockInput,
): Promise<{ actionId: string; blockId: string; hiddenSubmissions: number; hiddenComments: number }> {
  allow(moderator, "block");
  const data = parse(blockSchema, input);
  allow(moderator, "block", { userId: data.userId }, "moderation.errors.ownAccount");
  return transact(db, async (tx) => {
    const rows = await tx.$queryRaw<{ id: string; erasedAt: Date | null }[]>`
      SELECT id, "erasedAt" FROM "User" WHERE id = ${data.userId} FOR UPDATE`;
    if (!rows[0] || rows[0].erasedAt) throw new NotFound("moderation.errors.userNotFound");
    if (await activeBlock(tx, data.userId)) throw new Invalid({}, "moderation.errors.alreadyBlocked");
    const blockId = newId();
    await tx.userBlock.create({
      data: {
        id: blockId,
        userId: data.userId,
        moderatorId: moderator!.id,
        reason: data.reasonCode,
        hideContent: data.hideContent,
        endsAt: data.endsAt ?? null,
      },
    });
    const hidden = data.hideContent
      ? await hideAllContentOf(tx, data.userId)
      : { submissionIds: [] as string[], commentIds: [] as string[] };
    await tx.session.deleteMany({ where: { userId: data.userId } });
    const actionId = await record(tx, {
      moderatorId: moderator!.id,
      action: "block",
      targetType: "user",
      targetId: data.userId,
      reasonCode: data.reasonCode,
      message: data.message,
      details: {
        blockId,
        endsAt: data.endsAt?.toISOString() ?? null,
        hideContent: data.hideContent,
        ...hidden,
      },
    });
    await tell(tx, {
      userId: data.userId,
      key: actionId,
      summaryKey: data.endsAt ? "block_until" : "block",
      summaryParams: data.endsAt ? { until: data.endsAt.toISOString() } : {},
      reasonCode: data.reasonCode,
      message: data.message,
      url: "/notifications",
      // Blocked users cannot sign in: their e-mail carries a signed link to appeal without signing in.
      mailUrl: appealPath(actionId, await appealSecret(tx)),
      title: "",
      action: "block",
      actionId,
    });
    for (const id of hidden.submissionIds) await announceStatus(tx, id, "hidden", actionId);
    return {
      actionId,
      blockId,
      hiddenSubmissions: hidden.submissionIds.length,
      hiddenComments: hidden.commentIds.length,
    };
  });
}

/** Lifts a block (and content it hid, unless told not to) in the same transaction as the log row. */
async function liftBlock(tx: Tx, moderatorId: string, userId: string, restore: boolean) {
  const block = await activeBlock(tx, userId);
  if (!block) throw new Invalid({}, "moderation.errors.notBlocked");
  await tx.userBlock.update({
    where: { id: block.id },
    data: { liftedAt: new Date(), liftedById: moderatorId },
  });
  let restored = { submissionsRestored: 0, commentsRestored: 0 };
  if (restore && block.hideContent) {
    const action = await tx.moderationAction.findFirst({
      where: {
        action: "block",
        targetType: "user",
        targetId: userId,
        details: { path: ["blockId"], equals: block.id },
      },
      select: { details: true },
    });
    const details = (action?.details ?? {}) as { submissionIds?: unknown; commentIds?: unknown };
    restored = await restoreContentOf(tx, details);
  }
  return { blockId: block.id, ...restored };
}

export async function unblockUser(
  db: Db,
  moderator: Actor,
  input: UnblockInput,
): Promise<{ actionId: string; submissionsRestored: number; commentsRestored: number }> {
  allow(moderator, "unblock");
  const data = parse(unblockSchema, input);
  allow(moderator, "unblock", { userId: data.userId }, "moderation.errors.ownAccount");
  return transact(db, async (tx) => {
    const lifted = await liftBlock(tx, moderator!.id, data.userId, !data.keepContentHidden);
    const actionId = await recordAndTell(
      tx,
      {
        moderatorId: moderator!.id,
        action: "unblock",
        targetType: "user",
        targetId: data.userId,
        reasonCode: data.reasonCode,
        message: data.message,
        details: lifted,
      },
      {
        userId: data.userId,
        summaryKey: "unblock",
        url: "/notifications",
        title: "",
      },
    );
    return {
      actionId,
      submissionsRestored: lifted.submissionsRestored,
      commentsRestored: lifted.commentsRestored,
    };
  });
}

// ───────────────────────────── Dismiss flags ─────────────────────────────

/**
 * Dismisses the open flags on an item (it stays as it is; a hidden one is brought back with restore). The
 * author is not messaged: nothing changed for them.
 */
export async function dismissFlags(
  db: Db,
  moderator: Actor,
  input: DismissFlagsInput,
): Promise<{ actionId: string; dismissed: number }> {
  allow(moderator, "dismiss_flags");
  const data = parse(dismissFlagsSchema, input);
  return transact(db, async (tx) => {
    let authorId: string;
    if (data.targetType === "submission") authorId = (await lockSubmission(tx, data.targetId)).authorId;
    else if (data.targetType === "comment") authorId = (await lockComment(tx, data.targetId)).authorId;
    else authorId = data.targetId;
    allow(moderator, "dismiss_flags", { authorIds: [authorId] }, "moderation.errors.ownContent");
    const dismissed = await resolveFlags(tx, data.targetType, data.targetId, "dismissed");
    if (dismissed === 0) throw new Invalid({}, "moderation.errors.noOpenFlags");
    const actionId = await record(tx, {
      moderatorId: moderator!.id,
      action: "dismiss_flags",
      targetType: data.targetType,
      targetId: data.targetId,
      reasonCode: data.reasonCode,
      message: data.message,
      details: { dismissed },
    });
    return { actionId, dismissed };
  });
}

// ───────────────────────────── Pre-moderation ─────────────────────────────

/**
 * Decides a submission waiting for approval (pre-moderated consultation). Approving publishes it (count up,
 * followers of the consultation told through the notify queue); rejecting hides it, appealable like a hide.
 */
async function decidePending(db: Db, moderator: Actor, input: SubmissionActionInput, approve: boolean) {
  const verb = approve ? "approve" : "reject";
  allow(moderator, verb);
  const data = parse(submissionActionSchema, input);
  return transact(db, async (tx) => {
    const s = await lockSubmission(tx, data.submissionId);
    allow(moderator, verb, { authorIds: [s.authorId] }, "moderation.errors.ownContent");
    if (s.status !== "pending_review") throw new Invalid({}, "moderation.errors.notPending");
    await tx.submission.update({
      where: { id: s.id },
      data: approve ? { status: "published" } : { status: "hidden", hiddenAt: new Date() },
    });
    await schedulePriorityAfterStatusChange(tx, [s.id]);
    if (approve) {
      await bumpSubmissionCount(tx, s.consultationId, 1);
      await addOutboxEvent(tx, {
        key: `notify:submission-created:${s.id}`,
        queue: "notify",
        name: "submission.created",
        payload: { submissionId: s.id },
      });
    }
    const actionId = await recordAndTellAuthor(tx, moderator!.id, verb, s, data);
    return { actionId };
  });
}

export function approveSubmission(db: Db, moderator: Actor, input: SubmissionActionInput) {
  return decidePending(db, moderator, input, true);
}

export function rejectSubmission(db: Db, moderator: Actor, input: SubmissionActionInput) {
  return decidePending(db, moderator, input, false);
}

// ───────────────────────────── Appeals ─────────────────────────────

/** Actions an affected user can appeal: hiding (or not approving) their content and blocking their account. */
const APPEALABLE = new Set<ModerationActionType>(["hide", "reject", "block"]);

/** Who an action affected: the content's author, or the blocked user. */
async function affectedUserOf(
  db: DbOrTx,
  action: { targetType: ModerationTarget; targetId: string },
): Promise<string | null> {
  if (action.targetType === "user") return action.targetId;
  if (action.targetType === "submission") {
    const s = await db.submission.findUnique({ where: { id: action.targetId }, select: { authorId: true } });
    return s?.authorId ?? null;
  }
  if (action.targetType === "comment") {
    const c = await db.comment.findUnique({ where: { id: action.targetId }, select: { authorId: true } });
    return c?.authorId ?? null;
  }
  return null;
}

/** Whether what an action did is still in force (a restored item or a lifted block has nothing to appeal). */
async function stillInForce(
  db: DbOrTx,
  action: { action: ModerationActionType; targetType: ModerationTarget; targetId: string; details: unknown },
): Promise<boolean> {
  if (action.action === "block") {
    const blockId = (action.details as { blockId?: string }).blockId;
    const block = await activeBlock(db, action.targetId);
    return !!block && block.id === blockId;
  }
  if (action.targetType === "submission") {
    const s = await db.submission.findUnique({ where: { id: action.targetId }, select: { status: true } });
    return s?.status === "hidden";
  }
  const c = await db.comment.findUnique({ where: { id: action.targetId }, select: { status: true } });
  return c?.status === "hidden";
}

/** Creates the one appeal a user may make against an action (the unique row refuses a second). */
async function createAppeal(db: Db, appellantId: string, actionId: string, text: string) {
  const appealId = newId();
  try {
    await db.appeal.create({ data: { id: appealId, actionId, appellantId, text } });
  } catch (error) {
    if (isUniqueViolation(error)) throw new Invalid({}, "moderation.errors.alreadyAppealed");
    throw error;
  }
  return { appealId };
}

/** The affected user appeals a hide or a block once, with a text; a different moderator decides. */
export async function appeal(db: Db, actor: Actor, input: AppealInput): Promise<{ appealId: string }> {
  if (!actor) throw new Forbidden("moderation.errors.forbidden");
  const data = parse(appealSchema, input);
  const action = await db.moderationAction.findUnique({
    where: { id: data.actionId },
    select: { id: true, action: true, targetType: true, targetId: true, details: true },
  });
  if (!action) throw new NotFound("moderation.errors.actionNotFound");
  const affected = await affectedUserOf(db, action);
  // Someone else's action is "not found" to them: its existence is none of their business.
  if (!canModerate(actor, "appeal", { affectedUserId: affected ?? undefined }))
    throw new NotFound("moderation.errors.actionNotFound");
  if (!APPEALABLE.has(action.action)) throw new Invalid({}, "moderation.errors.notAppealable");
  if (!(await stillInForce(db, action))) throw new Invalid({}, "moderation.errors.nothingToAppeal");
  return createAppeal(db, actor.id, action.id, data.text);
}

export interface AppealContext {
  actionId: string;
  action: ModerationActionType;
  targetType: ModerationTarget;
  reasonCode: string;
  message: string;
  createdAt: Date;
  /** The block's end (blocks only; null: indefinitely). */
  endsAt: string | null;
  /** Title of the content acted on ("" for a block). */
  title: string;
  /** What the affected user may do now. */
  state: "open" | "appealed" | "not_appealable" | "not_in_force";
  /** The appeal already made, with its outcome once decided. */
  appealStatus: "pending" | "upheld" | "rejected" | null;
}

/** What an appeal page shows the affected user about an action, and whether they may still appeal it. */
async function appealContextOf(db: DbOrTx, appellantId: string, actionId: string): Promise<AppealContext> {
  const action = await db.moderationAction.findUnique({
    where: { id: actionId },
    select: {
      id: true,
      action: true,
      targetType: true,
      targetId: true,
      details: true,
      reasonCode: true,
      message: true,
      createdAt: true,
      appeals: { where: { appellantId }, select: { status: true } },
    },
  });
  if (!action || (await affectedUserOf(db, action)) !== appellantId)
    throw new NotFound("moderation.errors.actionNotFound");
  let title = "";
  if (action.targetType === "submission") {
    title =
      (await db.submission.findUnique({ where: { id: action.targetId }, select: { title: true } }))?.title ??
      "";
  } else if (action.targetType === "comment") {
    const c = await db.comment.findUnique({ where: { id: action.targetId }, select: { body: true } });
    title = c ? excerptOf(c.body, 120) : "";
  }
  const appealStatus = action.appeals[0]?.status ?? null;
  const state = appealStatus
    ? "appealed"
    : !APPEALABLE.has(action.action)
      ? "not_appealable"
      : (await stillInForce(db, action))
        ? "open"
        : "not_in_force";
  const endsAt = (action.details as { endsAt?: unknown } | null)?.endsAt;
  return {
    actionId: action.id,
    action: action.action,
    targetType: action.targetType,
    reasonCode: action.reasonCode,
    message: action.message,
    createdAt: action.createdAt,
    endsAt: typeof endsAt === "string" ? endsAt : null,
    title,
    state,
    appealStatus,
  };
}

/** The signed-in affected user's view of an action they may appeal (someone else's is "not found"). */
export async function appealContext(db: DbOrTx, actor: Actor, actionId: unknown): Promise<AppealContext> {
  if (!actor) throw new Forbidden("moderation.errors.forbidden");
  const id = z.uuid().safeParse(actionId);
  if (!id.success) throw new NotFound("moderation.errors.actionNotFound");
  return appealContextOf(db, actor.id, id.data);
}

// ───────────────────────────── Signed appeal links (blocked users) ─────────────────────────────

/** How long the link in a block e-mail stays valid. */
export const APPEAL_LINK_DAYS = 30;
const APPEAL_SECRET_KEY = "moderation.appealLinkSecret";

/**
 * The key that signs appeal links: random, created once and kept in the Setting table, so every app
 * process and restart agrees on it and no deployment has to configure one.
 */
export async function appealSecret(db: DbOrTx): Promise<string> {
  const fresh = randomBytes(32).toString("base64url");
  await db.$executeRaw`
    INSERT INTO "Setting" (key, value, "updatedAt") VALUES (${APPEAL_SECRET_KEY}, to_jsonb(${fresh}::text), now())
    ON CONFLICT (key) DO NOTHING`;
  const row = await db.setting.findUniqueOrThrow({ where: { key: APPEAL_SECRET_KEY } });
  if (typeof row.value !== "string" || row.value.length < 32) throw new Error("Malformed appeal secret");
  return row.value;
}

function signAppeal(secret: string, body: string): string {
  return createHmac("sha256", secret).update(`appeal:${body}`).digest("base64url");
}

/** A signed, expiring token naming a block action: `<actionId>.<expiry in epoch seconds>.<HMAC>`. */
export function appealToken(actionId: string, secret: string, now = Date.now()): string {
  const body = `${actionId}.${Math.floor(now / 1000) + APPEAL_LINK_DAYS * 86_400}`;
  return `${body}.${signAppeal(secret, body)}`;
}

export function appealPath(actionId: string, secret: string): string {
  return `/appeal/${appealToken(actionId, secret)}`;
}

/** The action id of a genuine, unexpired token; NotFound for anything else (tampered, expired, garbled). */
export function verifyAppealToken(token: string, secret: string, now = Date.now()): string {
  const m = /^([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) throw new NotFound("moderation.errors.appealLinkInvalid");
  const expected = Buffer.from(signAppeal(secret, `${m[1]}.${m[2]}`));
  const given = Buffer.from(m[3]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw new NotFound("moderation.errors.appealLinkInvalid");
  if (Number(m[2]) * 1000 <= now) throw new Invalid({}, "moderation.errors.appealLinkExpired");
  return m[1];
}

/** Who a block action concerns, from a token (only blocks are appealed through links). */
async function blockActionOfToken(db: DbOrTx, token: string) {
  const actionId = verifyAppealToken(token, await appealSecret(db));
  const action = await db.moderationAction.findUnique({
    where: { id: actionId },
    select: { id: true, action: true, targetType: true, targetId: true },
  });
  if (!action || action.action !== "block" || action.targetType !== "user")
    throw new NotFound("moderation.errors.appealLinkInvalid");
  return action;
}

/** The appeal page of a signed link: what was decided about the blocked user, and whether they may appeal. */
export async function appealContextByToken(db: Db, token: string): Promise<AppealContext> {
  const action = await blockActionOfToken(db, token);
  return appealContextOf(db, action.targetId, action.id);
}

/**
 * A blocked user appeals their block through the signed link of their e-mail, without signing in (they
 * cannot). Once: a second appeal is refused like any other.
 */
export async function appealWithToken(
  db: Db,
  token: string,
  input: { text?: unknown },
): Promise<{ appealId: string }> {
  const action = await blockActionOfToken(db, token);
  const data = parse(appealSchema, { actionId: action.id, text: input.text });
  const ctx = await appealContextOf(db, action.targetId, action.id);
  if (ctx.state === "appealed") throw new Invalid({}, "moderation.errors.alreadyAppealed");
  if (ctx.state !== "open") throw new Invalid({}, "moderation.errors.nothingToAppeal");
  return createAppeal(db, action.targetId, action.id, data.text);
}

/**
 * A blocked user who lost the e-mail asks for a new appeal link: sent to the account's address when it has
 * a block in force, and silently nothing otherwise (the answer must not tell who is blocked). A few per hour.
 */
export async function requestAppealLink(db: Db, email: unknown): Promise<void> {
  const parsed = z
    .email()
    .max(320)
    .safeParse(typeof email === "string" ? email.trim().toLowerCase() : "");
  if (!parsed.success)
    throw new Invalid({ email: "moderation.errors.emailInvalid" }, "moderation.errors.emailInvalid");
  const address = parsed.data;
  try {
    const hash = createHmac("sha256", "appeal-link").update(address).digest("hex").slice(0, 32);
    const r = await hitRateLimit(getRedis(), redisKey("rl", "appeal-link", hash), 3, 3600);
    if (!r.allowed) throw new RateLimited(r.retryAfterSeconds);
  } catch (error) {
    if (error instanceof RateLimited) throw error;
  }
  const user = await db.user.findUnique({
    where: { email: address },
    select: { id: true, email: true, displayName: true, locale: true, erasedAt: true },
  });
  if (!user || user.erasedAt) return;
  const block = await activeBlock(db, user.id);
  if (!block) return;
  const action = await db.moderationAction.findFirst({
    where: {
      action: "block",
      targetType: "user",
      targetId: user.id,
      details: { path: ["blockId"], equals: block.id },
    },
    select: { id: true, reasonCode: true, message: true },
  });
  if (!action) return;
  const locale: Locale = isLocale(user.locale) ? user.locale : "el";
  const t = createT(locale);
  const text = moderationNoticeText(t, locale, {
    title: "",
    summaryKey: block.endsAt ? "block_until" : "block",
    summaryParams: block.endsAt ? { until: block.endsAt.toISOString() } : {},
    reasonCode: action.reasonCode,
    message: action.message,
  });
  if (!text) return;
  const path = appealPath(action.id, await appealSecret(db));
  await db.$transaction(async (tx) => {
    await addOutboxEvent(tx, {
      key: `mail:appeal-link-${action.id}-${Date.now()}`,
      queue: "mail",
      name: "send",
      payload: {
        to: user.email,
        locale,
        template: "moderation_notice",
        params: {
          displayName: user.displayName,
          summary: text.summary,
          reason: text.reason,
          message: text.message || t("moderation.notice.noMessage"),
          url: `${getEnv().APP_URL.replace(/\/+$/, "")}${path}`,
        },
      },
    });
  });
}

/**
 * A moderator other than the one who acted decides a pending appeal. Upholding reverses the action (the
 * content is restored, the block lifted with the content it hid) and logs appeal_upheld; rejecting logs
 * appeal_rejected. Either way the appellant is told the outcome and the reason.
 */
export async function decideAppeal(
  db: Db,
  moderator: Actor,
  input: DecideAppealInput,
): Promise<{ actionId: string; status: "upheld" | "rejected" }> {
  if (!canModerate(moderator, "claim")) throw new Forbidden("moderation.errors.forbidden");
  const data = parse(decideAppealSchema, input);
  return transact(db, async (tx) => {
    const rows = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM "Appeal" WHERE id = ${data.appealId} FOR UPDATE`;
    if (!rows[0]) throw new NotFound("moderation.errors.appealNotFound");
    const a = await tx.appeal.findUniqueOrThrow({
      where: { id: data.appealId },
      select: {
        id: true,
        status: true,
        appellantId: true,
        action: {
          select: {
            id: true,
            action: true,
            moderatorId: true,
            targetType: true,
            targetId: true,
            details: true,
          },
        },
      },
    });
    allow(
      moderator,
      "decide_appeal",
      { actionModeratorId: a.action.moderatorId, affectedUserId: a.appellantId },
      "moderation.errors.ownDecision",
    );
    if (a.status !== "pending") throw new Invalid({}, "moderation.errors.alreadyDecided");
    const status = data.uphold ? "upheld" : "rejected";
    let details: Record<string, unknown> = { appealId: a.id, originalActionId: a.action.id };
    let url = "/notifications";
    let title = "";
    const { targetType, targetId } = a.action;
    if (targetType === "submission") {
      const s = await lockSubmission(tx, targetId);
      url = submissionUrl(s.id);
      title = s.title;
      if (data.uphold && s.status === "hidden") await restoreSubmissionRow(tx, s);
    } else if (targetType === "comment") {
      const c = await lockComment(tx, targetId);
      url = commentUrl(c);
      title = c.title;
      if (data.uphold && c.status === "hidden") await restoreCommentRow(tx, c);
    } else if (targetType === "user" && data.uphold && (await activeBlock(tx, targetId))) {
      details = { ...details, ...(await liftBlock(tx, moderator!.id, targetId, true)) };
    }
    await tx.appeal.update({
      where: { id: a.id },
      data: { status, decidedById: moderator!.id, decisionReason: data.reason, decidedAt: new Date() },
    });
    const actionId = await record(tx, {
      moderatorId: moderator!.id,
      action: data.uphold ? "appeal_upheld" : "appeal_rejected",
      targetType,
      targetId,
      reasonCode: "appeal_review",
      message: data.reason,
      details,
    });
    await tell(tx, {
      userId: a.appellantId,
      key: actionId,
      summaryKey: data.uphold ? "appeal_upheld" : "appeal_rejected",
      reasonCode: "appeal_review",
      message: data.reason,
      url,
      title,
      action: data.uphold ? "appeal_upheld" : "appeal_rejected",
      actionId,
    });
    if (data.uphold && targetType === "submission") await announceStatus(tx, targetId, "published", actionId);
    return { actionId, status };
  });
}

// ───────────────────────────── Log and transparency ─────────────────────────────

export interface LogItem {
  id: string;
  createdAt: Date;
  moderatorId: string;
  moderatorName: string;
  action: ModerationActionType;
  targetType: ModerationTarget;
  targetId: string;
  reasonCode: string;
  message: string;
  details: unknown;
}

/** The moderation log, newest first, filtered by moderator, action and period; moderators and admins only. */
export async function listModerationLog(
  db: DbOrTx,
  actor: Actor,
  query: LogQuery = {},
): Promise<{ items: LogItem[]; total: number; page: number; pages: number }> {
  allow(actor, "view_log");
  const q = parse(logQuerySchema, query);
  const where: Prisma.ModerationActionWhereInput = {
    ...(q.moderatorId ? { moderatorId: q.moderatorId } : {}),
    ...(q.action ? { action: q.action } : {}),
    ...(q.from || q.to
      ? { createdAt: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lte: q.to } : {}) } }
      : {}),
  };
  const total = await db.moderationAction.count({ where });
  const pages = Math.max(1, Math.ceil(total / LOG_PAGE_SIZE));
  const page = Math.min(q.page, pages);
  const rows = await db.moderationAction.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * LOG_PAGE_SIZE,
    take: LOG_PAGE_SIZE,
    select: {
      id: true,
      createdAt: true,
      moderatorId: true,
      action: true,
      targetType: true,
      targetId: true,
      reasonCode: true,
      message: true,
      details: true,
      moderator: { select: { displayName: true } },
    },
  });
  return {
    items: rows.map(({ moderator, ...r }) => ({ ...r, moderatorName: moderator.displayName })),
    total,
    page,
    pages,
  };
}

export interface TransparencyCounts {
  byAction: { action: string; count: number }[];
  byReason: { reasonCode: string; count: number }[];
  /** Month as yyyy-mm (Athens time). */
  byMonth: { month: string; action: string; count: number }[];
  flagsByReason: { reason: string; count: number }[];
  appeals: { status: string; count: number }[];
}

/** Public counts of moderation: by action, by reason and by month; no people, no items. */
export async function transparencyCounts(db: DbOrTx): Promise<TransparencyCounts> {
  const [byAction, byReason, byMonth, flags, appeals] = await Promise.all([
    db.$queryRaw<{ action: string; count: number }[]>`
      SELECT action::text AS action, count(*)::int AS count FROM "ModerationAction" GROUP BY 1 ORDER BY 1`,
    db.$queryRaw<{ reasonCode: string; count: number }[]>`
      SELECT "reasonCode", count(*)::int AS count FROM "ModerationAction" GROUP BY 1 ORDER BY 1`,
    db.$queryRaw<{ month: string; action: string; count: number }[]>`
      SELECT to_char("createdAt" AT TIME ZONE 'Europe/Athens', 'YYYY-MM') AS month, action::text AS action,
             count(*)::int AS count
      FROM "ModerationAction" GROUP BY 1, 2 ORDER BY 1, 2`,
    db.$queryRaw<{ reason: string; count: number }[]>`
      SELECT reason::text AS reason, count(*)::int AS count FROM "Flag" GROUP BY 1 ORDER BY 1`,
    db.$queryRaw<{ status: string; count: number }[]>`
      SELECT status::text AS status, count(*)::int AS count FROM "Appeal" GROUP BY 1 ORDER BY 1`,
  ]);
  return { byAction, byReason, byMonth, flagsByReason: flags, appeals };
}

// ───────────────────────────── Claims ─────────────────────────────

export type ClaimResult =
  | { claimed: true; expiresAt: Date }
  | { claimed: false; moderatorId: string; moderatorName: string; expiresAt: Date };

/**
 * A moderator claims a queue item for `ttlSeconds` (renewing their own claim). Another moderator's live
 * claim wins; an expired one is taken over. One statement, so two simultaneous claims cannot both win.
 */
export async function claimItem(
  db: DbOrTx,
  moderator: Actor,
  input: ClaimInput,
  ttlSeconds = 300,
): Promise<ClaimResult> {
  allow(moderator, "claim");
  const data = parse(claimSchema, input);
  const ttl = Math.min(Math.max(Math.floor(ttlSeconds), 1), 3_600);
  const won = await db.$queryRaw<{ expiresAt: Date }[]>`
    INSERT INTO "ModerationClaim" ("targetType", "targetId", "moderatorId", "claimedAt", "expiresAt")
    VALUES (${data.targetType}::"ModerationTarget", ${data.targetId}, ${moderator!.id}, now(),
            now() + make_interval(secs => ${ttl}))
    ON CONFLICT ("targetType", "targetId") DO UPDATE
      SET "moderatorId" = EXCLUDED."moderatorId", "claimedAt" = EXCLUDED."claimedAt",
          "expiresAt" = EXCLUDED."expiresAt"
      WHERE "ModerationClaim"."expiresAt" <= now() OR "ModerationClaim"."moderatorId" = EXCLUDED."moderatorId"
    RETURNING "expiresAt"`;
  if (won[0]) return { claimed: true, expiresAt: won[0].expiresAt };
  const holder = await db.moderationClaim.findUnique({
    where: { targetType_targetId: { targetType: data.targetType, targetId: data.targetId } },
    select: { moderatorId: true, expiresAt: true, moderator: { select: { displayName: true } } },
  });
  // Released between the two statements: try once more.
  if (!holder) return claimItem(db, moderator, input, ttlSeconds);
  return {
    claimed: false,
    moderatorId: holder.moderatorId,
    moderatorName: holder.moderator.displayName,
    expiresAt: holder.expiresAt,
  };
}

/** Releases the moderator's own claim (a no-op when they hold none). Returns whether one was released. */
export async function releaseClaim(db: DbOrTx, moderator: Actor, input: ClaimInput): Promise<boolean> {
  allow(moderator, "claim");
  const data = parse(claimSchema, input);
  const { count } = await db.moderationClaim.deleteMany({
    where: { targetType: data.targetType, targetId: data.targetId, moderatorId: moderator!.id },
  });
  return count > 0;
}

/** Live claims on the given items (for the queue: who holds what until when). */
export async function liveClaims(db: DbOrTx, targets: { targetType: ModerationTarget; targetId: string }[]) {
  if (targets.length === 0) return [];
  return db.moderationClaim.findMany({
    where: { expiresAt: { gt: new Date() }, OR: targets },
    select: {
      targetType: true,
      targetId: true,
      moderatorId: true,
      expiresAt: true,
      moderator: { select: { displayName: true } },
    },
  });
}

// ───────────────────────────── The queue ─────────────────────────────

const QUEUE_LIMIT = 100;

function excerptOf(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

export interface QueueClaim {
  moderatorId: string;
  moderatorName: string;
  expiresAt: Date;
}

export interface FlaggedItem {
  targetType: ModerationTarget;
  targetId: string;
  openFlags: number;
  reasons: string[];
  firstFlaggedAt: Date;
  lastFlaggedAt: Date;
  /** Hidden automatically (or otherwise) while the flags wait for review. */
  hidden: boolean;
  /** Title, comment excerpt or display name; "" when the item is gone. */
  label: string;
  url: string | null;
  authorId: string | null;
  /** False when the viewer may not act on it (their own content). */
  canAct: boolean;
  claim: QueueClaim | null;
}

export interface PendingItem {
  submissionId: string;
  title: string;
  consultationTitle: string;
  createdAt: Date;
  authorId: string;
  canAct: boolean;
  claim: QueueClaim | null;
}

/** A published submission the analysis judged off-topic (spam, advertising, unrelated), not yet reviewed. */
export interface AutoFlaggedItem {
  submissionId: string;
  title: string;
  consultationTitle: string;
  /** The model's confidence, 0..1. */
  confidence: number;
  analysedAt: Date;
  authorId: string;
  canAct: boolean;
  claim: QueueClaim | null;
}

export interface AppealItem {
  appealId: string;
  text: string;
  createdAt: Date;
  appellantId: string;
  action: { id: string; action: ModerationActionType; targetType: ModerationTarget; targetId: string };
  actionModeratorId: string;
  reasonCode: string;
  /** False for the moderator who took the action (a second moderator decides). */
  canDecide: boolean;
}

/**
 * What waits for moderators: flagged items (most flags first, then the oldest flag), submissions waiting for
 * approval and pending appeals (oldest first), each with its live claim and whether the viewer may act.
 */
export async function moderationQueue(
  db: DbOrTx,
  moderator: Actor,
): Promise<{
  flagged: FlaggedItem[];
  pending: PendingItem[];
  autoFlagged: AutoFlaggedItem[];
  appeals: AppealItem[];
}> {
  allow(moderator, "claim");
  const groups = await db.$queryRaw<
    {
      targetType: ModerationTarget;
      targetId: string;
      openFlags: number;
      reasons: string[];
      firstFlaggedAt: Date;
      lastFlaggedAt: Date;
    }[]
  >`
    SELECT "targetType"::text AS "targetType", "targetId", count(*)::int AS "openFlags",
           array_agg(DISTINCT reason::text ORDER BY reason::text) AS reasons,
           min("createdAt") AS "firstFlaggedAt", max("createdAt") AS "lastFlaggedAt"
    FROM "Flag" WHERE status = 'open'
    GROUP BY 1, 2
    ORDER BY 3 DESC, 5 ASC
    LIMIT ${QUEUE_LIMIT}`;
  const idsOf = (type: ModerationTarget) =>
    groups.filter((g) => g.targetType === type).map((g) => g.targetId);
  // Automatically flagged: the analysis of the current version says off-topic, no person has reviewed that
  // label (a correction either way ends it), and no open report already puts it in the reported list.
  const autoFlagged = await db.$queryRaw<
    {
      submissionId: string;
      title: string;
      consultationTitle: string;
      confidence: number | null;
      analysedAt: Date;
      authorId: string;
    }[]
  >`
    SELECT s.id AS "submissionId", s.title, c.title AS "consultationTitle",
           a."offTopicConfidence" AS confidence, a."createdAt" AS "analysedAt", s."authorId"
    FROM "SubmissionAnalysis" a
    JOIN "Submission" s ON s.id = a."submissionId" AND s.version = a."submissionVersion"
    JOIN "Consultation" c ON c.id = s."consultationId"
    WHERE a."offTopic" AND s.status = 'published'
      AND NOT EXISTS (SELECT 1 FROM "LabelCorrection" lc
                      WHERE lc."submissionId" = s.id AND lc.field = 'off_topic')
      AND NOT EXISTS (SELECT 1 FROM "Flag" f
                      WHERE f."targetType" = 'submission' AND f."targetId" = s.id AND f.status = 'open')
    ORDER BY a."offTopicConfidence" DESC NULLS LAST, a."createdAt" ASC
    LIMIT ${QUEUE_LIMIT}`;
  const [submissions, comments, users, pending, appeals] = await Promise.all([
    db.submission.findMany({
      where: { id: { in: idsOf("submission") } },
      select: { id: true, title: true, status: true, authorId: true },
    }),
    db.comment.findMany({
      where: { id: { in: idsOf("comment") } },
      select: {
        id: true,
        body: true,
        status: true,
        authorId: true,
        submissionId: true,
        article: { select: { number: true, consultation: { select: { slug: true } } } },
      },
    }),
    db.user.findMany({ where: { id: { in: idsOf("user") } }, select: { id: true, displayName: true } }),
    db.submission.findMany({
      where: { status: "pending_review", consultation: { phase: { not: "draft" } } },
      orderBy: { createdAt: "asc" },
      take: QUEUE_LIMIT,
      select: {
        id: true,
        title: true,
        createdAt: true,
        authorId: true,
        consultation: { select: { title: true } },
      },
    }),
    db.appeal.findMany({
      where: { status: "pending" },
      orderBy: { createdAt: "asc" },
      take: QUEUE_LIMIT,
      select: {
        id: true,
        text: true,
        createdAt: true,
        appellantId: true,
        action: {
          select: {
            id: true,
            action: true,
            targetType: true,
            targetId: true,
            moderatorId: true,
            reasonCode: true,
          },
        },
      },
    }),
  ]);
  const claims = await liveClaims(db, [
    ...groups.map((g) => ({ targetType: g.targetType, targetId: g.targetId })),
    ...pending.map((p) => ({ targetType: "submission" as const, targetId: p.id })),
    ...autoFlagged.map((a) => ({ targetType: "submission" as const, targetId: a.submissionId })),
  ]);
  const claimOf = (targetType: ModerationTarget, targetId: string): QueueClaim | null => {
    const c = claims.find((x) => x.targetType === targetType && x.targetId === targetId);
    return c
      ? { moderatorId: c.moderatorId, moderatorName: c.moderator.displayName, expiresAt: c.expiresAt }
      : null;
  };
  const flagged = groups.map((g): FlaggedItem => {
    let info: { label: string; url: string | null; authorId: string | null; hidden: boolean } = {
      label: "",
      url: null,
      authorId: null,
      hidden: false,
    };
    if (g.targetType === "submission") {
      const s = submissions.find((x) => x.id === g.targetId);
      if (s)
        info = {
          label: s.title,
          url: submissionUrl(s.id),
          authorId: s.authorId,
          hidden: s.status === "hidden",
        };
    } else if (g.targetType === "comment") {
      const c = comments.find((x) => x.id === g.targetId);
      if (c) {
        const url = c.submissionId
          ? `${submissionUrl(c.submissionId)}#comment-${c.id}`
          : c.article
            ? `/consultations/${c.article.consultation.slug}/articles/${c.article.number}#comment-${c.id}`
            : null;
        info = { label: excerptOf(c.body), url, authorId: c.authorId, hidden: c.status === "hidden" };
      }
    } else if (g.targetType === "user") {
      const u = users.find((x) => x.id === g.targetId);
      if (u) info = { label: u.displayName, url: null, authorId: u.id, hidden: false };
    }
    return {
      ...g,
      ...info,
      canAct: canModerate(moderator, "hide", { authorIds: info.authorId ? [info.authorId] : [] }),
      claim: claimOf(g.targetType, g.targetId),
    };
  });
  return {
    flagged,
    pending: pending.map((p) => ({
      submissionId: p.id,
      title: p.title,
      consultationTitle: p.consultation.title,
      createdAt: p.createdAt,
      authorId: p.authorId,
      canAct: canModerate(moderator, "approve", { authorIds: [p.authorId] }),
      claim: claimOf("submission", p.id),
    })),
    autoFlagged: autoFlagged.map((a) => ({
      ...a,
      confidence: a.confidence ?? 0,
      canAct: canModerate(moderator, "hide", { authorIds: [a.authorId] }),
      claim: claimOf("submission", a.submissionId),
    })),
    appeals: appeals.map((a) => ({
      appealId: a.id,
      text: a.text,
      createdAt: a.createdAt,
      appellantId: a.appellantId,
      action: {
        id: a.action.id,
        action: a.action.action,
        targetType: a.action.targetType,
        targetId: a.action.targetId,
      },
      actionModeratorId: a.action.moderatorId,
      reasonCode: a.action.reasonCode,
      canDecide: canModerate(moderator, "decide_appeal", {
        actionModeratorId: a.action.moderatorId,
        affectedUserId: a.appellantId,
      }),
    })),
  };
}
