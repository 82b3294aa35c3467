/**
 * Public reads of consultations: the index with its filters, one consultation's page, its document. Writes
 * live in manage.server.ts (Directorate) and the submissions/comments areas (participants).
 */
import { z } from "zod";
import { Prisma } from "~/generated/prisma/client.ts";
import type { DbOrTx } from "~/utils/db.server.ts";
import { hotRead } from "~/utils/sql.server.ts";
import { NotFound } from "~/utils/errors.server.ts";

export const PHASES = ["draft", "open", "closed", "analysed", "concluded"] as const;
export type Phase = (typeof PHASES)[number];
export const PUBLIC_PHASES = ["open", "closed", "analysed", "concluded"] as const;

/** A consultation takes new input only while open and inside its dates (the phase job may lag a minute). */
export function isOpenForInput(
  c: { phase: string; opensAt: Date | null; closesAt: Date | null },
  now = new Date(),
): boolean {
  if (c.phase !== "open") return false;
  if (c.opensAt && c.opensAt > now) return false;
  if (c.closesAt && c.closesAt <= now) return false;
  return true;
}

// Query-string filters of the index: unknown values are ignored rather than refused, so old links keep working.
const optionalKey = z
  .string()
  .trim()
  .max(80)
  .regex(/^[A-Za-z0-9_-]+$/)
  .optional()
  .catch(undefined);
export const consultationFiltersSchema = z.object({
  phase: z.enum(PUBLIC_PHASES).optional().catch(undefined),
  theme: optionalKey,
  group: optionalKey,
  unit: optionalKey,
  municipality: optionalKey,
});
export type ConsultationFilters = z.infer<typeof consultationFiltersSchema>;

export function parseConsultationFilters(params: URLSearchParams): ConsultationFilters {
  return consultationFiltersSchema.parse(Object.fromEntries(params));
}

function whereForFilters(f: ConsultationFilters): Prisma.ConsultationWhereInput {
  const where: Prisma.ConsultationWhereInput = {
    phase: f.phase ? f.phase : { not: "draft" },
  };
  if (f.theme) where.themes = { some: { themeKey: f.theme } };
  if (f.group) where.targetGroups = { some: { targetGroupKey: f.group } };
  // A regional unit finds what was scoped to it or to one of its municipalities.
  if (f.unit) {
    where.OR = [{ regionalUnitCode: f.unit }, { municipality: { regionalUnitCode: f.unit } }];
  }
  if (f.municipality) where.municipalityId = f.municipality;
  return where;
}

const listSelect = {
  id: true,
  slug: true,
  title: true,
  summary: true,
  phase: true,
  opensAt: true,
  closesAt: true,
  submissionCount: true,
  scopeLevel: true,
  regionalUnit: { select: { nameEl: true, nameEn: true } },
  municipality: { select: { nameEl: true, nameEn: true } },
  themes: { select: { theme: { select: { key: true, nameEl: true, nameEn: true } } } },
} satisfies Prisma.ConsultationSelect;

type ListRow = Prisma.ConsultationGetPayload<{ select: typeof listSelect }>;

function shapeListRow(r: ListRow) {
  return {
    id: r.id,
    slug: r.slug,
    title: r.title,
    summary: r.summary,
    phase: r.phase,
    opensAt: r.opensAt?.toISOString() ?? null,
    closesAt: r.closesAt?.toISOString() ?? null,
    submissionCount: r.submissionCount,
    scopeLevel: r.scopeLevel,
    place: r.municipality ?? r.regionalUnit ?? null,
    themes: r.themes.map((t) => t.theme),
  };
}
export type ConsultationListItem = ReturnType<typeof shapeListRow>;

/** Consultations for the home page: open ones first (closing soonest), then the rest that are public. */
export async function listPublicConsultations(db: DbOrTx) {
  const rows = await db.consultation.findMany({
    where: { phase: { not: "draft" } },
    orderBy: [{ closesAt: "asc" }, { createdAt: "desc" }],
    take: 50,
    select: listSelect,
  });
  const shaped = rows.map(shapeListRow);
  return {
    open: shaped.filter((c) => c.phase === "open"),
    other: shaped.filter((c) => c.phase !== "open"),
  };
}

