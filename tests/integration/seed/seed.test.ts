import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { verifyPassword } from "~/domain/accounts/password.server.ts";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "../../../prisma/seed-content.ts";
import { seed } from "../../../prisma/seed.ts";
import { useTestDatabase } from "../../helpers/db.ts";

const testDb = useTestDatabase();
const root = path.resolve(import.meta.dirname, "../../..");

interface DemoAccountEntry {
  email: string;
  password: string;
  displayName: string;
  roles: string[];
  note: string;
}
const demoAccounts = JSON.parse(
  readFileSync(path.join(root, "prisma/demo-accounts.json"), "utf8"),
) as DemoAccountEntry[];

/** A fingerprint of every table's full content. */
async function snapshot(): Promise<Record<string, string>> {
  const prisma = testDb().prisma;
  const tables = await prisma.$queryRaw<{ table_name: string }[]>`
    SELECT table_name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
     ORDER BY table_name`;
  const out: Record<string, string> = {};
  for (const { table_name } of tables) {
    const rows = await prisma.$queryRawUnsafe<{ n: bigint; h: string | null }[]>(
      `SELECT count(*) AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM "${table_name}" t`,
    );
    out[table_name] = `${rows[0].n}:${rows[0].h ?? ""}`;
  }
  return out;
}

