import type { DbOrTx } from "~/utils/db.server.ts";

/** Consultations for the home page: open ones first (closing soonest), then the rest that are public. */
export async function listPublicConsultations(db: DbOrTx) {
  const rows = await db.consultation.findMany({
    where: { phase: { not: "draft" } },
    orderBy: [{ closesAt: "asc" }, { createdAt: "desc" }],
    take: 50,
    select: {
      id: true,
      slug: true,
      title: true,
      summary: true,
      phase: true,
      closesAt: true,
      submissionCount: true,
    },
  });
  const shaped = rows.map((r) => ({ ...r, closesAt: r.closesAt?.toISOString() ?? null }));
  return {
    open: shaped.filter((c) => c.phase === "open"),
    other: shaped.filter((c) => c.phase !== "open"),
  };
}