/** The index: filtered consultations, counts per phase under the other filters, and the filter options. */
export async function searchConsultations(db: DbOrTx, filters: ConsultationFilters) {
  const where = whereForFilters(filters);
  const [rows, byPhase, reference] = await Promise.all([
    db.consultation.findMany({
      where,
      orderBy: [{ phase: "asc" }, { closesAt: "asc" }, { createdAt: "desc" }],
      take: 200,
      select: listSelect,
    }),
    db.consultation.groupBy({
      by: ["phase"],
      where: whereForFilters({ ...filters, phase: undefined }),
      _count: { _all: true },
    }),
    getReferenceData(db),
  ]);
  const phaseCounts = Object.fromEntries(PUBLIC_PHASES.map((p) => [p, 0])) as Record<string, number>;
  for (const g of byPhase) if (g.phase !== "draft") phaseCounts[g.phase] = g._count._all;
  return {
    consultations: rows.map(shapeListRow),
    phaseCounts,
    total: Object.values(phaseCounts).reduce((a, b) => a + b, 0),
    options: reference,
  };
}

type Named = { nameEl: string; nameEn: string };

type PublicConsultationRow = {
  id: string;
  slug: string;
  title: string;
  summary: string;
  bodyHtml: string;
  phase: Phase;
  opensAt: Date | null;
  closesAt: Date | null;
  analysedAt: Date | null;
  concludedAt: Date | null;
  preModeration: boolean;
  submissionCount: number;
  scopeLevel: "region" | "regional_unit" | "municipality";
  regionalUnit: ({ code: string } & Named) | null;
  municipality: ({ id: string } & Named) | null;
  committee: { name: string } | null;
  themes: ({ key: string } & Named)[];
  targetGroups: ({ key: string } & Named)[];
  articles: { id: string; number: number; title: string; commentCount: number }[];
};

/**
 * One public consultation by slug, with what its page shows above the submissions. Every consultation
 * page reads it, so it is one query (related rows as JSON) instead of one per relation.
 */
export async function getPublicConsultation(db: DbOrTx, slug: string) {
  const rows = await hotRead<PublicConsultationRow>(
    db,
    Prisma.sql`
    SELECT c.id, c.slug, c.title, c.summary, c."bodyHtml", c.phase::text AS phase, c."opensAt", c."closesAt",
      c."analysedAt", c."concludedAt", c."preModeration", c."submissionCount", c."scopeLevel"::text AS "scopeLevel",
      CASE WHEN ru.code IS NULL THEN NULL
           ELSE json_build_object('code', ru.code, 'nameEl', ru."nameEl", 'nameEn', ru."nameEn") END AS "regionalUnit",
      CASE WHEN m.id IS NULL THEN NULL
           ELSE json_build_object('id', m.id, 'nameEl', m."nameEl", 'nameEn', m."nameEn") END AS municipality,
      CASE WHEN co.id IS NULL THEN NULL ELSE json_build_object('name', co.name) END AS committee,
      coalesce((SELECT json_agg(json_build_object('key', t.key, 'nameEl', t."nameEl", 'nameEn', t."nameEn")
                                ORDER BY t.position)
                FROM "ConsultationTheme" ct JOIN "Theme" t ON t.key = ct."themeKey"
                WHERE ct."consultationId" = c.id), '[]'::json) AS themes,
      coalesce((SELECT json_agg(json_build_object('key', g.key, 'nameEl', g."nameEl", 'nameEn', g."nameEn")
                                ORDER BY g.position)
                FROM "ConsultationTargetGroup" cg JOIN "TargetGroup" g ON g.key = cg."targetGroupKey"
                WHERE cg."consultationId" = c.id), '[]'::json) AS "targetGroups",
      coalesce((SELECT json_agg(json_build_object('id', a.id, 'number', a.number, 'title', a.title,
                                                  'commentCount', a."commentCount") ORDER BY a.number)
                FROM "ConsultationArticle" a WHERE a."consultationId" = c.id), '[]'::json) AS articles
    FROM "Consultation" c
    LEFT JOIN "RegionalUnit" ru ON ru.code = c."regionalUnitCode"
    LEFT JOIN "Municipality" m ON m.id = c."municipalityId"
    LEFT JOIN "Committee" co ON co.id = c."committeeId"
    WHERE c.slug = ${slug} AND c.phase <> 'draft'`,
  );
  const c = rows[0];
  if (!c) throw new NotFound("consultations.errors.notFound");
  return {
    ...c,
    opensAt: c.opensAt?.toISOString() ?? null,
    closesAt: c.closesAt?.toISOString() ?? null,
    analysedAt: c.analysedAt?.toISOString() ?? null,
    concludedAt: c.concludedAt?.toISOString() ?? null,
    openForInput: isOpenForInput(c),
  };
}
export type PublicConsultation = Awaited<ReturnType<typeof getPublicConsultation>>;

