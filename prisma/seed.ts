/**
 * Demo data: `tsx prisma/seed.ts` (npm run seed) with DATABASE_URL set.
 *
 * - Geography (Region → Regional Units → Municipalities) and taxonomy (themes, target groups) are upserted
 *   from prisma/data/western-greece.json on every run.
 * - Everything else (demo accounts, organisations, committees, the published strategy, consultations,
 *   submissions, supports, comments, responses, two upcoming committee sessions) is created once, in one transaction, and marked by the
 *   `seed.version` setting; a second run sees the setting and changes nothing.
 * No outbox rows are written: seeding sends no e-mail and queues no analysis.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PRIVACY_VERSION, TERMS_VERSION } from "~/domain/accounts/accounts.server.ts";
import { hashPassword } from "~/domain/accounts/password.server.ts";
import { athensLocalToUtc, utcToAthensLocal } from "~/domain/consultations/consultations.schema.ts";
import {
  docToText,
  renderDocToHtml,
  type RichTextDoc,
  type RichTextNode,
} from "~/domain/richtext/richtext.server.ts";
import type { Prisma, PrismaClient } from "~/generated/prisma/client.ts";
import { createDb, type Tx } from "~/utils/db.server.ts";
import { newId } from "~/utils/ids.ts";
import {
  ARTICLE_COMMENTS,
  COMMENT_TEXTS,
  COMMITTEES,
  CONSULTATIONS,
  DEMO_ACCOUNTS,
  DEMO_PASSWORD,
  ORGANISATIONS,
  REPLY_TEXT,
  RESPONSE_REASONS,
  STRATEGY,
  type Block,
  type DemoConsultation,
  type Handle,
} from "./seed-content.ts";

/** Bump when the demo content changes; a database seeded by an older version is left as it is. */
export const SEED_VERSION = 1;
export const SEED_SETTING_KEY = "seed.version";
/** Serialises concurrent seed runs on one database. */
const SEED_LOCK_KEY = 0x5345_4544; // "SEED"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * A data file: the copy under prisma/data (part of the repository), else the shared original next to the
 * repository (../shared/data) from which it was copied.
 */
export function dataFile(name: string): string {
  const copy = path.join(repoRoot, "prisma", "data", name);
  if (existsSync(copy)) return copy;
  const shared = path.resolve(repoRoot, "../shared/data", name);
  if (existsSync(shared)) return shared;
  throw new Error(`Seed data file ${name} not found in prisma/data/ (nor in ../shared/data/)`);
}

// ───────────────────────────── Data files ─────────────────────────────

interface GeographyFile {
  region: { code: string; name_el: string; name_en: string; seat_el: string };
  regional_units: Array<{
    code: string;
    name_el: string;
    name_en: string;
    municipalities: Array<{ name_el: string; name_en: string; seat_el: string; aliases_el: string[] }>;
  }>;
  themes: Array<{ key: string; name_el: string; name_en: string }>;
  target_groups: Array<{ key: string; name_el: string; name_en: string }>;
}

export function loadGeography(): GeographyFile {
  return JSON.parse(readFileSync(dataFile("western-greece.json"), "utf8")) as GeographyFile;
}

interface DevLine {
  id: string;
  text: string;
  kind: "proposal" | "need" | "opinion";
  themes: string[];
  municipality: string | null;
  urgent: boolean;
  off_topic: boolean;
  script: "greek" | "greeklish" | "english";
}

export const SUBMISSION_FILES = [
  "submissions-dev.jsonl",
  "submissions-dev-a.jsonl",
  "submissions-dev-b.jsonl",
];

function loadDevLines(): DevLine[] {
  return SUBMISSION_FILES.flatMap((name) =>
    readFileSync(dataFile(name), "utf8")
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as DevLine),
  );
}

