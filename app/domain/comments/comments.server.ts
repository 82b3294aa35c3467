/**
 * Threaded comments (depth ≤ 3) on submissions and on document articles: posting with an alignment,
 * votes, editing within a window, soft deletion, sorted threads. Counts are kept on the parent rows.
 */
import { fieldErrorsOf } from "~/domain/accounts/accounts.schema.ts";
import { can, type Actor } from "~/domain/accounts/policy.ts";
import { isOpenForInput } from "~/domain/consultations/consultations.server.ts";
import { addOutboxEvent } from "~/domain/outbox/outbox.server.ts";
import { schedulePriorityRecompute } from "~/domain/priority/priority.server.ts";
import { limitPosting } from "~/domain/submissions/submissions.server.ts";
import { Prisma } from "~/generated/prisma/client.ts";
import type { CommentView, ThreadNode } from "~/realtime/events.ts";
import { publish } from "~/realtime/publish.server.ts";
import { rooms } from "~/realtime/rooms.ts";
import type { Db, DbOrTx, Tx } from "~/utils/db.server.ts";
import { hotRead } from "~/utils/sql.server.ts";
import { getEnv } from "~/utils/env.server.ts";
import { Forbidden, Invalid, NotFound } from "~/utils/errors.server.ts";
import { newId } from "~/utils/ids.ts";
import {
  COMMENT_LIMITS,
  commentEditSchema,
  commentInputSchema,
  commentVoteSchema,
  type CommentSort,
} from "./comments.schema.ts";

/** What a comment hangs on: a submission or an article of a consultation's document. */
export type CommentTarget = { submissionId: string } | { articleId: string };

const viewSelect = {
  id: true,
  submissionId: true,
  articleId: true,
  parentId: true,
  depth: true,
  authorId: true,
  alignment: true,
  body: true,
  status: true,
  upvotes: true,
  downvotes: true,
  createdAt: true,
  editedAt: true,
  deletedAt: true,
  hiddenAt: true,
  author: { select: { displayName: true, erasedAt: true } },
} satisfies Prisma.CommentSelect;
type ViewRow = Prisma.CommentGetPayload<{ select: typeof viewSelect }>;

export function toCommentView(row: ViewRow): CommentView {
  // Deleted and hidden comments keep their place in the thread (replies stay readable) but not their text.
  const gone = !!row.deletedAt || !!row.hiddenAt || row.status !== "published";
  return {
    id: row.id,
    submissionId: row.submissionId,
    articleId: row.articleId,
    parentId: row.parentId,
    depth: row.depth,
    authorId: gone ? null : row.authorId,
    authorName: gone || row.author.erasedAt ? "" : row.author.displayName,
    alignment: row.alignment,
    body: gone ? "" : row.body,
    upvotes: row.upvotes,
    downvotes: row.downvotes,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
    deleted: gone,
  };
}

/** Loads what a comment is posted on and checks it takes comments now; returns its consultation. */
async function loadTarget(db: DbOrTx, target: CommentTarget) {
  if ("submissionId" in target) {
    const s = await db.submission.findFirst({
      where: { id: target.submissionId, status: "published" },
      select: {
        id: true,
        lockedAt: true,
        consultation: { select: { id: true, phase: true, opensAt: true, closesAt: true } },
      },
    });
    if (!s || s.consultation.phase === "draft") throw new NotFound("submissions.errors.notFound");
    return { consultation: s.consultation, locked: !!s.lockedAt };
  }
  const a = await db.consultationArticle.findFirst({
    where: { id: target.articleId, consultation: { phase: { not: "draft" } } },
    select: {
      id: true,
      lockedAt: true,
      consultation: { select: { id: true, phase: true, opensAt: true, closesAt: true } },
    },
  });
  if (!a) throw new NotFound("consultations.errors.articleNotFound");
  return { consultation: a.consultation, locked: !!a.lockedAt };
}

async function bumpCount(tx: Tx, target: CommentTarget, by: 1 | -1) {
  const data = { commentCount: { increment: by } };
  if ("submissionId" in target) {
    return tx.submission.update({
      where: { id: target.submissionId },
      data,
      select: { id: true, supportCount: true, commentCount: true },
    });
  }
  await tx.consultationArticle.update({ where: { id: target.articleId }, data });
  return null;
}