describe("seed", () => {
  it("fills a fresh database with geography, taxonomy, demo accounts and demo content", async () => {
    const prisma = testDb().prisma;
    const result = await seed(prisma);
    expect(result.demo).toBe("created");

    expect(await prisma.region.count()).toBe(1);
    expect(await prisma.regionalUnit.count()).toBe(3);
    expect(await prisma.municipality.count()).toBe(19);
    expect(await prisma.theme.count()).toBe(6);
    expect(await prisma.targetGroup.count()).toBe(10);
    const patras = await prisma.municipality.findUniqueOrThrow({ where: { id: "patras" } });
    expect(patras).toMatchObject({ nameEl: "Πατρέων", regionalUnitCode: "EL632", aliasesEl: ["Πάτρα"] });
    for (const id of ["agrinio", "ancient-olympia", "west-achaea", "aktio-vonitsa", "missolonghi"]) {
      expect(await prisma.municipality.findUnique({ where: { id } })).not.toBeNull();
    }
    expect(
      (await prisma.targetGroup.findMany({ orderBy: { position: "asc" } })).map((g) => g.position),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    // No background work is queued by seeding.
    expect(await prisma.outboxEvent.count()).toBe(0);
  });

  it("creates every demo account listed in prisma/demo-accounts.json, verified, with its roles and consents", async () => {
    const prisma = testDb().prisma;
    expect(demoAccounts.map((a) => a.email)).toEqual(DEMO_ACCOUNTS.map((a) => a.email));
    expect(demoAccounts.length).toBe(9);
    for (const entry of demoAccounts) {
      expect(entry.password).toBe(DEMO_PASSWORD);
      const user = await prisma.user.findUnique({
        where: { email: entry.email },
        include: { roles: true, consents: true },
      });
      expect(user, entry.email).not.toBeNull();
      expect(user!.displayName).toBe(entry.displayName);
      expect(user!.emailVerifiedAt).toBeInstanceOf(Date);
      expect(user!.roles.map((r) => r.role).sort()).toEqual([...entry.roles].sort());
      expect(entry.roles).toContain("citizen");
      expect(user!.consents.map((c) => c.kind).sort()).toEqual(["privacy", "terms"]);
      expect(await verifyPassword(user!.passwordHash!, entry.password)).toBe(true);
    }
    const roleOf = async (email: string, committee: string) =>
      (
        await prisma.committeeMember.findFirst({
          where: { user: { email }, committee: { name: committee } },
        })
      )?.role;
    const regional = "Περιφερειακή Επιτροπή Διαβούλευσης Δυτικής Ελλάδας";
    const patras = "Δημοτική Επιτροπή Διαβούλευσης Δήμου Πατρέων";
    expect(await roleOf("chair@demo.synochi.gr", regional)).toBe("chair");
    expect(await roleOf("secretary@demo.synochi.gr", regional)).toBe("secretary");
    expect(await roleOf("chair@demo.synochi.gr", patras)).toBe("chair");
    expect(await prisma.committee.findUniqueOrThrow({ where: { name: patras } })).toMatchObject({
      level: "municipal",
      municipalityId: "patras",
    });
    const membership = await prisma.organisationMember.findFirst({
      where: { user: { email: "org@demo.synochi.gr" } },
      include: { organisation: true },
    });
    expect(membership?.organisation.kind).toBe("ngo");
  });

  it("creates a published strategy and consultations in every phase, with consistent counters", async () => {
    const prisma = testDb().prisma;
    const strategy = await prisma.strategyVersion.findFirstOrThrow({
      where: { status: "published" },
      include: { axes: { include: { measures: { include: { themes: true, targetGroups: true } } } } },
    });
    expect(strategy.axes.length).toBeGreaterThanOrEqual(3);
    expect(strategy.axes.length).toBeLessThanOrEqual(4);
    for (const axis of strategy.axes) {
      expect(axis.measures.length).toBeGreaterThanOrEqual(2);
      expect(axis.measures.length).toBeLessThanOrEqual(3);
      for (const m of axis.measures) expect(m.themes.length + m.targetGroups.length).toBeGreaterThan(0);
    }

    const consultations = await prisma.consultation.findMany({
      include: { articles: { orderBy: { number: "asc" } } },
    });
    const phases = consultations.map((c) => c.phase);
    for (const phase of ["open", "closed", "concluded", "draft"] as const) expect(phases).toContain(phase);
    const regionWide = consultations.find((c) => c.phase === "open" && c.scopeLevel === "region");
    expect(regionWide?.articles.map((a) => a.number)).toEqual([1, 2, 3, 4, 5]);
    expect(consultations.find((c) => c.phase === "open" && c.municipalityId === "patras")).toBeDefined();
    for (const c of consultations) {
      expect(c.bodyHtml).toMatch(/^<(p|h2)>/);
      expect((c.bodyJson as { type: string }).type).toBe("doc");
    }

    const submissions = await prisma.submission.count();
    expect(submissions).toBeGreaterThanOrEqual(60);
    expect(submissions).toBeLessThanOrEqual(80);
    expect(await prisma.support.count()).toBeGreaterThan(0);
    expect(await prisma.comment.count({ where: { submissionId: { not: null } } })).toBeGreaterThan(0);
    expect(await prisma.comment.count({ where: { articleId: { not: null } } })).toBeGreaterThan(0);
    expect(await prisma.submissionResponse.count()).toBeGreaterThan(0);

    const wrong = await prisma.$queryRaw<{ what: string; id: string }[]>`
      SELECT 'supportCount' AS what, s.id FROM "Submission" s
       WHERE s."supportCount" <> (SELECT count(*) FROM "Support" x WHERE x."submissionId" = s.id)
      UNION ALL
      SELECT 'commentCount', s.id FROM "Submission" s
       WHERE s."commentCount" <> (SELECT count(*) FROM "Comment" x WHERE x."submissionId" = s.id AND x.status = 'published')
      UNION ALL
      SELECT 'article.commentCount', a.id FROM "ConsultationArticle" a
       WHERE a."commentCount" <> (SELECT count(*) FROM "Comment" x WHERE x."articleId" = a.id AND x.status = 'published')
      UNION ALL
      SELECT 'submissionCount', c.id FROM "Consultation" c
       WHERE c."submissionCount" <> (SELECT count(*) FROM "Submission" x WHERE x."consultationId" = c.id AND x.status = 'published')`;
    expect(wrong).toEqual([]);

    // Authors do not support their own proposals; only proposals collect supports.
    const own = await prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM "Support" x JOIN "Submission" s ON s.id = x."submissionId"
       WHERE s."authorId" = x."userId" OR s.kind <> 'proposal'`;
    expect(Number(own[0].n)).toBe(0);
  });

  it("changes nothing when run a second time, also from the command line", async () => {
    const before = await snapshot();
    const started = Date.now();
    expect((await seed(testDb().prisma)).demo).toBe("skipped");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await snapshot()).toEqual(before);

    const { stdout } = await promisify(execFile)(
      path.join(root, "node_modules/.bin/tsx"),
      ["prisma/seed.ts"],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: testDb().url },
      },
    );
    expect(stdout).toContain("nothing to do");
    expect(await snapshot()).toEqual(before);
  });
});
