/**
 * Submissions (proposals, needs, opinions) and supports: posting, editing, withdrawing, listing. Every
 * write that needs analysis or notification writes its outbox events in the same transaction; live
 * updates are published after the commit.
 */
import { randomBytes } from "node:crypto";
import { fieldErrorsOf } from "~/domain/accounts/accounts.schema.ts";
import { can, type Actor } from "~/domain/accounts/policy.ts";
import { isOpenForInput } from "~/domain/consultations/consultations.server.ts";
import { getModerationSettings } from "~/domain/moderation/settings.server.ts";
import { addOutboxEvent } from "~/domain/outbox/outbox.server.ts";
import {
  schedulePriorityAfterStatusChange,
  schedulePriorityRecompute,
} from "~/domain/priority/priority.server.ts";
import { readRichText } from "~/domain/richtext/richtext.server.ts";
import { Prisma } from "~/generated/prisma/client.ts";
import type { SubmissionCard } from "~/realtime/events.ts";
import { publish } from "~/realtime/publish.server.ts";
import { rooms } from "~/realtime/rooms.ts";
import type { Db, DbOrTx, Tx } from "~/utils/db.server.ts";
import { hotRead } from "~/utils/sql.server.ts";
import { getEnv } from "~/utils/env.server.ts";
import { Forbidden, Invalid, NotFound, RateLimited } from "~/utils/errors.server.ts";
import { newId } from "~/utils/ids.ts";
import { hitRateLimit } from "~/utils/rate-limit.server.ts";
import { getRedis, redisKey } from "~/utils/redis.server.ts";
import {
  SUBMISSION_LIMITS,
  submissionInputSchema,
  submissionListQuerySchema,
  withdrawSchema,
  type SubmissionListQuery,
  type SubmissionSort,
} from "./submissions.schema.ts";

export const PAGE_SIZE = 20;
/** Support counts that tell the author their proposal is gaining ground. */
export const SUPPORT_MILESTONES = [10, 50, 100, 500, 1000, 5000, 10000];

export interface SubmissionFields {
  kind?: unknown;
  title?: unknown;
  body?: unknown;
  bodyFormat?: unknown;
  municipalityId?: unknown;
  organisationId?: unknown;
  targetGroups?: unknown;
}

/**
 * Posting limits per user and hour, kept in Redis. When Redis is unreachable the post goes through: losing
 * a citizen's text is worse than letting a few extra posts in.
 */
export async function limitPosting(
  userId: string,
  what: "submission" | "comment",
  db?: DbOrTx,
): Promise<void> {
  // The admins' setting wins; the environment's value is its default (and the limit without a db).
  const env = getEnv();
  const settings = db ? await getModerationSettings(db) : null;
  const max =
    what === "submission"
      ? (settings?.submissionsPerHour ?? env.SUBMISSIONS_MAX_PER_HOUR)
      : (settings?.commentsPerHour ?? env.COMMENTS_MAX_PER_HOUR);
  let result;
  try {
    result = await hitRateLimit(getRedis(), redisKey("rl", "post", what, userId), max, 3600);
  } catch {
    return;
  }
  if (!result.allowed) throw new RateLimited(result.retryAfterSeconds);
}

function readBody(fields: SubmissionFields) {
  const raw = typeof fields.body === "string" ? fields.body : "";
  const format = fields.bodyFormat === "json" ? "json" : "text";
  return readRichText(raw, format, { maxChars: SUBMISSION_LIMITS.bodyMaxChars });
}

