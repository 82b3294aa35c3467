/**
 * Near-duplicate submissions: after a submission is analysed, the analysis worker calls
 * `updateDuplicateGroups`; submissions of the same consultation whose text is alike (pg_trgm similarity of
 * the normalised title and body) end up in one group, merged transitively (A~B and B~C: one group). Moderators
 * see the groups as merge suggestions at /moderation/duplicates and may dismiss a group ("not duplicates"):
 * a dismissed group is never changed again and its members are not suggested together again by a
 * re-analysis of one of them.
 */
import { Prisma } from "~/generated/prisma/client.ts";
import { hasRole, type Actor } from "~/domain/accounts/policy.ts";
import type { Db, DbOrTx, Tx } from "~/utils/db.server.ts";
import { Forbidden, NotFound } from "~/utils/errors.server.ts";
import { newId } from "~/utils/ids.ts";

/**
 * Trigram similarity from which two texts count as near-duplicates. Paraphrases of one request score 0.6–0.9;
 * different requests written in the same mould ("I am … in … and need help with …") reach about 0.45.
 */
export const DUPLICATE_THRESHOLD = 0.55;
/** How much of each text is compared (the start says what it is about; keeps the cost bounded). */
const COMPARED_CHARS = 1500;
const ACTIVE_STATUSES = ["published", "pending_review"] as const;

/** Who sees and dismisses merge suggestions: moderators (merging is theirs). */
export function canReviewDuplicates(actor: Actor): boolean {
  return hasRole(actor, "moderator");
}

/**
 * The compared text, EXACTLY as the expression of "Submission_duplicate_trgm_idx"
 * (prisma/migrations/20261123150000_near_duplicates), so that `%` can use the index.
 */
const comparedText = (alias: string) =>
  Prisma.raw(
    `"synochi_search_text"(left(${alias}."title" || ' ' || ${alias}."bodyText", ${COMPARED_CHARS}))`,
  );

/** Submissions of the same consultation alike to `submissionId`, best first. */
export async function findNearDuplicates(
  db: Db,
  submissionId: string,
  threshold = DUPLICATE_THRESHOLD,
): Promise<{ id: string; similarity: number }[]> {
  const limit = Math.min(0.99, Math.max(0.1, Number(threshold) || DUPLICATE_THRESHOLD));
  const [me] = await db.$queryRaw<{ consultationId: string; text: string }[]>`
    SELECT s."consultationId", ${comparedText("s")} AS text FROM "Submission" s WHERE s."id" = ${submissionId}`;
  if (!me) return [];
  const rows = await db.$transaction(async (tx) => {
    // `%` compares with pg_trgm.similarity_threshold; setting it for this transaction only lets the
    // trigram index return just the rows alike enough (the default 0.3 returns hundreds to re-check).
    await tx.$executeRawUnsafe(`SET LOCAL pg_trgm.similarity_threshold = ${limit.toFixed(2)}`);
    // The trigram match alone first (MATERIALIZED), so the planner cannot trade the trigram index for a
    // consultation or status index and compare every submission of the consultation.
    return tx.$queryRaw<{ id: string; sim: number }[]>`
      WITH alike AS MATERIALIZED (
        SELECT o."id", o."consultationId", o."status",
               similarity(${comparedText("o")}, ${me.text}::text)::float8 AS sim
          FROM "Submission" o
         WHERE ${comparedText("o")} % ${me.text}::text
      )
      SELECT "id", sim FROM alike
       WHERE "consultationId" = ${me.consultationId} AND "id" <> ${submissionId}
         AND "status" IN ('published', 'pending_review')
       ORDER BY sim DESC, "id"
       LIMIT 50`;
  });
  return rows.map((r) => ({ id: r.id, similarity: Number(r.sim) }));
}

export interface DuplicateUpdate {
  /** The live group the submission is in now, or null. */
  groupId: string | null;
  /** Its members (the submission included). */
  members: string[];
}