/** One article of a public consultation's document. */
export async function getPublicArticle(db: DbOrTx, slug: string, number: number) {
  const article = await db.consultationArticle.findFirst({
    where: { number, consultation: { slug, phase: { not: "draft" } } },
    select: {
      id: true,
      number: true,
      title: true,
      bodyHtml: true,
      commentCount: true,
      lockedAt: true,
      consultation: {
        select: {
          id: true,
          slug: true,
          title: true,
          phase: true,
          opensAt: true,
          closesAt: true,
          articles: { orderBy: { number: "asc" }, select: { number: true, title: true } },
        },
      },
    },
  });
  if (!article) throw new NotFound("consultations.errors.articleNotFound");
  const { consultation, ...rest } = article;
  return {
    ...rest,
    lockedAt: rest.lockedAt?.toISOString() ?? null,
    consultation: {
      id: consultation.id,
      slug: consultation.slug,
      title: consultation.title,
      phase: consultation.phase,
      openForInput: isOpenForInput(consultation),
    },
    articles: consultation.articles,
  };
}

/** Municipalities, target groups and the author's organisations: the choices of the submission form. */
export async function getSubmissionFormOptions(db: DbOrTx, userId: string) {
  const [reference, organisations] = await Promise.all([
    getReferenceData(db),
    db.organisationMember.findMany({
      where: { userId },
      select: { organisation: { select: { id: true, name: true } } },
    }),
  ]);
  return {
    municipalities: reference.municipalities,
    groups: reference.groups,
    organisations: organisations.map((o) => o.organisation),
  };
}

type ReferenceData = {
  themes: { key: string; nameEl: string; nameEn: string }[];
  groups: { key: string; nameEl: string; nameEn: string }[];
  municipalities: { id: string; nameEl: string; nameEn: string; regionalUnitCode: string }[];
  units: { code: string; nameEl: string; nameEn: string }[];
};
let referenceCache: { at: number; data: Promise<ReferenceData> } | null = null;
const REFERENCE_TTL_MS = 60_000;

/**
 * Themes, target groups, regional units and municipalities for filters and forms. They change only with a
 * new seed or migration, so each process keeps them for a minute instead of reading them on every page.
 */
export function getReferenceData(db: DbOrTx): Promise<ReferenceData> {
  if (referenceCache && Date.now() - referenceCache.at < REFERENCE_TTL_MS) return referenceCache.data;
  const data = Promise.all([
    db.theme.findMany({ orderBy: { position: "asc" }, select: { key: true, nameEl: true, nameEn: true } }),
    db.targetGroup.findMany({
      orderBy: { position: "asc" },
      select: { key: true, nameEl: true, nameEn: true },
    }),
    db.municipality.findMany({
      orderBy: { nameEl: "asc" },
      select: { id: true, nameEl: true, nameEn: true, regionalUnitCode: true },
    }),
    db.regionalUnit.findMany({
      orderBy: { nameEl: "asc" },
      select: { code: true, nameEl: true, nameEn: true },
    }),
  ]).then(([themes, groups, municipalities, units]) => ({ themes, groups, municipalities, units }));
  referenceCache = { at: Date.now(), data };
  data.catch(() => {
    referenceCache = null;
  });
  return data;
}