/** Validates every field at once, so the author sees all problems together; throws Invalid. */
async function validateSubmission(db: DbOrTx, userId: string, fields: SubmissionFields) {
  const errors: Record<string, string> = {};
  const parsed = submissionInputSchema.safeParse({
    kind: fields.kind,
    title: fields.title,
    municipalityId: fields.municipalityId ?? "",
    organisationId: fields.organisationId ?? "",
    targetGroups: Array.isArray(fields.targetGroups) ? fields.targetGroups : [],
  });
  if (!parsed.success) Object.assign(errors, fieldErrorsOf(parsed.error));
  const body = readBody(fields);
  if (!body.ok) errors.body = body.error;
  if (parsed.success) {
    const input = parsed.data;
    const [municipality, groups, membership] = await Promise.all([
      input.municipalityId
        ? db.municipality.findUnique({ where: { id: input.municipalityId }, select: { id: true } })
        : null,
      input.targetGroups.length
        ? db.targetGroup.findMany({ where: { key: { in: input.targetGroups } }, select: { key: true } })
        : [],
      input.organisationId
        ? db.organisationMember.findUnique({
            where: { organisationId_userId: { organisationId: input.organisationId, userId } },
            select: { organisationId: true },
          })
        : null,
    ]);
    if (input.municipalityId && !municipality)
      errors.municipalityId = "submissions.errors.unknownMunicipality";
    if (groups.length !== new Set(input.targetGroups).size)
      errors.targetGroups = "submissions.errors.unknownGroup";
    if (input.organisationId && !membership) errors.organisationId = "submissions.errors.notYourOrganisation";
  }
  if (Object.keys(errors).length > 0 || !parsed.success || !body.ok) throw new Invalid(errors);
  return { input: parsed.data, body };
}

const cardSelect = {
  id: true,
  consultationId: true,
  kind: true,
  title: true,
  bodyText: true,
  supportCount: true,
  commentCount: true,
  createdAt: true,
  status: true,
  author: { select: { displayName: true, erasedAt: true } },
  organisation: { select: { name: true } },
  municipality: { select: { nameEl: true } },
} satisfies Prisma.SubmissionSelect;

type CardRow = Prisma.SubmissionGetPayload<{ select: typeof cardSelect }>;

function excerpt(text: string, max = 280): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

const RAW_CARD_COLUMNS = Prisma.sql`s.id, s."consultationId", s.kind::text AS kind, s.title,
  left(s."bodyText", 400) AS "bodyText", s."supportCount", s."commentCount", s."createdAt", s.status::text AS status,
  u."displayName" AS "authorName", u."erasedAt" AS "authorErasedAt", o.name AS "organisationName",
  m."nameEl" AS "municipalityName"`;

type RawCardRow = Omit<CardRow, "author" | "organisation" | "municipality"> & {
  authorName: string;
  authorErasedAt: Date | null;
  organisationName: string | null;
  municipalityName: string | null;
};

function rawToCard({ authorName, authorErasedAt, organisationName, municipalityName, ...row }: RawCardRow) {
  return toCard({
    ...row,
    author: { displayName: authorName, erasedAt: authorErasedAt },
    organisation: organisationName === null ? null : { name: organisationName },
    municipality: municipalityName === null ? null : { nameEl: municipalityName },
  });
}

export function toCard(row: CardRow): SubmissionCard {
  return {
    id: row.id,
    consultationId: row.consultationId,
    kind: row.kind,
    title: row.title,
    excerpt: excerpt(row.bodyText),
    // An empty name is shown as "deleted participant" in the reader's language.
    authorName: row.author.erasedAt ? "" : row.author.displayName,
    organisationName: row.organisation?.name ?? null,
    municipalityName: row.municipality?.nameEl ?? null,
    supportCount: row.supportCount,
    commentCount: row.commentCount,
    createdAt: row.createdAt.toISOString(),
    status: row.status,
  };
}

async function queueAnalysis(tx: Tx, submissionId: string, version: number): Promise<void> {
  await addOutboxEvent(tx, {
    key: `analyse:${submissionId}:${version}`,
    queue: "analysis",
    name: "submission",
    payload: { submissionId, version },
  });
}