function targetOf(row: { submissionId: string | null; articleId: string | null }): CommentTarget {
  return row.submissionId ? { submissionId: row.submissionId } : { articleId: row.articleId as string };
}

/** Posts a comment or a reply. The parent must be in the same thread, and replies stop at depth 3. */
export async function createComment(
  db: Db,
  actor: NonNullable<Actor>,
  target: CommentTarget,
  fields: { body?: unknown; alignment?: unknown; parentId?: unknown },
): Promise<CommentView> {
  if (!can(actor, "comment.create")) throw new Forbidden("submissions.errors.verifyFirst");
  const { consultation, locked } = await loadTarget(db, target);
  if (!isOpenForInput(consultation)) throw new Invalid({}, "comments.errors.closed");
  if (locked) throw new Invalid({}, "comments.errors.locked");
  const parsed = commentInputSchema.safeParse({
    body: fields.body,
    alignment: fields.alignment || "neutral",
    parentId: fields.parentId ?? "",
  });
  if (!parsed.success) throw new Invalid(fieldErrorsOf(parsed.error));
  const input = parsed.data;
  let depth = 1;
  if (input.parentId) {
    // Scope in the query: a parent id from another thread (or consultation) is simply not found.
    const parent = await db.comment.findFirst({
      where: { id: input.parentId, ...target, deletedAt: null, status: "published" },
      select: { depth: true },
    });
    if (!parent)
      throw new Invalid({ body: "comments.errors.parentNotFound" }, "comments.errors.parentNotFound");
    if (parent.depth >= COMMENT_LIMITS.maxDepth) {
      throw new Invalid({ body: "comments.errors.tooDeep" }, "comments.errors.tooDeep");
    }
    depth = parent.depth + 1;
  }
  await limitPosting(actor.id, "comment", db);
  const id = newId();
  const { view, counts } = await db.$transaction(async (tx) => {
    const row = await tx.comment.create({
      data: {
        id,
        ...target,
        parentId: input.parentId ?? null,
        depth,
        authorId: actor.id,
        alignment: input.alignment,
        body: input.body,
      },
      select: viewSelect,
    });
    const counts = await bumpCount(tx, target, 1);
    await addOutboxEvent(tx, {
      key: `analyse-comment:${id}:1`,
      queue: "analysis",
      name: "comment",
      payload: { commentId: id, version: 1 },
    });
    await addOutboxEvent(tx, {
      key: `notify:comment-created:${id}`,
      queue: "notify",
      name: "comment.created",
      payload: { commentId: id },
    });
    // Commenters count in the score's support (alignment) and breadth.
    if ("submissionId" in target) await schedulePriorityRecompute(tx, { submissionId: target.submissionId });
    return { view: toCommentView(row), counts };
  });
  const room = rooms.consultation(consultation.id);
  publish(room, "comment:new", { ...view, consultationId: consultation.id });
  if (counts) publish(room, "submission:counts", counts);
  return view;
}

async function loadComment(db: DbOrTx, commentId: string, target?: CommentTarget) {
  const row = await db.comment.findFirst({
    where: { id: commentId, ...(target ?? {}) },
    select: {
      ...viewSelect,
      version: true,
      submission: { select: { consultationId: true } },
      article: { select: { consultationId: true } },
    },
  });
  if (!row) throw new NotFound("comments.errors.notFound");
  const consultationId = (row.submission?.consultationId ?? row.article?.consultationId) as string;
  return { row, consultationId };
}

export function canEditComment(actor: Actor, c: { authorId: string; createdAt: Date }, now = new Date()) {
  return can(actor, "comment.edit", {
    authorId: c.authorId,
    createdAt: c.createdAt,
    editWindowMinutes: getEnv().COMMENT_EDIT_MINUTES,
    now,
  });
}

