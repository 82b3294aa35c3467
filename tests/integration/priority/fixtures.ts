/**
 * Test data for the priority tests, written straight to the database: a consultation with a strategy
 * version, submissions with their analysis, supports, comments and organisations.
 */
import type { CommentAlignment, PrismaClient, SubmissionKind } from "~/generated/prisma/client.ts";
import { newId } from "~/utils/ids.ts";
import { createUser } from "../../helpers/factories.ts";

const emptyDoc = { type: "doc", content: [] };
export const MODEL_VERSION = "priority-test-1";

/** The classifier row analyses point to (once per database). */
export async function ensureModel(db: PrismaClient): Promise<void> {
  await db.classifierModel.upsert({
    where: { version: MODEL_VERSION },
    create: { id: newId(), version: MODEL_VERSION, metrics: {}, data: Buffer.from("test") },
    update: {},
  });
}

/** A strategy version whose measures cover `themes` (a theme listed twice is covered by two measures). */
export async function createStrategy(db: PrismaClient, createdById: string, themes: string[]) {
  const id = newId();
  await db.strategyVersion.create({
    data: {
      id,
      label: `ΠεΣΚΕ ${id.slice(0, 8)}`,
      status: "published",
      createdById,
      axes: {
        create: [
          {
            id: newId(),
            number: 1,
            title: "Άξονας 1",
            measures: {
              create: themes.map((themeKey, i) => ({
                id: newId(),
                number: i + 1,
                title: `Μέτρο ${i + 1}`,
                themes: { create: [{ themeKey }] },
              })),
            },
          },
        ],
      },
    },
  });
  return id;
}

export async function createConsultation(
  db: PrismaClient,
  {
    createdById,
    title,
    strategyVersionId = null,
  }: { createdById: string; title?: string; strategyVersionId?: string | null },
) {
  const id = newId();
  return db.consultation.create({
    data: {
      id,
      slug: `c-${id.slice(0, 8)}`,
      title: title ?? `Διαβούλευση ${id.slice(0, 6)}`,
      summary: "Περίληψη",
      bodyJson: emptyDoc,
      bodyHtml: "<p>Κείμενο</p>",
      phase: "open",
      opensAt: new Date(Date.now() - 86_400_000),
      closesAt: new Date(Date.now() + 30 * 86_400_000),
      strategyVersionId,
      createdById,
    },
  });
}

export interface SubmissionSpec {
  consultationId: string;
  authorId: string;
  title?: string;
  kind?: SubmissionKind;
  municipalityId?: string | null;
  createdAt?: Date;
  /** The analysis, if any. */
  analysis?: {
    themes?: { key: string; confidence: number }[];
    targetGroups?: { key: string; confidence: number }[];
    urgent?: boolean;
    urgentConfidence?: number;
    municipalityId?: string | null;
  };
}

export async function createSubmission(db: PrismaClient, spec: SubmissionSpec) {
  const id = newId();
  const s = await db.submission.create({
    data: {
      id,
      consultationId: spec.consultationId,
      authorId: spec.authorId,
      kind: spec.kind ?? "proposal",
      title: spec.title ?? `Πρόταση ${id.slice(0, 6)}`,
      bodyJson: emptyDoc,
      bodyHtml: "<p>Κείμενο</p>",
      bodyText: "Κείμενο",
      municipalityId: spec.municipalityId ?? null,
      status: "published",
      ...(spec.createdAt ? { createdAt: spec.createdAt } : {}),
    },
  });
  if (spec.analysis) {
    await ensureModel(db);
    const a = spec.analysis;
    await db.submissionAnalysis.create({
      data: {
        id: newId(),
        submissionId: id,
        submissionVersion: 1,
        modelVersion: MODEL_VERSION,
        themes: a.themes ?? [],
        targetGroups: a.targetGroups ?? [],
        kind: spec.kind ?? "proposal",
        kindConfidence: 0.9,
        urgent: a.urgent ?? false,
        urgentConfidence: a.urgentConfidence ?? (a.urgent ? 0.9 : 0.1),
        municipalityId: a.municipalityId ?? null,
        municipalityConfidence: a.municipalityId ? 0.9 : null,
      },
    });
  }
  return s;
}

/** `n` new citizens supporting the submission (the count kept in step, as the app does). */
export async function addSupports(db: PrismaClient, submissionId: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await createUser(db)).id);
  await db.support.createMany({ data: ids.map((userId) => ({ submissionId, userId })) });
  await db.submission.update({ where: { id: submissionId }, data: { supportCount: { increment: n } } });
  return ids;
}

export async function addComment(
  db: PrismaClient,
  submissionId: string,
  authorId: string,
  alignment: CommentAlignment = "neutral",
) {
  await db.comment.create({
    data: { id: newId(), submissionId, authorId, alignment, body: "Σχόλιο" },
  });
  await db.submission.update({ where: { id: submissionId }, data: { commentCount: { increment: 1 } } });
}

/** An organisation in `municipalityId` with `userId` as a member. */
export async function addOrganisationMember(db: PrismaClient, userId: string, municipalityId: string | null) {
  const id = newId();
  await db.organisation.create({
    data: {
      id,
      name: `Φορέας ${id.slice(0, 8)}`,
      kind: "ngo",
      municipalityId,
      members: { create: [{ userId }] },
    },
  });
  return id;
}