/** Posts a submission in an open consultation. Pre-moderated consultations keep it pending review. */
export async function createSubmission(
  db: Db,
  actor: NonNullable<Actor>,
  consultationId: string,
  fields: SubmissionFields,
): Promise<{ id: string; status: "published" | "pending_review" }> {
  if (!can(actor, "submission.create")) throw new Forbidden("submissions.errors.verifyFirst");
  const consultation = await db.consultation.findFirst({
    where: { id: consultationId, phase: { not: "draft" } },
    select: { id: true, phase: true, opensAt: true, closesAt: true, preModeration: true },
  });
  if (!consultation) throw new NotFound("consultations.errors.notFound");
  if (!isOpenForInput(consultation)) throw new Invalid({}, "submissions.errors.closed");
  const { input, body } = await validateSubmission(db, actor.id, fields);
  await limitPosting(actor.id, "submission", db);

  const id = newId();
  const status = consultation.preModeration ? "pending_review" : "published";
  const card = await db.$transaction(async (tx) => {
    const row = await tx.submission.create({
      data: {
        id,
        consultationId,
        authorId: actor.id,
        organisationId: input.organisationId ?? null,
        kind: input.kind,
        title: input.title,
        bodyJson: body.doc as unknown as Prisma.InputJsonValue,
        bodyHtml: body.html,
        bodyText: body.text,
        municipalityId: input.municipalityId ?? null,
        status,
        targetGroups: { create: [...new Set(input.targetGroups)].map((key) => ({ targetGroupKey: key })) },
      },
      select: cardSelect,
    });
    if (status === "published") {
      await tx.consultation.update({
        where: { id: consultationId },
        data: { submissionCount: { increment: 1 } },
      });
      await addOutboxEvent(tx, {
        key: `notify:submission-created:${id}`,
        queue: "notify",
        name: "submission.created",
        payload: { submissionId: id },
      });
    }
    await queueAnalysis(tx, id, 1);
    return toCard(row);
  });
  if (status === "published") publish(rooms.consultation(consultationId), "submission:new", card);
  return { id, status };
}

async function loadOwnSubmission(db: DbOrTx, submissionId: string) {
  const s = await db.submission.findUnique({
    where: { id: submissionId },
    select: {
      id: true,
      authorId: true,
      createdAt: true,
      status: true,
      version: true,
      consultationId: true,
      municipalityId: true,
      lockedAt: true,
      consultation: { select: { phase: true, opensAt: true, closesAt: true } },
    },
  });
  if (!s) throw new NotFound("submissions.errors.notFound");
  return s;
}

/** Whether the author may still edit (for the UI; the server re-checks on save). */
export function canEditSubmission(
  actor: Actor,
  s: {
    authorId: string;
    createdAt: Date;
    status: string;
    consultation: { phase: string; opensAt: Date | null; closesAt: Date | null };
  },
  now = new Date(),
): boolean {
  return (
    ["published", "pending_review"].includes(s.status) &&
    isOpenForInput(s.consultation, now) &&
    can(actor, "submission.edit", {
      authorId: s.authorId,
      createdAt: s.createdAt,
      editWindowMinutes: getEnv().SUBMISSION_EDIT_MINUTES,
      now,
    })
  );
}

