/**
 * Data for `bench:analysis`: the reference data, authors, open consultations and many submissions (written
 * in bulk, without outbox events: the benchmark enqueues their analysis itself). The texts are the dev files'
 * (the analysis cost depends on real lengths and vocabulary), each with a small numbered suffix so no two
 * are alike.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { loadDevExamples } from "~/domain/analysis/categoriser/index.ts";
import { PrismaClient } from "~/generated/prisma/client.ts";
import { newId } from "~/utils/ids.ts";
import { titleFrom, upsertGeographyAndTaxonomy } from "../../prisma/seed.ts";

export interface AnalysisWorld {
  consultationIds: string[];
  authorIds: string[];
  texts: string[];
}

export async function seedAnalysisWorld(
  url: string,
  { consultations = 20, authors = 100 }: { consultations?: number; authors?: number } = {},
): Promise<AnalysisWorld> {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  try {
    await upsertGeographyAndTaxonomy(prisma);
    const authorIds = Array.from({ length: authors }, () => newId());
    await prisma.user.createMany({
      data: authorIds.map((id, i) => ({
        id,
        email: `bench-${i}-${id.slice(0, 8)}@example.org`,
        displayName: `Συμμετέχων ${i + 1}`,
        emailVerifiedAt: new Date(),
      })),
    });
    await prisma.userRole.createMany({
      data: authorIds.map((userId, i) => ({ userId, role: i === 0 ? "directorate" : "citizen" })),
    });
    const consultationIds = Array.from({ length: consultations }, () => newId());
    await prisma.consultation.createMany({
      data: consultationIds.map((id, i) => ({
        id,
        slug: `bench-${i + 1}-${id.slice(0, 6)}`,
        title: `Διαβούλευση ${i + 1}`,
        summary: "Περίληψη",
        bodyJson: { type: "doc", content: [] },
        bodyHtml: "",
        phase: "open",
        opensAt: new Date(Date.now() - 86_400_000),
        closesAt: new Date(Date.now() + 30 * 86_400_000),
        createdById: authorIds[0],
      })),
    });
    const texts = loadDevExamples()
      .map((e) => e.text)
      .filter((t) => t.trim().length >= 20);
    return { consultationIds, authorIds, texts };
  } finally {
    await prisma.$disconnect();
  }
}

/** The i-th text of the world (dev texts in turn, numbered so that no two are the same). */
export function textFor(world: AnalysisWorld, i: number): string {
  return `${world.texts[i % world.texts.length]} (${i + 1})`;
}

/** Inserts `count` published submissions (version 1) spread over the consultations; returns their ids. */
export async function insertSubmissions(url: string, world: AnalysisWorld, count: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const ids: string[] = [];
  try {
    for (let start = 0; start < count; start += 2_000) {
      const n = Math.min(2_000, count - start);
      const rows = Array.from({ length: n }, (_, k) => {
        const i = start + k;
        const text = textFor(world, i);
        return {
          id: newId(),
          consultationId: world.consultationIds[i % world.consultationIds.length],
          authorId: world.authorIds[i % world.authorIds.length],
          title: titleFrom(text),
          text,
        };
      });
      await client.query(
        `INSERT INTO "Submission" (id, "consultationId", "authorId", kind, title, "bodyJson", "bodyHtml",
                                   "bodyText", status, version, "createdAt", "updatedAt")
         SELECT t.id, t.cid, t.aid, 'proposal', t.title,
                jsonb_build_object('type', 'doc', 'content', jsonb_build_array(jsonb_build_object(
                  'type', 'paragraph', 'content', jsonb_build_array(jsonb_build_object('type', 'text', 'text', t.body))))),
                '<p>' || t.body || '</p>', t.body, 'published', 1,
                now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(id, cid, aid, title, body)`,
        [
          rows.map((r) => r.id),
          rows.map((r) => r.consultationId),
          rows.map((r) => r.authorId),
          rows.map((r) => r.title),
          rows.map((r) => r.text),
        ],
      );
      ids.push(...rows.map((r) => r.id));
    }
    await client.query(`ANALYZE "Submission"`);
  } finally {
    await client.end();
  }
  return ids;
}