/** Removes a submission from live groups and deletes groups left with fewer than two members. */
async function leaveLiveGroups(tx: Tx, submissionId: string): Promise<void> {
  const groups = await tx.nearDuplicateMember.findMany({
    where: { submissionId, group: { dismissedAt: null } },
    select: { groupId: true },
  });
  if (groups.length === 0) return;
  const ids = groups.map((g) => g.groupId);
  await tx.nearDuplicateMember.deleteMany({ where: { submissionId, groupId: { in: ids } } });
  await pruneSmallGroups(tx, ids);
}

async function pruneSmallGroups(tx: Tx, groupIds: string[]): Promise<void> {
  const counts = await tx.nearDuplicateMember.groupBy({
    by: ["groupId"],
    where: { groupId: { in: groupIds } },
    _count: { _all: true },
  });
  const big = new Set(counts.filter((c) => c._count._all >= 2).map((c) => c.groupId));
  const small = groupIds.filter((id) => !big.has(id));
  if (small.length > 0) {
    await tx.nearDuplicateGroup.deleteMany({ where: { id: { in: small }, dismissedAt: null } });
  }
}

/**
 * Puts `submissionId` in a group with the submissions alike to it (creating, extending or merging live
 * groups), or takes it out of its groups when nothing is alike any more (after an edit) or it is no longer
 * active. Safe to call again and from several workers at once (one consultation at a time, under a lock).
 */
export async function updateDuplicateGroups(db: Db, submissionId: string): Promise<DuplicateUpdate> {
  const submission = await db.submission.findUnique({
    where: { id: submissionId },
    select: { id: true, consultationId: true, status: true },
  });
  if (!submission) return { groupId: null, members: [] };
  const active = (ACTIVE_STATUSES as readonly string[]).includes(submission.status);
  const found = active ? await findNearDuplicates(db, submissionId) : [];
  return db.$transaction(async (tx) => {
    // Groups of one consultation change one at a time: two workers must not make two groups of one set.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`near-duplicates:${submission.consultationId}`}))`;
    // Pairs a moderator said are not duplicates stay apart.
    const dismissedWith = new Set(
      (
        await tx.nearDuplicateMember.findMany({
          where: {
            group: { dismissedAt: { not: null }, members: { some: { submissionId } } },
          },
          select: { submissionId: true },
        })
      ).map((m) => m.submissionId),
    );
    const matches = found.filter((m) => !dismissedWith.has(m.id));
    if (matches.length === 0) {
      await leaveLiveGroups(tx, submissionId);
      return { groupId: null, members: [] };
    }
    const memberIds = [submissionId, ...matches.map((m) => m.id)];
    const liveGroups = await tx.nearDuplicateGroup.findMany({
      where: { dismissedAt: null, members: { some: { submissionId: { in: memberIds } } } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, members: { select: { submissionId: true, similarity: true } } },
    });
    let groupId: string;
    const similarity = new Map<string, number>();
    const best = Math.max(...matches.map((m) => m.similarity));
    similarity.set(submissionId, best);
    for (const m of matches) similarity.set(m.id, m.similarity);
    if (liveGroups.length === 0) {
      groupId = newId();
      await tx.nearDuplicateGroup.create({
        data: { id: groupId, consultationId: submission.consultationId },
      });
    } else {
      // The oldest group absorbs the others (transitive merge), keeping each member's best similarity.
      groupId = liveGroups[0].id;
      for (const g of liveGroups) {
        for (const m of g.members) {
          similarity.set(m.submissionId, Math.max(similarity.get(m.submissionId) ?? 0, m.similarity));
        }
      }
      const others = liveGroups.slice(1).map((g) => g.id);
      if (others.length > 0) await tx.nearDuplicateGroup.deleteMany({ where: { id: { in: others } } });
    }
    // One statement for all members (a group may hold dozens).
    const ids = [...similarity.keys()];
    const sims = ids.map((id) => similarity.get(id) ?? 0);
    await tx.$executeRaw`
      INSERT INTO "NearDuplicateMember" ("groupId", "submissionId", "similarity")
      SELECT ${groupId}, m.id, m.sim FROM unnest(${ids}::text[], ${sims}::float8[]) AS m(id, sim)
      ON CONFLICT ("groupId", "submissionId") DO UPDATE SET "similarity" = EXCLUDED."similarity"`;
    return { groupId, members: [...similarity.keys()] };
  });
}