/** The author edits within the edit window; the version goes up and the new text is analysed again. */
export async function updateSubmission(
  db: Db,
  actor: NonNullable<Actor>,
  submissionId: string,
  fields: SubmissionFields,
): Promise<void> {
  const s = await loadOwnSubmission(db, submissionId);
  if (s.authorId !== actor.id) throw new Forbidden();
  if (!canEditSubmission(actor, s)) throw new Invalid({}, "submissions.errors.editWindowOver");
  const { input, body } = await validateSubmission(db, actor.id, fields);
  const card = await db.$transaction(async (tx) => {
    // The version guard makes two simultaneous edits apply one after the other, never interleaved.
    const { count } = await tx.submission.updateMany({
      where: { id: submissionId, version: s.version },
      data: {
        kind: input.kind,
        title: input.title,
        bodyJson: body.doc as unknown as Prisma.InputJsonValue,
        bodyHtml: body.html,
        bodyText: body.text,
        municipalityId: input.municipalityId ?? null,
        organisationId: input.organisationId ?? null,
        version: { increment: 1 },
        editedAt: new Date(),
      },
    });
    if (count !== 1) throw new Invalid({}, "submissions.errors.editConflict");
    await tx.submissionTargetGroup.deleteMany({ where: { submissionId } });
    await tx.submissionTargetGroup.createMany({
      data: [...new Set(input.targetGroups)].map((key) => ({ submissionId, targetGroupKey: key })),
    });
    await queueAnalysis(tx, submissionId, s.version + 1);
    // The author's municipality counts in the breadth of what they take part in: recompute those too.
    if ((input.municipalityId ?? null) !== s.municipalityId) {
      await schedulePriorityAfterStatusChange(tx, [submissionId]);
    }
    const row = await tx.submission.findUniqueOrThrow({ where: { id: submissionId }, select: cardSelect });
    return toCard(row);
  });
  if (card.status === "published") {
    publish(rooms.consultation(card.consultationId), "submission:counts", {
      id: card.id,
      supportCount: card.supportCount,
      commentCount: card.commentCount,
    });
  }
}

/** The author withdraws with a reason; the submission stays on record, marked withdrawn. */
export async function withdrawSubmission(
  db: Db,
  actor: NonNullable<Actor>,
  submissionId: string,
  fields: { reason?: unknown },
): Promise<void> {
  const s = await loadOwnSubmission(db, submissionId);
  if (!can(actor, "submission.withdraw", { authorId: s.authorId })) throw new Forbidden();
  if (!["published", "pending_review"].includes(s.status)) {
    throw new Invalid({}, "submissions.errors.cannotWithdraw");
  }
  const parsed = withdrawSchema.safeParse({ reason: fields.reason });
  if (!parsed.success) throw new Invalid(fieldErrorsOf(parsed.error));
  await db.$transaction(async (tx) => {
    const { count } = await tx.submission.updateMany({
      where: { id: submissionId, status: s.status },
      data: { status: "withdrawn", withdrawnAt: new Date(), withdrawalReason: parsed.data.reason },
    });
    if (count !== 1) throw new Invalid({}, "submissions.errors.cannotWithdraw");
    if (s.status === "published") {
      await tx.consultation.update({
        where: { id: s.consultationId },
        data: { submissionCount: { decrement: 1 } },
      });
    }
    // It leaves the rankings (and its author's municipality the breadth of what they took part in).
    await schedulePriorityAfterStatusChange(tx, [submissionId]);
  });
}

// ───────────────────────────── Supports ─────────────────────────────

async function loadSupportable(db: DbOrTx, submissionId: string) {
  const s = await db.submission.findFirst({
    where: { id: submissionId, status: "published" },
    select: {
      id: true,
      kind: true,
      authorId: true,
      consultationId: true,
      consultation: { select: { phase: true, opensAt: true, closesAt: true } },
    },
  });
  if (!s) throw new NotFound("submissions.errors.notFound");
  if (s.kind !== "proposal") throw new Invalid({}, "submissions.errors.supportProposalsOnly");
  if (!isOpenForInput(s.consultation)) throw new Invalid({}, "submissions.errors.closed");
  return s;
}

/**
 * One support per participant: the (submission, user) primary key makes a second one a no-op, so any number
 * of parallel requests add exactly one. Returns the new count and whether this call added the support.
 */
