/**
 * Seeds the pages benchmark's database: the normal demo seed (geography, themes, demo accounts, a few
 * consultations), then, with set-based SQL (INSERT … SELECT FROM generate_series), enough open
 * consultations, users, published submissions, supports and threaded comments to reach the sizes of issue 3.
 *
 * Texts are composed from the sentences of the development submissions (prisma/data/*.jsonl) and the demo
 * comments, so that searching for common Greek words finds many results, as it would in production.
 */
import { readFileSync } from "node:fs";
import pg from "pg";
import { escapeHtml } from "~/domain/richtext/richtext.server.ts";
import { createDb } from "~/utils/db.server.ts";
import { dataFile, seed, SUBMISSION_FILES, titleFrom } from "../../prisma/seed.ts";
import { COMMENT_TEXTS, REPLY_TEXT } from "../../prisma/seed-content.ts";

export interface SeedSizes {
  consultations: number;
  submissions: number;
  comments: number;
  users: number;
  /** Comments of the designated submission (the "submission page" target). */
  targetComments: number;
}

export const DEFAULT_SIZES: SeedSizes = {
  consultations: 20,
  submissions: 20_000,
  comments: 200_000,
  users: 2_000,
  targetComments: 300,
};

export interface SeededData {
  /** Slugs of the open consultations, the target's first. */
  consultationSlugs: string[];
  /** The submission with exactly `targetComments` published comments. */
  targetSubmissionId: string;
  counts: {
    consultations: number;
    openConsultations: number;
    submissions: number;
    comments: number;
    supports: number;
    users: number;
    targetComments: number;
  };
  seconds: number;
}

interface DevLine {
  text: string;
  script: "greek" | "greeklish" | "english";
  off_topic: boolean;
}

/** Sentences of the development submissions, by script. */
function loadSentences(): { greek: string[]; greeklish: string[] } {
  const greek = new Set<string>();
  const greeklish = new Set<string>();
  for (const file of SUBMISSION_FILES) {
    for (const line of readFileSync(dataFile(file), "utf8").split("\n")) {
      if (!line.trim()) continue;
      const d = JSON.parse(line) as DevLine;
      if (d.off_topic || d.script === "english") continue;
      for (const raw of d.text.split(/(?<=[.!;?·])\s+/u)) {
        const s = raw.replace(/\s+/g, " ").trim();
        if (s.length < 25 || s.length > 280) continue;
        (d.script === "greek" ? greek : greeklish).add(s);
      }
    }
  }
  return { greek: [...greek], greeklish: [...greeklish] };
}

const FIRST_NAMES = [
  "Μαρία",
  "Γιώργος",
  "Ελένη",
  "Δημήτρης",
  "Αικατερίνη",
  "Νίκος",
  "Βασιλική",
  "Κώστας",
  "Σοφία",
  "Γιάννης",
  "Αναστασία",
  "Παναγιώτης",
  "Χριστίνα",
  "Θανάσης",
  "Ευαγγελία",
  "Σπύρος",
  "Δέσποινα",
  "Ανδρέας",
  "Ιωάννα",
  "Μιχάλης",
  "Φωτεινή",
  "Σταύρος",
  "Κατερίνα",
  "Ηλίας",
];
const INITIALS = "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΦΧ".split("");