export interface DuplicateGroupView {
  id: string;
  consultation: { id: string; title: string; slug: string };
  createdAt: string;
  members: {
    id: string;
    title: string;
    excerpt: string;
    status: string;
    similarity: number;
    supportCount: number;
    commentCount: number;
    authorId: string;
    authorName: string;
    createdAt: string;
  }[];
  /** The suggested target of a merge: the most supported member, then the oldest. */
  primaryId: string;
}

/** Live groups (not dismissed) with at least two active members, newest first. */
export async function listDuplicateGroups(
  db: DbOrTx,
  { consultationId, limit = 50 }: { consultationId?: string; limit?: number } = {},
): Promise<DuplicateGroupView[]> {
  const groups = await db.nearDuplicateGroup.findMany({
    where: { dismissedAt: null, ...(consultationId ? { consultationId } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: limit,
    select: {
      id: true,
      createdAt: true,
      consultation: { select: { id: true, title: true, slug: true } },
      members: {
        where: { submission: { status: { in: [...ACTIVE_STATUSES] } } },
        orderBy: [{ similarity: "desc" }, { submissionId: "asc" }],
        select: {
          similarity: true,
          submission: {
            select: {
              id: true,
              title: true,
              bodyText: true,
              status: true,
              supportCount: true,
              commentCount: true,
              createdAt: true,
              authorId: true,
              author: { select: { displayName: true, erasedAt: true } },
            },
          },
        },
      },
    },
  });
  return groups
    .filter((g) => g.members.length >= 2)
    .map((g) => {
      const members = g.members.map((m) => ({
        id: m.submission.id,
        title: m.submission.title,
        excerpt:
          m.submission.bodyText.length > 240
            ? `${m.submission.bodyText.slice(0, 239).trimEnd()}…`
            : m.submission.bodyText,
        status: m.submission.status,
        similarity: m.similarity,
        supportCount: m.submission.supportCount,
        commentCount: m.submission.commentCount,
        authorId: m.submission.authorId,
        authorName: m.submission.author.erasedAt ? "" : m.submission.author.displayName,
        createdAt: m.submission.createdAt.toISOString(),
      }));
      const primary = [...members].sort(
        (a, b) =>
          b.supportCount - a.supportCount ||
          a.createdAt.localeCompare(b.createdAt) ||
          a.id.localeCompare(b.id),
      )[0];
      return {
        id: g.id,
        consultation: g.consultation,
        createdAt: g.createdAt.toISOString(),
        members,
        primaryId: primary.id,
      };
    });
}

/** A moderator says a group's members are not duplicates: the group is kept, dismissed, for good. */
export async function dismissDuplicateGroup(db: Db, actor: Actor, groupId: string): Promise<void> {
  if (!canReviewDuplicates(actor)) throw new Forbidden("analysis.duplicates.errors.forbidden");
  const { count } = await db.nearDuplicateGroup.updateMany({
    where: { id: groupId, dismissedAt: null },
    data: { dismissedAt: new Date() },
  });
  if (count === 0) {
    const exists = await db.nearDuplicateGroup.findUnique({ where: { id: groupId }, select: { id: true } });
    if (!exists) throw new NotFound("analysis.duplicates.errors.notFound");
  }
}

/** The live group a submission is in (for its page), or null. */
export async function duplicateGroupOf(db: DbOrTx, submissionId: string): Promise<string | null> {
  const m = await db.nearDuplicateMember.findFirst({
    where: { submissionId, group: { dismissedAt: null } },
    select: { groupId: true },
  });
  return m?.groupId ?? null;
}