export async function supportSubmission(
  db: Db,
  actor: NonNullable<Actor>,
  submissionId: string,
): Promise<{ supportCount: number; added: boolean }> {
  if (!can(actor, "submission.support")) throw new Forbidden("submissions.errors.verifyFirst");
  const s = await loadSupportable(db, submissionId);
  if (s.authorId === actor.id) throw new Invalid({}, "submissions.errors.ownProposal");
  const result = await db.$transaction(async (tx) => {
    const { count } = await tx.support.createMany({
      data: [{ submissionId, userId: actor.id }],
      skipDuplicates: true,
    });
    if (count === 0) {
      const row = await tx.submission.findUniqueOrThrow({
        where: { id: submissionId },
        select: { supportCount: true },
      });
      return { supportCount: row.supportCount, added: false, commentCount: -1 };
    }
    const row = await tx.submission.update({
      where: { id: submissionId },
      data: { supportCount: { increment: 1 } },
      select: { supportCount: true, commentCount: true },
    });
    await schedulePriorityRecompute(tx, { submissionId });
    if (SUPPORT_MILESTONES.includes(row.supportCount)) {
      await addOutboxEvent(tx, {
        key: `notify:support-milestone:${submissionId}:${row.supportCount}`,
        queue: "notify",
        name: "support.milestone",
        payload: { submissionId, count: row.supportCount },
      });
    }
    return { ...row, added: true };
  });
  if (result.added) {
    publish(rooms.consultation(s.consultationId), "submission:counts", {
      id: submissionId,
      supportCount: result.supportCount,
      commentCount: result.commentCount,
    });
  }
  return { supportCount: result.supportCount, added: result.added };
}

/** Withdraws the participant's support; a no-op when there was none. */
export async function withdrawSupport(
  db: Db,
  actor: NonNullable<Actor>,
  submissionId: string,
): Promise<{ supportCount: number; removed: boolean }> {
  const s = await loadSupportable(db, submissionId);
  const result = await db.$transaction(async (tx) => {
    const { count } = await tx.support.deleteMany({ where: { submissionId, userId: actor.id } });
    if (count > 0) await schedulePriorityRecompute(tx, { submissionId });
    const row =
      count === 0
        ? await tx.submission.findUniqueOrThrow({
            where: { id: submissionId },
            select: { supportCount: true, commentCount: true },
          })
        : await tx.submission.update({
            where: { id: submissionId },
            data: { supportCount: { decrement: 1 } },
            select: { supportCount: true, commentCount: true },
          });
    return { ...row, removed: count > 0 };
  });
  if (result.removed) {
    publish(rooms.consultation(s.consultationId), "submission:counts", {
      id: submissionId,
      supportCount: result.supportCount,
      commentCount: result.commentCount,
    });
  }
  return { supportCount: result.supportCount, removed: result.removed };
}

// ───────────────────────────── Reading ─────────────────────────────

export function parseSubmissionListQuery(params: URLSearchParams): SubmissionListQuery {
  return submissionListQuerySchema.parse(Object.fromEntries(params));
}

/** A fresh seed for a visitor's random order (kept in a cookie so the order is stable for them). */
export function newOrderSeed(): string {
  return randomBytes(6).toString("hex");
}

/** The list filters as SQL (the listing is one raw query). */
function listFilterSql(consultationId: string, q: SubmissionListQuery): Prisma.Sql {
  const parts = [Prisma.sql`s."consultationId" = ${consultationId}`, Prisma.sql`s.status = 'published'`];
  if (q.kind) parts.push(Prisma.sql`s.kind = ${q.kind}::"SubmissionKind"`);
  if (q.municipality) parts.push(Prisma.sql`s."municipalityId" = ${q.municipality}`);
  if (q.group) {
    parts.push(
      Prisma.sql`EXISTS (SELECT 1 FROM "SubmissionTargetGroup" g WHERE g."submissionId" = s.id AND g."targetGroupKey" = ${q.group})`,
    );
  }
  if (q.theme) {
    parts.push(
      Prisma.sql`EXISTS (SELECT 1 FROM "SubmissionAnalysis" a WHERE a."submissionId" = s.id AND a.themes @> ${JSON.stringify([{ key: q.theme }])}::jsonb)`,
    );
  }
  return Prisma.join(parts, " AND ");
}

/**
 * A page of a consultation's published submissions. `sort` defaults to random while the consultation is
 * open (every proposal gets its chance to be seen) and to most supported afterwards.
 */