/** The author edits the text within the edit window; the new version is analysed again. */
export async function editComment(
  db: Db,
  actor: NonNullable<Actor>,
  commentId: string,
  fields: { body?: unknown },
  target?: CommentTarget,
): Promise<CommentView> {
  const { row, consultationId } = await loadComment(db, commentId, target);
  if (row.deletedAt || row.hiddenAt || row.status !== "published")
    throw new NotFound("comments.errors.notFound");
  if (row.authorId !== actor.id) throw new Forbidden();
  if (!canEditComment(actor, row)) throw new Invalid({}, "comments.errors.editWindowOver");
  const parsed = commentEditSchema.safeParse({ body: fields.body });
  if (!parsed.success) throw new Invalid(fieldErrorsOf(parsed.error));
  const view = await db.$transaction(async (tx) => {
    const updated = await tx.comment.update({
      where: { id: commentId },
      data: { body: parsed.data.body, editedAt: new Date(), version: { increment: 1 } },
      select: { ...viewSelect, version: true },
    });
    await addOutboxEvent(tx, {
      key: `analyse-comment:${commentId}:${updated.version}`,
      queue: "analysis",
      name: "comment",
      payload: { commentId, version: updated.version },
    });
    return toCommentView(updated);
  });
  publish(rooms.consultation(consultationId), "comment:changed", { ...view, consultationId });
  return view;
}

/** Soft deletion by the author (or a moderator): the text disappears, replies stay in place. */
export async function deleteComment(
  db: Db,
  actor: NonNullable<Actor>,
  commentId: string,
  target?: CommentTarget,
): Promise<void> {
  const { row, consultationId } = await loadComment(db, commentId, target);
  if (!can(actor, "comment.delete", { authorId: row.authorId })) throw new Forbidden();
  if (row.deletedAt) return;
  const { view, counts } = await db.$transaction(async (tx) => {
    const { count } = await tx.comment.updateMany({
      where: { id: commentId, deletedAt: null },
      data: { deletedAt: new Date(), status: "deleted" },
    });
    const updated = await tx.comment.findUniqueOrThrow({ where: { id: commentId }, select: viewSelect });
    const counts = count === 1 && row.status === "published" ? await bumpCount(tx, targetOf(row), -1) : null;
    // Its stance and its author no longer count in the submission's score.
    if (counts && row.submissionId) await schedulePriorityRecompute(tx, { submissionId: row.submissionId });
    return { view: toCommentView(updated), counts };
  });
  const room = rooms.consultation(consultationId);
  publish(room, "comment:changed", { ...view, consultationId });
  if (counts) publish(room, "submission:counts", counts);
}

/**
 * Up, down or no vote, one per participant and comment. The comment row is locked while its counts are
 * recomputed, so simultaneous votes never leave the counts off.
 */