/** Municipality ids: the lower-case slug of the English name ("Ancient Olympia" → "ancient-olympia"). */
export function slugify(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

// ───────────────────────────── Helpers ─────────────────────────────

const DAY_MS = 24 * 60 * 60 * 1000;

/** Deterministic pseudo-random numbers (mulberry32), so every seeded database looks the same. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const textNode = (text: string): RichTextNode => ({ type: "text", text });
const paragraph = (text: string): RichTextNode => ({ type: "paragraph", content: [textNode(text)] });

export function blocksToDoc(blocks: Block[]): RichTextDoc {
  return {
    type: "doc",
    content: blocks.map((block): RichTextNode => {
      if (typeof block === "string") return paragraph(block);
      if ("heading" in block)
        return { type: "heading", attrs: { level: 2 }, content: [textNode(block.heading)] };
      const items = "bullets" in block ? block.bullets : block.numbered;
      return {
        type: "bullets" in block ? "bulletList" : "orderedList",
        content: items.map((item) => ({ type: "listItem", content: [paragraph(item)] })),
      };
    }),
  };
}

/** The first sentence, cut at about `max` characters on a word boundary. */
export function titleFrom(text: string, max = 90): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const sentence = (/^.+?[.!?;·](?=\s|$)/u.exec(flat)?.[0] ?? flat).replace(/[.·]$/u, "");
  if (sentence.length <= max) return sentence;
  const cut = sentence.slice(0, max + 1);
  const lastSpace = cut.lastIndexOf(" ");
  return `${(lastSpace > max / 2 ? cut.slice(0, lastSpace) : sentence.slice(0, max)).replace(/[\s,;:–-]+$/u, "")}…`;
}

function json(value: unknown): Prisma.InputJsonValue {
  return value as Prisma.InputJsonValue;
}

// ───────────────────────────── Geography and taxonomy ─────────────────────────────

export async function upsertGeographyAndTaxonomy(db: PrismaClient | Tx): Promise<Record<string, number>> {
  const geo = loadGeography();
  const r = geo.region;
  const region = { nameEl: r.name_el, nameEn: r.name_en, seatEl: r.seat_el };
  await db.region.upsert({ where: { code: r.code }, create: { code: r.code, ...region }, update: region });
  let municipalities = 0;
  for (const unit of geo.regional_units) {
    const data = { regionCode: r.code, nameEl: unit.name_el, nameEn: unit.name_en };
    await db.regionalUnit.upsert({
      where: { code: unit.code },
      create: { code: unit.code, ...data },
      update: data,
    });
    for (const m of unit.municipalities) {
      const id = slugify(m.name_en);
      const muni = {
        regionalUnitCode: unit.code,
        nameEl: m.name_el,
        nameEn: m.name_en,
        seatEl: m.seat_el,
        aliasesEl: m.aliases_el,
      };
      await db.municipality.upsert({ where: { id }, create: { id, ...muni }, update: muni });
      municipalities++;
    }
  }
  for (const [i, t] of geo.themes.entries()) {
    const data = { nameEl: t.name_el, nameEn: t.name_en, position: i + 1 };
    await db.theme.upsert({ where: { key: t.key }, create: { key: t.key, ...data }, update: data });
  }
  // priorityWeight is the Directorate's to tune: set on creation only.
  for (const [i, g] of geo.target_groups.entries()) {
    const data = { nameEl: g.name_el, nameEn: g.name_en, position: i + 1 };
    await db.targetGroup.upsert({ where: { key: g.key }, create: { key: g.key, ...data }, update: data });
  }
  return {
    regions: 1,
    regionalUnits: geo.regional_units.length,
    municipalities,
    themes: geo.themes.length,
    targetGroups: geo.target_groups.length,
  };
}

// ───────────────────────────── Demo content ─────────────────────────────