export async function listSubmissions(
  db: DbOrTx,
  consultation: { id: string; openForInput: boolean },
  q: SubmissionListQuery,
  seed: string,
) {
  const sort: SubmissionSort = q.sort ?? (consultation.openForInput ? "random" : "supported");
  const effectiveSort = sort === "random" && !consultation.openForInput ? "supported" : sort;
  const page = q.page ?? 1;
  const filter = listFilterSql(consultation.id, q);
  // The listing is the hottest read of the site: one joined query for the page, one for the count.
  const order =
    effectiveSort === "random"
      ? // A hash of the visitor's seed and the id: stable for the visitor, different for others.
        Prisma.sql`hashtext(${seed} || s.id), s.id`
      : effectiveSort === "supported"
        ? Prisma.sql`s."supportCount" DESC, s."createdAt" DESC, s.id`
        : effectiveSort === "commented"
          ? Prisma.sql`s."commentCount" DESC, s."createdAt" DESC, s.id`
          : effectiveSort === "priority"
            ? // Ties (and not yet scored ones, last) by id: the same scores give the same order.
              Prisma.sql`(SELECT p.score FROM "PriorityScore" p WHERE p."submissionId" = s.id) DESC NULLS LAST, s.id`
            : Prisma.sql`s."createdAt" DESC, s.id`;
  // One round trip: the page of cards with the total count alongside (a window over the filtered rows).
  // The page is chosen on the submissions alone, then only its rows are joined and their text read:
  // sorting every row with its text and joins was ten times slower.
  const rows = await hotRead<RawCardRow & { total: number }>(
    db,
    Prisma.sql`
    WITH page AS (
      SELECT s.id, count(*) OVER ()::int AS total
      FROM "Submission" s
      WHERE ${filter}
      ORDER BY ${order}
      LIMIT ${PAGE_SIZE} OFFSET ${(page - 1) * PAGE_SIZE}
    )
    SELECT ${RAW_CARD_COLUMNS}, page.total
    FROM page
    JOIN "Submission" s ON s.id = page.id
    JOIN "User" u ON u.id = s."authorId"
    LEFT JOIN "Organisation" o ON o.id = s."organisationId"
    LEFT JOIN "Municipality" m ON m.id = s."municipalityId"
    ORDER BY ${order}`,
  );
  // Past the last page there are no rows to carry the count: ask for it then only.
  const total =
    rows[0]?.total ??
    (page > 1
      ? ((
          await hotRead<{ n: number }>(
            db,
            Prisma.sql`SELECT count(*)::int AS n FROM "Submission" s WHERE ${filter}`,
          )
        )[0]?.n ?? 0)
      : 0);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  return {
    items: rows.map(({ total: _total, ...row }) => rawToCard(row)),
    total,
    page,
    pages,
    sort: effectiveSort,
  };
}

/** What a page that was offline missed: submissions published after `since` (oldest first). */
export async function submissionsSince(db: DbOrTx, consultationId: string, since: Date) {
  const rows = await db.submission.findMany({
    where: { consultationId, status: "published", createdAt: { gt: since } },
    orderBy: { createdAt: "asc" },
    take: 100,
    select: cardSelect,
  });
  return rows.map(toCard);
}

type SubmissionPageRow = RawCardRow & {
  bodyHtml: string;
  bodyJson: unknown;
  authorId: string;
  editedAt: Date | null;
  version: number;
  lockedAt: Date | null;
  withdrawnAt: Date | null;
  withdrawalReason: string | null;
  mergedIntoId: string | null;
  municipalityId: string | null;
  organisationId: string | null;
  targetGroups: { key: string; nameEl: string; nameEn: string }[];
  consultation: {
    id: string;
    slug: string;
    title: string;
    phase: string;
    opensAt: string | null;
    closesAt: string | null;
  };
  response: {
    disposition: "incorporated" | "partly" | "not_incorporated";
    reason: string;
    publishedAt: string | null;
  } | null;
  supported: boolean;
};