/** Runs the normal seed, then the bulk inserts. `log` gets one line per step. */
export async function seedPagesDatabase(
  url: string,
  sizes: SeedSizes,
  log: (line: string) => void,
): Promise<SeededData> {
  const started = performance.now();
  const prisma = createDb(url);
  try {
    await seed(prisma, { log: (line) => log(`seed: ${line}`) });
  } finally {
    await prisma.$disconnect();
  }

  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  const step = async (label: string, sql: string, params: unknown[] = []) => {
    const t = performance.now();
    const result = await client.query(sql, params);
    log(`${label}: ${result.rowCount ?? 0} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return result;
  };
  try {
    // Prisma stores UTC in "timestamp without time zone" columns: compute times in UTC too.
    await client.query("SET TIME ZONE 'UTC'");
    // Deterministic ids (so replies can name their parent in the same statement) that are still valid
    // version-4 UUIDs (route params may be validated as such).
    await client.query(`
      CREATE FUNCTION pg_temp.bench_uuid(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT overlay(overlay(md5(t) placing '4' from 13)
                       placing substr('89ab', 1 + get_byte(decode(md5(t), 'hex'), 9) % 4, 1) from 17)::uuid::text
      $$`);
    await client.query("SELECT setseed(0.2026)");

    const sentences = loadSentences();
    const pool = [...sentences.greek, ...sentences.greeklish];
    const titles = pool.map((s) => titleFrom(s));
    const escaped = pool.map((s) => escapeHtml(s));
    const commentPool = [
      ...COMMENT_TEXTS.map((c) => c.body),
      REPLY_TEXT,
      ...sentences.greek.filter((s) => s.length <= 160),
    ];

    // ── Users ──
    await step(
      "users",
      `INSERT INTO "User" (id, email, "emailVerifiedAt", "displayName", locale, digest, "createdAt", "updatedAt")
       SELECT pg_temp.bench_uuid('u' || g), 'bench-user-' || g || '@bench.invalid', now() - interval '200 days',
              ($2::text[])[1 + g % cardinality($2::text[])] || ' ' || ($3::text[])[1 + (g * 7) % cardinality($3::text[])] || '.',
              'el', 'none', now() - interval '200 days', now() - interval '200 days'
         FROM generate_series(1, $1::int) g`,
      [sizes.users, FIRST_NAMES, INITIALS],
    );
    await client.query(
      `INSERT INTO "UserRole" ("userId", role, "grantedAt")
       SELECT pg_temp.bench_uuid('u' || g), 'citizen', now() - interval '200 days' FROM generate_series(1, $1::int) g`,
      [sizes.users],
    );

    // ── Consultations: the seed's open ones plus new open ones, copying the richest seeded document ──
    const open = await client.query<{ id: string; slug: string }>(
      `SELECT c.id, c.slug FROM "Consultation" c
        WHERE c.phase = 'open'
        ORDER BY (SELECT count(*) FROM "ConsultationArticle" a WHERE a."consultationId" = c.id) DESC, c.slug`,
    );
    if (open.rows.length === 0) throw new Error("The demo seed created no open consultation to copy");
    const template = open.rows[0];
    const extra = Math.max(0, sizes.consultations - open.rows.length);
    await step(
      "consultations",
      `WITH m AS (SELECT array_agg(id ORDER BY id) ids, array_agg("nameEl" ORDER BY id) names,
                         array_agg("regionalUnitCode" ORDER BY id) units FROM "Municipality"),
            th AS (SELECT array_agg("nameEl" ORDER BY position) names FROM "Theme")
       INSERT INTO "Consultation" (id, slug, title, summary, "bodyJson", "bodyHtml", "scopeLevel", "regionalUnitCode",
                                   "municipalityId", phase, "opensAt", "closesAt", "committeeId", "createdById",
                                   "createdAt", "updatedAt")
       SELECT pg_temp.bench_uuid('c' || g),
              'schedio-drasis-' || g || '-' || m.ids[1 + g % cardinality(m.ids)],
              'Σχέδιο δράσης «' || th.names[1 + g % cardinality(th.names)] || '» για τον Δήμο ' || m.names[1 + g % cardinality(m.ids)],
              t.summary, t."bodyJson", t."bodyHtml", 'municipality', m.units[1 + g % cardinality(m.ids)],
              m.ids[1 + g % cardinality(m.ids)], 'open', now() - (g % 25 + 5) * interval '1 day',
              now() + (g % 20 + 10) * interval '1 day', NULL, t."createdById",
              now() - (g % 25 + 20) * interval '1 day', now() - (g % 25 + 5) * interval '1 day'
         FROM generate_series(1, $2::int) g, m, th, "Consultation" t
        WHERE t.id = $1`,
      [template.id, extra],
    );
    await client.query(
      `INSERT INTO "ConsultationArticle" (id, "consultationId", number, title, "bodyJson", "bodyHtml", "commentCount")
       SELECT pg_temp.bench_uuid('a' || g || '-' || a.number), pg_temp.bench_uuid('c' || g), a.number, a.title,
              a."bodyJson", a."bodyHtml", 0
         FROM generate_series(1, $2::int) g, "ConsultationArticle" a WHERE a."consultationId" = $1`,
      [template.id, extra],
    );
    await client.query(
      `INSERT INTO "ConsultationTheme" ("consultationId", "themeKey")
       SELECT DISTINCT pg_temp.bench_uuid('c' || g), t.key
         FROM generate_series(1, $1::int) g
         JOIN "Theme" t ON t.position IN (1 + g % 6, 1 + (g + 2) % 6)`,
      [extra],
    );
    await client.query(
      `INSERT INTO "ConsultationTargetGroup" ("consultationId", "targetGroupKey")
       SELECT DISTINCT pg_temp.bench_uuid('c' || g), t.key
         FROM generate_series(1, $1::int) g
         JOIN "TargetGroup" t ON t.position IN (1 + g % 10, 1 + (g + 3) % 10, 1 + (g + 7) % 10)`,
      [extra],
    );
    const consultations = await client.query<{ id: string; slug: string }>(
      `SELECT id, slug FROM "Consultation" WHERE phase = 'open'
        ORDER BY (id = $1) DESC, "createdAt", slug`,
      [template.id],
    );
    const consultationIds = consultations.rows.map((r) => r.id);

    // ── Submissions ──
    const existing = await client.query<{ submissions: string; comments: string }>(
      `SELECT (SELECT count(*) FROM "Submission") submissions, (SELECT count(*) FROM "Comment") comments`,
    );
    const newSubmissions = Math.max(1, sizes.submissions - Number(existing.rows[0].submissions));
    const newComments = Math.max(sizes.targetComments, sizes.comments - Number(existing.rows[0].comments));
    // bs: one row per new submission. idx 1 is the target (in the template consultation); k1..k3 pick the
    // sentences of its title and body (every 20th submission is written in Greeklish).
    await step(
      "submission plan",
      `CREATE TEMP TABLE bs AS
       SELECT g AS idx, pg_temp.bench_uuid('s' || g) AS id,
              ($2::text[])[1 + (g - 1) % cardinality($2::text[])] AS consultation_id,
              1 + (g * 37) % $3::int AS author_idx,
              (ARRAY['proposal', 'need', 'opinion'])[1 + g % 3]::"SubmissionKind" AS kind,
              CASE WHEN g % 20 = 0 THEN $4::int + 1 + (g * 7919::bigint % $5::int)::int ELSE 1 + (g * 7919::bigint % $4::int)::int END AS k1,
              CASE WHEN g % 20 = 0 THEN $4::int + 1 + (g * 104729::bigint % $5::int)::int ELSE 1 + (g * 104729::bigint % $4::int)::int END AS k2,
              CASE WHEN g % 20 = 0 THEN $4::int + 1 + (g * 1299709::bigint % $5::int)::int ELSE 1 + (g * 1299709::bigint % $4::int)::int END AS k3,
              CASE WHEN g = 1 THEN 60
                   WHEN g % 3 = 1 THEN floor(40 * power(random(), 3))::int
                   ELSE floor(4 * random())::int END AS n_supports,
              random() AS r_time
         FROM generate_series(1, $1::int) g`,
      [newSubmissions, consultationIds, sizes.users, sentences.greek.length, sentences.greeklish.length],
    );
    await client.query(`ALTER TABLE bs ADD PRIMARY KEY (idx)`);
    await client.query(`
      ALTER TABLE bs ADD COLUMN created_at timestamp(3);
      UPDATE bs SET created_at = c."opensAt" + (now() - interval '1 hour' - c."opensAt") * bs.r_time
        FROM "Consultation" c WHERE c.id = bs.consultation_id;
      -- The target is an older submission, so that its 300 comments spread over a realistic time.
      UPDATE bs SET created_at = c."opensAt" + interval '1 day' FROM "Consultation" c
       WHERE c.id = bs.consultation_id AND bs.idx = 1`);
    await step(
      "submissions",
      `WITH m AS (SELECT array_agg(id ORDER BY id) ids FROM "Municipality")
       INSERT INTO "Submission" (id, "consultationId", "authorId", kind, title, "bodyJson", "bodyHtml", "bodyText",
                                 "municipalityId", status, "createdAt", "updatedAt")
       SELECT bs.id, bs.consultation_id, pg_temp.bench_uuid('u' || bs.author_idx), bs.kind, ($2::text[])[bs.k1],
              jsonb_build_object('type', 'doc', 'content', jsonb_build_array(
                jsonb_build_object('type', 'paragraph', 'content', jsonb_build_array(
                  jsonb_build_object('type', 'text', 'text', ($1::text[])[bs.k1] || ' ' || ($1::text[])[bs.k2]))),
                jsonb_build_object('type', 'paragraph', 'content', jsonb_build_array(
                  jsonb_build_object('type', 'text', 'text', ($1::text[])[bs.k3]))))),
              '<p>' || ($3::text[])[bs.k1] || ' ' || ($3::text[])[bs.k2] || '</p><p>' || ($3::text[])[bs.k3] || '</p>',
              ($1::text[])[bs.k1] || ' ' || ($1::text[])[bs.k2] || E'\\n\\n' || ($1::text[])[bs.k3],
              CASE WHEN bs.idx % 3 = 0 THEN m.ids[1 + bs.idx % cardinality(m.ids)] END,
              'published', bs.created_at, bs.created_at
         FROM bs, m`,
      [pool, titles, escaped],
    );
    await client.query(
      `INSERT INTO "SubmissionTargetGroup" ("submissionId", "targetGroupKey")
       SELECT bs.id, t.key FROM bs JOIN "TargetGroup" t ON t.position = 1 + bs.idx % 10 WHERE bs.idx % 2 = 0`,
    );

    // ── Supports: distinct users per submission, never its author ──
    await step(
      "supports",
      `INSERT INTO "Support" ("submissionId", "userId", "createdAt")
       SELECT bs.id, pg_temp.bench_uuid('u' || (1 + (bs.idx * 7919 + j) % $1::int)),
              bs.created_at + (now() - bs.created_at) * ((j + 1)::float8 / (bs.n_supports + 1))
         FROM bs CROSS JOIN LATERAL generate_series(0, bs.n_supports - 1) j
        WHERE 1 + (bs.idx * 7919 + j) % $1::int <> bs.author_idx`,
      [sizes.users],
    );

    // ── Comments: exactly targetComments on the target, the rest skewed (a few submissions get hundreds,
    // most a handful). Within a submission, comment k follows the pattern
    // d1, d2(reply to k-1), d1, d1, d2(reply to k-1), d3(reply to k-1), so threads reach depth 3. ──
    await step(
      "comment plan",
      `CREATE TEMP TABLE bc AS
       SELECT s_idx, k, count(*) OVER (PARTITION BY s_idx) AS n FROM (
         SELECT 1 AS s_idx, k FROM generate_series(0, $1::int - 1) k
         UNION ALL
         SELECT s_idx, (row_number() OVER (PARTITION BY s_idx ORDER BY g) - 1)::int AS k
           FROM (SELECT g, 2 + floor(($3::int - 1) * power(random(), 1.5))::int AS s_idx
                   FROM generate_series(1, $2::int) g) x
       ) y`,
      [sizes.targetComments, newComments - sizes.targetComments, newSubmissions],
    );
    await step(
      "comments",
      `INSERT INTO "Comment" (id, "submissionId", "parentId", depth, "authorId", alignment, body, status, upvotes,
                              downvotes, "createdAt")
       SELECT pg_temp.bench_uuid('m' || bc.s_idx || '-' || bc.k), bs.id,
              CASE WHEN bc.k % 6 IN (1, 4, 5) THEN pg_temp.bench_uuid('m' || bc.s_idx || '-' || (bc.k - 1)) END,
              CASE bc.k % 6 WHEN 1 THEN 2 WHEN 4 THEN 2 WHEN 5 THEN 3 ELSE 1 END,
              pg_temp.bench_uuid('u' || (1 + (bc.s_idx * 131 + bc.k * 17) % $2::int)),
              (ARRAY['in_favour', 'in_favour', 'against', 'neutral', 'in_favour', 'neutral', 'against'])
                [1 + (bc.s_idx + bc.k) % 7]::"CommentAlignment",
              CASE WHEN (bc.s_idx + bc.k) % 4 = 0
                   THEN ($1::text[])[1 + (bc.s_idx * 31 + bc.k * 7) % cardinality($1::text[])] || ' ' ||
                        ($1::text[])[1 + (bc.s_idx * 17 + bc.k * 13) % cardinality($1::text[])]
                   ELSE ($1::text[])[1 + (bc.s_idx * 31 + bc.k * 7) % cardinality($1::text[])] END,
              'published', (bc.s_idx * 7 + bc.k * 3) % 9, (bc.s_idx + bc.k) % 3,
              bs.created_at + (now() - bs.created_at) * ((bc.k + 1)::float8 / (bc.n + 1))
         FROM bc JOIN bs ON bs.idx = bc.s_idx`,
      [commentPool, sizes.users],
    );

    // ── Counters, as the app maintains them ──
    await step(
      "counters",
      `UPDATE "Submission" s SET "commentCount" = coalesce(c.n, 0), "supportCount" = coalesce(p.n, 0)
         FROM "Submission" s2
         LEFT JOIN (SELECT "submissionId" id, count(*)::int n FROM "Comment"
                     WHERE "submissionId" IS NOT NULL AND status = 'published' GROUP BY 1) c ON c.id = s2.id
         LEFT JOIN (SELECT "submissionId" id, count(*)::int n FROM "Support" GROUP BY 1) p ON p.id = s2.id
        WHERE s.id = s2.id AND (s."commentCount", s."supportCount") IS DISTINCT FROM (coalesce(c.n, 0), coalesce(p.n, 0))`,
    );
    await client.query(
      `UPDATE "Consultation" c SET "submissionCount" = x.n
         FROM (SELECT c2.id, count(s.id)::int n FROM "Consultation" c2
                 LEFT JOIN "Submission" s ON s."consultationId" = c2.id AND s.status = 'published'
                GROUP BY c2.id) x
        WHERE c.id = x.id AND c."submissionCount" <> x.n`,
    );
    // Planner statistics as a long-running database would have them (autovacuum would get there later).
    const t = performance.now();
    await client.query("VACUUM ANALYZE");
    log(`vacuum analyze: ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const target = await client.query<{ id: string }>(`SELECT id FROM bs WHERE idx = 1`);
    const counts = await client.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM "Consultation") consultations,
              (SELECT count(*) FROM "Consultation" WHERE phase = 'open') open_consultations,
              (SELECT count(*) FROM "Submission" WHERE status = 'published') submissions,
              (SELECT count(*) FROM "Comment" WHERE status = 'published') comments,
              (SELECT count(*) FROM "Support") supports,
              (SELECT count(*) FROM "User") users,
              (SELECT count(*) FROM "Comment" c JOIN bs ON bs.id = c."submissionId"
                WHERE bs.idx = 1 AND c.status = 'published') target_comments`,
    );
    const c = counts.rows[0];
    return {
      consultationSlugs: consultations.rows.map((r) => r.slug),
      targetSubmissionId: target.rows[0].id,
      counts: {
        consultations: Number(c.consultations),
        openConsultations: Number(c.open_consultations),
        submissions: Number(c.submissions),
        comments: Number(c.comments),
        supports: Number(c.supports),
        users: Number(c.users),
        targetComments: Number(c.target_comments),
      },
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await client.end().catch(() => {});
  }
}