/** Picks the submission texts of each consultation from the dev files (texts and the author's kind only). */
function pickSubmissionTexts(geo: GeographyFile): Map<DemoConsultation["handle"], DevLine[]> {
  const lines = loadDevLines().filter((l) => !l.off_topic && l.text.length >= 40 && l.text.length <= 700);
  const used = new Set<string>();
  const aetoliaAcarnania = new Set(
    geo.regional_units.find((u) => u.code === "EL631")?.municipalities.map((m) => m.name_el) ?? [],
  );
  const take = (n: number, pred: (l: DevLine) => boolean): DevLine[] => {
    const out: DevLine[] = [];
    for (const l of lines) {
      if (out.length >= n) break;
      if (used.has(l.id) || !pred(l)) continue;
      used.add(l.id);
      out.push(l);
    }
    return out;
  };
  const greek = (l: DevLine) => l.script === "greek";
  // Finished consultations get no urgent cries for help: nobody would have answered them.
  const calm = (l: DevLine) => greek(l) && !l.urgent;
  const about = (l: DevLine, ...themes: string[]) => l.themes.some((t) => themes.includes(t));
  const want = (handle: DemoConsultation["handle"]) =>
    CONSULTATIONS.find((c) => c.handle === handle)!.submissions;
  const picked = new Map<DemoConsultation["handle"], DevLine[]>();

  const inPatras = (l: DevLine) => greek(l) && l.municipality === "Πατρέων";
  const patras = take(
    want("patrasHomelessness"),
    (l) => inPatras(l) && about(l, "housing", "income_poverty", "health_care"),
  );
  patras.push(...take(want("patrasHomelessness") - patras.length, inPatras));
  picked.set("patrasHomelessness", patras);

  const inMountains = (l: DevLine) =>
    calm(l) && l.municipality !== null && aetoliaAcarnania.has(l.municipality);
  const mountains = take(want("mountainServices"), (l) => inMountains(l) && about(l, "local_environment"));
  mountains.push(
    ...take(want("mountainServices") - mountains.length, (l) => inMountains(l) && about(l, "health_care")),
  );
  picked.set("mountainServices", mountains);

  picked.set(
    "energyPoverty",
    take(want("energyPoverty"), (l) => calm(l) && about(l, "income_poverty", "housing")),
  );

  const review = want("strategyReview");
  picked.set("strategyReview", [
    ...take(review - 3, greek),
    ...take(2, (l) => l.script === "greeklish"),
    ...take(1, (l) => l.script === "english"),
  ]);
  picked.set("accessibility", []);
  return picked;
}

export interface SeedResult {
  geography: Record<string, number>;
  demo: "created" | "skipped";
  counts?: Record<string, number>;
}