/**
 * One submission for its page; pending or withdrawn ones only for their author, hidden ones for nobody.
 * One query (related rows as JSON): every submission page reads it.
 */
export async function getSubmissionPage(db: DbOrTx, id: string, viewer: Actor) {
  const rows = await hotRead<SubmissionPageRow>(
    db,
    Prisma.sql`
    SELECT ${RAW_CARD_COLUMNS}, s."bodyHtml", s."bodyJson", s."authorId", s."editedAt", s.version, s."lockedAt",
      s."withdrawnAt", s."withdrawalReason", s."mergedIntoId", s."municipalityId", s."organisationId",
      coalesce((SELECT json_agg(json_build_object('key', g.key, 'nameEl', g."nameEl", 'nameEn', g."nameEn")
                                ORDER BY g.position)
                FROM "SubmissionTargetGroup" sg JOIN "TargetGroup" g ON g.key = sg."targetGroupKey"
                WHERE sg."submissionId" = s.id), '[]'::json) AS "targetGroups",
      json_build_object('id', c.id, 'slug', c.slug, 'title', c.title, 'phase', c.phase,
                        'opensAt', c."opensAt", 'closesAt', c."closesAt") AS consultation,
      (SELECT json_build_object('disposition', r.disposition, 'reason', r.reason, 'publishedAt', r."publishedAt")
       FROM "SubmissionResponse" r WHERE r."submissionId" = s.id AND r."publishedAt" IS NOT NULL) AS response,
      EXISTS (SELECT 1 FROM "Support" sp WHERE sp."submissionId" = s.id AND sp."userId" = ${viewer?.id ?? ""}) AS supported
    FROM "Submission" s
    JOIN "User" u ON u.id = s."authorId"
    LEFT JOIN "Organisation" o ON o.id = s."organisationId"
    LEFT JOIN "Municipality" m ON m.id = s."municipalityId"
    JOIN "Consultation" c ON c.id = s."consultationId"
    WHERE s.id = ${id}`,
  );
  const s = rows[0];
  const isAuthor = !!viewer && s?.authorId === viewer.id;
  if (!s || s.consultation.phase === "draft") throw new NotFound("submissions.errors.notFound");
  if (s.status === "merged" && s.mergedIntoId)
    return { redirectTo: `/submissions/${s.mergedIntoId}` } as const;
  if (s.status === "hidden" && !isAuthor) throw new NotFound("submissions.errors.notFound");
  if (s.status === "pending_review" && !isAuthor) throw new NotFound("submissions.errors.notFound");
  const supported = !!viewer && s.supported;
  const dates = {
    phase: s.consultation.phase,
    opensAt: s.consultation.opensAt ? new Date(s.consultation.opensAt) : null,
    closesAt: s.consultation.closesAt ? new Date(s.consultation.closesAt) : null,
  };
  const openForInput = isOpenForInput(dates);
  return {
    redirectTo: null,
    submission: {
      ...rawToCard(s),
      bodyHtml: s.bodyHtml,
      // Only the author needs the editor's document (to edit it); everyone else gets the HTML.
      bodyJson: isAuthor ? JSON.stringify(s.bodyJson) : "",
      editedAt: s.editedAt?.toISOString() ?? null,
      locked: !!s.lockedAt,
      withdrawnAt: s.withdrawnAt?.toISOString() ?? null,
      withdrawalReason: s.withdrawalReason,
      municipalityId: s.municipalityId,
      organisationId: s.organisationId,
      targetGroups: s.targetGroups,
      response: s.response,
    },
    consultation: { ...s.consultation, opensAt: null, closesAt: null, openForInput },
    viewer: {
      isAuthor,
      supported,
      canEdit: isAuthor && canEditSubmission(viewer, { ...s, consultation: dates }),
      canWithdraw: isAuthor && ["published", "pending_review"].includes(s.status),
      canSupport: openForInput && s.kind === "proposal" && s.status === "published" && !isAuthor,
    },
  };
}
