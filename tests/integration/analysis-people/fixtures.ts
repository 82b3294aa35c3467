/** Shared set-up of the analysis-people tests: submissions with chosen text, and analyses written directly. */
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import { createSubmission } from "~/domain/submissions/submissions.server.ts";
import type { PrismaClient } from "~/generated/prisma/client.ts";
import { newId } from "~/utils/ids.ts";

export { actor, errorOf, makeActor, makeConsultation, setEnv } from "../moderation/fixtures.ts";

const doc = (text: string) =>
  JSON.stringify({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] });

/** A published submission with this title and body. */
export async function submissionWith(
  db: PrismaClient,
  author: CurrentUser,
  consultationId: string,
  title: string,
  body: string,
): Promise<string> {
  const { id } = await createSubmission(db, author, consultationId, {
    kind: "proposal",
    title,
    body: doc(body),
    bodyFormat: "json",
    targetGroups: [],
  });
  return id;
}

export const MODEL_VERSION = "test-model-1";

/** The classifier model row analyses refer to (created once per database). */
export async function ensureModel(db: PrismaClient, version = MODEL_VERSION): Promise<void> {
  await db.classifierModel.createMany({
    data: [{ id: newId(), version, metrics: {}, data: Buffer.from([]) }],
    skipDuplicates: true,
  });
}

export interface AnalysisInput {
  version?: number;
  modelVersion?: string;
  themes?: { key: string; confidence: number }[];
  targetGroups?: { key: string; confidence: number }[];
  kind?: "proposal" | "need" | "opinion";
  kindConfidence?: number;
  urgent?: boolean;
  urgentConfidence?: number;
  offTopic?: boolean;
  offTopicConfidence?: number;
  municipalityId?: string | null;
  municipalityConfidence?: number | null;
  createdAt?: Date;
}

/** Writes (or overwrites) the automatic analysis of one submission version, as the analysis worker would. */
export async function insertAnalysis(db: PrismaClient, submissionId: string, a: AnalysisInput = {}) {
  await ensureModel(db, a.modelVersion ?? MODEL_VERSION);
  const version = a.version ?? 1;
  const data = {
    modelVersion: a.modelVersion ?? MODEL_VERSION,
    themes: a.themes ?? [{ key: "housing", confidence: 0.91 }],
    targetGroups: a.targetGroups ?? [{ key: "homeless", confidence: 0.8 }],
    kind: a.kind ?? "need",
    kindConfidence: a.kindConfidence ?? 0.7,
    urgent: a.urgent ?? false,
    urgentConfidence: a.urgentConfidence ?? 0.1,
    offTopic: a.offTopic ?? false,
    offTopicConfidence: a.offTopicConfidence ?? 0.05,
    municipalityId: a.municipalityId ?? null,
    municipalityConfidence: a.municipalityConfidence ?? null,
    createdAt: a.createdAt ?? new Date(),
  };
  return db.submissionAnalysis.upsert({
    where: { submissionId_submissionVersion: { submissionId, submissionVersion: version } },
    create: { id: newId(), submissionId, submissionVersion: version, ...data },
    update: data,
  });
}