async function seedDemoContent(tx: Tx, passwordHash: string, now: Date): Promise<Record<string, number>> {
  const geo = loadGeography();
  const rand = prng(20261123);
  const at = (days: number) => new Date(now.getTime() + days * DAY_MS);

  // Accounts: all verified, consents stored, citizen role for everyone.
  const userIds = new Map<Handle, string>();
  const createdAt = at(-300);
  for (const a of DEMO_ACCOUNTS) userIds.set(a.handle, newId());
  const uid = (h: Handle) => userIds.get(h)!;
  await tx.user.createMany({
    data: DEMO_ACCOUNTS.map((a) => ({
      id: uid(a.handle),
      email: a.email,
      emailVerifiedAt: createdAt,
      passwordHash,
      displayName: a.displayName,
      locale: a.locale,
      createdAt,
    })),
  });
  await tx.userRole.createMany({
    data: DEMO_ACCOUNTS.flatMap((a) =>
      a.roles.map((role) => ({ userId: uid(a.handle), role, grantedAt: createdAt })),
    ),
  });
  await tx.consent.createMany({
    data: DEMO_ACCOUNTS.flatMap((a) => [
      {
        id: newId(),
        userId: uid(a.handle),
        kind: "terms" as const,
        version: TERMS_VERSION,
        acceptedAt: createdAt,
      },
      {
        id: newId(),
        userId: uid(a.handle),
        kind: "privacy" as const,
        version: PRIVACY_VERSION,
        acceptedAt: createdAt,
      },
    ]),
  });

  // Organisations and committees.
  const orgIds = new Map(ORGANISATIONS.map((o) => [o.handle, newId()]));
  await tx.organisation.createMany({
    data: ORGANISATIONS.map((o) => ({
      id: orgIds.get(o.handle)!,
      name: o.name,
      kind: o.kind,
      municipalityId: o.municipalityId,
      verifiedAt: createdAt,
      createdAt,
    })),
  });
  await tx.organisationMember.createMany({
    data: ORGANISATIONS.flatMap((o) =>
      o.members.map((m) => ({ organisationId: orgIds.get(o.handle)!, userId: uid(m), since: createdAt })),
    ),
  });
  const committeeIds = new Map(COMMITTEES.map((c) => [c.handle, newId()]));
  await tx.committee.createMany({
    data: COMMITTEES.map((c) => ({
      id: committeeIds.get(c.handle)!,
      name: c.name,
      level: c.level,
      regionalUnitCode: c.regionalUnitCode ?? null,
      municipalityId: c.municipalityId ?? null,
      description: c.description,
      createdAt,
    })),
  });
  await tx.committeeMember.createMany({
    data: COMMITTEES.flatMap((c) =>
      c.members.map((m) => ({
        committeeId: committeeIds.get(c.handle)!,
        userId: uid(m.who),
        role: m.role,
        since: createdAt,
      })),
    ),
  });

  // The published strategy.
  const strategyId = newId();
  await tx.strategyVersion.create({
    data: {
      id: strategyId,
      label: STRATEGY.label,
      status: "published",
      publishedAt: at(-400),
      createdById: uid("directorate"),
      createdAt: at(-420),
    },
  });
  const measureIds: string[] = [];
  for (const [ai, axis] of STRATEGY.axes.entries()) {
    const axisId = newId();
    await tx.strategyAxis.create({
      data: {
        id: axisId,
        versionId: strategyId,
        number: ai + 1,
        title: axis.title,
        description: axis.description,
      },
    });
    for (const [mi, m] of axis.measures.entries()) {
      const measureId = newId();
      measureIds.push(measureId);
      await tx.strategyMeasure.create({
        data: {
          id: measureId,
          axisId,
          number: mi + 1,
          title: m.title,
          description: m.description,
          themes: { create: m.themes.map((themeKey) => ({ themeKey })) },
          targetGroups: { create: m.targetGroups.map((targetGroupKey) => ({ targetGroupKey })) },
        },
      });
    }
  }
  // "Mobile social care units for mountain areas" (axis 4, measure 1) answers the concluded consultation.
  const mountainMeasureId = measureIds[STRATEGY.axes.slice(0, 3).reduce((n, a) => n + a.measures.length, 0)];

  // Consultations, their documents, submissions, supports and comments.
  const texts = pickSubmissionTexts(geo);
  const authors: Handle[] = ["citizen", "citizen2", "org", "citizen", "citizen2", "citizen"];
  const everyone = DEMO_ACCOUNTS.map((a) => a.handle);
  const counts = { consultations: 0, articles: 0, submissions: 0, supports: 0, comments: 0, responses: 0 };
  let commentSeq = 0;

  const consultationIds = new Map<DemoConsultation["handle"], string>();
  for (const c of CONSULTATIONS) {
    const consultationId = newId();
    consultationIds.set(c.handle, consultationId);
    const opensAt = c.opensInDays !== undefined ? at(c.opensInDays) : null;
    const closesAt = c.closesInDays !== undefined ? at(c.closesInDays) : null;
    const bodyJson = blocksToDoc(c.body);
    const picked = texts.get(c.handle) ?? [];

    // Submissions spread over the time the consultation was open.
    const from = opensAt?.getTime() ?? now.getTime();
    const until = Math.min(closesAt?.getTime() ?? now.getTime(), now.getTime() - 60 * 60 * 1000);
    const times = picked
      .map(() => new Date(from + rand() * Math.max(0, until - from)))
      .sort((a, b) => a.getTime() - b.getTime());

    const submissions = picked.map((line, i) => {
      const author = authors[i % authors.length];
      const doc: RichTextDoc = {
        type: "doc",
        content: line.text.split(/\n\s*\n/).map((p) => paragraph(p.trim())),
      };
      return {
        id: newId(),
        author,
        line,
        createdAt: times[i],
        organisationId: author === "org" ? orgIds.get("ngo")! : null,
        doc,
        supporters: [] as Handle[],
        comments: [] as Array<{
          id: string;
          author: Handle;
          alignment: "in_favour" | "against" | "neutral";
          body: string;
          parentId: string | null;
          depth: number;
          createdAt: Date;
        }>,
      };
    });

    for (const [i, s] of submissions.entries()) {
      const others = everyone.filter((h) => h !== s.author);
      if (s.line.kind === "proposal") {
        const n = Math.floor(rand() * 6); // 0–5 supports
        const shuffled = [...others].sort(() => rand() - 0.5);
        s.supporters = shuffled.slice(0, n);
      }
      if (i % 3 === 0) {
        const howMany = 1 + Math.floor(rand() * 2);
        for (let k = 0; k < howMany; k++) {
          const t = COMMENT_TEXTS[commentSeq++ % COMMENT_TEXTS.length];
          s.comments.push({
            id: newId(),
            author: others[(i + k * 3) % others.length],
            alignment: t.alignment,
            body: t.body,
            parentId: null,
            depth: 1,
            createdAt: new Date(s.createdAt.getTime() + (k + 1) * 3 * 60 * 60 * 1000),
          });
        }
        if (i % 6 === 0) {
          const first = s.comments[0];
          s.comments.push({
            id: newId(),
            author: s.author === "org" ? "chair" : "org",
            alignment: "neutral",
            body: REPLY_TEXT,
            parentId: first.id,
            depth: 2,
            createdAt: new Date(first.createdAt.getTime() + 2 * 60 * 60 * 1000),
          });
        }
      }
    }

    await tx.consultation.create({
      data: {
        id: consultationId,
        slug: c.slug,
        title: c.title,
        summary: c.summary,
        bodyJson: json(bodyJson),
        bodyHtml: renderDocToHtml(bodyJson),
        scopeLevel: c.scopeLevel,
        regionalUnitCode: c.regionalUnitCode ?? null,
        municipalityId: c.municipalityId ?? null,
        phase: c.phase,
        opensAt,
        closesAt,
        analysedAt: c.analysedInDays !== undefined ? at(c.analysedInDays) : null,
        concludedAt: c.concludedInDays !== undefined ? at(c.concludedInDays) : null,
        committeeId: c.committee ? committeeIds.get(c.committee)! : null,
        strategyVersionId: c.linkStrategy ? strategyId : null,
        submissionCount: submissions.length,
        createdById: uid("directorate"),
        createdAt: new Date((opensAt ?? now).getTime() - 14 * DAY_MS),
        themes: { create: c.themes.map((themeKey) => ({ themeKey })) },
        targetGroups: { create: c.targetGroups.map((targetGroupKey) => ({ targetGroupKey })) },
      },
    });
    counts.consultations++;

    // The document, article by article, with a few comments.
    for (const [ai, article] of (c.articles ?? []).entries()) {
      const number = ai + 1;
      const articleId = newId();
      const doc = blocksToDoc(article.body);
      const comments = ARTICLE_COMMENTS.filter((ac) => ac.article === number);
      await tx.consultationArticle.create({
        data: {
          id: articleId,
          consultationId,
          number,
          title: article.title,
          bodyJson: json(doc),
          bodyHtml: renderDocToHtml(doc),
          commentCount: comments.length,
        },
      });
      await tx.comment.createMany({
        data: comments.map((ac, k) => ({
          id: newId(),
          articleId,
          authorId: uid((["citizen2", "org", "citizen"] as const)[(number + k) % 3]),
          alignment: ac.alignment,
          body: ac.body,
          createdAt: new Date((opensAt ?? now).getTime() + (number + k) * DAY_MS),
        })),
      });
      counts.articles++;
      counts.comments += comments.length;
    }

    if (submissions.length === 0) continue;
    await tx.submission.createMany({
      data: submissions.map((s) => ({
        id: s.id,
        consultationId,
        authorId: uid(s.author),
        organisationId: s.organisationId,
        kind: s.line.kind,
        title: titleFrom(s.line.text),
        bodyJson: json(s.doc),
        bodyHtml: renderDocToHtml(s.doc),
        bodyText: docToText(s.doc),
        municipalityId: c.scopeLevel === "municipality" ? (c.municipalityId ?? null) : null,
        status: "published" as const,
        supportCount: s.supporters.length,
        commentCount: s.comments.length,
        createdAt: s.createdAt,
        updatedAt: s.createdAt,
      })),
    });
    await tx.support.createMany({
      data: submissions.flatMap((s) =>
        s.supporters.map((h, k) => ({
          submissionId: s.id,
          userId: uid(h),
          createdAt: new Date(s.createdAt.getTime() + (k + 1) * 90 * 60 * 1000),
        })),
      ),
    });
    // Parents before replies (the foreign key is checked per row).
    const allComments = submissions.flatMap((s) => s.comments.map((cm) => ({ ...cm, submissionId: s.id })));
    for (const depth of [1, 2]) {
      await tx.comment.createMany({
        data: allComments
          .filter((cm) => cm.depth === depth)
          .map((cm) => ({
            id: cm.id,
            submissionId: cm.submissionId,
            parentId: cm.parentId,
            depth: cm.depth,
            authorId: uid(cm.author),
            alignment: cm.alignment,
            body: cm.body,
            createdAt: cm.createdAt,
          })),
      });
    }
    counts.submissions += submissions.length;
    counts.supports += submissions.reduce((n, s) => n + s.supporters.length, 0);
    counts.comments += allComments.length;

    // "You said, we did" for the concluded consultation.
    if (c.phase === "concluded") {
      const dispositions = ["incorporated", "partly", "incorporated", "not_incorporated"] as const;
      await tx.submissionResponse.createMany({
        data: submissions.map((s, i) => {
          const disposition = dispositions[i % dispositions.length];
          return {
            id: newId(),
            submissionId: s.id,
            disposition,
            reason: RESPONSE_REASONS[disposition],
            measureId: disposition === "not_incorporated" ? null : mountainMeasureId,
            respondedById: uid("directorate"),
            publishedAt: c.concludedInDays !== undefined ? at(c.concludedInDays) : now,
            createdAt: c.analysedInDays !== undefined ? at(c.analysedInDays) : now,
          };
        }),
      });
      counts.responses += submissions.length;
    }
  }

  // Two upcoming committee sessions for the calendar: one hybrid with an agenda, one online.
  const athensAt = (days: number, time: string) =>
    athensLocalToUtc(`${utcToAthensLocal(at(days)).slice(0, 10)}T${time}`)!;
  const sessions = [
    {
      committee: "patras" as const,
      consultation: "patrasHomelessness" as const,
      title: "Ανοιχτή συνεδρίαση για την αστεγία στην Πάτρα",
      description: "Η Δημοτική Επιτροπή Διαβούλευσης συζητά τις προτάσεις της διαβούλευσης με το κοινό.",
      startsAt: athensAt(7, "18:00"),
      endsAt: athensAt(7, "20:00"),
      place: "Αίθουσα Δημοτικού Συμβουλίου, Μαιζώνος 108, Πάτρα",
      onlineUrl: "https://meet.example.org/patras-epitropi",
      mode: "hybrid" as const,
      agenda: [
        ["Ενημέρωση για την πορεία της διαβούλευσης", "Σύντομη παρουσίαση από τη Γραμματεία."],
        ["Προτάσεις για τους χώρους φιλοξενίας", ""],
        ["Ερωτήσεις από το κοινό", ""],
      ],
    },
    {
      committee: "regional" as const,
      consultation: null,
      title: "Τακτική συνεδρίαση της Περιφερειακής Επιτροπής Διαβούλευσης",
      description: "",
      startsAt: athensAt(14, "11:00"),
      endsAt: null,
      place: null,
      onlineUrl: "https://meet.example.org/perifereiaki-epitropi",
      mode: "online" as const,
      agenda: [["Πρόγραμμα εργασιών του τριμήνου", ""]],
    },
  ];
  for (const s of sessions) {
    await tx.liveSession.create({
      data: {
        id: newId(),
        committeeId: committeeIds.get(s.committee)!,
        consultationId: s.consultation ? (consultationIds.get(s.consultation) ?? null) : null,
        title: s.title,
        description: s.description,
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        place: s.place,
        onlineUrl: s.onlineUrl,
        mode: s.mode,
        createdById: uid("secretary"),
        createdAt: now,
        agendaItems: {
          create: s.agenda.map(([title, description], i) => ({
            id: newId(),
            position: i + 1,
            title,
            description,
          })),
        },
      },
    });
  }

  return {
    accounts: DEMO_ACCOUNTS.length,
    organisations: ORGANISATIONS.length,
    committees: COMMITTEES.length,
    sessions: sessions.length,
    ...counts,
  };
}