export async function voteComment(
  db: Db,
  actor: NonNullable<Actor>,
  commentId: string,
  fields: { value?: unknown },
  target?: CommentTarget,
): Promise<CommentView> {
  if (!can(actor, "comment.vote")) throw new Forbidden("submissions.errors.verifyFirst");
  const parsed = commentVoteSchema.safeParse({ value: fields.value });
  if (!parsed.success) throw new Invalid(fieldErrorsOf(parsed.error));
  const { row, consultationId } = await loadComment(db, commentId, target);
  if (row.deletedAt || row.hiddenAt || row.status !== "published")
    throw new NotFound("comments.errors.notFound");
  if (row.authorId === actor.id) throw new Invalid({}, "comments.errors.ownComment");
  const value = parsed.data.value === "up" ? 1 : parsed.data.value === "down" ? -1 : 0;
  const view = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM "Comment" WHERE id = ${commentId} FOR UPDATE`;
    if (value === 0) {
      await tx.commentVote.deleteMany({ where: { commentId, userId: actor.id } });
    } else {
      await tx.commentVote.upsert({
        where: { commentId_userId: { commentId, userId: actor.id } },
        create: { commentId, userId: actor.id, value },
        update: { value },
      });
    }
    const [up, down] = await Promise.all([
      tx.commentVote.count({ where: { commentId, value: 1 } }),
      tx.commentVote.count({ where: { commentId, value: -1 } }),
    ]);
    const updated = await tx.comment.update({
      where: { id: commentId },
      data: { upvotes: up, downvotes: down },
      select: viewSelect,
    });
    return toCommentView(updated);
  });
  publish(rooms.consultation(consultationId), "comment:changed", { ...view, consultationId });
  return view;
}

/**
 * Lower bound of the Wilson score interval (95 %) for the share of up-votes: ranks a comment with 40 up
 * and 5 down above one with 2 up and 0 down, which a plain ratio would not.
 */
export function wilsonLowerBound(up: number, down: number, z = 1.959964): number {
  const n = up + down;
  if (n === 0) return 0;
  const p = up / n;
  const z2 = z * z;
  return (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)) / (1 + z2 / n);
}

type RawCommentRow = Omit<ViewRow, "author" | "alignment" | "status"> & {
  alignment: ViewRow["alignment"];
  status: ViewRow["status"];
  displayName: string;
  erasedAt: Date | null;
};

function fromRawRow({ displayName, erasedAt, ...row }: RawCommentRow): ViewRow {
  return { ...row, author: { displayName, erasedAt } };
}

function compare(sort: CommentSort) {
  return (a: CommentView, b: CommentView): number => {
    if (sort === "best") {
      const d = wilsonLowerBound(b.upvotes, b.downvotes) - wilsonLowerBound(a.upvotes, a.downvotes);
      if (d !== 0) return d;
    }
    const t = a.createdAt.localeCompare(b.createdAt);
    return sort === "newest" ? -t : t;
  };
}

/** Comments are read whole per thread; a thread this long is split over pages of top-level comments. */
const MAX_THREAD_ROWS = 5_000;
export const TOP_LEVEL_PAGE_SIZE = 30;

/**
 * The thread of a submission or an article as a tree, each level sorted. Deleted comments without live
 * replies are dropped; with replies they stay as placeholders.
 */
export async function getThread(db: DbOrTx, target: CommentTarget, sort: CommentSort = "oldest", page = 1) {
  // One plain query: threads are the heaviest read of the submission page, so no ORM object mapping here.
  const where =
    "submissionId" in target
      ? Prisma.sql`c."submissionId" = ${target.submissionId}`
      : Prisma.sql`c."articleId" = ${target.articleId}`;
  const raw = await hotRead<RawCommentRow>(
    db,
    Prisma.sql`
    SELECT c.id, c."submissionId", c."articleId", c."parentId", c.depth, c."authorId", c.alignment::text AS alignment,
           c.body, c.status::text AS status, c.upvotes, c.downvotes, c."createdAt", c."editedAt", c."deletedAt",
           c."hiddenAt", u."displayName", u."erasedAt"
    FROM "Comment" c JOIN "User" u ON u.id = c."authorId"
    WHERE ${where} AND c.status IN ('published', 'deleted', 'hidden')
    ORDER BY c."createdAt" ASC
    LIMIT ${MAX_THREAD_ROWS}`,
  );
  const rows = raw.map(fromRawRow);
  const nodes = new Map<string, ThreadNode>();
  for (const row of rows) nodes.set(row.id, { ...toCommentView(row), replies: [] });
  const roots: ThreadNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    if (parent) parent.replies.push(node);
    else if (!node.parentId) roots.push(node);
  }
  const cmp = compare(sort);
  const prune = (list: ThreadNode[]): ThreadNode[] =>
    list
      .map((n) => ({ ...n, replies: prune(n.replies) }))
      .filter((n) => !n.deleted || n.replies.length > 0)
      .sort(cmp);
  const tree = prune(roots);
  const pages = Math.max(1, Math.ceil(tree.length / TOP_LEVEL_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  return {
    comments: tree.slice((current - 1) * TOP_LEVEL_PAGE_SIZE, current * TOP_LEVEL_PAGE_SIZE),
    total: rows.filter((r) => !r.deletedAt && !r.hiddenAt && r.status === "published").length,
    page: current,
    pages,
    sort,
  };
}

/** The viewer's own votes on a thread's comments (to show which arrow is pressed). */
export async function getMyVotes(db: DbOrTx, userId: string, target: CommentTarget) {
  const votes = await db.commentVote.findMany({
    where: { userId, comment: target },
    select: { commentId: true, value: true },
  });
  return Object.fromEntries(votes.map((v) => [v.commentId, v.value]));
}

/** Comments posted in a consultation after `since`, for a page catching up after a reconnect. */
export async function commentsSince(db: DbOrTx, target: CommentTarget, since: Date, consultationId: string) {
  // Scoped to the consultation, so ids from elsewhere find nothing.
  const inConsultation =
    "submissionId" in target ? { submission: { consultationId } } : { article: { consultationId } };
  const rows = await db.comment.findMany({
    where: { ...target, ...inConsultation, status: "published", createdAt: { gt: since } },
    orderBy: { createdAt: "asc" },
    take: 200,
    select: viewSelect,
  });
  return rows.map(toCommentView);
}