/**
 * Seeds `db`. Idempotent: geography and taxonomy are upserted every time; the demo content is created only
 * when the `seed.version` setting is absent.
 */
export async function seed(
  db: PrismaClient,
  opts: { log?: (line: string) => void } = {},
): Promise<SeedResult> {
  const log = opts.log ?? (() => {});
  const geography = await db.$transaction((tx) => upsertGeographyAndTaxonomy(tx), { timeout: 30_000 });
  log(
    `geography and taxonomy: ${geography.regions} region, ${geography.regionalUnits} regional units, ` +
      `${geography.municipalities} municipalities, ${geography.themes} themes, ${geography.targetGroups} target groups`,
  );

  const already = await db.setting.findUnique({ where: { key: SEED_SETTING_KEY } });
  if (already) {
    log(`demo content already seeded (${JSON.stringify(already.value)}): nothing to do`);
    return { geography, demo: "skipped" };
  }

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = new Date();
  const counts = await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})`;
      // Checked again under the lock: another run may have seeded meanwhile.
      if (await tx.setting.findUnique({ where: { key: SEED_SETTING_KEY } })) return undefined;
      const created = await seedDemoContent(tx, passwordHash, now);
      await tx.setting.create({
        data: { key: SEED_SETTING_KEY, value: json({ version: SEED_VERSION, seededAt: now.toISOString() }) },
      });
      return created;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  if (!counts) {
    log("demo content seeded meanwhile by another run: nothing to do");
    return { geography, demo: "skipped" };
  }
  log(
    `demo content: ${counts.accounts} accounts, ${counts.consultations} consultations, ${counts.submissions} submissions, ` +
      `${counts.supports} supports, ${counts.comments} comments, ${counts.responses} responses`,
  );
  return { geography, demo: "created", counts };
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(
      "seed: DATABASE_URL is not set (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/synochi)",
    );
    process.exit(1);
  }
  const db = createDb(url);
  try {
    await seed(db, { log: (line) => console.log(`seed: ${line}`) });
  } finally {
    await db.$disconnect();
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;

if (invokedDirectly) {
  main().catch((error: unknown) => {
    console.error(`seed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
